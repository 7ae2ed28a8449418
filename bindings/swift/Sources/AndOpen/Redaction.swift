import AndOpenFFI
import Foundation

// The API key travels in the `Authorization` header of every request (the core's configuration never holds
// it). Every type that can carry that header prints it as `<redacted>`: `print`, `String(describing:)`,
// `String(reflecting:)`, `dump` and debuggers alike.

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
