import AndOpenFFI
import Foundation

/// Every row's result, the counts, and the results as CSV (to write back to a table).
public struct BatchResult: Sendable, Hashable {
    /// One result per row, in row order.
    public let rows: [RowResult]
    /// The counts by outcome.
    public let progress: BatchProgress
    /// The results as CSV (`row_key`, `outcome`, `gift_request_id`, `redemption_url`, `request_id`, `reason`,
    /// `error_type`, `error_code`, `error_param`, `error_message`).
    public let csv: String
}

extension BatchOptions {
    /// The core's defaults: no minimum interval, pacing waits up to 60 s, links polled every 500 ms for up to
    /// 30 s.
    public static var `default`: BatchOptions { defaultBatchOptions() }
}

extension AndOpenClient {
    /// Sends one gift request per eligible row (the Clay flow), and returns one result per row.
    ///
    /// Each row is validated; repeats within the batch and, with a `history` and a look-back window in
    /// `settings`, recently gifted recipients are skipped with the reason; sends are paced by the rate-limit
    /// headers; a creation that may have landed is reported as outcome unknown, never sent again.
    ///
    /// `journal` is a file the run appends to (created if missing), each line synchronised to storage before
    /// the run goes on: run again with the same file after an interruption, a crash or a cancellation, and no
    /// row is sent twice, while a row whose answer proved that nothing was created (429, 503, another 4xx, a
    /// request that never left) is sent again rather than reported unknown. Cancelling the task stops the run
    /// after recording what is known; it then throws `CancellationError` (a row whose request was on its way
    /// is recorded as outcome unknown).
    ///
    /// - Throws: ``AndOpenError/validation(_:)`` naming `journal` when the journal cannot be read or written
    ///   (a journal that exists but cannot be read is never taken for an empty one), or for settings the core
    ///   refuses; ``AndOpenError/config(_:)`` (`invalid_option`) naming a field of `options` out of the
    ///   core's bounds (`poll_interval_ms` under 100 ms, say), before anything is sent; a row's own problems
    ///   are in its result, not thrown.
    public func sendBatch(
        _ rows: [BatchRow],
        settings: BatchSettings,
        journal: URL,
        history: GiftHistory? = nil,
        options: BatchOptions = .default,
        onProgress: (BatchProgress) -> Void = { _ in }
    ) async throws -> BatchResult {
        try await runBatch(journal: journal, onProgress: onProgress) { recorded, now in
            try BatchRun(client: native, rows: rows, settings: settings, history: history, journal: recorded,
                         nowUnixMs: now, options: options)
        }
    }

    /// Like ``sendBatch(_:settings:journal:history:options:onProgress:)``, with the rows as CSV text with a
    /// header line (`first_name`, `last_name`, `email`, `row_key`, the shipping columns, `sku`, `variant_id`,
    /// `quantity`).
    public func sendBatch(
        csv: String,
        settings: BatchSettings,
        journal: URL,
        history: GiftHistory? = nil,
        options: BatchOptions = .default,
        onProgress: (BatchProgress) -> Void = { _ in }
    ) async throws -> BatchResult {
        try await runBatch(journal: journal, onProgress: onProgress) { recorded, now in
            try BatchRun.fromCsv(client: native, csv: csv, settings: settings, history: history, journal: recorded,
                                 nowUnixMs: now, options: options)
        }
    }

    private func runBatch(
        journal: URL,
        onProgress: (BatchProgress) -> Void,
        start: (String, Int64) throws -> BatchRun
    ) async throws -> BatchResult {
        let file = try JournalFile(journal)
        defer { file.close() }
        let run = try core { try start(file.recorded, nowMs()) }
        while true {
            if Task.isCancelled {
                // Record what is known, then stop: a run planned later from the journal takes over.
                try file.stop(run, at: nowMs())
                throw CancellationError()
            }
            switch run.nextAction(nowUnixMs: nowMs()) {
            case .persist(let line):
                // Stored durably before the request it announces is sent.
                try file.append(line)
            case .send(let request):
                switch await send(request) {
                case .response(let r):
                    run.handleResponse(status: Int64(r.status), headers: r.headers, body: r.body, nowUnixMs: nowMs())
                case .failure(let failure):
                    run.handleTransportFailure(failure: failure, nowUnixMs: nowMs())
                }
                onProgress(run.progress())
            case .wait(let delayMs):
                do {
                    try await sleeper(.milliseconds(delayMs))
                } catch {
                    try file.stop(run, at: nowMs())
                    throw error
                }
            case .done:
                // The rows settled after the last send (skips, failures) included.
                let progress = run.progress()
                onProgress(progress)
                return BatchResult(rows: run.results(), progress: progress, csv: run.resultsCsv())
            }
        }
    }
}

/// A batch's journal file: read whole when the run starts, appended to (and synchronised) line by line.
private final class JournalFile {
    let recorded: String
    private let handle: FileHandle

    init(_ url: URL) throws(AndOpenError) {
        let manager = FileManager.default
        do {
            if manager.fileExists(atPath: url.path) {
                // A line cut short may end inside a character: decoded with replacement; the core ignores that
                // line anyway.
                recorded = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            } else {
                recorded = ""
                guard manager.createFile(atPath: url.path, contents: nil) else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            // A line cut short by an interruption stays alone on its line.
            if !recorded.isEmpty && !recorded.hasSuffix("\n") { try handle.write(contentsOf: Data("\n".utf8)) }
        } catch {
            throw AndOpenError.invalidArgument("journal", "cannot be read or written: \(error.localizedDescription)",
                                               code: "unreadable")
        }
    }

    func append(_ line: String) throws(AndOpenError) {
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
            try handle.synchronize()
        } catch {
            throw AndOpenError.invalidArgument("journal", "cannot be written: \(error.localizedDescription)",
                                               code: "unwritable")
        }
    }

    /// Stops `run` and appends the outcomes it already knows.
    func stop(_ run: BatchRun, at nowMs: Int64) throws(AndOpenError) {
        for line in run.stop(nowUnixMs: nowMs) {
            try append(line)
        }
    }

    func close() {
        try? handle.close()
    }
}
