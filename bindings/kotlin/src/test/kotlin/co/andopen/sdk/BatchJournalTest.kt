package co.andopen.sdk

import co.andopen.sdk.ffi.BatchRow
import co.andopen.sdk.ffi.BatchSettings
import co.andopen.sdk.ffi.RowOutcome
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Files
import java.nio.file.Path

/**
 * The batch journal through the Kotlin package: an answer that proves nothing was created is stored before
 * the run sleeps, so a run killed in that sleep sends the row again; and the hostile journal suite
 * (`tests/hostile/journal.json`) that every language replays.
 */
class BatchJournalTest {
    /** Stands for a kill: the run stops where it is. */
    private class Killed : RuntimeException()

    private val options = co.andopen.sdk.ffi.defaultBatchOptions().copy(waitForRedemptionUrl = false)

    private fun created(n: Int) = reply(
        201,
        gift().replace(GIFT_ID, "11111111-1111-4111-8111-%012d".format(n)),
        "RateLimit-Remaining" to "10",
    )

    private fun events(journal: Path): List<String> = Files.readAllLines(journal).map {
        val entry = JSONObject(it)
        listOfNotNull(entry.getString("row_key"), entry.getString("event"), entry.opt("status")?.takeIf { s -> s != JSONObject.NULL })
            .joinToString(" ")
    }

    @Test
    fun `killed while sleeping on a 429, the row is sent again, not reported unknown`(@TempDir dir: Path) {
        val journal = dir.resolve("gifts.journal")
        val rows = listOf(BatchRow("r1", NewRecipient("Ann", "Smith", "ann@example.com", emptyList()), null, null))
        val settings = BatchSettings(CAMPAIGN_ID, null, emptyList())
        val limited = reply(429, """{"errors":[{"type":"rate_limit_error","code":"rate_limited","message":"slow down"}]}""", "Retry-After" to "2")
        val time = FakeTime()
        val killing = Sleeper { throw Killed() }
        val first = AndOpenClient(KEY, transport = FakeTransport(limited), sleeper = killing, clock = MovingClock(time), jitterSeed = 1)
        assertThrows<Killed> { first.sendBatch(rows, settings, journal, options = options) }
        assertEquals(listOf("r1 sending", "r1 not_sent 429"), events(journal))

        val transport = FakeTransport(created(1))
        val resumed = AndOpenClient(KEY, transport = transport, sleeper = time, clock = MovingClock(time), jitterSeed = 1)
            .sendBatch(rows, settings, journal, options = options)
        assertTrue(resumed.rows.single().outcome is RowOutcome.Sent)
        assertFalse(resumed.rows.single().fromJournal)
        assertEquals(1, transport.requests.size)
        assertEquals(listOf("r1 sending", "r1 finished"), events(journal).takeLast(2))
    }

    @TestFactory
    fun `the hostile journal suite`(): List<DynamicTest> {
        val suite = JSONObject(File(System.getProperty("andopen.hostile.dir") ?: "../../tests/hostile", "journal.json").readText())
        val cases = suite.getJSONArray("cases")
        return (0 until cases.length()).map { i ->
            val case = cases.getJSONObject(i)
            DynamicTest.dynamicTest(case.getString("name")) { replay(suite, case) }
        }
    }

    private fun replay(suite: JSONObject, case: JSONObject) {
        val specs = suite.getJSONArray("rows")
        val rows = (0 until specs.length()).map { i ->
            val spec = specs.getJSONObject(i)
            val r = spec.getJSONObject("recipient")
            val email = if (r.isNull("email")) null else r.getString("email")
            BatchRow(spec.getString("row_key"), NewRecipient(r.getString("first_name"), r.getString("last_name"), email, emptyList()), null, null)
        }
        val journal = Files.createTempFile("journal", ".jsonl")
        try {
            Files.write(journal, case.getString("journal").toByteArray())
            val expect = case.optJSONObject("expect")
            val sends = expect?.let { e -> e.keySet().count { e.getString(it) == "send" } } ?: 0
            val transport = FakeTransport(*Array(sends) { created(it + 1) })
            val time = FakeTime()
            val client = AndOpenClient(KEY, transport = transport, sleeper = time, clock = MovingClock(time), jitterSeed = 1)
            val settings = BatchSettings(suite.getString("campaign_id"), null, emptyList())
            if (case.has("error")) {
                val error = case.getJSONObject("error")
                val refused = assertThrows<AndOpenException> { client.sendBatch(rows, settings, journal, options = options) }
                val message = refused.message ?: ""
                assertTrue(message.contains("journal line ${error.getInt("line")}:"), message)
                assertTrue(message.contains(error.getString("mentions")), message)
                assertEquals(0, transport.requests.size)
                return
            }
            val result = client.sendBatch(rows, settings, journal, options = options)
            result.rows.forEachIndexed { i, row ->
                assertEquals(specs.getJSONObject(i).getString("send_key"), row.sendKey, row.rowKey)
                val got = when {
                    !row.fromJournal && row.outcome is RowOutcome.Sent -> "send"
                    row.fromJournal && row.outcome is RowOutcome.Sent -> "sent"
                    row.fromJournal && row.outcome is RowOutcome.OutcomeUnknown -> "outcome_unknown"
                    else -> "something else: ${row.outcome}"
                }
                assertEquals(expect!!.getString(row.rowKey), got, row.rowKey)
            }
            assertEquals(sends, transport.requests.size)
        } finally {
            Files.deleteIfExists(journal)
        }
    }
}
