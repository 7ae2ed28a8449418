import AndOpenFFI
import Foundation

/// Every row's result, the counts, and the results as CSV (to write back to a table).
public struct BatchResult {
    public let rows: [RowResult]
    public let progress: BatchProgress
    public let csv: String
}

extension AndOpenClient {
    /// Sends one gift request per eligible row (the Clay flow). Each row is validated; repeats within the
    /// batch and, with a `history` and a look-back window in `settings`, recently gifted recipients are
    /// skipped with the reason; sends are paced by the rate-limit headers; a creation that may have landed
    /// is reported as outcome unknown, never resent. `journal` is a file the run appends to (created if
    /// missing), synchronised to disk before each send: run again with the same file after an interruption
    /// and no row is sent twice. Blocks the calling thread.
    public func sendBatch(
        _ rows: [BatchRow],
        settings: BatchSettings,
        journal: URL,
        history: GiftHistory? = nil,
        options: BatchOptions = defaultBatchOptions(),
        onProgress: (BatchProgress) -> Void = { _ in }
    ) throws -> BatchResult {
        try runBatch(journal: journal, onProgress: onProgress) { recorded in
            try BatchRun(client: native, rows: rows, settings: settings, history: history, journal: recorded,
                         nowUnixMs: nowMs(), options: options)
        }
    }

    /// Like `sendBatch`, with the rows as CSV text (`first_name`, `last_name`, `email`, `row_key`, the
    /// shipping columns, `sku`, `quantity`).
    public func sendBatch(
        csv: String,
        settings: BatchSettings,
        journal: URL,
        history: GiftHistory? = nil,
        options: BatchOptions = defaultBatchOptions(),
        onProgress: (BatchProgress) -> Void = { _ in }
    ) throws -> BatchResult {
        try runBatch(journal: journal, onProgress: onProgress) { recorded in
            try BatchRun.fromCsv(client: native, csv: csv, settings: settings, history: history, journal: recorded,
                                 nowUnixMs: nowMs(), options: options)
        }
    }

    private func nowMs() -> Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    private func runBatch(journal: URL, onProgress: (BatchProgress) -> Void, start: (String) throws -> BatchRun) throws -> BatchResult {
        // A journal that exists but cannot be read is an error, never an empty journal (that would send every
        // row again). A line cut short may end inside a character: decoded with replacement, and the core
        // ignores that line anyway.
        let recorded = FileManager.default.fileExists(atPath: journal.path)
            ? String(decoding: try Data(contentsOf: journal), as: UTF8.self)
            : ""
        let run = try core { try start(recorded) }
        if !FileManager.default.fileExists(atPath: journal.path) {
            FileManager.default.createFile(atPath: journal.path, contents: nil)
        }
        let file = try FileHandle(forWritingTo: journal)
        defer { try? file.close() }
        try file.seekToEnd()
        // A line cut short by an interruption stays alone on its line.
        if !recorded.isEmpty && !recorded.hasSuffix("\n") { try file.write(contentsOf: Data("\n".utf8)) }
        loop: while true {
            switch run.nextAction(nowUnixMs: nowMs()) {
            case .persist(let line):
                // Stored durably before the request it announces is sent.
                try file.write(contentsOf: Data((line + "\n").utf8))
                try file.synchronize()
            case .send(let request):
                exchange(request, run.handleResponse, run.handleTransportFailure)
                onProgress(run.progress())
            case .wait(let delayMs):
                sleep(TimeInterval(delayMs) / 1000)
            case .done:
                break loop
            }
        }
        onProgress(run.progress())  // the rows settled after the last send (skips, failures) included
        return BatchResult(rows: run.results(), progress: run.progress(), csv: run.resultsCsv())
    }
}
