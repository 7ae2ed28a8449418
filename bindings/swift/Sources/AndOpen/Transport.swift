import AndOpenFFI
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A request exactly as the core built it: send it as is. Printing it never shows the API key.
public struct ApiRequest: Sendable, Hashable {
    /// `GET` or `POST`.
    public let method: String
    /// The absolute URL, query included.
    public let url: URL
    /// The headers, in order (the API key among them when the client has one).
    public let headers: [Header]
    /// The body, for a POST.
    public let body: Data?

    public init(method: String, url: URL, headers: [Header], body: Data?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of a header, by name without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// What came back: the status, the headers as received, and the body bytes (possibly empty).
public struct ApiResponse: Sendable, Hashable {
    public let status: Int
    public let headers: [Header]
    public let body: Data

    public init(status: Int, headers: [Header] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of a header, by name without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Thrown by a transport when no response came back. `maybeSent` is `false` when the request certainly never
/// left the device (no connection, name not resolved, TLS setup failed) and `true` when it may have reached
/// the server (a timeout, the connection lost after sending). When unsure, say `true`: a gift creation is
/// then never sent twice.
public struct TransportFailureError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let maybeSent: Bool

    public init(_ message: String, maybeSent: Bool) {
        self.message = message
        self.maybeSent = maybeSent
    }

    public var description: String { message }
}

/// Sends one request and returns the response, whatever its status: no retries, no redirects, no judging
/// (the core does all of that). Implement it to use another HTTP stack; ``URLSessionTransport`` is the
/// default.
///
/// When nothing came back, throw ``TransportFailureError``. When the calling task is cancelled, stop the
/// exchange and throw (`CancellationError` or a ``TransportFailureError``): the client then treats the
/// request as possibly sent. Read at most `Limits.maxResponseBytes + 1` bytes of a body (``AndOpen/limits``):
/// the core judges a longer one unreadable.
public protocol HttpTransport: Sendable {
    /// Sends `request`, waiting at most `timeout` for the whole exchange.
    func send(_ request: ApiRequest, timeout: Duration) async throws -> ApiResponse
}

/// The default transport, on `URLSession` (with `FoundationNetworking` where Foundation keeps it apart, as
/// on Linux). Redirects are not followed; a body is read up to one byte past the SDK's limit; cancelling the
/// calling task cancels the request.
public final class URLSessionTransport: HttpTransport {
    private let session: URLSession
    private let exchanges: Exchanges

    /// A transport with its own session, made from `configuration` (an ephemeral one by default: no cookies,
    /// no cache). Share one transport between clients rather than making one per call.
    public init(configuration: URLSessionConfiguration = .ephemeral) {
        let exchanges = Exchanges(limit: Int(clamping: AndOpen.limits.maxResponseBytes))
        self.exchanges = exchanges
        self.session = URLSession(configuration: configuration, delegate: exchanges, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    public func send(_ request: ApiRequest, timeout: Duration) async throws -> ApiResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData,
                                    timeoutInterval: timeout.seconds)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        let task = session.dataTask(with: urlRequest)
        let exchanges = self.exchanges
        let handle = TaskHandle(task)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                exchanges.start(handle.task, continuation)
            }
        } onCancel: {
            handle.task.cancel()
        }
    }
}

/// A data task, handed to the cancellation handler (URLSession's tasks are safe to cancel from any thread).
private struct TaskHandle: @unchecked Sendable {
    let task: URLSessionDataTask
    init(_ task: URLSessionDataTask) { self.task = task }
}

/// The session's delegate: collects each task's response and body, stops reading one byte past the limit,
/// refuses redirects, and resumes the waiting caller when the task completes.
private final class Exchanges: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Exchange {
        let continuation: CheckedContinuation<ApiResponse, any Error>
        var response: HTTPURLResponse?
        var body = Data()
        var cut = false
    }

    private let limit: Int
    private let lock = NSLock()
    private var running: [Int: Exchange] = [:]

    init(limit: Int) {
        self.limit = limit
    }

    func start(_ task: URLSessionDataTask, _ continuation: CheckedContinuation<ApiResponse, any Error>) {
        lock.withLock { running[task.taskIdentifier] = Exchange(continuation: continuation) }
        task.resume()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { running[dataTask.taskIdentifier]?.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock { () -> Bool in
            guard var exchange = running[dataTask.taskIdentifier], !exchange.cut else { return false }
            let room = limit + 1 - exchange.body.count
            exchange.body.append(data.prefix(max(room, 0)))
            exchange.cut = exchange.body.count > limit
            running[dataTask.taskIdentifier] = exchange
            return exchange.cut
        }
        // Enough to know the body is too long: the core judges it; the rest is not read.
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        // The redirect itself is the answer: the core judges it.
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let exchange = lock.withLock({ running.removeValue(forKey: task.taskIdentifier) }) else { return }
        let response = exchange.response ?? (task.response as? HTTPURLResponse)
        if let response, error == nil || exchange.cut {
            exchange.continuation.resume(returning: ApiResponse(
                status: response.statusCode, headers: Self.headers(of: response), body: exchange.body))
        } else if let error = error as? URLError {
            exchange.continuation.resume(throwing: TransportFailureError(
                error.localizedDescription, maybeSent: !Self.neverSent(error)))
        } else {
            let what = error.map { "\($0.localizedDescription)" } ?? "no HTTP response"
            exchange.continuation.resume(throwing: TransportFailureError(what, maybeSent: true))
        }
    }

    private static func headers(of response: HTTPURLResponse) -> [Header] {
        response.allHeaderFields.map { Header(name: "\($0.key)", value: "\($0.value)") }
    }

    /// Failures that happen before the request can leave: connecting, resolving, TLS setup.
    private static func neverSent(_ error: URLError) -> Bool {
        switch error.code {
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
             .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected,
             .clientCertificateRequired, .appTransportSecurityRequiresSecureConnection, .unsupportedURL, .badURL:
            true
        default:
            false
        }
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's `TimeInterval`.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
