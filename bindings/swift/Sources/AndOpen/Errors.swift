import AndOpenFFI
import Foundation

/// Anything that stopped a call. `kind` says what kind; every error carries the same fields, built by the
/// core: `type`, `code`, `param`, `status`, `requestId`, `retryAfter`, `rateLimit`, `attempts` and
/// `errors` (every problem, in the server's words). `message` is a readable sentence without the API key.
public struct AndOpenError: Error, CustomStringConvertible, LocalizedError {
    /// The core's report, field by field.
    public let report: ErrorReport

    public init(_ report: ErrorReport) { self.report = report }

    /// What kind of failure: `.validation` (nothing sent), `.api`, `.outcomeUnknown` (the gift may exist:
    /// reconcile before sending again), `.transport`, `.decode`, `.timeout`, `.unreachable`, `.config`.
    public var kind: ErrorKind { report.kind }
    public var message: String { report.message }
    /// The first problem's category (`validation_error`, ...), falling back on the HTTP status.
    public var type: String? { report.errorType }
    /// The first problem's code, or the configuration problem's code.
    public var code: String? { report.code }
    /// The first problem's field, in dot notation (`line_items[0].quantity`).
    public var param: String? { report.param }
    /// The HTTP status behind the error.
    public var status: Int? { report.status.map(Int.init) }
    /// The `Request-Id` behind the error: quote it to support.
    public var requestId: String? { report.requestId }
    /// `Retry-After`, when the response carried one.
    public var retryAfter: TimeInterval? { report.retryAfterS.map(TimeInterval.init) }
    public var rateLimit: RateLimit? { report.rateLimit }
    /// Requests sent, for a transport failure.
    public var attempts: Int? { report.attempts.map(Int.init) }
    /// Every problem, in the server's words: put each `message` under the field its `param` names.
    public var errors: [FieldError] { report.errors }

    public var description: String { report.message }
    public var errorDescription: String? { report.message }
}

/// Runs `body`, turning the core's refusal into an `AndOpenError`.
func core<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch CoreError.Refused(let report) {
        throw AndOpenError(report)
    }
}
