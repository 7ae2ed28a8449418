import AndOpenFFI
import Foundation

/// A delivery that must not be acted on (forged, tampered, replayed, unsigned): answer it with a 4xx.
public struct WebhookRefused: Error, CustomStringConvertible {
    /// `missing_header`, `invalid_signature`, `invalid_timestamp`, `outside_tolerance`, `invalid_event_id`
    /// or `invalid_body`.
    public let code: String
    public let description: String
}

/// Verifies webhook deliveries signed with one secret and flags repeats. Pass the body's raw bytes as
/// read from the request, never a re-encoded object. Thread-safe: share one per secret.
///
/// ```swift
/// let receiver = try AndOpenWebhooks(secret: secret)
/// let delivery = try receiver.receive(headers: request.headers, body: request.body)   // throws WebhookRefused
/// if !delivery.duplicate { history.recordDelivery(delivery: delivery) }
/// ```
public final class AndOpenWebhooks {
    private let native: WebhookReceiver
    private let now: () -> Date

    /// `tolerance`: seconds the dispatch timestamp may be from now (300 by default); `remember`: how many
    /// recent event ids are kept for de-duplication.
    /// Throws `AndOpenError` (a validation error naming the option) for an empty secret or `remember` 0.
    public init(secret: String, tolerance: UInt32 = 300, remember: UInt32 = 100_000, now: @escaping () -> Date = Date.init) throws {
        self.native = try core { try WebhookReceiver(secret: secret, toleranceS: tolerance, rememberEvents: remember) }
        self.now = now
    }

    /// Verifies one delivery; `duplicate` is set on an event id seen before.
    public func receive(headers: [(name: String, value: String)], body: Data) throws -> WebhookDelivery {
        do {
            return try native.receive(headers: headers.map { Header(name: $0.name, value: $0.value) }, body: body,
                                      nowUnixMs: Int64((now().timeIntervalSince1970 * 1000).rounded(.down)))
        } catch WebhookError.Refused(let code, let detail) {
            throw WebhookRefused(code: code, description: detail)
        }
    }

    /// Forgets an event id, so that its redelivery is accepted (you could not act on it).
    public func forget(eventId: String) throws { try native.forget(eventId: eventId) }
}
