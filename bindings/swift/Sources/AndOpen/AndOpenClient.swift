@_exported import AndOpenFFI
import Foundation

/// Calls the &Open API. Every request is built and every response judged by the SDK's core (validation,
/// retries, pagination, polling); the client carries requests over its ``HttpTransport`` and sleeps when the
/// core says so. Its methods are `async`: cancelling the calling task stops the wait and the request in
/// flight. One client serves any number of tasks at once.
///
/// The key (`ao-v1-{staging|production}-{secret}`) picks the environment; a malformed key, a staging key
/// against production (or the reverse) and a key over plain http to a remote host throw
/// ``AndOpenError/config(_:)`` here, before anything is sent. Without a key, requests carry no
/// `Authorization` header. The key is never printed: not by `print`, `dump` nor any error.
///
/// ```swift
/// let client = try AndOpenClient(apiKey: ProcessInfo.processInfo.environment["ANDOPEN_API_KEY"])
/// let gift = try await client.createGiftRequest(NewGiftRequest(
///     campaignId: campaignId, recipient: NewRecipient(firstName: "Alice", lastName: "Smith")))
/// let ready = try await client.waitForRedemptionUrl(id: gift.id)
/// ```
public final class AndOpenClient: Sendable {
    /// The core's client: start calls on it to drive them step by step yourself (the sans-IO loop).
    public let native: Client
    let transport: any HttpTransport
    let timeout: Duration
    let sleeper: @Sendable (Duration) async throws -> Void
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - apiKey: the API key; absent, requests carry no `Authorization` header.
    ///   - environment: the environment, which must agree with the key's stage.
    ///   - region: the production region (US when absent).
    ///   - baseUrl: send to this base URL instead (a local simulator, a custom deployment).
    ///   - allowCustomKey: accept a key that does not have the standard shape (custom deployments).
    ///   - retryPolicy: when to send again (``AndOpen/defaultRetryPolicy`` when absent).
    ///   - transport: how requests travel (``URLSessionTransport`` by default).
    ///   - timeout: the longest a single exchange may take; more than zero, in whole milliseconds.
    ///   - sleep: how the client waits between attempts (`Task.sleep`, which cancellation interrupts); tests
    ///     pass one that does not wait.
    ///   - now: the clock the core reads; tests pass a fixed one.
    ///   - jitterSeed: the seed of the retry jitter; random by default, fixed in tests.
    /// - Throws: ``AndOpenError/config(_:)`` for a configuration the core refuses,
    ///   ``AndOpenError/validation(_:)`` for a `timeout` it cannot take.
    public convenience init(
        apiKey: String? = nil,
        environment: Environment? = nil,
        region: Region? = nil,
        baseUrl: String? = nil,
        allowCustomKey: Bool = false,
        retryPolicy: RetryPolicy? = nil,
        transport: any HttpTransport = URLSessionTransport(),
        timeout: Duration = .seconds(30),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() },
        jitterSeed: Int64 = .random(in: .min ... .max)
    ) throws {
        try self.init(
            config: ClientConfig(environment: environment, region: region, baseUrl: baseUrl, allowCustomKey: allowCustomKey,
                                 retryPolicy: retryPolicy, jitterSeed: jitterSeed, inBrowser: false, allowKeyInBrowser: false),
            apiKey: apiKey, transport: transport, timeout: timeout, sleep: sleep, now: now)
    }

    /// A client for a configuration of the core (every option of it included) and a key, which travels
    /// beside the configuration so that no printable record ever holds it.
    public init(
        config: ClientConfig,
        apiKey: String?,
        transport: any HttpTransport = URLSessionTransport(),
        timeout: Duration = .seconds(30),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        // The core's bounds of a timeout, as in every language: above 0, at most 24 days.
        let timeoutMs = try milliseconds(timeout, "timeout")
        try core { try checkTimeoutMs(timeoutMs: timeoutMs) }
        self.native = try core { try Client(config: config, apiKey: apiKey) }
        self.transport = transport
        self.timeout = timeout
        self.sleeper = sleep
        self.clock = now
    }

    /// Where requests go (without a trailing slash).
    public var baseUrl: String { native.baseUrl() }

    /// Whether requests carry an API key.
    public var hasApiKey: Bool { native.hasApiKey() }

    // MARK: Gift requests

    /// `POST /gift_requests`: choice-mode, or direct-send with a shipping address and line items.
    ///
    /// The parameters are validated first: ``AndOpenError/validation(_:)`` with every problem, nothing sent.
    /// A creation that may have reached the server (a 500, a timeout, a cancellation while the request was on
    /// its way) is never sent again: it throws ``AndOpenError/outcomeUnknown(_:)`` with the request id.
    public func createGiftRequest(_ params: NewGiftRequest) async throws -> GiftRequest {
        try await giftRequest(from: try core { try sending().createGiftRequest(params: params) })
    }

    /// `POST /gift_requests` from a JSON body (a form, a no-code tool), validated exactly as the typed
    /// parameters are; fields the SDK does not know are sent untouched.
    public func createGiftRequest(json: Data) async throws -> GiftRequest {
        try await giftRequest(from: try core { try sending().createGiftRequestJson(body: json) })
    }

    /// `GET /gift_requests/{id}`: the gift request as it is now.
    public func giftRequest(id: String) async throws -> GiftRequest {
        try await giftRequest(from: try core { try sending().getGiftRequest(id: id) })
    }

    /// Polls the gift request every `interval` until its redemption URL is set, for at most `timeout`
    /// (``AndOpenError/timeout(_:)``); a cancelled gift request throws ``AndOpenError/unreachable(_:)``.
    /// Call it after a choice-mode creation, when you need the link to send yourself.
    public func waitForRedemptionUrl(id: String, interval: Duration = .seconds(2), timeout: Duration = .seconds(120))
        async throws -> GiftRequest
    {
        try await wait(id: id, target: .redemptionUrl, interval: interval, timeout: timeout)
    }

    /// Polls the gift request every `interval` until it reaches `status` or a later one on the way to
    /// delivery (`submitted` → `redeemed` → `dispatched` → `delivered`), for at most `timeout`. Waiting for
    /// any other status than `cancelled` ends with ``AndOpenError/unreachable(_:)`` when the gift is cancelled.
    public func waitForStatus(
        _ status: GiftRequestStatus, id: String, interval: Duration = .seconds(5), timeout: Duration = .seconds(600)
    ) async throws -> GiftRequest {
        try await wait(id: id, target: .status(status: status), interval: interval, timeout: timeout)
    }

    private func wait(id: String, target: PollTarget, interval: Duration, timeout: Duration) async throws -> GiftRequest {
        let intervalMs = try milliseconds(interval, "interval")
        let timeoutMs = try milliseconds(timeout, "timeout")
        let poller = try core {
            try sending().waitForGiftRequest(id: id, target: target, intervalMs: intervalMs, timeoutMs: timeoutMs)
        }
        return try await giftRequest(from: poller)
    }

    private func giftRequest(from machine: some Machine<GiftRequest>) async throws -> GiftRequest {
        guard let gift = try await settle(machine) else { throw Self.endedWithoutResult }
        return gift
    }

    /// The native client, once the core says this one may send: without a key, nothing goes to the API's
    /// own URLs (``AndOpenError/config(_:)``, `missing_api_key`); a custom `baseUrl` (a backend that adds
    /// the key) is sent to without one. Call it inside `core { }`.
    private func sending() throws -> Client {
        try native.checkCanSend()
        return native
    }

    // MARK: Campaigns

    /// `GET /campaigns/{id}`: the campaign with its catalogue.
    public func campaign(id: String) async throws -> Campaign {
        let call = try core { try sending().getCampaign(id: id) }
        guard let campaign = try await settle(call) else { throw Self.endedWithoutResult }
        return campaign
    }

    /// Every campaign, newest first, fetched page by page as the sequence is iterated:
    /// `for try await campaign in try client.campaigns() { ... }`. The parameters are checked now
    /// (``AndOpenError/validation(_:)``); `extraQuery` carries the sort and filter parameters the API does not
    /// name. Each iteration walks the list afresh.
    public func campaigns(_ params: ListCampaignsParams = ListCampaignsParams()) throws -> CampaignSequence {
        CampaignSequence(pages: try campaignPages(params))
    }

    /// Like ``campaigns(_:)``, one page at a time (with `hasMore`).
    public func campaignPages(_ params: ListCampaignsParams = ListCampaignsParams()) throws -> CampaignPageSequence {
        _ = try core { try sending().listCampaigns(params: params) }
        return CampaignPageSequence(client: self, params: params)
    }

    // MARK: The loop

    /// Drives one of the core's machines until it yields a value (returned), fails (thrown) or has nothing
    /// more to send (`nil`): sends its request, hands the answer back, sleeps when told to.
    func settle<M: Machine>(_ machine: M) async throws -> M.Value? {
        while let request = machine.nextRequest() {
            try Task.checkCancellation()
            let outcome: Outcome<M.Value>
            switch await send(request) {
            case .response(let response):
                outcome = machine.handle(response, nowMs())
            case .failure(let failure):
                outcome = machine.handle(failure, nowMs())
            }
            switch outcome {
            case .done(let value):
                return value
            case .failed(let report):
                throw AndOpenError(report)
            case .wait(let delayMs):
                // Nothing is in flight: a cancelled task stops here.
                try Task.checkCancellation()
                try await sleeper(.milliseconds(delayMs))
            }
        }
        return nil
    }

    /// Sends one request over the transport. Whatever happens is an answer for the core: a response, or a
    /// failure saying whether the request may have left (a cancellation in flight: it may have).
    func send(_ request: HttpRequest) async -> Reply {
        guard let url = URL(string: request.url) else { return .failure(.notSent) }
        let sent = ApiRequest(method: request.method, url: url, headers: request.headers, body: request.body)
        do {
            return .response(try await transport.send(sent, timeout: timeout))
        } catch let failure as TransportFailureError {
            return .failure(failure.maybeSent ? .maybeSent : .notSent)
        } catch {
            return .failure(.maybeSent)
        }
    }

    /// The clock, in whole milliseconds since the Unix epoch.
    func nowMs() -> Int64 { unixMillis(clock()) }

    private static let endedWithoutResult = AndOpenError.finished(AndOpenError.Details(
        message: "the call ended without a result", type: nil, code: nil, param: nil, status: nil, requestId: nil,
        retryAfter: nil, rateLimit: nil, attempts: nil, errors: []))
}

extension AndOpenClient: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "AndOpenClient(\(baseUrl), key: \(hasApiKey ? "set" : "none"))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["baseUrl": baseUrl, "hasApiKey": hasApiKey, "timeout": timeout], displayStyle: .class)
    }
}

/// What came back for one request.
enum Reply: Sendable {
    case response(ApiResponse)
    case failure(TransportFailure)
}

/// A step of one of the core's machines, whatever it yields.
enum Outcome<Value> {
    case done(Value)
    case wait(Int64)
    case failed(ErrorReport)
}

/// One of the core's calls: the request to send (none when it has finished), and the judge of each answer.
protocol Machine<Value>: Sendable {
    associatedtype Value
    func nextRequest() -> HttpRequest?
    func handle(_ response: ApiResponse, _ nowMs: Int64) -> Outcome<Value>
    func handle(_ failure: TransportFailure, _ nowMs: Int64) -> Outcome<Value>
}

extension GiftRequestStep {
    var outcome: Outcome<GiftRequest> {
        switch self {
        case .done(let gift, _): .done(gift)
        case .wait(let delayMs): .wait(delayMs)
        case .failed(let error): .failed(error)
        }
    }
}

extension GiftRequestCall: Machine {
    func nextRequest() -> HttpRequest? { isFinished() ? nil : request() }
    func handle(_ r: ApiResponse, _ nowMs: Int64) -> Outcome<GiftRequest> {
        handleResponse(status: Int64(r.status), headers: r.headers, body: r.body, nowUnixMs: nowMs).outcome
    }
    func handle(_ failure: TransportFailure, _ nowMs: Int64) -> Outcome<GiftRequest> {
        handleTransportFailure(failure: failure, nowUnixMs: nowMs).outcome
    }
}

extension Poller: Machine {
    func nextRequest() -> HttpRequest? { isFinished() ? nil : request() }
    func handle(_ r: ApiResponse, _ nowMs: Int64) -> Outcome<GiftRequest> {
        handleResponse(status: Int64(r.status), headers: r.headers, body: r.body, nowUnixMs: nowMs).outcome
    }
    func handle(_ failure: TransportFailure, _ nowMs: Int64) -> Outcome<GiftRequest> {
        handleTransportFailure(failure: failure, nowUnixMs: nowMs).outcome
    }
}

extension CampaignCall: Machine {
    func nextRequest() -> HttpRequest? { isFinished() ? nil : request() }
    func handle(_ r: ApiResponse, _ nowMs: Int64) -> Outcome<Campaign> {
        Self.outcome(handleResponse(status: Int64(r.status), headers: r.headers, body: r.body, nowUnixMs: nowMs))
    }
    func handle(_ failure: TransportFailure, _ nowMs: Int64) -> Outcome<Campaign> {
        Self.outcome(handleTransportFailure(failure: failure, nowUnixMs: nowMs))
    }
    private static func outcome(_ step: CampaignStep) -> Outcome<Campaign> {
        switch step {
        case .done(let campaign, _): .done(campaign)
        case .wait(let delayMs): .wait(delayMs)
        case .failed(let error): .failed(error)
        }
    }
}

extension CampaignPages: Machine {
    func nextRequest() -> HttpRequest? { request() }
    func handle(_ r: ApiResponse, _ nowMs: Int64) -> Outcome<CampaignPage> {
        Self.outcome(handleResponse(status: Int64(r.status), headers: r.headers, body: r.body, nowUnixMs: nowMs))
    }
    func handle(_ failure: TransportFailure, _ nowMs: Int64) -> Outcome<CampaignPage> {
        Self.outcome(handleTransportFailure(failure: failure, nowUnixMs: nowMs))
    }
    private static func outcome(_ step: CampaignPageStep) -> Outcome<CampaignPage> {
        switch step {
        case .done(let page, _): .done(page)
        case .wait(let delayMs): .wait(delayMs)
        case .failed(let error): .failed(error)
        }
    }
}

/// A duration the core takes in whole milliseconds: refused, naming `param`, when it holds a fraction of a
/// millisecond or does not fit (never rounded). Negative durations go to the core, which refuses them.
func milliseconds(_ duration: Duration, _ param: String) throws(AndOpenError) -> Int64 {
    let (seconds, attoseconds) = duration.components
    let perMs: Int64 = 1_000_000_000_000_000
    guard attoseconds % perMs == 0 else {
        throw AndOpenError.invalidArgument(param, "must be a whole number of milliseconds")
    }
    let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    let (total, overflow2) = ms.addingReportingOverflow(attoseconds / perMs)
    guard !overflow, !overflow2 else { throw AndOpenError.invalidArgument(param, "is too long") }
    return total
}
