// Stands in for the core's `limits()` export until the branch takes it from main; removed then.
public struct Limits: Sendable, Hashable {
    public let maxResponseBytes: UInt64
    public let defaultRememberedEvents: UInt64
    public let maxRememberedEvents: UInt64
}

func AndOpen_limits() -> Limits {
    Limits(maxResponseBytes: 4 << 20, defaultRememberedEvents: 100_000, maxRememberedEvents: 1_000_000)
}
