package co.andopen.sdk

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.flow.toList
import co.andopen.sdk.ffi.GiftRequestStatus
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import java.lang.management.BufferPoolMXBean
import java.lang.management.ManagementFactory
import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.TimeUnit

/**
 * Host oddities on every public function: empty and huge strings, lone surrogates, figures at
 * Long.MAX_VALUE and below zero, payloads far over the limits, and transports answering nonsense. Whatever
 * comes in, a call ends with the package's own exceptions (or [IllegalArgumentException] naming the
 * field), never with a raw UniFFI or JNA one, never with a hang; and a create whose outcome is uncertain is
 * never called failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileInputTest {
    private val maxBody = AndOpen.LIMITS.maxBodyBytes.toLong()

    /** Runs [block], which must throw [IllegalArgumentException] naming [field]. */
    private suspend fun refusesNaming(field: String, block: suspend () -> Unit) {
        val e = assertThrows<IllegalArgumentException> { block() }
        assertTrue(e.message!!.startsWith("$field:"), "expected the field $field named: ${e.message}")
    }

    @Test
    fun aLoneSurrogateIsRefusedNamingTheFieldByEveryFunction(): Unit = runBlocking {
        val lone = "A\uD800B"
        val client = client(FakeTransport())
        refusesNaming("api_key") { AndOpenClient("ao-v1-production-$lone") }
        refusesNaming("base_url") { AndOpenClient(KEY, baseUrl = "https://api.andopen.co/$lone") }
        refusesNaming("recipient.first_name") { client.createGiftRequest(choiceMode().copy(recipient = NewRecipient(lone, "Smith"))) }
        refusesNaming("recipient.email") { client.createGiftRequest(choiceMode().copy(recipient = NewRecipient("A", "B", "a\uDC00@b.co"))) }
        refusesNaming("campaign_id") { client.createGiftRequest(choiceMode().copy(campaignId = lone)) }
        val address = NewShippingAddress("1 Main St", null, "Dublin", "Leinster", "D01", "IE", "+353871234567")
        refusesNaming("shipping_address.phone") { client.createGiftRequest(directSend(address.copy(phone = lone))) }
        refusesNaming("shipping_address.extra[0].name") {
            client.createGiftRequest(directSend(address.copy(extra = listOf(ExtraField(lone, "1")))))
        }
        refusesNaming("line_items[1].sku") {
            client.createGiftRequest(directSend(address, listOf(NewLineItem(sku = "A", quantity = 1), NewLineItem(sku = lone, quantity = 1))))
        }
        refusesNaming("extra[0].json") { client.createGiftRequest(choiceMode().copy(extra = listOf(ExtraField("note", "\"$lone\"")))) }
        refusesNaming("json") { client.createGiftRequestJson("""{"campaign_id":"$lone"}""") }
        refusesNaming("id") { client.getGiftRequest(lone) }
        refusesNaming("id") { client.getCampaign(lone) }
        refusesNaming("id") { client.waitForRedemptionUrl(lone) }
        refusesNaming("id") { client.waitForStatus(lone, GiftRequestStatus.Delivered) }
        refusesNaming("after") { client.listCampaigns(ListCampaignsParams(after = lone)) }
        refusesNaming("extra_query[0].value") { client.listCampaigns(ListCampaignsParams(extraQuery = listOf(QueryParam("q", lone)))) }
        refusesNaming("recipient.last_name") { AndOpen.validateGiftRequest(choiceMode().copy(recipient = NewRecipient("A", lone))) }
        refusesNaming("json") { AndOpen.validateGiftRequestJson("\"\uDFFF\"") }
        refusesNaming("recipient.first_name") { AndOpen.giftRequestBody(choiceMode().copy(recipient = NewRecipient("\uDBFF", "B"))) }
    }

    @Test
    fun aClosedClientSaysSo(): Unit = runBlocking {
        val client = client(FakeTransport())
        client.close()
        client.close()
        assertEquals("AndOpenClient(baseUrl=https://api.andopen.co, apiKey=<redacted>, closed)", client.toString())
        assertEquals("https://api.andopen.co", client.baseUrl)
        val calls = listOf<suspend () -> Unit>(
            { client.getGiftRequest(GIFT_ID) }, { client.getCampaign(CAMPAIGN_ID) }, { client.createGiftRequest(choiceMode()) },
            { client.createGiftRequestJson("{}") }, { client.listCampaigns() }, { client.waitForRedemptionUrl(GIFT_ID) },
        )
        for (call in calls) assertEquals("this AndOpenClient is closed", assertThrows<IllegalStateException> { call() }.message)
    }

    @Test
    fun wholeSurrogatePairsAreText(): Unit = runBlocking {
        val transport = FakeTransport(reply(201, gift()))
        client(transport).createGiftRequest(choiceMode().copy(recipient = NewRecipient("Zoë 😀", "Smith")))
        assertTrue(String(transport.requests.single().body!!).contains("Zoë 😀"))
        assertTrue(AndOpen.validateGiftRequestJson("""{"campaign_id":"$CAMPAIGN_ID","recipient":{"first_name":"😀","last_name":"B"}}""").isEmpty())
    }

    @Test
    fun emptyAndHugeStringsAreRefusedWithShortMessages(): Unit = runBlocking {
        val huge = "x".repeat(10_000_000)
        val client = client(FakeTransport())
        for (id in listOf("", huge)) {
            for (call in listOf<suspend () -> Unit>({ client.getGiftRequest(id) }, { client.getCampaign(id) }, { client.waitForRedemptionUrl(id) })) {
                val e = assertThrows<ValidationException> { call() }
                assertEquals("id", e.param)
                assertTrue(e.message!!.length < 1000, "a message of ${e.message!!.length} chars")
            }
        }
        val empty = assertThrows<ValidationException> { client.createGiftRequest(NewGiftRequest("", NewRecipient("", ""))) }
        assertEquals(setOf("campaign_id", "recipient.first_name", "recipient.last_name"), empty.errors.map { it.param }.toSet())
        for (key in listOf("", huge, "ao-v1-production-$huge\n")) {
            val e = assertThrows<ConfigException> { AndOpenClient(key) }
            assertEquals("malformed_api_key", e.code)
            assertTrue(e.message!!.length < 1000, "a message of ${e.message!!.length} chars")
        }
        // A key longer than the core's MAX_API_KEY_CHARS is refused naming it, and quoted nowhere.
        val long = assertThrows<ConfigException> { AndOpenClient("ao-v1-production-$huge") }
        assertEquals("malformed_api_key" to "api_key", long.code to long.param)
        assertFalse(long.message!!.contains(huge.substring(0, 100)))
        val url = assertThrows<ConfigException> { AndOpenClient(KEY, baseUrl = "ftp://$huge") }
        assertTrue(url.message!!.length < 1000, "a message of ${url.message!!.length} chars")
        val query = FakeTransport(reply(200, """{"data":[],"has_more":false}"""))
        val unnamed = assertThrows<ValidationException> { client(query).listCampaigns(ListCampaignsParams(extraQuery = listOf(QueryParam("", "")))) }
        assertTrue(unnamed.param!!.startsWith("extra_query"), unnamed.param)
        client(query).listCampaigns(ListCampaignsParams(extraQuery = listOf(QueryParam("q", huge)))).toList()
        assertTrue(query.requests.single().url.endsWith("?q=$huge"))
    }

    @Test
    fun aClientWithoutAKeyRefusesToSendToTheApiAndSendsToACustomBackend(): Unit = runBlocking {
        val transport = FakeTransport(reply(200, gift()), reply(200, gift()))
        AndOpenClient(null, transport = transport).use {
            val e = assertThrows<ConfigException> { it.getGiftRequest(GIFT_ID) }
            assertEquals("missing_api_key" to "api_key", e.code to e.param)
        }
        assertTrue(transport.requests.isEmpty())
        AndOpenClient(null, baseUrl = "https://gifts.example.com/api", transport = transport).use {
            assertEquals(GIFT_ID, it.getGiftRequest(GIFT_ID).id)
        }
        assertTrue(transport.requests.single().headers.none { it.name.equals("authorization", ignoreCase = true) })
    }

    @Test
    fun figuresAtTheirExtremes(): Unit = runBlocking {
        // The core's bounds of a timeout, as in every language: above 0, at most 24 days.
        val forever = Duration.ofSeconds(Long.MAX_VALUE)
        for (timeout in listOf(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(25), forever)) {
            val e = assertThrows<ConfigException> { AndOpenClient(KEY, timeout = timeout) }
            assertEquals("invalid_option" to "timeout", e.code to e.param, "$timeout")
        }
        AndOpenClient(KEY, transport = FakeTransport(reply(200, gift())), timeout = Duration.ofDays(24), jitterSeed = Long.MIN_VALUE).use {
            assertEquals(GIFT_ID, it.getGiftRequest(GIFT_ID).id)
        }
        RawServer { out ->
            val body = gift().toByteArray()
            out.write(RawServer.head(200, body.size.toLong()))
            out.write(body)
        }.use { server ->
            assertEquals(200, UrlConnectionTransport().send(ApiRequest("GET", server.url, emptyList(), null), forever).status)
            assertEquals(200, UrlConnectionTransport().send(ApiRequest("GET", server.url, emptyList(), null), Duration.ofNanos(Long.MAX_VALUE)).status)
        }

        val d = AndOpen.defaultRetryPolicy()
        for ((policy, field) in listOf(
            d.copy(maxAttempts = -1) to "retry_policy.max_attempts",
            d.copy(maxAttempts = Int.MIN_VALUE) to "retry_policy.max_attempts",
            d.copy(baseDelayMs = -1) to "retry_policy.base_delay_ms",
            d.copy(maxDelayMs = Long.MIN_VALUE) to "retry_policy.max_delay_ms",
            d.copy(maxRetryAfterMs = -5) to "retry_policy.max_retry_after_ms",
        )) {
            val e = assertThrows<AndOpenException> { AndOpenClient(KEY, retryPolicy = policy) }
            assertEquals(field, e.param, e.message)
        }
        val time = FakeTime()
        val huge = RetryPolicy(Int.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)
        val transport = FakeTransport(reply(503, """{"errors":[]}""", "Retry-After" to "2"), reply(200, gift()))
        client(transport, time, huge).getGiftRequest(GIFT_ID)
        assertEquals(listOf(Duration.ofSeconds(2)), time.sleeps)

        val polls = FakeTransport(reply(200, gift(redemptionUrl = "https://gift.andopen.co/r/abc")))
        assertEquals(GIFT_ID, client(polls).waitForRedemptionUrl(GIFT_ID, Duration.ofMillis(100), Duration.ofDays(24)).id)
        for ((interval, timeout, field) in listOf(
            Triple(Duration.ofMillis(-1), Duration.ofMinutes(1), "interval"),
            Triple(Duration.ZERO, Duration.ofMinutes(1), "interval"),
            Triple(Duration.ofMillis(99), Duration.ofMinutes(1), "interval"),
            Triple(Duration.ofSeconds(Long.MIN_VALUE), Duration.ofMinutes(1), "interval"),
            Triple(forever, forever, "interval"),
            Triple(Duration.ofSeconds(1), Duration.ofSeconds(Long.MIN_VALUE), "timeout"),
            Triple(Duration.ofSeconds(1), Duration.ZERO, "timeout"),
            Triple(Duration.ofSeconds(1), Duration.ofDays(25), "timeout"),
        )) {
            val e = assertThrows<ConfigException> { client(FakeTransport()).waitForRedemptionUrl(GIFT_ID, interval, timeout) }
            assertEquals("invalid_option" to field, e.code to e.param, "$interval $timeout")
        }

        for (limit in listOf(0L, -1L, Long.MIN_VALUE)) {
            assertEquals("limit", assertThrows<ValidationException> { client(FakeTransport()).listCampaigns(ListCampaignsParams(limit = limit)) }.param)
        }
        val pages = FakeTransport(reply(200, """{"data":[],"has_more":false}"""))
        client(pages).listCampaigns(ListCampaignsParams(limit = Long.MAX_VALUE)).toList()
        assertTrue(pages.requests.single().url.contains("limit=${Long.MAX_VALUE}"), pages.requests.single().url)

        val address = NewShippingAddress("1 Main St", null, "Dublin", "Leinster", "D01", "IE", "+353871234567")
        for (quantity in listOf(0L, -1L, Long.MIN_VALUE)) {
            val e = assertThrows<ValidationException> { client(FakeTransport()).createGiftRequest(directSend(address, listOf(NewLineItem("S", null, quantity)))) }
            assertEquals("line_items[0].quantity", e.param)
        }
        val most = FakeTransport(reply(201, gift()))
        client(most).createGiftRequest(directSend(address, listOf(NewLineItem("S", null, Long.MAX_VALUE))))
        assertTrue(String(most.requests.single().body!!).contains("\"quantity\":${Long.MAX_VALUE}"))
    }

    @Test
    fun statusesThatAreNoHttpAnswer(): Unit = runBlocking {
        for (status in listOf(0, -1, 99, 600, 65736, Int.MAX_VALUE, Int.MIN_VALUE)) {
            val create = FakeTransport(ApiResponse(status, listOf("Request-Id" to REQUEST_ID), gift().toByteArray()))
            val e = assertThrows<OutcomeUnknownException>("status $status") { client(create).createGiftRequest(choiceMode()) }
            assertNull(e.status, "status $status")
            assertEquals(1, create.requests.size, "status $status: a create that may have landed is never sent again")
            // A read backs off as after a lost connection, then reads the answer.
            val time = FakeTime()
            val read = FakeTransport(ApiResponse(status, emptyList(), ByteArray(0)), reply(200, gift()))
            assertEquals(GIFT_ID, client(read, time).getGiftRequest(GIFT_ID).id, "status $status")
            assertEquals(1, time.sleeps.size)
        }
    }

    @Test
    fun aTransportThatAnswersNothingOrThrowsItsOwnException(): Unit = runBlocking {
        val nothing = HttpTransport { _, _ -> nullOf<ApiResponse>() }
        val unknown = assertThrows<OutcomeUnknownException> { client(nothing).createGiftRequest(choiceMode()) }
        assertTrue(unknown.cause is TransportFailureException)
        assertEquals(4, assertThrows<TransportException> { client(nothing).getGiftRequest(GIFT_ID) }.attempts)

        val boom = IllegalStateException("the transport broke")
        var sent = 0
        val broken = HttpTransport { _, _ -> sent++; throw boom }
        assertEquals(boom, assertThrows<OutcomeUnknownException> { client(broken).createGiftRequest(choiceMode()) }.cause)
        assertEquals(1, sent)
        val read = assertThrows<TransportException> { client(broken).getCampaign(CAMPAIGN_ID) }
        assertEquals(boom, read.cause)
        assertEquals(4, read.attempts)

        // Cancellation is not a transport failure: it stops the call.
        val cancelled = HttpTransport { _, _ -> throw CancellationException("stop") }
        assertThrows<CancellationException> { client(cancelled).getGiftRequest(GIFT_ID) }
    }

    @Test
    fun headersAsNoServerSendsThem(): Unit = runBlocking {
        val headers = listOf(nullOf<Pair<String, String>>(), "Request-Id" to "\uD800req", "X-Odd" to nullOf<String>(), nullOf<String>() to "v")
        val e = assertThrows<NotFoundException> {
            client(FakeTransport(ApiResponse(404, headers, """{"errors":[{"type":"not_found_error","code":"not_found","message":"no"}]}""".toByteArray())))
                .getGiftRequest(GIFT_ID)
        }
        assertEquals("\uFFFDreq", e.requestId)

        val long = "r".repeat(10_000_000)
        val e500 = assertThrows<ApiException> {
            val body = """{"errors":[{"type":"api_error","code":"internal","message":"boom"}]}""".toByteArray()
            client(FakeTransport(ApiResponse(500, listOf("Request-Id" to long), body)), retryPolicy = AndOpen.neverRetryPolicy())
                .getGiftRequest(GIFT_ID)
        }
        assertEquals(long, e500.requestId)
        assertTrue(e500.message!!.length < 1000, "a message of ${e500.message!!.length} chars")
    }

    @Test
    fun aCustomTransportsHugeBodyIsNotCopiedWhole(): Unit = runBlocking {
        val body = ByteArray(200 * 1024 * 1024) { 'x'.code.toByte() }
        val grew = directGrowth {
            assertThrows<DecodeException> { client(FakeTransport(ApiResponse(200, emptyList(), body))).getGiftRequest(GIFT_ID) }
            val created = assertThrows<OutcomeUnknownException> { client(FakeTransport(ApiResponse(201, emptyList(), body))).createGiftRequest(choiceMode()) }
            assertEquals(201, created.status)
        }
        assertTrue(grew < 16L shl 20, "direct memory grew by $grew bytes")
    }

    @Test
    fun errorListsAreCutAtTheFirstHundred(): Unit = runBlocking {
        val item = """{"type":"validation_error","code":"invalid","message":"is not accepted","param":"line_items[0].sku"}"""
        val fits = "{\"errors\":[" + List(40_000) { item }.joinToString(",") + "]}"
        assertTrue(fits.length < AndOpen.LIMITS.maxResponseBytes.toLong())
        val api = assertThrows<ApiException> { client(FakeTransport(reply(422, fits))).createGiftRequest(choiceMode()) }
        assertEquals(AndOpen.LIMITS.maxProblems.toInt() + 1, api.errors.size)
        assertEquals("too_many_problems", api.errors.last().code)
        assertTrue(api.message!!.length < 5000, "a message of ${api.message!!.length} chars")
        // A million errors do not fit in a response the SDK reads.
        val million = ("{\"errors\":[" + List(1_000_000) { item }.joinToString(",") + "]}").toByteArray()
        val created = assertThrows<AndOpenException> { client(FakeTransport(ApiResponse(422, emptyList(), million))).createGiftRequest(choiceMode()) }
        assertTrue(created.errors.size <= AndOpen.LIMITS.maxProblems.toInt() + 1)
        assertTrue(created.message!!.length < 5000)
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    fun tenMillionLineItemsAreRefusedWithoutBuildingTheBody(): Unit = runBlocking {
        val item = NewLineItem(sku = "SKU-1", quantity = 1)
        val items = object : AbstractList<NewLineItem>() {
            override val size = 10_000_000
            override fun get(index: Int) = item
        }
        val address = NewShippingAddress("1 Main St", null, "Dublin", "Leinster", "D01", "IE", "+353871234567")
        val transport = FakeTransport()
        val e = assertThrows<ValidationException> { client(transport).createGiftRequest(directSend(address, items)) }
        assertTooLarge(e.errors, atLeast = true)
        assertTrue(transport.requests.isEmpty())
        assertTooLarge(AndOpen.validateGiftRequest(directSend(address, items)), atLeast = true)
        assertTooLarge(assertThrows<ValidationException> { AndOpen.giftRequestBody(directSend(address, items)) }.errors, atLeast = true)
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    fun aMillionExtraFieldsAreRefusedWithoutBuildingTheBody(): Unit = runBlocking {
        val fields = object : AbstractList<ExtraField>() {
            override val size = 1_000_000
            override fun get(index: Int) = ExtraField("field_$index", "\"a value of some length\"")
        }
        assertTooLarge(assertThrows<ValidationException> { client(FakeTransport()).createGiftRequest(choiceMode().copy(extra = fields)) }.errors, atLeast = true)
        val inRecipient = choiceMode().copy(recipient = NewRecipient("A", "B", null, fields))
        assertTooLarge(AndOpen.validateGiftRequest(inRecipient), atLeast = true)
    }

    @Test
    fun aBodyOfExactlyTheLimitIsSentWhateverItsShape(): Unit = runBlocking {
        // The host's bound never exceeds the body the core writes: padded to exactly MAX_BODY_BYTES, every
        // shape is sent; one byte more, and the core refuses it.
        val address = NewShippingAddress("1 Main St", null, "Dublin", "Leinster", "D01", "IE", "+353871234567")
        val shapes = listOf(
            directSend(address, List(40_000) { NewLineItem(sku = "S", quantity = 1) }),
            directSend(address, List(14_000) { NewLineItem(null, "6f1c0b5e-8f0a-4a61-9d55-1f7a3b1e2c4d", 1, listOf(ExtraField("x", " 1 "))) }),
            choiceMode().copy(extra = List(80_000) { ExtraField("f$it", "[]") }),
            choiceMode().copy(recipient = NewRecipient("\"".repeat(200_000), "\u0001".repeat(50_000))),
        )
        for ((i, shape) in shapes.withIndex()) {
            fun padded(k: Int) = shape.copy(extra = shape.extra + ExtraField("pad", "\"" + "a".repeat(k) + "\""))
            val base = AndOpen.giftRequestBody(padded(0)).size.toLong()
            assertTrue(base in (maxBody / 2)..maxBody, "shape $i: $base bytes")
            val exact = padded((maxBody - base).toInt())
            val transport = FakeTransport(reply(201, gift()))
            client(transport).createGiftRequest(exact)
            assertEquals(maxBody, transport.requests.single().body!!.size.toLong(), "shape $i")
            assertTrue(AndOpen.validateGiftRequest(exact).isEmpty(), "shape $i")
            val over = assertThrows<ValidationException>("shape $i") { client(FakeTransport()).createGiftRequest(padded((maxBody - base).toInt() + 1)) }
            assertEquals("body_too_large", over.code, "shape $i")
            assertEquals(maxBody, AndOpen.giftRequestBody(exact).size.toLong())
            val unsendable = assertThrows<ValidationException> { AndOpen.giftRequestBody(padded((maxBody - base).toInt() + 1)) }
            assertTrue(unsendable.message!!.contains("is ${maxBody + 1} bytes"), unsendable.message)
        }
    }

    @Test
    fun aJsonBodyOverTheLimitIsRefusedBeforeItIsEncoded(): Unit = runBlocking {
        val note = "a".repeat(64 * 1024 * 1024)
        val json = """{"campaign_id":"$CAMPAIGN_ID","recipient":{"first_name":"A","last_name":"B"},"note":"$note"}"""
        val grew = directGrowth {
            val e = assertThrows<ValidationException> { client(FakeTransport()).createGiftRequestJson(json) }
            assertTooLarge(e.errors, atLeast = false)
            assertTrue(e.message!!.contains("${json.length} bytes"), e.message)
            assertTooLarge(AndOpen.validateGiftRequestJson(json), atLeast = false)
        }
        assertTrue(grew < 4L shl 20, "direct memory grew by $grew bytes")
        // Counted in UTF-8 bytes, not in characters: 600,000 × "é" is 1.2 MB.
        val accents = """{"note":"${"é".repeat(600_000)}"}"""
        assertTrue(accents.length < maxBody)
        val e = assertThrows<ValidationException> { client(FakeTransport()).createGiftRequestJson(accents) }
        assertTrue(e.message!!.contains("${accents.toByteArray().size} bytes"), e.message)
    }

    @Test
    fun theKeyIsOnNoPrintableSurface(): Unit = runBlocking {
        val transport = FakeTransport(
            reply(201, gift()), reply(200, """{"id":"$CAMPAIGN_ID","name":"C"}"""),
            reply(401, """{"errors":[{"type":"authentication_error","code":"invalid_token","message":"bad token"}]}"""),
            TransportFailureException("read timed out", maybeSent = true),
            reply(200, "not json"),
        )
        val client = client(transport)
        val printed = mutableListOf<String>(client.toString())
        printed += client.createGiftRequest(choiceMode()).toString()
        printed += client.getCampaign(CAMPAIGN_ID).toString()
        printed += assertThrows<AuthenticationException> { client.getGiftRequest(GIFT_ID) }.let { listOf(it.toString(), it.report.toString(), it.stackTraceToString()) }
        printed += assertThrows<OutcomeUnknownException> { client.createGiftRequest(choiceMode()) }.let { listOf(it.toString(), it.report.toString(), it.stackTraceToString()) }
        printed += assertThrows<DecodeException> { client.getGiftRequest(GIFT_ID) }.stackTraceToString()
        for (request in transport.requests) {
            printed += request.toString()
            printed += request.headers.toString()
            printed += request.headers.map { it.toString() }
        }
        printed += assertThrows<ConfigException> { AndOpenClient(KEY, environment = Environment.STAGING) }.stackTraceToString()
        printed += assertThrows<ConfigException> { AndOpenClient(KEY, baseUrl = "http://api.example.com") }.stackTraceToString()
        printed += AndOpenClient(KEY).toString()
        assertEquals("Bearer $KEY", transport.requests.first().header("Authorization"), "the transport still reads the key")
        assertEquals(KEY, transport.requests.first().headers.first { it.name == "Authorization" }.let { (_, value) -> value.removePrefix("Bearer ") })
        for (text in printed) assertFalse(text.contains("k3y5ecr3t"), text)
        assertTrue(printed.any { it.contains("Authorization: <redacted>") })
    }

    private fun assertTooLarge(errors: List<FieldError>, atLeast: Boolean) {
        val e = errors.single()
        assertEquals("api_error", e.type)
        assertEquals("body_too_large", e.code)
        assertNull(e.param)
        assertEquals(atLeast, e.message.contains("at least"), e.message)
        assertTrue(e.message.contains("$maxBody"), e.message)
    }

    private fun directSend(address: NewShippingAddress, items: List<NewLineItem> = listOf(NewLineItem(sku = "SKU-1", quantity = 1))) =
        NewGiftRequest(CAMPAIGN_ID, NewRecipient("Bob", "Byrne"), shippingAddress = address, lineItems = items)
}

/** A null where the type says there is none, as Java code can hand one over. */
@Suppress("UNCHECKED_CAST")
fun <T> nullOf(): T = null as T

/** How much more direct memory (what the native calls borrow) is in use after [block] than before. */
inline fun directGrowth(block: () -> Unit): Long {
    val pool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean::class.java).first { it.name == "direct" }
    val before = pool.memoryUsed
    block()
    return pool.memoryUsed - before
}
