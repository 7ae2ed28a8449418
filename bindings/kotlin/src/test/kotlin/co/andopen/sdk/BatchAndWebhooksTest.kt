package co.andopen.sdk

import kotlinx.coroutines.runBlocking
import co.andopen.sdk.ffi.BatchRow
import co.andopen.sdk.ffi.BatchSettings
import co.andopen.sdk.ffi.RowOutcome
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

class BatchAndWebhooksTest {
    private fun created(n: Int, first: String) = reply(
        201,
        gift().replace(GIFT_ID, "11111111-1111-4111-8111-%012d".format(n)).replace("Alice", first),
        "RateLimit-Remaining" to "10",
    )

    private fun row(key: String, first: String, last: String, email: String? = null) =
        BatchRow(key, NewRecipient(first, last, email, emptyList()), null, null)

    @Test
    fun `a batch gives one result per row and resumes from its journal`(@TempDir dir: Path): Unit = runBlocking {
        val time = FakeTime()
        val transport = FakeTransport(created(1, "Ann"), created(2, "Dan"))
        val client = AndOpenClient(KEY, transport = transport, sleeper = time, clock = MovingClock(time), jitterSeed = 1)
        val rows = listOf(
            row("r1", "Ann", "Smith", "ann@example.com"),
            row("r2", "Ann", "Smith", "ANN@example.com"),
            row("r3", "Bob", ""),
            row("r4", "Dan", "Brown"),
        )
        val settings = BatchSettings(CAMPAIGN_ID, null, emptyList())
        val journal = dir.resolve("gifts.journal")
        val options = co.andopen.sdk.ffi.defaultBatchOptions().copy(waitForRedemptionUrl = false)
        val progress = mutableListOf<ULong>()
        val result = client.sendBatch(rows, settings, journal, options = options) { progress += it.finished }

        val outcomes = result.rows.map { it.outcome }
        assertTrue(outcomes[0] is RowOutcome.Sent)
        assertEquals("r1", (outcomes[1] as RowOutcome.Skipped).sameAsRow)
        assertEquals("recipient.last_name", (outcomes[2] as RowOutcome.Failed).error.param)
        assertTrue(outcomes[3] is RowOutcome.Sent)
        assertEquals(4uL, progress.last())
        assertEquals(2, transport.requests.size)
        assertEquals(4, Files.readAllLines(journal).size)
        assertTrue(result.csv.lines()[3].startsWith("r3,failed,,,,,validation_error,required,recipient.last_name,"))

        // Run again with the same journal: nothing is sent, the recorded results come back.
        val again = AndOpenClient(KEY, transport = FakeTransport(), sleeper = time, clock = MovingClock(time))
            .sendBatch(rows, settings, journal, options = options)
        assertEquals(listOf(true, false, false, true), again.rows.map { it.fromJournal })
    }

    @Test
    fun `batch options out of the core's bounds are a ConfigException naming the field, nothing sent`(@TempDir dir: Path): Unit = runBlocking {
        val transport = FakeTransport()
        val client = AndOpenClient(KEY, transport = transport)
        val defaults = co.andopen.sdk.ffi.defaultBatchOptions()
        for ((options, field) in listOf(
            defaults.copy(pollIntervalMs = 0uL) to "poll_interval_ms",
            defaults.copy(pollTimeoutMs = ULong.MAX_VALUE) to "poll_timeout_ms",
            defaults.copy(minIntervalMs = ULong.MAX_VALUE) to "min_interval_ms",
        )) {
            val e = assertThrows<ConfigException> {
                runBlocking { client.sendBatchCsv("first_name,last_name\nAnn,Smith\n", BatchSettings(CAMPAIGN_ID, null, emptyList()), dir.resolve("j"), options = options) }
            }
            assertEquals(field, e.param)
            assertEquals("invalid_option", e.code)
        }
        assertEquals(0, transport.requests.size)
    }

    @Test
    fun `a 500 on create is outcome unknown and never resent`(@TempDir dir: Path): Unit = runBlocking {
        val time = FakeTime()
        val failure = reply(500, """{"errors":[{"type":"api_error","code":"internal","message":"oops"}]}""")
        val transport = FakeTransport(failure)
        val client = AndOpenClient(KEY, transport = transport, sleeper = time, clock = MovingClock(time), jitterSeed = 1)
        val result = client.sendBatchCsv("first_name,last_name\nAnn,Smith\n", BatchSettings(CAMPAIGN_ID, null, emptyList()), dir.resolve("j"))
        val outcome = result.rows.single().outcome as RowOutcome.OutcomeUnknown
        assertEquals(REQUEST_ID, outcome.requestId)
        assertEquals(1, transport.requests.size)
    }

    @Test
    fun `webhooks are verified, de-duplicated and folded into the history`(): Unit = runBlocking {
        val time = FakeTime()
        val secret = "whsec_test"
        val body = gift(status = "redeemed").toByteArray()
        val timestamp = (time.now.epochSecond).toString()
        val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret.toByteArray(), "HmacSHA256")) }
        val signature = mac.doFinal("$timestamp.".toByteArray() + body).joinToString("") { "%02x".format(it) }
        assertEquals(signature, webhookSignature(secret, timestamp, body))
        val headers = listOf(
            "AndOpen-Webhook-Signature" to signature,
            "AndOpen-Webhook-Dispatch-Timestamp" to timestamp,
            "AndOpen-Webhook-Event-Id" to "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10",
            "AndOpen-Webhook-Event-Type" to "gift_request_redeemed",
        )
        WebhookReceiver(secret, clock = MovingClock(time)).use { receiver ->
            val delivery = receiver.receive(headers, body)
            assertEquals(false, delivery.duplicate)
            assertEquals(true, receiver.receive(headers, body).duplicate)
            val tampered = body.copyOf().also { it[it.size - 3] = '0'.code.toByte() }
            assertEquals("invalid_signature", assertThrows<WebhookRefusedException> { receiver.receive(headers, tampered) }.code)

            val history = GiftHistory()
            history.recordDelivery(delivery)
            val alice = RecipientRef("Alice", "Smith", "alice@example.com")
            assertEquals(MemberStatus.COMPLETED, history.memberStatus(alice, CAMPAIGN_ID))
            assertTrue(history.eligibility(alice, lookBackDays(30), time.now.toEpochMilli()) is co.andopen.sdk.ffi.Eligibility.Skip)
        }
        time.sleep(java.time.Duration.ofSeconds(301))
        WebhookReceiver(secret, clock = MovingClock(time)).use { late ->
            assertEquals("outside_tolerance", assertThrows<WebhookRefusedException> { late.receive(headers, body) }.code)
        }
    }

    @Test
    fun `a host store de-duplicates across receivers and its failures are reported`(): Unit = runBlocking {
        val time = FakeTime()
        val secret = "whsec_test"
        val body = gift().toByteArray()
        val timestamp = time.now.epochSecond.toString()
        val headers = listOf(
            "AndOpen-Webhook-Signature" to webhookSignature(secret, timestamp, body),
            "AndOpen-Webhook-Dispatch-Timestamp" to timestamp,
            "AndOpen-Webhook-Event-Id" to "0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10",
            "AndOpen-Webhook-Event-Type" to "gift_request_created",
        )
        val store = object : EventStore {
            val ids = mutableSetOf<String>()
            var broken = false
            override fun firstSighting(eventId: String, bodyDigest: String): Boolean {
                if (broken) throw IllegalStateException("the database is down")
                return ids.add(eventId)
            }
            override fun forget(eventId: String) { ids.remove(eventId) }
        }
        WebhookReceiver(secret, clock = MovingClock(time), store = store).use { first ->
            WebhookReceiver(secret, clock = MovingClock(time), store = store).use { second ->
                assertEquals(false, first.receive(headers, body).duplicate)
                assertEquals(true, second.receive(headers, body).duplicate)
                assertEquals(setOf("0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10"), store.ids)
                store.broken = true
                assertThrows<WebhookStoreFailedException> { first.receive(headers, body) }
            }
        }
    }

    @Test
    fun `a receiver without a secret or memory for event ids is refused by the core`(): Unit = runBlocking {
        assertEquals("secret", assertThrows<ValidationException> { WebhookReceiver("") }.param)
        assertEquals("remember", assertThrows<ValidationException> { WebhookReceiver("s", remember = 0) }.param)
    }
}
