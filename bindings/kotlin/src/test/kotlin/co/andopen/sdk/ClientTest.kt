package co.andopen.sdk

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.flow.toList
import co.andopen.sdk.ffi.GiftRequestStatus
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

const val KEY = "ao-v1-production-k3y5ecr3t"
const val CAMPAIGN_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
const val GIFT_ID = "4fb4cb3f-9666-43b5-8884-7f5194483d1a"
const val REQUEST_ID = "686478be-8a11-4471-9ce5-c3722f5ddba4"

/** Answers each request with the next scripted answer, and keeps every request it was handed. */
class FakeTransport(vararg answers: Any) : HttpTransport {
    private val answers = answers.toMutableList()
    val requests = mutableListOf<ApiRequest>()

    override suspend fun send(request: ApiRequest, timeout: Duration): ApiResponse {
        requests += request
        return when (val answer = answers.removeFirstOrNull() ?: throw AssertionError("unexpected request ${request.url}")) {
            is ApiResponse -> answer
            is TransportFailureException -> throw answer
            else -> throw AssertionError("bad script")
        }
    }
}

/** A clock that moves only when the client sleeps. */
class FakeTime : Sleeper {
    var now: Instant = Instant.parse("2026-05-01T12:00:00Z")
    val sleeps = mutableListOf<Duration>()
    val clock: Clock get() = Clock.fixed(now, ZoneOffset.UTC)

    override suspend fun sleep(duration: Duration) {
        sleeps += duration
        now = now.plus(duration)
    }
}

/** A clock that reads [FakeTime] at each call. */
class MovingClock(private val time: FakeTime) : Clock() {
    override fun getZone() = ZoneOffset.UTC
    override fun withZone(zone: java.time.ZoneId?) = this
    override fun instant(): Instant = time.now
}

fun reply(status: Int, body: String?, vararg headers: Pair<String, String>) =
    ApiResponse(status, listOf("Request-Id" to REQUEST_ID, "Content-Type" to "application/json") + headers, (body ?: "").toByteArray())

fun gift(status: String = "submitted", redemptionUrl: String? = null) = """
    {"id":"$GIFT_ID","status":"$status","campaign_id":"$CAMPAIGN_ID","redemption_url":${redemptionUrl?.let { "\"$it\"" } ?: "null"},
     "recipient":{"id":null,"first_name":"Alice","last_name":"Smith","email":"alice@example.com"},
     "shipping_address":null,"line_items":null,"created_at":"2026-05-01T12:00:00.000Z","updated_at":"2026-05-01T12:00:00.000Z"}
""".trimIndent()

fun choiceMode() = NewGiftRequest(CAMPAIGN_ID, NewRecipient("Alice", "Smith", "alice@example.com"))

fun client(transport: HttpTransport, time: FakeTime = FakeTime(), retryPolicy: RetryPolicy? = null) =
    AndOpenClient(KEY, transport = transport, sleeper = time, clock = MovingClock(time), retryPolicy = retryPolicy, jitterSeed = 7)

class ClientTest {
    @Test
    fun enumsPrintTheirNamesAndAFieldErrorItsType() {
        assertEquals("Submitted", GiftRequestStatus.Submitted.toString())
        assertEquals("Unknown(value=returned)", GiftRequestStatus.Unknown("returned").toString())
        assertEquals("RedemptionUrl", co.andopen.sdk.ffi.PollTarget.RedemptionUrl.toString())
        val problem = AndOpen.validateGiftRequest(choiceMode().copy(recipient = NewRecipient("", "Smith"))).single()
        assertEquals("validation_error", problem.type)
        assertEquals("recipient.first_name", problem.param)
        assertTrue(problem.toString().contains("type=validation_error"), problem.toString())
    }

    @Test
    fun createSendsTheValidatedBodyAndReturnsTheGiftRequest(): Unit = runBlocking {
        val transport = FakeTransport(reply(201, gift()))
        val result = client(transport).createGiftRequest(choiceMode())
        val sent = transport.requests.single()
        assertEquals("POST", sent.method)
        assertEquals("https://api.andopen.co/gift_requests", sent.url)
        assertEquals("Bearer $KEY", sent.header("authorization"))
        assertEquals("2026-05", sent.header("AndOpen-API-Version"))
        assertEquals(
            """{"campaign_id":"$CAMPAIGN_ID","recipient":{"first_name":"Alice","last_name":"Smith","email":"alice@example.com"}}""",
            String(sent.body!!),
        )
        assertEquals(GIFT_ID, result.id)
        assertEquals(GiftRequestStatus.Submitted, result.status)
        assertEquals("submitted", result.status.text)
        assertEquals(Instant.parse("2026-05-01T12:00:00Z"), result.createdAt)
        assertNull(result.lineItems)
    }

    @Test
    fun invalidParamsAreRefusedWithEveryProblemAndNothingIsSent(): Unit = runBlocking {
        val transport = FakeTransport()
        val params = NewGiftRequest(
            "nope", NewRecipient("Alice", ""),
            shippingAddress = NewShippingAddress("1 Main St", null, "Dublin", "Leinster", "D01", "ie", "+353871234567"),
            lineItems = listOf(NewLineItem(quantity = 0)),
        )
        val e = assertThrows<ValidationException> { client(transport).createGiftRequest(params) }
        assertTrue(transport.requests.isEmpty())
        assertEquals(
            setOf(
                "campaign_id" to "invalid_format", "recipient.last_name" to "required", "shipping_address.country_code" to "invalid_format",
                "line_items[0].sku" to "required", "line_items[0].quantity" to "invalid",
            ),
            e.errors.map { it.param to it.code }.toSet(),
        )
        assertEquals("campaign_id", e.param)
        assertTrue(e.message!!.startsWith("the request was not sent: campaign_id: must be a UUID"), e.message)
    }

    @Test
    fun a503IsWaitedOutAsTheServerAsks(): Unit = runBlocking {
        val time = FakeTime()
        val transport = FakeTransport(reply(503, """{"errors":[]}""", "Retry-After" to "2"), reply(201, gift()))
        client(transport, time).createGiftRequest(choiceMode())
        assertEquals(listOf(Duration.ofSeconds(2)), time.sleeps)
        assertEquals(2, transport.requests.size)
    }

    @Test
    fun aCreateThatMayHaveLandedIsNeverSentAgain(): Unit = runBlocking {
        val time = FakeTime()
        val transport = FakeTransport(TransportFailureException("read timed out", maybeSent = true))
        val e = assertThrows<OutcomeUnknownException> { client(transport, time).createGiftRequest(choiceMode()) }
        assertEquals(1, transport.requests.size)
        assertTrue(time.sleeps.isEmpty())
        assertNull(e.status)
    }

    @Test
    fun readsAreRetriedWithBackoffThenGiveUp(): Unit = runBlocking {
        val time = FakeTime()
        val boom = """{"errors":[{"type":"api_error","code":"internal","message":"boom"}]}"""
        val transport = FakeTransport(reply(500, boom), reply(500, boom), reply(500, boom), reply(500, boom))
        val e = assertThrows<ApiException> { client(transport, time).getGiftRequest(GIFT_ID) }
        assertEquals(4, transport.requests.size)
        assertEquals(3, time.sleeps.size)
        assertTrue(time.sleeps[0] >= Duration.ofMillis(250) && time.sleeps[0] <= Duration.ofMillis(500), "${time.sleeps}")
        assertEquals(500, e.status)
        assertEquals("internal", e.code)
    }

    @Test
    fun aRetryPolicyIsApplied(): Unit = runBlocking {
        val policy = AndOpen.defaultRetryPolicy().copy(maxAttempts = 1)
        val transport = FakeTransport(TransportFailureException("refused", maybeSent = false))
        val e = assertThrows<TransportException> { client(transport, retryPolicy = policy).getGiftRequest(GIFT_ID) }
        assertEquals(1, e.attempts)
    }

    @Test
    fun errorsCarryTheServerWordsAndTheRequestId(): Unit = runBlocking {
        val transport = FakeTransport(
            reply(404, """{"errors":[{"type":"not_found_error","code":"not_found","message":"no such gift request"}]}""", "RateLimit-Remaining" to "7"),
        )
        val e = assertThrows<NotFoundException> { client(transport).getGiftRequest(GIFT_ID) }
        assertEquals(404, e.status)
        assertEquals(REQUEST_ID, e.requestId)
        assertEquals(7L, e.rateLimit?.remaining)
        assertEquals("the API answered 404 not_found_error: no such gift request (not_found) [request id $REQUEST_ID]", e.message)
    }

    @Test
    fun aRetryAfterBeyondThePolicyIsReportedNotSleptThrough(): Unit = runBlocking {
        val time = FakeTime()
        val transport = FakeTransport(reply(429, """{"errors":[{"type":"rate_limit_error","code":"rate_limited","message":"slow"}]}""", "Retry-After" to "120"))
        val e = assertThrows<RateLimitException> { client(transport, time).getCampaign(CAMPAIGN_ID) }
        assertEquals(Duration.ofSeconds(120), e.retryAfter)
        assertTrue(time.sleeps.isEmpty())
    }

    @Test
    fun listCampaignsFollowsTheCursor(): Unit = runBlocking {
        val a = "81902a4b-2244-4a60-8788-9281ea3f8f01"
        val b = "92902a4b-2244-4a60-8788-9281ea3f8f02"
        val transport = FakeTransport(
            reply(200, """{"data":[{"id":"$a","name":"A","theme":{"color":"teal"}}],"has_more":true}"""),
            reply(200, """{"data":[{"id":"$b","invitation_method":"sender_provided_address"}],"has_more":false}"""),
        )
        val params = ListCampaignsParams(limit = 1, extraQuery = listOf(QueryParam("filter[state]", "active")))
        val found = client(transport).listCampaigns(params).toList()
        assertEquals(listOf(a, b), found.map { it.id })
        assertEquals(
            listOf(
                "https://api.andopen.co/campaigns?limit=1&filter%5Bstate%5D=active",
                "https://api.andopen.co/campaigns?limit=1&after=$a&filter%5Bstate%5D=active",
            ),
            transport.requests.map { it.url },
        )
        assertTrue(found[0].rawJson.contains("\"theme\""))
        assertEquals(listOf(false, true), found.map { it.allowsDirectSend })
    }

    @Test
    fun listParametersAreCheckedBeforeIterating(): Unit = runBlocking {
        val transport = FakeTransport()
        val e = assertThrows<ValidationException> { client(transport).listCampaigns(ListCampaignsParams(limit = 0)) }
        assertEquals("limit", e.param)
        assertTrue(transport.requests.isEmpty())
    }

    @Test
    fun waitingForTheRedemptionUrlPollsAtTheInterval(): Unit = runBlocking {
        val time = FakeTime()
        val transport = FakeTransport(reply(200, gift()), reply(200, gift(redemptionUrl = "https://gift.andopen.co/r/abc")))
        val result = client(transport, time).waitForRedemptionUrl(GIFT_ID, interval = Duration.ofSeconds(3))
        assertEquals("https://gift.andopen.co/r/abc", result.redemptionUrl)
        assertEquals(listOf(Duration.ofSeconds(3)), time.sleeps)
    }

    @Test
    fun aWaitGivesUpAtItsDeadlineAndACancelledGiftIsUnreachable(): Unit = runBlocking {
        val time = FakeTime()
        val transport = FakeTransport(reply(200, gift()), reply(200, gift()), reply(200, gift()))
        assertThrows<WaitTimeoutException> { client(transport, time).waitForRedemptionUrl(GIFT_ID, Duration.ofSeconds(5), Duration.ofSeconds(10)) }
        val cancelled = FakeTransport(reply(200, gift(status = "cancelled")))
        assertThrows<UnreachableException> { client(cancelled).waitForStatus(GIFT_ID, GiftRequestStatus.Delivered) }
    }

    @Test
    fun configurationsAreRefusedBeforeAnythingIsSent(): Unit = runBlocking {
        val e = assertThrows<ConfigException> { AndOpenClient(KEY, baseUrl = "http://api.example.com") }
        assertEquals("insecure_transport", e.code)
        assertFalse(e.message!!.contains(KEY))
        assertEquals("environment_mismatch", assertThrows<ConfigException> { AndOpenClient(KEY, environment = Environment.STAGING) }.code)
        assertEquals("malformed_api_key", assertThrows<ConfigException> { AndOpenClient("sk_live_1") }.code)
    }

    @Test
    fun theKeyIsNeverPrinted(): Unit = runBlocking {
        val transport = FakeTransport(reply(200, gift()))
        client(transport).getGiftRequest(GIFT_ID)
        assertFalse(transport.requests.single().toString().contains(KEY))
    }

    @Test
    fun validationNeedsNoClient(): Unit = runBlocking {
        assertTrue(AndOpen.validateGiftRequest(choiceMode()).isEmpty())
        val problems = AndOpen.validateGiftRequestJson("""{"recipient":{"first_name":"Ada"}}""")
        assertEquals(listOf("campaign_id", "recipient.last_name"), problems.map { it.param })
        assertEquals("malformed_request", AndOpen.validateGiftRequestJson("[]").single().code)
        val body = String(AndOpen.giftRequestBody(choiceMode().copy(extra = listOf(ExtraField("note", "{\"from\":\"Bo\"}")))))
        assertTrue(body.endsWith(",\"note\":{\"from\":\"Bo\"}}"), body)
        assertThrows<ValidationException> { AndOpen.giftRequestBody(choiceMode().copy(campaignId = "")) }
    }
}
