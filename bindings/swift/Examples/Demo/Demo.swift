// The gifting flow of the &Open SDK for Swift, told step by step against a running &Open API simulator.
//
//     ANDOPEN_BASE_URL=http://127.0.0.1:PORT swift run AndOpenDemo
//
// ANDOPEN_BASE_URL is the simulator's address (andopen-mock prints it when it starts); ANDOPEN_API_KEY
// defaults to ao-v1-staging-demo. The demo uses the package's public API only; to show what travels, it
// wraps the default transport in one that prints each request and response, and passes the client a sleep
// that says when the SDK waits. Queuing a fault goes to the simulator's control endpoint (/_mock/faults),
// which is not part of the API.
import AndOpen
import Foundation

let choiceName = "Welcome box (choice)"
let directSendName = "Welcome box (direct send)"
let address = NewShippingAddress(address1: "12 Merrion Square", city: "Dublin", region: "Leinster", postalCode: "D02 XY45",
                                 countryCode: "IE", phone: "+353871234567")

func short(_ body: Data?, width: Int = 96) -> String {
    guard let body, !body.isEmpty else { return "" }
    let text = String(decoding: body, as: UTF8.self)
    return text.count <= width ? text : String(text.prefix(width - 3)) + "..."
}

/// The default transport, printing what goes out and what comes back.
final class Watching: HttpTransport, @unchecked Sendable {
    private let inner = URLSessionTransport()
    private let lock = NSLock()
    private var answers: [Int] = []
    private var count = 0

    var sent: Int { lock.withLock { count } }
    var statuses: [Int] { lock.withLock { answers } }

    func send(_ request: ApiRequest, timeout: Duration) async throws -> ApiResponse {
        let target = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
        let body = short(request.body)
        print("    -> \(request.method) \(target)" + (body.isEmpty ? "" : "  \(body)"))
        lock.withLock { count += 1 }
        let response: ApiResponse
        do {
            response = try await inner.send(request, timeout: timeout)
        } catch {
            print("    <- no response (\(error))")
            throw error
        }
        let retryAfter = response.header("Retry-After").map { "  Retry-After: \($0)" } ?? ""
        print("    <- \(response.status)  Request-Id: \(response.header("Request-Id") ?? "-")\(retryAfter)")
        lock.withLock { answers.append(response.status) }
        return response
    }
}

@Sendable func waiting(_ duration: Duration) async throws {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    print(String(format: "    .. the SDK waits %.1f s, then sends again", seconds))
    try await Task.sleep(for: duration)
}

func heading(_ n: Int, _ title: String) { print("\n\(n). \(title)") }

/// A call to the simulator's control endpoints (not part of the API).
func control(_ baseUrl: String, _ path: String, _ json: String) async throws {
    guard let url = URL(string: baseUrl + path) else { throw DemoFailure("bad URL \(baseUrl + path)") }
    let request = ApiRequest(method: "POST", url: url, headers: [Header(name: "Content-Type", value: "application/json")],
                             body: Data(json.utf8))
    let response = try await URLSessionTransport().send(request, timeout: .seconds(10))
    guard response.status == 200 else { throw DemoFailure("\(path): \(response.status)") }
}

func showFieldErrors(_ errors: [FieldError]) {
    for problem in errors {
        print("      \(problem.param ?? "(the request)")")
        print("          \(problem.message)  [\(problem.code)]")
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

@main
struct Demo {
    static func main() async {
        guard let baseUrl = ProcessInfo.processInfo.environment["ANDOPEN_BASE_URL"], !baseUrl.isEmpty else {
            FileHandle.standardError.write(Data("set ANDOPEN_BASE_URL to the simulator's address (andopen-mock prints it when it starts)\n".utf8))
            exit(2)
        }
        let apiKey = ProcessInfo.processInfo.environment["ANDOPEN_API_KEY"].flatMap { $0.isEmpty ? nil : $0 } ?? "ao-v1-staging-demo"
        do {
            try await run(baseUrl: baseUrl, apiKey: apiKey)
        } catch {
            FileHandle.standardError.write(Data("   \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(baseUrl: String, apiKey: String) async throws {
        let transport = Watching()
        let client = try AndOpenClient(apiKey: apiKey, baseUrl: baseUrl, transport: transport, sleep: waiting)
        print("&Open SDK for Swift, API version \(AndOpen.apiVersion), against \(client.baseUrl)")
        var created: [GiftRequest] = []

        heading(1, "Every campaign, page after page")
        var pages: [CampaignPage] = []
        for try await page in try client.campaignPages() { pages.append(page) }
        let campaigns = pages.flatMap(\.data)
        print("   \(campaigns.count) campaigns on \(pages.count) pages (\(pages.map { String($0.data.count) }.joined(separator: ", ")))")
        guard let choice = campaigns.first(where: { $0.name == choiceName }),
              let direct = campaigns.first(where: { $0.name == directSendName }) else {
            throw DemoFailure("the campaigns \"\(choiceName)\" and \"\(directSendName)\" are missing: is this the simulator?")
        }
        print("   choice-mode: \"\(choice.name ?? "")\"  \(choice.id)  invitation: \(choice.invitationMethod ?? "-")")
        print("   direct-send: \"\(direct.name ?? "")\"  \(direct.id)  invitation: \(direct.invitationMethod ?? "-")")

        heading(2, "A choice-mode gift: the recipient picks from the catalogue")
        var gift = try await client.createGiftRequest(NewGiftRequest(
            campaignId: choice.id, recipient: NewRecipient(firstName: "Alice", lastName: "Smith", email: "alice@example.com")))
        created.append(gift)
        print("   gift \(gift.id): \(gift.status.text), redemption URL: \(gift.redemptionUrl ?? "not yet")")

        heading(3, "Waiting for its redemption URL")
        gift = try await client.waitForRedemptionUrl(id: gift.id, interval: .milliseconds(500), timeout: .seconds(30))
        print("   \(gift.redemptionUrl ?? "")")

        heading(4, "A direct-send gift: our address, our items")
        let sent = try await client.createGiftRequest(NewGiftRequest(
            campaignId: direct.id, recipient: NewRecipient(firstName: "Bob", lastName: "Byrne"), shippingAddress: address,
            lineItems: [NewLineItem(sku: "HOODIE-M-BLK", quantity: 1)]))
        created.append(sent)
        let items = (sent.lineItems ?? []).map { "\($0.quantity) x \($0.sku ?? "?")" }.joined(separator: ", ")
        print("   gift \(sent.id): \(sent.status.text), items locked: \(items), to \(sent.shippingAddress?.city ?? "?")")

        heading(5, "Validation errors, each under its field")
        print("   checked before sending (nothing leaves this machine):")
        let lowercase = NewShippingAddress(address1: address.address1, city: address.city, region: address.region,
                                           postalCode: address.postalCode, countryCode: "ie", phone: address.phone)
        do {
            _ = try await client.createGiftRequest(NewGiftRequest(
                campaignId: direct.id, recipient: NewRecipient(firstName: "Carla", lastName: ""), shippingAddress: lowercase,
                lineItems: [NewLineItem(sku: "HOODIE-M-BLK", quantity: 0)]))
            throw DemoFailure("unexpected: the body was accepted")
        } catch AndOpenError.validation(let details) {
            showFieldErrors(details.errors)
        }
        print("   checked by the server (stock is only known there):")
        do {
            _ = try await client.createGiftRequest(NewGiftRequest(
                campaignId: direct.id, recipient: NewRecipient(firstName: "Carla", lastName: "Diaz"), shippingAddress: address,
                lineItems: [NewLineItem(sku: "TEE-S-WHT", quantity: 1)]))
            throw DemoFailure("unexpected: the gift was created")
        } catch AndOpenError.api(let details) {
            showFieldErrors(details.errors)
            print("      (HTTP \(details.status.map(String.init) ?? "-"), Request-Id \(details.requestId ?? "-"))")
        }

        heading(6, "A 503 (service unavailable) is waited out")
        try await control(baseUrl, "/_mock/faults", #"[{"method":"POST","path":"/gift_requests","status":503,"retry_after":1}]"#)
        print("   (queued on the simulator: the next POST /gift_requests answers 503 with Retry-After: 1)")
        let before = transport.statuses.count
        gift = try await client.createGiftRequest(NewGiftRequest(
            campaignId: choice.id, recipient: NewRecipient(firstName: "Dara", lastName: "Walsh", email: "dara@example.com")))
        created.append(gift)
        print("   gift \(gift.id): \(gift.status.text), after \(transport.statuses.count - before) attempts")

        heading(7, "A 500 after the gift was made: never sent twice")
        try await control(baseUrl, "/_mock/faults", #"[{"method":"POST","path":"/gift_requests","status":500,"after_processing":true}]"#)
        print("   (queued on the simulator: the next POST /gift_requests is processed, then answers 500)")
        do {
            _ = try await client.createGiftRequest(NewGiftRequest(
                campaignId: choice.id, recipient: NewRecipient(firstName: "Eoin", lastName: "Kelly", email: "eoin@example.com")))
            throw DemoFailure("unexpected: the gift was reported created")
        } catch AndOpenError.outcomeUnknown(let details) {
            print("   outcome unknown, not retried: reconcile before sending again (Request-Id \(details.requestId ?? "-"))")
        }

        heading(8, "A batch from CSV (the Clay flow), with a progress bar, then the same batch again")
        let history = GiftHistory()
        for g in created { history.record(g) }  // the gifts sent above: Alice was gifted minutes ago
        let stamp = Int(Date().timeIntervalSince1970)
        let guests = (1...24).map { ["guest-\($0)", "Guest", "Number\($0)", "guest\($0).\(stamp)@example.com"] }
        let others = [
            ["alice", "Alice", "Smith", "alice@example.com"],                  // gifted in step 2
            ["guest-3-again", "Guest", "Number3", guests[2][3].uppercased()],  // the same person as guest-3
            ["no-name", "Gabe", "", "gabe@example.com"],                       // no last name
        ]
        let lines = ["row_key,first_name,last_name,email"] + (guests + others).map { $0.joined(separator: ",") }
        let csv = lines.joined(separator: "\n") + "\n"
        try await control(baseUrl, "/_mock/faults", """
            [{"method":"POST","path":"/gift_requests","status":429,"retry_after":1},
             {"method":"POST","path":"/gift_requests","status":500,"after_processing":true}]
            """)
        print("   \(guests.count + others.count) rows; queued on the simulator: a 429, then a 500 after processing")
        let quiet = try AndOpenClient(apiKey: apiKey, baseUrl: baseUrl)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("andopen-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("gifts.journal")
        let settings = BatchSettings(campaignId: choice.id, lookBack: .days(days: 30))
        let d = BatchOptions.default
        let noLinks = BatchOptions(minIntervalMs: d.minIntervalMs, maxPacingWaitMs: d.maxPacingWaitMs, waitForRedemptionUrl: false,
                                   pollIntervalMs: d.pollIntervalMs, pollTimeoutMs: d.pollTimeoutMs)
        var shown: UInt64 = .max
        let result = try await quiet.sendBatch(csv: csv, settings: settings, journal: journal, history: history, options: noLinks) { p in
            guard p.finished != shown, p.finished == p.total || (p.finished > 0 && p.finished % 10 == 0) else { return }
            shown = p.finished
            let width = 30
            let done = Int(UInt64(width) * p.finished / max(p.total, 1))
            let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
            print("   [\(bar)] \(p.finished)/\(p.total)  sent \(p.sent)  skipped \(p.skipped)  failed \(p.failed)  unknown \(p.unknown)")
        }
        for row in result.rows {
            switch row.outcome {
            case .skipped(let reason, _, _, _):
                print("   \(padded(row.rowKey, 14)) skipped: \(reason)")
            case .failed(let error):
                let message = error.errors.first?.message ?? error.message
                print("   \(padded(row.rowKey, 14)) failed: \(error.param ?? ""): \(message) [\(error.code ?? "")]")
            case .outcomeUnknown(let requestId, _):
                print("   \(padded(row.rowKey, 14)) outcome unknown (Request-Id \(requestId ?? "-")): not resent, reconcile first")
            case .sent:
                break
            }
        }
        let csvLines = result.csv.split(whereSeparator: \.isNewline)
        let firstLine = csvLines.dropFirst().first.map { String($0.prefix(90)) } ?? ""
        print("   results as CSV for the table (\(csvLines.count - 1) rows), first line: \(firstLine)...")
        let again = try await quiet.sendBatch(csv: csv, settings: settings, journal: journal, history: history)
        print("   run again with the same journal: \(again.rows.filter(\.fromJournal).count) rows answered from it, nothing sent twice")

        heading(9, "Summary")
        let statuses = transport.statuses
        let answers = Set(statuses).sorted().map { s in "\(s) x\(statuses.filter { $0 == s }.count)" }.joined(separator: ", ")
        print("   \(transport.sent) requests sent; answers: \(answers)")
        for g in created {
            print("   \(g.id)  \(padded(g.status.text, 10)) \(g.recipient.firstName) \(g.recipient.lastName)")
        }
        print("   and one creation whose outcome the client cannot know (the simulator did create it): look it up before sending again")
    }
}
