import Foundation

/// A request exactly as the core built it: send it as is.
public struct ApiRequest: CustomStringConvertible {
    public let method: String
    public let url: URL
    /// The headers, in order (the API key among them when the client has one).
    public let headers: [(name: String, value: String)]
    public let body: Data?

    /// The value of a header, by name without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Never prints the key.
    public var description: String {
        let shown = headers.map { $0.name.lowercased() == "authorization" ? ($0.name, "<redacted>") : ($0.name, $0.value) }
        return "ApiRequest(\(method) \(url), headers: \(shown), body: \(body?.count ?? 0) bytes)"
    }
}

/// What came back: the status, the headers as received, and the body bytes (possibly empty).
public struct ApiResponse {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: Data

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Thrown by a transport when no response came back. `maybeSent` is false when the request certainly never
/// left the device (no connection, name not resolved, TLS setup failed) and true when it may have reached
/// the server (a timeout, the connection lost after sending). When unsure, say true.
public struct TransportFailureError: Error {
    public let message: String
    public let maybeSent: Bool

    public init(_ message: String, maybeSent: Bool) {
        self.message = message
        self.maybeSent = maybeSent
    }
}

/// Sends one request and returns the response, whatever its status: no retries, no redirects, no judging.
public protocol HttpTransport {
    func send(_ request: ApiRequest, timeout: TimeInterval) throws -> ApiResponse
}

/// The default transport, on URLSession. Redirects are not followed. It blocks the calling thread until
/// the response arrives: call the client from a background queue or task.
public final class URLSessionTransport: NSObject, HttpTransport, URLSessionTaskDelegate {
    private lazy var session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)

    public override init() {}

    public func send(_ request: ApiRequest, timeout: TimeInterval) throws -> ApiResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        urlRequest.httpBody = request.body
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        let done = DispatchSemaphore(value: 0)
        var outcome: Result<ApiResponse, Error> = .failure(TransportFailureError("no response", maybeSent: true))
        session.dataTask(with: urlRequest) { data, response, error in
            defer { done.signal() }
            if let error = error as? URLError {
                outcome = .failure(TransportFailureError(error.localizedDescription, maybeSent: !Self.neverSent(error)))
            } else if let error {
                outcome = .failure(TransportFailureError(error.localizedDescription, maybeSent: true))
            } else if let http = response as? HTTPURLResponse {
                let headers = http.allHeaderFields.map { (name: "\($0.key)", value: "\($0.value)") }
                outcome = .success(ApiResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
            }
        }.resume()
        done.wait()
        return try outcome.get()
    }

    /// Failures that happen before the request can leave: connecting, resolving, TLS setup.
    private static func neverSent(_ error: URLError) -> Bool {
        switch error.code {
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
             .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return true
        default:
            return false
        }
    }

    /// Redirects reach the core as they are.
    public func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                           newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
