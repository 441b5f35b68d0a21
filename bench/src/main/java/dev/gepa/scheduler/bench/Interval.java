package dev.gepa.scheduler.bench;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * A confidence interval of a benchmark figure, from independent samples (one per fork, or one
 * per iteration when a run has a single fork).
 *
 * <p>Ratios are estimated on log scores: the log of a ratio is a difference of means, which
 * Welch's t-interval handles without assuming equal variances, and the interval mapped back
 * through {@code exp} stays positive and symmetric in the ratio's own terms (0.5x is as far
 * below 1 as 2x is above).
 */
final class Interval {
    /** The point estimate (a ratio, or a mean). */
    final double estimate;
    final double low;
    final double high;
    /** Samples on each side, e.g. "3+3 forks"; says what the interval rests on. */
    final String basis;

    Interval(double estimate, double low, double high, String basis) {
        this.estimate = estimate;
        this.low = low;
        this.high = high;
        this.basis = basis;
    }

    /** Whether the interval has ends (at least two samples on every side). */
    boolean bounded() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /**
     * The ratio {@code mean(a) / mean(b)} on the log scale, with Welch's t-interval of the
     * difference of the mean logs at {@code confidence} (two-sided), mapped back by exp.
     */
    static Interval ratio(double[] a, double[] b, double confidence, String basis) {
        double[] la = logs(a);
        double[] lb = logs(b);
        double d = mean(la) - mean(lb);
        if (la.length < 2 || lb.length < 2) {
            return new Interval(Math.exp(d), Double.NaN, Double.NaN, basis);
        }
        double va = variance(la) / la.length;
        double vb = variance(lb) / lb.length;
        double se = Math.sqrt(va + vb);
        double half;
        if (se == 0) {
            half = 0;
        } else {
            double df = (va + vb) * (va + vb)
                    / (va * va / (la.length - 1) + vb * vb / (lb.length - 1));
            half = tQuantile(confidence, df) * se;
        }
        return new Interval(Math.exp(d), Math.exp(d - half), Math.exp(d + half), basis);
    }

    /** The geometric mean of paired ratios (one per sample), with a one-sample t-interval on their logs. */
    static Interval pairedRatio(double[] ratios, double confidence, String basis) {
        double[] l = logs(ratios);
        double m = mean(l);
        if (l.length < 2) {
            return new Interval(Math.exp(m), Double.NaN, Double.NaN, basis);
        }
        double half = tQuantile(confidence, l.length - 1) * Math.sqrt(variance(l) / l.length);
        return new Interval(Math.exp(m), Math.exp(m - half), Math.exp(m + half), basis);
    }

    /** The mean of the samples, with a one-sample t-interval. */
    static Interval mean(double[] x, double confidence, String basis) {
        double m = mean(x);
        if (x.length < 2) {
            return new Interval(m, Double.NaN, Double.NaN, basis);
        }
        double half = tQuantile(confidence, x.length - 1) * Math.sqrt(variance(x) / x.length);
        return new Interval(m, m - half, m + half, basis);
    }

    /** The two-sided t quantile: the q with P(|T| <= q) = confidence. */
    static double tQuantile(double confidence, double df) {
        return new TDistribution(df).inverseCumulativeProbability(0.5 + confidence / 2);
    }

    private static double[] logs(double[] x) {
        double[] l = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            l[i] = Math.log(x[i]);
        }
        return l;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** The sample variance (n - 1 in the denominator). */
    static double variance(double[] x) {
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return s / (x.length - 1);
    }
}
