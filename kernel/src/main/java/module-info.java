/**
 * A lock-free priority task scheduling kernel.
 *
 * <p>The public API lives in {@code dev.gepa.scheduler}; everything in
 * {@code dev.gepa.scheduler.internal} is an implementation detail and is not exported.
 */
module dev.gepa.scheduler {
    requires org.jctools.core;
    // JCTools reads sun.misc.Unsafe but requires jdk.unsupported only statically, so an
    // application launched with a named main module would not resolve it and the first queue
    // would fail with NoClassDefFoundError (ModulePathTest).
    requires jdk.unsupported;
    exports dev.gepa.scheduler;
}
