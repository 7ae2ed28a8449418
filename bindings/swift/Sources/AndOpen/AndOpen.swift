import AndOpenFFI
import Foundation

/// What needs no client and no key: checking and building gift-request bodies as a form changes, the API
/// version, the retry policies and the SDK's limits.
public enum AndOpen {
    /// The API version every request carries (`AndOpen-API-Version`).
    public static let apiVersion: String = AndOpenFFI.apiVersion()

    /// The SDK's limits, as the core defines them (the largest response body a transport reads, ...).
    public static let limits: Limits = AndOpenFFI.limits()

    /// The core's default retry policy: copy it with the figures you want to change.
    public static var defaultRetryPolicy: RetryPolicy { AndOpenFFI.defaultRetryPolicy() }

    /// A policy that never sends a request twice.
    public static var neverRetryPolicy: RetryPolicy { AndOpenFFI.neverRetryPolicy() }

    /// Every problem the server would report for `params`, in its words; empty when it would be accepted.
    /// Nothing is sent: call it as a form changes.
    public static func validate(_ params: NewGiftRequest) -> [FieldError] {
        validateGiftRequest(params: params)
    }

    /// Every problem the server would report for a JSON body; empty when it would be accepted.
    public static func validate(json: Data) -> [FieldError] {
        validateGiftRequestJson(body: json)
    }

    /// The exact JSON body `POST /gift_requests` sends for `params`; throws ``AndOpenError/validation(_:)``
    /// with every problem when the server would refuse it.
    public static func body(_ params: NewGiftRequest) throws(AndOpenError) -> Data {
        try core { try giftRequestBody(params: params) }
    }
}

extension GiftRequestStatus {
    /// The wire text of the status (`submitted`, `redeemed`, ...; an unknown one as received).
    public var text: String { giftRequestStatusText(status: self) }
}
