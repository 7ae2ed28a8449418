import AndOpenFFI
import Foundation

/// Why a webhook delivery was not accepted.
public enum WebhookError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The delivery must not be acted on (forged, tampered, replayed, unsigned, too large, or an event type
    /// that contradicts the signed body): answer it with ``status``. `code` is `missing_header`,
    /// `repeated_header`, `invalid_signature`, `invalid_timestamp`, `outside_tolerance`, `invalid_event_id`,
    /// `invalid_event_type`, `event_type_mismatch`, `invalid_body` or `body_too_large`; `message` names the
    /// header or the rule.
    case refused(code: String, message: String)
    /// Your ``EventStore`` failed, so whether the delivery is new is not known: answer with a 5xx, so that it
    /// is retried, and do not act on it.
    case storeFailed(message: String)

    /// The HTTP status to answer the delivery with, by the core's rule: 413 for `body_too_large`, 400 for any
    /// other refusal, 503 when the store failed.
    public var status: Int {
        switch self {
        case .refused(let code, _): Int(webhookRefusalStatus(code: code))
        case .storeFailed: 503
        }
    }

    public var description: String {
        switch self {
        case .refused(let code, let message): "webhook refused (\(code)): \(message)"
        case .storeFailed(let message): "the event store failed: \(message)"
        }
    }
}

/// Verifies webhook deliveries and flags repeats: in bounded memory, or through your own ``EventStore`` (a
/// database table) so that de-duplication survives restarts and is shared between servers. Only what the
/// signature covers is trusted: a delivery whose event id, or whose signed body under any event id, was
/// accepted before is a `duplicate`, and an event type that contradicts the signed body is refused. The
/// signature, the replay window and the body are checked by the SDK's core. Share one receiver per secret
/// between tasks.
///
/// ```swift
/// let receiver = try WebhookReceiver(secret: secret)
/// // In your route, with the body's raw bytes as read from the request (never a re-encoded object):
/// do {
///     let delivery = try receiver.receive(headers: request.headers, body: request.body)
///     if !delivery.duplicate { history.recordDelivery(delivery: delivery) }
///     return 200
/// } catch {
///     return error.status        // 400 or 413 when refused, 503 when your store failed
/// }
/// ```
public final class WebhookReceiver: Sendable {
    private let native: AndOpenFFI.WebhookReceiver
    private let clock: @Sendable () -> Date

    /// A receiver for one secret that remembers recent deliveries in memory.
    /// - Parameters:
    ///   - secret: the webhook signing secret (its UTF-8 bytes, as given).
    ///   - tolerance: how far a delivery's dispatch timestamp may be from now, either way, in whole seconds.
    ///   - remember: how many recent deliveries are kept (`AndOpen.limits.defaultRememberedEvents` when
    ///     absent, at most `AndOpen.limits.maxRememberedEvents`; memory grows with use, not with this figure).
    ///   - now: the clock; tests pass a fixed one.
    /// - Throws: ``AndOpenError/validation(_:)`` naming the option: a blank secret, a `remember` out of range,
    ///   a tolerance that is not whole seconds or out of range.
    public convenience init(
        secret: String, tolerance: Duration = .seconds(300), remember: Int? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AndOpenError) {
        try self.init(secrets: [secret], tolerance: tolerance, remember: remember, now: now)
    }

    /// A receiver that accepts deliveries signed with any of `secrets` (during a rotation: the newest first,
    /// at most eight), remembering recent deliveries in memory.
    /// - Throws: ``AndOpenError/validation(_:)`` naming the option, as ``init(secret:tolerance:remember:now:)``.
    public init(
        secrets: [String], tolerance: Duration = .seconds(300), remember: Int? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AndOpenError) {
        let toleranceS = try Self.wholeSeconds(tolerance)
        // The range is the core's rule (it names `remember`): a figure out of 32 bits reaches it as its nearest end.
        let count = remember.map { UInt32(clamping: $0) } ?? UInt32(clamping: AndOpen.limits.defaultRememberedEvents)
        native = try core { try AndOpenFFI.WebhookReceiver.withSecrets(secrets: secrets, toleranceS: toleranceS, rememberEvents: count) }
        clock = now
    }

    /// A receiver that de-duplicates through your `store` instead of memory, for one secret or, during a
    /// rotation, several (the newest first).
    /// - Throws: ``AndOpenError/validation(_:)`` naming the option.
    public init(
        secrets: [String], store: any EventStore, tolerance: Duration = .seconds(300), now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AndOpenError) {
        let toleranceS = try Self.wholeSeconds(tolerance)
        native = try core { try AndOpenFFI.WebhookReceiver.withSecretsAndStore(secrets: secrets, toleranceS: toleranceS, store: store) }
        clock = now
    }

    /// ``init(secrets:store:tolerance:now:)`` for one secret.
    public convenience init(
        secret: String, store: any EventStore, tolerance: Duration = .seconds(300), now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AndOpenError) {
        try self.init(secrets: [secret], store: store, tolerance: tolerance, now: now)
    }

    /// Verifies one delivery: the headers, the signature over the raw body, the replay window, the event id,
    /// the event type against the body, and the body. A repeat of an accepted delivery comes back with
    /// `duplicate` set: answer it with a 2xx and do not act on it again. Call this before acting on anything
    /// in the delivery.
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

    /// Forgets the delivery accepted under `eventId` (its body with it), so that its next delivery is
    /// accepted as new: call it when you accepted a delivery but could not act on it (and answered with an
    /// error so that it is retried).
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
            throw AndOpenError.invalidArgument("tolerance", "must be from 0 to \(UInt32.max) seconds")
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
