/**
 * A lock-free priority task scheduling kernel.
 *
 * <p>The public API lives in {@code dev.gepa.scheduler}; everything in
 * {@code dev.gepa.scheduler.internal} is an implementation detail and is not exported.
 */
module dev.gepa.scheduler {
    requires org.jctools.core;
    exports dev.gepa.scheduler;
}
