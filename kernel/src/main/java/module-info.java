/**
 * A lock-free priority task scheduling kernel.
 *
 * <p>The public API lives in {@code dev.gepa.scheduler}; everything in
 * {@code dev.gepa.scheduler.internal} is an implementation detail and is not exported.
 * {@code dev.gepa.scheduler.metrics} binds a scheduler's figures to Micrometer, an optional
 * dependency needed only by those who use that package.
 */
// Micrometer ships no module descriptor, only an Automatic-Module-Name: the lints that warn of
// depending on an automatic module have nothing to offer here
@SuppressWarnings("requires-automatic")
module dev.gepa.scheduler {
    requires org.jctools.core;
    // JCTools reads sun.misc.Unsafe but requires jdk.unsupported only statically, so an
    // application launched with a named main module would not resolve it and the first queue
    // would fail with NoClassDefFoundError (ModulePathTest).
    requires jdk.unsupported;
    // only the metrics binder reads Micrometer, whose jar names its automatic module
    // micrometer.core. Static, so that an application without Micrometer resolves the kernel
    // all the same. Not transitive: javac would then demand Micrometer when it compiles any
    // module that requires the kernel (ModulePathTest); a module that binds the metrics requires
    // micrometer.core itself, as it must to hold a registry.
    requires static micrometer.core;
    // the flight recorder's events (TaskExecution, TaskRejected, SchedulerStatus); jdk.jfr is
    // in every JDK 17+ image, so this adds no dependency. Not static: every scheduler start
    // listens for the recorder (FlightEvents), so the module must be resolved wherever the
    // kernel is. The events' package stays unexported: the recorder registers them all the same
    // (JfrEventsTest runs on the module path).
    requires jdk.jfr;
    exports dev.gepa.scheduler;
    exports dev.gepa.scheduler.metrics;
}
