package co.andopen.sdk

import co.andopen.sdk.ffi.GiftRequestStatus
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.security.MessageDigest
import java.time.Clock
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset

/**
 * Webhook trust (the design's "Webhook trust" and "Limits"): only what the signature covers is a fact.
 * Replays the hostile suite every language replays (`tests/hostile/webhooks.json`), in memory and through
 * a host store, and checks the Kotlin surface around it.
 */
class WebhookTrustTest {
    private val suite = JSONObject(File(System.getProperty("andopen.hostile.file") ?: "../../tests/hostile/webhooks.json").readText())

    /** A clock the test sets to each delivery's `now`. */
    private class SetClock(var millis: Long = 0) : Clock() {
        override fun getZone(): ZoneId = ZoneOffset.UTC
        override fun withZone(zone: ZoneId?): Clock = this
        override fun instant(): Instant = Instant.ofEpochMilli(millis)
    }

    /** A host store as the interface documents it: one row per first sighting, both keys unique. */
    private class Rows : EventStore {
        val rows = mutableMapOf<String, String>()
        override fun firstSighting(eventId: String, bodyDigest: String): Boolean = synchronized(rows) {
            if (eventId in rows || bodyDigest in rows.values) return false
            rows[eventId] = bodyDigest
            true
        }
        override fun forget(eventId: String) {
            synchronized(rows) { rows.remove(eventId) }
        }
    }

    private fun body(name: String): ByteArray {
        val b = suite.getJSONObject("bodies").get(name)
        return if (b is String) {
            b.toByteArray()
        } else {
            val o = b as JSONObject
            (o.getString("prefix") + o.getString("repeat").repeat(o.getInt("times")) + o.getString("suffix")).toByteArray()
        }
    }

    private fun statusName(status: GiftRequestStatus): String = co.andopen.sdk.ffi.giftRequestStatusText(status)

    private fun replay(case: JSONObject, hostStore: Boolean) {
        val options = case.optJSONObject("receiver")
        val secrets = options?.optJSONArray("secrets")?.let { a -> (0 until a.length()).map { a.getString(it) } }
            ?: listOf(suite.getString("secret"))
        val remember = options?.takeIf { it.has("remember") }?.getInt("remember")
        val clock = SetClock()
        // A host store has no `remember`: cases that bound the memory run in memory only.
        val store = if (hostStore && remember == null) Rows() else null
        val history = GiftHistory()
        WebhookReceiver(secrets, remember = if (store == null) remember else null, clock = clock, store = store).use { receiver ->
            val deliveries = case.getJSONArray("deliveries")
            for (i in 0 until deliveries.length()) {
                val d = deliveries.getJSONObject(i)
                clock.millis = d.getLong("now") * 1000
                val headers = d.getJSONArray("headers").let { a -> (0 until a.length()).map { a.getJSONArray(it).getString(0) to a.getJSONArray(it).getString(1) } }
                val got: Any = try {
                    val delivery = receiver.receive(headers, body(d.getString("body")))
                    if (!delivery.duplicate) history.recordDelivery(delivery)
                    if (delivery.duplicate) "duplicate" else "accepted"
                } catch (e: WebhookRefusedException) {
                    mapOf("refused" to e.code)
                }
                val expected: Any = d.get("expect").let { if (it is JSONObject) mapOf("refused" to it.getString("refused")) else it }
                assertEquals(expected, got, "${case.getString("name")}, delivery $i, host store $hostStore")
            }
        }
        if (case.has("history_status")) {
            val expected = if (case.isNull("history_status")) null else case.getString("history_status")
            val timeline = history.timeline(suite.getString("gift_request_id"))
            assertEquals(expected, timeline?.let { statusName(it.status) }, "${case.getString("name")}: the history")
        }
    }

    @TestFactory
    fun `the hostile webhook suite`(): List<DynamicTest> {
        val cases = suite.getJSONArray("cases")
        return (0 until cases.length()).flatMap { i ->
            val case = cases.getJSONObject(i)
            listOf(false, true).map { hostStore ->
                DynamicTest.dynamicTest("${case.getString("name")} (${if (hostStore) "host store" else "memory"})") { replay(case, hostStore) }
            }
        }
    }

    @Test
    fun `the hostile receiver options are refused by the core, naming the option`() {
        val options: JSONArray = suite.getJSONArray("options")
        for (i in 0 until options.length()) {
            val o = options.getJSONObject(i)
            val secrets = o.getJSONArray("secrets").let { a -> (0 until a.length()).map { a.getString(it) } }
            // Through the native constructor: its u32 carries every figure of the suite (Kotlin's Int does not).
            val remember = if (o.isNull("remember")) co.andopen.sdk.ffi.limits().defaultRememberedEvents.toUInt() else o.getLong("remember").toUInt()
            val got: Any = try {
                core { co.andopen.sdk.ffi.WebhookReceiver.withSecrets(secrets, 300u, remember) }.destroy()
                "ok"
            } catch (e: ValidationException) {
                mapOf("refused" to e.param)
            }
            val expected: Any = o.get("expect").let { if (it is JSONObject) mapOf("refused" to it.getString("refused")) else it }
            assertEquals(expected, got, o.toString())
        }
    }

    @Test
    fun `remember is bounded by the core's maximum and named, never allocated up front`() {
        for (bad in listOf(-1, 0, 1_000_001, Int.MAX_VALUE)) {
            val e = assertThrows<ValidationException> { WebhookReceiver("whsec", remember = bad) }
            assertEquals("remember", e.param)
            assertTrue(e.message!!.contains("1000000"), e.message)
        }
        WebhookReceiver("whsec", remember = 1_000_000).close()
        assertEquals("secret", assertThrows<ValidationException> { WebhookReceiver(" \t") }.param)
        assertThrows<IllegalArgumentException> { WebhookReceiver("whsec", remember = 10, store = Rows()) }
    }

    @Test
    fun `a captured delivery under a new event id or a contradicting type changes nothing`() {
        val clock = SetClock(1_776_335_400_000)
        val submitted = body("submitted")
        fun headers(id: String, type: String) = listOf(
            "AndOpen-Webhook-Signature" to webhookSignature("whsec_hostile", "1776335400", submitted),
            "AndOpen-Webhook-Dispatch-Timestamp" to "1776335400",
            "AndOpen-Webhook-Event-Id" to id,
            "AndOpen-Webhook-Event-Type" to type,
        )
        val history = GiftHistory()
        WebhookReceiver("whsec_hostile", clock = clock).use { receiver ->
            val first = receiver.receive(headers("0b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10", "gift_request_created"), submitted)
            val sha = MessageDigest.getInstance("SHA-256").digest(submitted).joinToString("") { "%02x".format(it) }
            assertEquals(sha, first.bodyDigest)
            history.recordDelivery(first)
            assertTrue(receiver.receive(headers("1b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10", "gift_request_created"), submitted).duplicate)
            val refused = assertThrows<WebhookRefusedException> {
                receiver.receive(headers("2b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10", "gift_request_cancelled"), submitted)
            }
            assertEquals("event_type_mismatch" to 400, refused.code to refused.status)
            val tooLarge = assertThrows<WebhookRefusedException> { receiver.receive(headers("3b6f1c1e-2d5a-4c4e-9a57-3f1f3c2a9d10", "x"), ByteArray(1_048_577)) }
            assertEquals("body_too_large" to 413, tooLarge.code to tooLarge.status)
            // A delivery record changed by hand still folds by its signed body only.
            history.recordDelivery(first.copy(eventType = "gift_request_cancelled"))
        }
        val ann = RecipientRef("Ann", "Smith", "ann@example.com")
        assertEquals(MemberStatus.INVITED, history.memberStatus(ann, "a1b2c3d4-e5f6-7890-abcd-ef1234567890"))
        assertTrue(history.eligibility(ann, lookBackDays(30), 1_776_335_400_000) is co.andopen.sdk.ffi.Eligibility.Skip)
    }
}
