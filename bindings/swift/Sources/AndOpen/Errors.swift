import AndOpenFFI
import Foundation

/// Anything that stopped a call, one case per kind of failure. Every case carries the same ``Details``,
/// built by the SDK's core: the server's problems (`type`, `code`, `param`, `message`), the HTTP status, the
/// `Request-Id` and the rate-limit figures. The ``message`` is a readable sentence; no error ever contains
/// the API key.
///
/// ```swift
/// do {
///     gift = try await client.createGiftRequest(params)
/// } catch AndOpenError.validation(let details) {        // nothing was sent
///     for problem in details.errors { form.show(problem.message, under: problem.param) }
/// } catch AndOpenError.outcomeUnknown(let details) {    // the gift may exist: look it up first
///     reconcile(requestId: details.requestId)
/// }
/// ```
///
/// A call whose task is cancelled throws `CancellationError` when nothing is in doubt (nothing was sent,
/// or what was sent is a read); a gift creation cancelled while its request was on the way throws
/// ``outcomeUnknown(_:)``, never a plain cancellation.
public enum AndOpenError: Error, Sendable, Hashable {
    /// The configuration was refused before anything was sent; `code` says why (`malformed_api_key`,
    /// `environment_mismatch`, `insecure_transport`, `invalid_base_url`, ...).
    case config(Details)
    /// The input was refused before anything was sent; `errors` lists every problem, each naming its field.
    case validation(Details)
    /// The server answered with an error: `status`, `type` (`authentication_error`, `not_found_error`,
    /// `rate_limit_error`, ...), `code`, `param`, `requestId`, `retryAfter`.
    case api(Details)
    /// A gift creation may or may not have happened, and it was not sent again. Look the gift up (quote
    /// `requestId` to support) before deciding to send another.
    case outcomeUnknown(Details)
    /// Every attempt failed without a response; `attempts` says how many were made.
    case transport(Details)
    /// A response could not be read as the contract says. After a creation answered with a 2xx status, the
    /// gift request *was* created.
    case decode(Details)
    /// A wait ran past its deadline.
    case timeout(Details)
    /// A wait's target can no longer be reached (the gift request was cancelled).
    case unreachable(Details)
    /// A call was handed a response after it had finished (only when you drive the core's calls yourself).
    case finished(Details)

    /// What every ``AndOpenError`` carries, field by field.
    public struct Details: Sendable, Hashable {
        /// A readable sentence (never the API key).
        public let message: String
        /// The first problem's category (`validation_error`, `not_found_error`, ...), falling back on the HTTP
        /// status when the server named none.
        public let type: String?
        /// The first problem's code (`required`, `out_of_stock`, ...), or the configuration problem's code.
        public let code: String?
        /// The first problem's field, in dot notation (`line_items[0].quantity`).
        public let param: String?
        /// The HTTP status behind the error.
        public let status: Int?
        /// The `Request-Id` behind the error: quote it to support.
        public let requestId: String?
        /// `Retry-After`, when the response carried one.
        public let retryAfter: Duration?
        /// The rate-limit figures of the response behind the error.
        public let rateLimit: RateLimit?
        /// Requests sent, for a transport failure.
        public let attempts: Int?
        /// Every problem, in the server's words: put each `message` under the field its `param` names.
        public let errors: [FieldError]
    }

    /// The error for a report of the core (the `failed` step of a call you drive yourself, say).
    public init(_ report: ErrorReport) {
        let details = Details(
            message: report.message,
            type: report.errorType,
            code: report.code,
            param: report.param,
            status: report.status.map(Int.init),
            requestId: report.requestId,
            retryAfter: report.retryAfterS.map { Duration.seconds($0) },
            rateLimit: report.rateLimit,
            attempts: report.attempts.map(Int.init),
            errors: report.errors)
        switch report.kind {
        case .config: self = .config(details)
        case .validation: self = .validation(details)
        case .api: self = .api(details)
        case .outcomeUnknown: self = .outcomeUnknown(details)
        case .transport: self = .transport(details)
        case .decode: self = .decode(details)
        case .timeout: self = .timeout(details)
        case .unreachable: self = .unreachable(details)
        case .finished: self = .finished(details)
        }
    }

    /// A refusal of a Swift argument the core never sees (a duration it cannot take, say): a validation
    /// error naming the argument, shaped as the core shapes its own.
    static func invalidArgument(_ param: String, _ rule: String, code: String = "invalid") -> AndOpenError {
        .validation(Details(
            message: "the request was not sent: \(param): \(rule)",
            type: "validation_error", code: code, param: param, status: nil, requestId: nil, retryAfter: nil,
            rateLimit: nil, attempts: nil,
            errors: [FieldError(errorType: "validation_error", code: code, message: rule, param: param)]))
    }

    /// The kind of failure, as the core names it.
    public var kind: ErrorKind {
        switch self {
        case .config: .config
        case .validation: .validation
        case .api: .api
        case .outcomeUnknown: .outcomeUnknown
        case .transport: .transport
        case .decode: .decode
        case .timeout: .timeout
        case .unreachable: .unreachable
        case .finished: .finished
        }
    }

    /// The fields every case carries.
    public var details: Details {
        switch self {
        case .config(let d), .validation(let d), .api(let d), .outcomeUnknown(let d), .transport(let d),
             .decode(let d), .timeout(let d), .unreachable(let d), .finished(let d):
            d
        }
    }

    /// A readable sentence (never the API key).
    public var message: String { details.message }
    /// The first problem's category, falling back on the HTTP status.
    public var type: String? { details.type }
    /// The first problem's code.
    public var code: String? { details.code }
    /// The first problem's field, in dot notation.
    public var param: String? { details.param }
    /// The HTTP status behind the error.
    public var status: Int? { details.status }
    /// The `Request-Id` behind the error: quote it to support.
    public var requestId: String? { details.requestId }
    /// Every problem, in the server's words.
    public var errors: [FieldError] { details.errors }
}

extension AndOpenError: CustomStringConvertible, CustomDebugStringConvertible, LocalizedError {
    public var description: String { message }

    public var debugDescription: String {
        var facts: [String] = []
        if let status { facts.append("status \(status)") }
        if let type { facts.append(type) }
        if let code { facts.append(code) }
        if let param { facts.append("param \(param)") }
        if let requestId { facts.append("Request-Id \(requestId)") }
        let shown = facts.isEmpty ? "" : " (" + facts.joined(separator: ", ") + ")"
        return "AndOpenError.\(kindName)\(shown): \(message)"
    }

    public var errorDescription: String? { message }

    private var kindName: String {
        switch self {
        case .config: "config"
        case .validation: "validation"
        case .api: "api"
        case .outcomeUnknown: "outcomeUnknown"
        case .transport: "transport"
        case .decode: "decode"
        case .timeout: "timeout"
        case .unreachable: "unreachable"
        case .finished: "finished"
        }
    }
}

extension FieldError {
    /// The category (`validation_error`, `api_error`, ...): the wire key `type`.
    public var type: String { errorType }
}

/// Runs `body`, turning the core's refusal into an ``AndOpenError``.
func core<T>(_ body: () throws -> T) throws(AndOpenError) -> T {
    do {
        return try body()
    } catch CoreError.Refused(let report) {
        throw AndOpenError(report)
    } catch let error as AndOpenError {
        throw error
    } catch {
        // The generated functions throw nothing else; should one ever, it is still the SDK's error.
        throw AndOpenError.invalidArgument("input", "was refused: \(error)")
    }
}
