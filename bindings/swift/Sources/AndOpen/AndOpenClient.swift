@_exported import AndOpenFFI
import Foundation

/// Calls the &Open API. Every request is built and every response judged by the SDK's core (validation,
/// retries, pagination, polling); this class carries requests over the transport and sleeps when the core
/// says so. Its methods block: call them from a background queue or a detached task.
///
/// The key (`ao-v1-{staging|production}-{secret}`) picks the environment; a malformed key, a staging key
/// against production (or the reverse) and a key over plain http to a remote host throw here, before
/// anything is sent (`AndOpenError` of kind `.config`). Without a key, requests carry no `Authorization`.
public final class AndOpenClient {
    /// The core's client: start calls on it to drive them step by step yourself.
    public let native: Client
    let transport: HttpTransport
    let timeout: TimeInterval
    let sleep: (TimeInterval) -> Void
    let now: () -> Date

    public init(
        apiKey: String? = nil,
        environment: Environment? = nil,
        region: Region? = nil,
        baseUrl: String? = nil,
        allowCustomKey: Bool = false,
        retryPolicy: RetryPolicy? = nil,
        transport: HttpTransport = URLSessionTransport(),
        timeout: TimeInterval = 30,
        sleep: @escaping (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
        now: @escaping () -> Date = Date.init,
        jitterSeed: Int64 = Int64.random(in: Int64.min...Int64.max),
        inBrowser: Bool = false,
        allowKeyInBrowser: Bool = false
    ) throws {
        let config = ClientConfig(apiKey: apiKey, environment: environment, region: region, baseUrl: baseUrl,
                                  allowCustomKey: allowCustomKey, retryPolicy: retryPolicy, jitterSeed: jitterSeed,
                                  inBrowser: inBrowser, allowKeyInBrowser: allowKeyInBrowser)
        self.native = try core { try Client(config: config) }
        self.transport = transport
        self.timeout = timeout
        self.sleep = sleep
        self.now = now
    }

    /// Where requests go.
    public var baseUrl: String { native.baseUrl() }

    /// `POST /gift_requests`, validated first (kind `.validation`, nothing sent). A creation that may have
    /// reached the server is never sent again: it throws kind `.outcomeUnknown` with the request id.
    public func createGiftRequest(_ params: NewGiftRequest) throws -> GiftRequest {
        try run(try core { try native.createGiftRequest(params: params) })
    }

    /// `POST /gift_requests` from a JSON body (a form, a no-code tool); unknown fields are sent untouched.
    public func createGiftRequest(json: Data) throws -> GiftRequest {
        try run(try core { try native.createGiftRequestJson(body: json) })
    }

    /// `GET /gift_requests/{id}`.
    public func getGiftRequest(id: String) throws -> GiftRequest {
        try run(try core { try native.getGiftRequest(id: id) })
    }

    /// `GET /campaigns/{id}`: the campaign with its catalogue.
    public func getCampaign(id: String) throws -> Campaign {
        let call = try core { try native.getCampaign(id: id) }
        while true {
            switch exchange(call.request(), call.handleResponse, call.handleTransportFailure) {
            case .done(let campaign, _): return campaign
            case .wait(let delayMs): sleep(TimeInterval(delayMs) / 1000)
            case .failed(let report): throw AndOpenError(report)
            }
        }
    }

    /// Every campaign, newest first, page after page. The parameters are checked now; `extraQuery` carries
    /// the sort and filter parameters the API does not name.
    public func listCampaigns(_ params: ListCampaignsParams = ListCampaignsParams()) throws -> [Campaign] {
        let pages = try core { try native.listCampaigns(params: params) }
        var campaigns: [Campaign] = []
        while let request = pages.request() {
            switch exchange(request, pages.handleResponse, pages.handleTransportFailure) {
            case .done(let page, _): campaigns += page.data
            case .wait(let delayMs): sleep(TimeInterval(delayMs) / 1000)
            case .failed(let report): throw AndOpenError(report)
            }
        }
        return campaigns
    }

    /// Polls the gift request every `interval` seconds until its redemption URL is set, for at most
    /// `timeout` seconds (kind `.timeout`); a cancelled gift request throws kind `.unreachable`.
    public func waitForRedemptionUrl(id: String, interval: TimeInterval = 2, timeout: TimeInterval = 120) throws -> GiftRequest {
        try run(try core { try native.waitForGiftRequest(id: id, target: .redemptionUrl, intervalMs: Self.ms(interval), timeoutMs: Self.ms(timeout)) })
    }

    /// Polls the gift request until it reaches `status` or a later one on the way to delivery.
    public func waitForStatus(id: String, _ status: GiftRequestStatus, interval: TimeInterval = 5, timeout: TimeInterval = 600) throws -> GiftRequest {
        try run(try core { try native.waitForGiftRequest(id: id, target: .status(status: status), intervalMs: Self.ms(interval), timeoutMs: Self.ms(timeout)) })
    }

    private static func ms(_ seconds: TimeInterval) -> Int64 {
        seconds.isFinite ? Int64((seconds * 1000).rounded()) : Int64.max
    }

    private func run(_ call: GiftRequestCall) throws -> GiftRequest {
        try drive(call.request, call.handleResponse, call.handleTransportFailure)
    }

    private func run(_ poller: Poller) throws -> GiftRequest {
        try drive(poller.request, poller.handleResponse, poller.handleTransportFailure)
    }

    private func drive(
        _ request: () -> HttpRequest,
        _ onResponse: (UInt16, [Header], Data, Int64) -> GiftRequestStep,
        _ onFailure: (TransportFailure, Int64) -> GiftRequestStep
    ) throws -> GiftRequest {
        while true {
            switch exchange(request(), onResponse, onFailure) {
            case .done(let gift, _): return gift
            case .wait(let delayMs): sleep(TimeInterval(delayMs) / 1000)
            case .failed(let report): throw AndOpenError(report)
            }
        }
    }

    /// Sends one request and hands what came back to the core; returns the core's step.
    func exchange<S>(
        _ request: HttpRequest,
        _ onResponse: (UInt16, [Header], Data, Int64) -> S,
        _ onFailure: (TransportFailure, Int64) -> S
    ) -> S {
        let clock = { Int64((self.now().timeIntervalSince1970 * 1000).rounded(.down)) }
        guard let url = URL(string: request.url) else { return onFailure(.notSent, clock()) }
        let sent = ApiRequest(method: request.method, url: url, headers: request.headers.map { ($0.name, $0.value) }, body: request.body)
        do {
            let response = try transport.send(sent, timeout: timeout)
            let headers = response.headers.map { Header(name: $0.name, value: $0.value) }
            return onResponse(UInt16(clamping: response.status), headers, response.body, clock())
        } catch let failure as TransportFailureError {
            return onFailure(failure.maybeSent ? .maybeSent : .notSent, clock())
        } catch {
            return onFailure(.maybeSent, clock())
        }
    }
}

/// Checks and builds gift-request bodies without a client or a key: call these as a form changes.
public enum AndOpen {
    /// The API version every request carries (`AndOpen-API-Version`).
    public static let apiVersion: String = AndOpenFFI.apiVersion()

    /// Every problem the server would report for `params`, in its words; empty when it would be accepted.
    public static func validate(_ params: NewGiftRequest) -> [FieldError] { validateGiftRequest(params: params) }

    /// Every problem the server would report for a JSON body; empty when it would be accepted.
    public static func validate(json: Data) -> [FieldError] { validateGiftRequestJson(body: json) }

    /// The exact JSON body `POST /gift_requests` sends for `params`.
    public static func body(_ params: NewGiftRequest) throws -> Data { try core { try giftRequestBody(params: params) } }
}
