package co.andopen.sdk

import co.andopen.sdk.ffi.CoreException
import co.andopen.sdk.ffi.ErrorKind
import co.andopen.sdk.ffi.ErrorReport
import co.andopen.sdk.ffi.FieldError
import co.andopen.sdk.ffi.RateLimit
import java.time.Duration

/**
 * Anything that stopped a call. The subclass says what kind; every one carries the same fields, built by
 * the core: [type], [code], [param], [status], [requestId], [retryAfter], [rateLimit], [attempts] and
 * [errors] (every problem, in the server's words). [message] is a readable sentence; it never contains
 * the API key.
 */
open class AndOpenException(
    /** The core's report, field by field. */
    val report: ErrorReport,
    /** What the transport threw, for a failure without an answer. */
    cause: Throwable? = null,
) : RuntimeException(report.message, cause) {
    /** What kind of failure. */
    val kind: ErrorKind get() = report.kind

    /** The first problem's category (`validation_error`, ...), falling back on the HTTP status. */
    val type: String? get() = report.errorType

    /** The first problem's code, or the configuration problem's code (`malformed_api_key`, ...). */
    val code: String? get() = report.code

    /** The first problem's field, in dot notation (`line_items[0].quantity`). */
    val param: String? get() = report.param

    /** The HTTP status behind the error. */
    val status: Int? get() = report.status

    /** The `Request-Id` behind the error: quote it to support. */
    val requestId: String? get() = report.requestId

    /** `Retry-After`, when the response carried one. */
    val retryAfter: Duration? get() = report.retryAfterS?.let { Duration.ofSeconds(it) }

    /** The rate-limit figures of the response behind the error. */
    val rateLimit: RateLimit? get() = report.rateLimit

    /** Requests sent, for a transport failure. */
    val attempts: Int? get() = report.attempts

    /** Every problem, in the server's words: put each `message` under the field its `param` names. */
    val errors: List<FieldError> get() = report.errors
}

/** The configuration was refused before anything was sent ([code] says why). */
class ConfigException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** The input was refused before anything was sent; [errors] lists every problem. */
class ValidationException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** The server answered with an error. */
open class ApiException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** 401: the key is missing, malformed, unknown or of another environment. */
class AuthenticationException(report: ErrorReport, cause: Throwable? = null) : ApiException(report, cause)

/** 403: authenticated but not permitted. */
class AuthorizationException(report: ErrorReport, cause: Throwable? = null) : ApiException(report, cause)

/** 404: no such resource in your account. */
class NotFoundException(report: ErrorReport, cause: Throwable? = null) : ApiException(report, cause)

/** 429: rate limited, and [retryAfter] was longer than the retry policy sleeps through. */
class RateLimitException(report: ErrorReport, cause: Throwable? = null) : ApiException(report, cause)

/**
 * A gift creation may or may not have happened; it was not sent again. Look the gift up (quote
 * [requestId] to support) before deciding to send another.
 */
class OutcomeUnknownException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** Every attempt failed without a response ([attempts] says how many were made). */
class TransportException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** A response could not be read as the contract says. For a creation, the gift request *was* created. */
class DecodeException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** A wait ran past its deadline. */
class WaitTimeoutException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** A wait's target can no longer be reached (the gift request was cancelled). */
class UnreachableException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** A call was handed a response after it had finished. */
class CallFinishedException(report: ErrorReport, cause: Throwable? = null) : AndOpenException(report, cause)

/** The exception for a report of the core ([cause]: what the transport threw, if anything). */
fun ErrorReport.toException(cause: Throwable? = null): AndOpenException = when (kind) {
    ErrorKind.CONFIG -> ConfigException(this, cause)
    ErrorKind.VALIDATION -> ValidationException(this, cause)
    ErrorKind.API -> when (errorType) {
        "authentication_error" -> AuthenticationException(this, cause)
        "authorization_error" -> AuthorizationException(this, cause)
        "not_found_error" -> NotFoundException(this, cause)
        "rate_limit_error" -> RateLimitException(this, cause)
        else -> ApiException(this, cause)
    }
    ErrorKind.OUTCOME_UNKNOWN -> OutcomeUnknownException(this, cause)
    ErrorKind.TRANSPORT -> TransportException(this, cause)
    ErrorKind.DECODE -> DecodeException(this, cause)
    ErrorKind.TIMEOUT -> WaitTimeoutException(this, cause)
    ErrorKind.UNREACHABLE -> UnreachableException(this, cause)
    ErrorKind.FINISHED -> CallFinishedException(this, cause)
}

/** Runs [block], turning the core's refusal into the SDK's exception. */
internal inline fun <T> core(block: () -> T): T = try {
    block()
} catch (e: CoreException.Refused) {
    throw e.report.toException()
}
