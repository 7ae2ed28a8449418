import AndOpenFFI
import Foundation

// The API key travels in a header and in the core's configuration. Every type that can hold it prints it
// as `<redacted>`: `print`, `String(describing:)`, `String(reflecting:)`, `dump` and debuggers alike.

private let redacted = "<redacted>"

private func isSecret(_ header: Header) -> Bool {
    header.name.caseInsensitiveCompare("authorization") == .orderedSame
}

private func shown(_ header: Header) -> String {
    "\(header.name): \(isSecret(header) ? redacted : header.value)"
}

extension Header: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { shown(self) }
    public var debugDescription: String { "Header(\(shown(self)))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "value": isSecret(self) ? redacted : value], displayStyle: .struct)
    }
}

extension ApiRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(method) \(url.absoluteString) [\(headers.map(shown).joined(separator: ", "))] \(body?.count ?? 0) bytes"
    }
    public var debugDescription: String { "ApiRequest(\(description))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url, "headers": headers, "body": body as Any], displayStyle: .struct)
    }
}

extension HttpRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "\(method) \(url) [\(headers.map(shown).joined(separator: ", "))] \(body?.count ?? 0) bytes"
    }
    public var debugDescription: String { "HttpRequest(\(description))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url, "headers": headers, "body": body as Any], displayStyle: .struct)
    }
}

extension ClientConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let fields: [(String, String)] = [
            ("apiKey", apiKey == nil ? "nil" : redacted),
            ("environment", environment.map { "\($0)" } ?? "nil"),
            ("region", region.map { "\($0)" } ?? "nil"),
            ("baseUrl", baseUrl ?? "nil"),
            ("allowCustomKey", "\(allowCustomKey)"),
            ("retryPolicy", retryPolicy.map { "\($0)" } ?? "nil"),
            ("inBrowser", "\(inBrowser)"),
            ("allowKeyInBrowser", "\(allowKeyInBrowser)"),
        ]
        return "ClientConfig(" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "apiKey": apiKey == nil ? "nil" : redacted, "environment": environment as Any, "region": region as Any,
            "baseUrl": baseUrl as Any, "allowCustomKey": allowCustomKey, "retryPolicy": retryPolicy as Any,
            "jitterSeed": jitterSeed, "inBrowser": inBrowser, "allowKeyInBrowser": allowKeyInBrowser,
        ], displayStyle: .struct)
    }
}
