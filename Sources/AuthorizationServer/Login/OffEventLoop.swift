/// CPU-heavy work that would hold a thread for long — scrypt at login (~120 ms, 64 MiB, RFC 7914) — runs on the global
/// concurrent executor, never on an HTTP event loop, where request tasks otherwise run (`KuraApplication.onEventLoops`):
/// a loop held that long would stall every connection it serves.
public enum OffEventLoop {
    /// Runs `work` on the global concurrent executor and returns its result to the caller's executor.
    public static func run<T: Sendable>(_ work: @Sendable () -> T) async -> T {
        await withTaskExecutorPreference(globalConcurrentExecutor) { work() }
    }
}
