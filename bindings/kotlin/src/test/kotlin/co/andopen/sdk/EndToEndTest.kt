package co.andopen.sdk

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.count
import kotlinx.coroutines.flow.toList
import co.andopen.sdk.ffi.GiftRequestStatus
import com.sun.net.httpserver.HttpServer
import org.json.JSONObject
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import java.net.InetSocketAddress
import java.security.MessageDigest
import java.time.Duration
import java.util.concurrent.TimeUnit
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * End to end: the package's client over its default transport (`java.net.http`) against the &Open API
 * simulator (`tests/mock`, the `andopen-mock` binary), started as a child process on a free port for each
 * test. Needs the simulator built (`cargo build --release -p andopen-mock`, or `ANDOPEN_MOCK_BIN` naming the
 * binary): without it every test here fails, saying so. Besides what the client returns, each test checks
 * what the simulator saw, through its request log and its control endpoints (`/_mock/...`).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EndToEndTest {
    private lateinit var sim: Simulator
    private lateinit var client: AndOpenClient

    @BeforeEach
    fun start() {
        sim = Simulator("--seed", "7", "--redemption-delay-ms", "800")
        // The default transport (java.net.http), the real clock and the real sleep.
        client = AndOpenClient(KEY_E2E, baseUrl = sim.url)
    }

    @AfterEach
    fun stop() {
        if (::client.isInitialized) client.close()
        if (::sim.isInitialized) sim.close()
    }

    private suspend fun campaignsByName(): Map<String?, Campaign> = client.listCampaigns().toList().associateBy { it.name }

    private fun choiceGift(campaignId: String, firstName: String = "Alice", email: String? = "alice@example.com") =
        NewGiftRequest(campaignId, NewRecipient(firstName, "Smith", email))

    private fun directSendGift(campaignId: String, sku: String, address: NewShippingAddress = ADDRESS, lastName: String = "Byrne", quantity: Long = 1) =
        NewGiftRequest(campaignId, NewRecipient("Bob", lastName), shippingAddress = address, lineItems = listOf(NewLineItem(sku = sku, quantity = quantity)))

    @Test
    fun listsEveryCampaignAcrossPages(): Unit = runBlocking {
        var mark = sim.mark()
        val pages = client.campaignPages().toList()
        assertEquals(listOf(25, 7), pages.map { it.data.size })
        assertEquals(listOf(true, false), pages.map { it.hasMore })
        assertEquals(List(2) { Triple("GET", "/campaigns", "200") }, sim.apiLog(mark).map { Triple(it.method, it.path, it.status) })

        val campaigns = pages.flatMap { it.data }
        assertEquals(32, campaigns.map { it.id }.toSet().size)
        val created = campaigns.map { it.createdAt!! }
        assertEquals(created.sortedDescending(), created, "newest first")
        val byName = campaigns.associateBy { it.name }
        assertTrue(byName.keys.containsAll(listOf(CHOICE, DIRECT_SEND, EMAIL_REQUIRED)))
        assertTrue(byName.getValue(DIRECT_SEND).allowsDirectSend)
        assertFalse(byName.getValue(CHOICE).allowsDirectSend)
        // Undocumented fields stay reachable.
        assertTrue(JSONObject(byName.getValue(EMAIL_REQUIRED).rawJson).getBoolean("requires_recipient_email"))

        // Smaller pages: the same campaigns in the same order, over four requests.
        mark = sim.mark()
        assertEquals(campaigns.map { it.id }, client.listCampaigns(ListCampaignsParams(limit = 10)).map { it.id }.toList())
        assertEquals(4, sim.apiLog(mark).size)
    }

    @Test
    fun createsAChoiceModeGiftAndWaitsForItsRedemptionUrl(): Unit = runBlocking {
        val campaign = campaignsByName().getValue(CHOICE)
        val mark = sim.mark()
        val gift = client.createGiftRequest(choiceGift(campaign.id))
        assertEquals(GiftRequestStatus.Submitted, gift.status)
        assertEquals(campaign.id, gift.campaignId)
        assertEquals("alice@example.com", gift.recipient.email)
        assertNull(gift.shippingAddress)
        assertNull(gift.lineItems, "choice-mode items are locked at redemption")
        assertNull(gift.redemptionUrl, "the link is generated shortly after creation")
        assertEquals(listOf(Triple("POST", "/gift_requests", "201")), sim.apiLog(mark).map { Triple(it.method, it.path, it.status) })

        val ready = client.waitForRedemptionUrl(gift.id, interval = Duration.ofMillis(200), timeout = Duration.ofSeconds(15))
        assertEquals(gift.id, ready.id)
        assertTrue(ready.redemptionUrl!!.startsWith("https://"))
        val polls = sim.apiLog(mark).filter { it.method == "GET" }
        assertTrue(polls.size >= 2, "polled $polls")
        assertEquals(setOf("/gift_requests/${gift.id}"), polls.map { it.path }.toSet())
        assertEquals(ready.redemptionUrl, client.getGiftRequest(gift.id).redemptionUrl)
        assertEquals(listOf(gift.id), sim.gifts().map { it.getString("id") })
    }

    @Test
    fun createsADirectSendGift(): Unit = runBlocking {
        val campaign = campaignsByName().getValue(DIRECT_SEND)
        val gift = client.createGiftRequest(directSendGift(campaign.id, "MUG-LTD"))
        assertEquals(GiftRequestStatus.Submitted, gift.status)
        assertEquals("IE", gift.shippingAddress?.countryCode)
        assertEquals(listOf("MUG-LTD" to 1L), gift.lineItems!!.map { it.sku to it.quantity })
        assertNotNull(gift.lineItems!!.single().variantId)
        // The only unit is gone.
        val mug = client.getCampaign(campaign.id).products.flatMap { it.variants }.single { it.sku == "MUG-LTD" }
        assertEquals(0L, mug.available)
        assertEquals(listOf(gift.id), sim.gifts().map { it.getString("id") })
    }

    @Test
    fun aClientSideValidationErrorNeverReachesTheServer(): Unit = runBlocking {
        val campaign = campaignsByName().getValue(DIRECT_SEND)
        val params = directSendGift(campaign.id, "MUG-LTD", address = ADDRESS.copy(countryCode = "ie"), lastName = "", quantity = 0)
        val mark = sim.mark()
        val e = assertThrows<ValidationException> { client.createGiftRequest(params) }
        assertNull(e.status)
        assertNull(e.requestId)
        assertEquals(
            setOf(
                "recipient.last_name" to "required",
                "shipping_address.country_code" to "invalid_format",
                "line_items[0].quantity" to "invalid",
            ),
            e.errors.map { it.param to it.code }.toSet(),
        )
        assertTrue(e.errors.all { it.message.isNotBlank() })
        // Nothing was sent, nothing was created.
        assertEquals(emptyList<Logged>(), sim.apiLog(mark))
        assertEquals(emptyList<JSONObject>(), sim.gifts())
    }

    @Test
    fun serverSideValidationErrorsCarryParamCodeStatusAndRequestId(): Unit = runBlocking {
        val byName = campaignsByName()
        val mark = sim.mark()
        val e = assertThrows<ApiException> { client.createGiftRequest(directSendGift(byName.getValue(DIRECT_SEND).id, "TEE-S-WHT")) }
        assertEquals(ApiException::class, e::class)
        assertEquals(listOf(422, "validation_error", "out_of_stock", "line_items[0]"), listOf(e.status, e.type, e.code, e.param))
        assertEquals(listOf("line_items[0]" to "out_of_stock"), e.errors.map { it.param to it.code })
        assertEquals(listOf(Logged("POST", "/gift_requests", "422", e.requestId!!)), sim.apiLog(mark))

        // A campaign that requires the recipient's email: only the server knows.
        val missing = assertThrows<ApiException> { client.createGiftRequest(choiceGift(byName.getValue(EMAIL_REQUIRED).id, email = null)) }
        assertEquals(listOf(422, "required", "recipient.email"), listOf(missing.status, missing.code, missing.param))
        assertNotNull(missing.requestId)
        assertNotEquals(e.requestId, missing.requestId)
        assertEquals(emptyList<JSONObject>(), sim.gifts())
    }

    @Test
    fun anInjected429And503AreWaitedOut(): Unit = runBlocking {
        sim.queueFaults("""[{"method":"GET","path":"/campaigns","status":429,"retry_after":1}]""")
        var mark = sim.mark()
        val started = System.nanoTime()
        val campaigns = client.listCampaigns().toList()
        assertTrue(System.nanoTime() - started >= 900_000_000L, "Retry-After: 1 was slept through")
        assertEquals(32, campaigns.size)
        assertEquals(listOf("429", "200", "200"), sim.apiLog(mark).map { it.status })

        val campaign = campaigns.single { it.name == CHOICE }
        sim.queueFaults("""[{"method":"POST","path":"/gift_requests","status":503,"retry_after":1}]""")
        mark = sim.mark()
        val gift = client.createGiftRequest(choiceGift(campaign.id))
        assertEquals(GiftRequestStatus.Submitted, gift.status)
        // A 503 means "not processed": sent again, and exactly one gift exists.
        assertEquals(listOf("POST" to "503", "POST" to "201"), sim.apiLog(mark).map { it.method to it.status })
        assertEquals(listOf(gift.id), sim.gifts().map { it.getString("id") })
    }

    @Test
    fun aDroppedConnectionOnAReadIsRetried(): Unit = runBlocking {
        sim.queueFaults("""[{"method":"GET","path":"/campaigns","drop":true}]""")
        val mark = sim.mark()
        assertEquals(32, client.listCampaigns().count())
        assertEquals(listOf("dropped", "200", "200"), sim.apiLog(mark).map { it.status })
    }

    @Test
    fun a500AfterProcessingACreateIsOutcomeUnknownAndNotSentAgain(): Unit = runBlocking {
        val campaign = campaignsByName().getValue(CHOICE)
        sim.queueFaults("""[{"method":"POST","path":"/gift_requests","status":500,"after_processing":true}]""")
        var mark = sim.mark()
        val e = assertThrows<OutcomeUnknownException> { client.createGiftRequest(choiceGift(campaign.id, firstName = "Oona")) }
        assertEquals(500, e.status)
        val requestId = checkNotNull(e.requestId) { "the error has no request id" }
        assertTrue(e.message!!.contains(requestId), e.message)
        // Exactly one create reached the simulator, the one the error names, and it did create the gift.
        assertEquals(listOf(Logged("POST", "/gift_requests", "500", requestId)), sim.apiLog(mark))
        assertEquals(listOf("Oona"), sim.gifts().map { it.getJSONObject("recipient").getString("first_name") })

        // The same when the connection is cut after processing: no response, maybe sent, not sent again.
        sim.queueFaults("""[{"method":"POST","path":"/gift_requests","drop":true,"after_processing":true}]""")
        mark = sim.mark()
        assertThrows<OutcomeUnknownException> { client.createGiftRequest(choiceGift(campaign.id, firstName = "Pat")) }
        assertEquals(listOf("POST" to "dropped"), sim.apiLog(mark).map { it.method to it.status })
        assertEquals(listOf("Oona", "Pat"), sim.gifts().map { it.getJSONObject("recipient").getString("first_name") })
    }

    @Test
    fun webhooksArriveSignedAndVerify(): Unit = runBlocking {
        val secret = "whsec_e2e_kotlin"
        val deliveries = mutableListOf<Pair<Map<String, String>, ByteArray>>()
        val receiver = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        receiver.createContext("/andopen/webhooks") { exchange ->
            val body = exchange.requestBody.readAllBytes()
            val headers = exchange.requestHeaders.entries.associate { (name, values) -> name.lowercase() to values.first() }
            val failing = synchronized(deliveries) {
                deliveries += headers to body
                deliveries.size == 1 // the first attempt fails: the simulator retries
            }
            exchange.sendResponseHeaders(if (failing) 503 else 204, -1)
            exchange.close()
        }
        receiver.start()
        try {
            val hook = "http://127.0.0.1:${receiver.address.port}/andopen/webhooks"
            assertEquals(1, sim.control("POST", "/_mock/webhooks", JSONObject(mapOf("url" to hook, "secret" to secret)).toString()).getInt("receivers"))

            val gift = client.createGiftRequest(choiceGift(campaignsByName().getValue(CHOICE).id))
            waitFor { synchronized(deliveries) { deliveries.size >= 2 } }

            val (first, second) = synchronized(deliveries) { deliveries.take(2) }
            val now = System.currentTimeMillis() / 1000
            for ((headers, body) in listOf(first, second)) {
                assertEquals("gift_request_created", headers["andopen-webhook-event-type"])
                assertEquals(AndOpen.API_VERSION, headers["andopen-webhook-api-version"])
                assertTrue(headers.getValue("content-type").startsWith("application/json"))
                assertTrue(verify(secret, headers.getValue("andopen-webhook-dispatch-timestamp"), body, headers.getValue("andopen-webhook-signature"), now))
            }
            // A retry: the same event (the de-duplication key) and body, signed afresh.
            assertEquals(first.first["andopen-webhook-event-id"], second.first["andopen-webhook-event-id"])
            assertTrue(first.second.contentEquals(second.second))
            val event = JSONObject(String(second.second))
            assertEquals(gift.id, event.getString("id"))
            assertEquals("submitted", event.getString("status"))

            // What a receiver must refuse.
            val (headers, body) = second
            val ts = headers.getValue("andopen-webhook-dispatch-timestamp")
            val sig = headers.getValue("andopen-webhook-signature")
            assertFalse(verify("whsec_other", ts, body, sig, now))
            assertFalse(verify(secret, ts, String(body).replace("submitted", "delivered").toByteArray(), sig, now))
            assertFalse(verify(secret, (ts.toLong() + 1).toString(), body, sig, now))
            assertFalse(verify(secret, ts, body, sig, now + 301))
            assertTrue(verify(secret, ts, body, sig.uppercase(), now))

            // The simulator's log agrees: attempt 1 failed, attempt 2 delivered.
            val log = sim.control("GET", "/_mock/webhooks").getJSONArray("data").let { a -> (0 until a.length()).map { a.getJSONObject(it) } }
                .filter { it.getString("event_type") == "gift_request_created" }
            assertEquals(listOf(Triple(1, 503, false), Triple(2, 204, true)), log.map { Triple(it.getInt("attempt"), it.getInt("status"), it.getBoolean("delivered")) })

            // A status change is an event too.
            sim.control("POST", "/_mock/gift_requests/${gift.id}/advance", "{}")
            waitFor { synchronized(deliveries) { deliveries.size >= 3 } }
            val (redeemedHeaders, redeemedBody) = synchronized(deliveries) { deliveries[2] }
            assertEquals("gift_request_redeemed", redeemedHeaders["andopen-webhook-event-type"])
            assertNotEquals(first.first["andopen-webhook-event-id"], redeemedHeaders["andopen-webhook-event-id"])
            assertTrue(
                verify(
                    secret,
                    redeemedHeaders.getValue("andopen-webhook-dispatch-timestamp"),
                    redeemedBody,
                    redeemedHeaders.getValue("andopen-webhook-signature"),
                    System.currentTimeMillis() / 1000,
                ),
            )
            assertEquals("redeemed", JSONObject(String(redeemedBody)).getString("status"))
            assertEquals(GiftRequestStatus.Redeemed, client.getGiftRequest(gift.id).status)
        } finally {
            receiver.stop(0)
        }
    }

    private companion object {
        const val KEY_E2E = "ao-v1-staging-e2e-kotlin"
        const val CHOICE = "Welcome box (choice)"
        const val DIRECT_SEND = "Welcome box (direct send)"
        const val EMAIL_REQUIRED = "VIP thank-you (email required)"
        val ADDRESS = NewShippingAddress(
            address1 = "12 Merrion Square",
            city = "Dublin",
            region = "Leinster",
            postalCode = "D02 XY45",
            countryCode = "IE",
            phone = "+353871234567",
        )

        /**
         * What a receiver checks (core/src/webhook.rs): HMAC-SHA256 over `{timestamp}.{raw body}`, hex, compared in
         * constant time; then a timestamp within [tolerance] seconds of [now] (Unix seconds).
         */
        fun verify(secret: String, timestamp: String, rawBody: ByteArray, signature: String, now: Long, tolerance: Long = 300): Boolean {
            val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret.toByteArray(), "HmacSHA256")) }
            mac.update("$timestamp.".toByteArray())
            val expected = mac.doFinal(rawBody).joinToString("") { "%02x".format(it) }
            if (!MessageDigest.isEqual(expected.toByteArray(), signature.lowercase().toByteArray())) return false
            val sent = timestamp.toLongOrNull() ?: return false
            return Math.abs(now - sent) <= tolerance
        }

        fun waitFor(timeout: Duration = Duration.ofSeconds(10), condition: () -> Boolean) {
            val deadline = System.nanoTime() + timeout.toNanos()
            while (!condition()) {
                check(System.nanoTime() < deadline) { "timed out" }
                Thread.sleep(50)
            }
        }
    }
}
