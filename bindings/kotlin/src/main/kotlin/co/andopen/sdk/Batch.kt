package co.andopen.sdk

import co.andopen.sdk.ffi.BatchAction
import co.andopen.sdk.ffi.BatchOptions
import co.andopen.sdk.ffi.BatchProgress
import co.andopen.sdk.ffi.BatchRow
import co.andopen.sdk.ffi.BatchRun
import co.andopen.sdk.ffi.BatchSettings
import co.andopen.sdk.ffi.RowResult
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.time.Duration

/** Every row's result, the counts, and the results as CSV (to write back to a table). */
class BatchResult(val rows: List<RowResult>, val progress: BatchProgress, val csv: String)

/**
 * Sends one gift request per eligible row (the Clay flow). Each row is validated; repeats within the batch
 * and, with a [history] and a look-back window in [settings], recently gifted recipients are skipped with
 * the reason; sends are paced by the rate-limit headers; a creation that may have landed is reported as
 * outcome unknown, never resent. [journal] is a file the run appends to (created if missing), each line
 * forced to storage before the run goes on: run again with the same file after an interruption and no row
 * is sent twice, and a row whose answer proved that nothing was created (429, 503, another 4xx, a request
 * that never left) is sent again rather than reported unknown. Blocks the calling thread.
 */
fun AndOpenClient.sendBatch(
    rows: List<BatchRow>,
    settings: BatchSettings,
    journal: Path,
    history: GiftHistory? = null,
    options: BatchOptions = co.andopen.sdk.ffi.defaultBatchOptions(),
    onProgress: (BatchProgress) -> Unit = {},
): BatchResult = runBatch(journal, onProgress) { recorded ->
    BatchRun(native, rows, settings, history, recorded, clock.millis(), options)
}

/** Like [sendBatch], with the rows as CSV text (`first_name`, `last_name`, `email`, `row_key`, shipping columns, `sku`, `quantity`). */
fun AndOpenClient.sendBatchCsv(
    csv: String,
    settings: BatchSettings,
    journal: Path,
    history: GiftHistory? = null,
    options: BatchOptions = co.andopen.sdk.ffi.defaultBatchOptions(),
    onProgress: (BatchProgress) -> Unit = {},
): BatchResult = runBatch(journal, onProgress) { recorded ->
    BatchRun.fromCsv(native, csv, settings, history, recorded, clock.millis(), options)
}

private fun AndOpenClient.runBatch(journal: Path, onProgress: (BatchProgress) -> Unit, start: (String) -> BatchRun): BatchResult {
    val recorded = if (Files.exists(journal)) String(Files.readAllBytes(journal), StandardCharsets.UTF_8) else ""
    val run = core { start(recorded) }
    run.use {
        FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND).use { file ->
            // A line cut short by an interruption stays alone on its line.
            if (recorded.isNotEmpty() && !recorded.endsWith("\n")) file.write(ByteBuffer.wrap("\n".toByteArray()))
            while (true) {
                when (val action = run.nextAction(clock.millis())) {
                    is BatchAction.Persist -> {
                        // Stored durably before the request it announces is sent.
                        file.write(ByteBuffer.wrap((action.line + "\n").toByteArray(StandardCharsets.UTF_8)))
                        file.force(true)
                    }
                    is BatchAction.Send -> {
                        exchange(action.request, { status, headers, body, now -> run.handleResponse(status, headers, body, now) }) { failure, now ->
                            run.handleTransportFailure(failure, now)
                        }
                        onProgress(run.progress())
                    }
                    is BatchAction.Wait -> sleeper.sleep(Duration.ofMillis(action.delayMs))
                    BatchAction.Done -> break
                }
            }
        }
        onProgress(run.progress()) // the rows settled after the last send (skips, failures) included
        return BatchResult(run.results(), run.progress(), run.resultsCsv())
    }
}
