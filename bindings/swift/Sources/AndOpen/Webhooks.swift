import AndOpenFFI
import Foundation

/// Why a webhook delivery was not accepted.
public enum WebhookError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The delivery must not be acted on (forged, tampered, replayed, unsigned, unreadable): answer it with a
    /// 4xx. `code` is `missing_header`, `invalid_signature`, `invalid_timestamp`, `outside_tolerance`,
    /// `invalid_event_id` or `invalid_body`; `message` names the header or the rule.
    case refused(code: String, message: String)
    /// Your ``EventStore`` failed, so whether the event is new is not known: answer with a 5xx, so that the
    /// delivery is retried, and do not act on it.
    case storeFailed(message: String)

    public var description: String {
        switch self {
        case .refused(let code, let message): "webhook refused (\(code)): \(message)"
        case .storeFailed(let message): "the event store failed: \(message)"
        }
    }
}

/// Verifies webhook deliveries signed with one secret, and flags repeats: in bounded memory, or through
/// your own ``EventStore`` (a database table) so that de-duplication survives restarts and is shared
/// between servers. The signature, the replay window and the body are checked by the SDK's core. Share one
/// receiver per secret between tasks.
///
/// ```swift
/// let receiver = try WebhookReceiver(secret: secret)
/// // In your route, with the body's raw bytes as read from the request (never a re-encoded object):
/// do {
///     let delivery = try receiver.receive(headers: request.headers, body: request.body)
///     if !delivery.duplicate { history.recordDelivery(delivery: delivery) }
///     return .ok
/// } catch WebhookError.refused {
///     return .badRequest
/// } catch WebhookError.storeFailed {
///     return .serviceUnavailable
/// }
/// ```
public final class WebhookReceiver: Sendable {
    private let native: AndOpenFFI.WebhookReceiver
    private let clock: @Sendable () -> Date

    /// A receiver that remembers recent event ids in memory.
    /// - Parameters:
    ///   - secret: the webhook signing secret (its UTF-8 bytes, as given).
    ///   - tolerance: how far a delivery's dispatch timestamp may be from now, either way, in whole seconds.
    ///   - remember: how many recent event ids are kept (`AndOpen.limits.defaultRememberedEvents` by default,
    ///     at most `AndOpen.limits.maxRememberedEvents`).
    ///   - now: the clock; tests pass a fixed one.
    /// - Throws: ``AndOpenError/validation(_:)`` naming the option: an empty secret, no room for event ids, a
    ///   tolerance that is not whole seconds or out of range.
    public init(
        secret: String,
        tolerance: Duration = .seconds(300),
        remember: Int = Int(clamping: AndOpen.limits.defaultRememberedEvents),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AndOpenError) {
        let toleranceS = try Self.wholeSeconds(tolerance)
        guard let remembered = UInt32(exactly: remember) else {
            throw AndOpenError.invalidArgument("remember", remember < 0 ? "must not be negative" : "is too large")
        }
        native = try core { try AndOpenFFI.WebhookReceiver(secret: secret, toleranceS: toleranceS, rememberEvents: remembered) }
        clock = now
    }

    /// A receiver that de-duplicates through your `store` instead of memory.
    /// - Throws: ``AndOpenError/validation(_:)`` naming the option, as the other initialiser.
    public init(
        secret: String,
        store: any EventStore,
        tolerance: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AndOpenError) {
        let toleranceS = try Self.wholeSeconds(tolerance)
        native = try core { try AndOpenFFI.WebhookReceiver.withStore(secret: secret, toleranceS: toleranceS, store: store) }
        clock = now
    }

    /// Verifies one delivery: the headers, the signature over the raw body, the replay window, the event id
    /// and the body. A repeat of an accepted event comes back with `duplicate` set: answer it with a 2xx and
    /// do not act on it again. Call this before acting on anything in the delivery.
    /// - Throws: ``WebhookError``.
    public func receive(headers: [Header], body: Data) throws(WebhookError) -> WebhookDelivery {
        do {
            return try native.receive(headers: headers, body: body, nowUnixMs: unixMillis(clock()))
        } catch let error as AndOpenFFI.WebhookError {
            throw Self.translate(error)
        } catch {
            throw .storeFailed(message: "\(error)")
        }
    }

    /// ``receive(headers:body:)`` with the headers as a dictionary (names in any case).
    public func receive(headers: [String: String], body: Data) throws(WebhookError) -> WebhookDelivery {
        try receive(headers: headers.map { Header(name: $0.key, value: $0.value) }, body: body)
    }

    /// Forgets an event id, so that its next delivery is accepted as new: call it when you accepted a
    /// delivery but could not act on it (and answered with an error so that it is retried).
    /// - Throws: ``WebhookError/storeFailed(message:)`` when your store fails.
    public func forget(eventId: String) throws(WebhookError) {
        do {
            try native.forget(eventId: eventId)
        } catch let error as AndOpenFFI.WebhookError {
            throw Self.translate(error)
        } catch {
            throw .storeFailed(message: "\(error)")
        }
    }

    private static func translate(_ error: AndOpenFFI.WebhookError) -> WebhookError {
        switch error {
        case .Refused(let code, let detail): .refused(code: code, message: detail)
        case .StoreFailed(let detail): .storeFailed(message: detail)
        }
    }

    private static func wholeSeconds(_ tolerance: Duration) throws(AndOpenError) -> UInt32 {
        let (seconds, attoseconds) = tolerance.components
        guard attoseconds == 0 else { throw AndOpenError.invalidArgument("tolerance", "must be a whole number of seconds") }
        guard let whole = UInt32(exactly: seconds) else {
            throw AndOpenError.invalidArgument("tolerance", seconds < 0 ? "must not be negative" : "is too long")
        }
        return whole
    }
}

/// The signature of a delivery (lowercase hex HMAC-SHA256 of `{timestamp}.{body}`), computed by the core:
/// for a service that re-signs deliveries, or a test that signs its own.
public func webhookSignature(secret: String, timestamp: String, body: Data) -> String {
    AndOpenFFI.webhookSignature(secret: secret, timestamp: timestamp, body: body)
}

extension GiftHistory {
    /// Folds in a gift request a call returned (a creation, a read, a poll); `false` if it could not be read.
    @discardableResult
    public func record(_ gift: GiftRequest) -> Bool {
        recordGiftJson(json: gift.json)
    }

    /// Whether `recipient` may be gifted now (or at `date`) under a look-back `window`.
    public func eligibility(of recipient: RecipientRef, within window: LookBackWindow, at date: Date = Date()) -> Eligibility {
        eligibility(recipient: recipient, window: window, nowUnixMs: unixMillis(date))
    }

    /// Values gifts in ``recipientSummary(recipient:)`` from these campaigns' catalogues; returns how many were
    /// read.
    @discardableResult
    public func setPrices(from campaigns: [Campaign]) -> Int {
        Int(setPrices(campaignsJson: campaigns.map(\.rawJson)))
    }
}

/// `date` in whole milliseconds since the Unix epoch, saturating (never a trap, whatever the date).
func unixMillis(_ date: Date) -> Int64 {
    let ms = (date.timeIntervalSince1970 * 1000).rounded(.down)
    guard ms.isFinite else { return ms > 0 ? .max : .min }
    return Int64(exactly: ms) ?? (ms > 0 ? .max : .min)
}
