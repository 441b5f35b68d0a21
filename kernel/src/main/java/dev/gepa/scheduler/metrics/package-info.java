/**
 * Micrometer metrics for a {@link dev.gepa.scheduler.Scheduler}: {@link
 * dev.gepa.scheduler.metrics.SchedulerMetrics} registers its figures under Micrometer's
 * standard executor meter names, so that existing executor dashboards show it.
 *
 * <p>Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency of the
 * kernel: only this package uses it, and an application that never touches this package needs
 * nothing of Micrometer on its class path or module path.
 */
package dev.gepa.scheduler.metrics;
