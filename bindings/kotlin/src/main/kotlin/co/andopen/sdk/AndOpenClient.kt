package co.andopen.sdk

import co.andopen.sdk.ffi.CampaignCall
import co.andopen.sdk.ffi.CampaignPageStep
import co.andopen.sdk.ffi.CampaignPages
import co.andopen.sdk.ffi.CampaignStep
import co.andopen.sdk.ffi.Client
import co.andopen.sdk.ffi.ClientConfig
import co.andopen.sdk.ffi.GiftRequestCall
import co.andopen.sdk.ffi.GiftRequestStatus
import co.andopen.sdk.ffi.GiftRequestStep
import co.andopen.sdk.ffi.Header
import co.andopen.sdk.ffi.HttpRequest
import co.andopen.sdk.ffi.PollTarget
import co.andopen.sdk.ffi.Poller
import co.andopen.sdk.ffi.TransportFailure
import java.nio.ByteBuffer
import java.security.SecureRandom
import java.time.Clock
import java.time.Duration

/** Sleeps between attempts; tests pass one that does not wait. */
fun interface Sleeper {
    fun sleep(duration: Duration)
}

/**
 * Calls the &Open API. Every request is built and every response judged by the SDK's core (validation,
 * retries, pagination, polling); this class carries requests over the [transport] and sleeps when the core
 * says so. The functions block the calling thread: call them from a background thread (on Android, for
 * example `withContext(Dispatchers.IO) { client.getGiftRequest(id) }`).
 *
 * The key (`ao-v1-{staging|production}-{secret}`) picks the environment; a malformed key, a staging key
 * against production (or the reverse) and a key over plain http to a remote host throw [ConfigException]
 * here, before anything is sent. Without a key, requests carry no `Authorization` header.
 */
class AndOpenClient(
    apiKey: String? = null,
    environment: Environment? = null,
    region: Region? = null,
    baseUrl: String? = null,
    allowCustomKey: Boolean = false,
    retryPolicy: RetryPolicy? = null,
    internal val transport: HttpTransport = JavaHttpTransport(),
    /** The timeout of each request. */
    internal val timeout: Duration = Duration.ofSeconds(30),
    internal val sleeper: Sleeper = Sleeper { Thread.sleep(it.toMillis()) },
    internal val clock: Clock = Clock.systemUTC(),
    /** Fixes the retry jitter (tests); random by default. */
    jitterSeed: Long = SecureRandom().nextLong(),
    /**
     * The host runs inside a web page: an API key is then refused unless [allowKeyInBrowser] is set (anyone
     * who loads the page can read it). Never the case on the JVM or Android.
     */
    inBrowser: Boolean = false,
    /** Accept an API key inside a web page anyway (a private internal tool only). */
    allowKeyInBrowser: Boolean = false,
) : AutoCloseable {
    /** The core's client: start calls on it to drive them step by step yourself. */
    internal val native: Client = core {
        Client(ClientConfig(environment, region, baseUrl, allowCustomKey, retryPolicy, jitterSeed, inBrowser, allowKeyInBrowser), apiKey)
    }

    /** Where requests go. */
    val baseUrl: String get() = native.baseUrl()

    /**
     * `POST /gift_requests`: choice-mode, or direct-send with a shipping address and line items. The
     * parameters are validated first ([ValidationException], nothing sent). A creation that may have
     * reached the server is never sent again: it throws [OutcomeUnknownException] with the request id.
     */
    fun createGiftRequest(params: NewGiftRequest): GiftRequest =
        run(core { native.createGiftRequest(params) })

    /** `POST /gift_requests` from a JSON body (a form, a no-code tool); unknown fields are sent untouched. */
    fun createGiftRequestJson(json: String): GiftRequest =
        run(core { native.createGiftRequestJson(direct(json.toByteArray())) })

    /** `GET /gift_requests/{id}`. */
    fun getGiftRequest(id: String): GiftRequest = run(core { native.getGiftRequest(id) })

    /** `GET /campaigns/{id}`: the campaign with its catalogue. */
    fun getCampaign(id: String): Campaign = run(core { native.getCampaign(id) })

    /**
     * Every campaign, newest first, fetched page by page as the sequence is iterated. The parameters are
     * checked now ([ValidationException]); `extraQuery` carries the sort and filter parameters the API
     * does not name.
     */
    fun listCampaigns(params: ListCampaignsParams = ListCampaignsParams()): Sequence<Campaign> =
        campaignPages(params).flatMap { it.data.asSequence() }

    /** Like [listCampaigns], page by page. */
    fun campaignPages(params: ListCampaignsParams = ListCampaignsParams()): Sequence<CampaignPage> {
        val pages = core { native.listCampaigns(params) }
        return sequence {
            while (true) {
                val request = pages.request() ?: break
                when (val step = exchange(request, pages::handleResponse, pages::handleTransportFailure)) {
                    is CampaignPageStep.Done -> yield(step.page)
                    is CampaignPageStep.Wait -> sleeper.sleep(Duration.ofMillis(step.delayMs))
                    is CampaignPageStep.Failed -> throw step.error.toException()
                }
            }
        }
    }

    /**
     * Polls the gift request every [interval] until its redemption URL is set, for at most [timeout]
     * ([WaitTimeoutException]); a cancelled gift request throws [UnreachableException].
     */
    fun waitForRedemptionUrl(id: String, interval: Duration = Duration.ofSeconds(2), timeout: Duration = Duration.ofMinutes(2)): GiftRequest =
        run(core { native.waitForGiftRequest(id, PollTarget.RedemptionUrl, interval.toMillis(), timeout.toMillis()) })

    /** Polls the gift request until it reaches [status] or a later one on the way to delivery. */
    fun waitForStatus(
        id: String,
        status: GiftRequestStatus,
        interval: Duration = Duration.ofSeconds(5),
        timeout: Duration = Duration.ofMinutes(10),
    ): GiftRequest = run(core { native.waitForGiftRequest(id, PollTarget.Status(status), interval.toMillis(), timeout.toMillis()) })

    /** Frees the native client now rather than when it is garbage-collected. */
    override fun close() = native.destroy()

    private fun run(call: GiftRequestCall): GiftRequest = call.use {
        drive(it::request, it::handleResponse, it::handleTransportFailure)
    }

    private fun run(poller: Poller): GiftRequest = poller.use {
        drive(it::request, it::handleResponse, it::handleTransportFailure)
    }

    private fun drive(
        request: () -> HttpRequest,
        onResponse: (Long, List<Header>, ByteBuffer, Long) -> GiftRequestStep,
        onFailure: (TransportFailure, Long) -> GiftRequestStep,
    ): GiftRequest {
        var done: GiftRequest? = null
        while (done == null) {
            when (val step = exchange(request(), onResponse, onFailure)) {
                is GiftRequestStep.Done -> done = step.giftRequest
                is GiftRequestStep.Wait -> sleeper.sleep(Duration.ofMillis(step.delayMs))
                is GiftRequestStep.Failed -> throw step.error.toException()
            }
        }
        return done
    }

    private fun run(call: CampaignCall): Campaign = call.use {
        var done: Campaign? = null
        while (done == null) {
            when (val step = exchange(it.request(), it::handleResponse, it::handleTransportFailure)) {
                is CampaignStep.Done -> done = step.campaign
                is CampaignStep.Wait -> sleeper.sleep(Duration.ofMillis(step.delayMs))
                is CampaignStep.Failed -> throw step.error.toException()
            }
        }
        done
    }

    /** Sends one request and hands what came back to the core; returns the core's step. */
    internal fun <S> exchange(
        request: HttpRequest,
        onResponse: (Long, List<Header>, ByteBuffer, Long) -> S,
        onFailure: (TransportFailure, Long) -> S,
    ): S {
        val sent = ApiRequest(request.method, request.url, request.headers.map { it.name to it.value }, request.body)
        val response = try {
            transport.send(sent, timeout)
        } catch (e: TransportFailureException) {
            return onFailure(if (e.maybeSent) TransportFailure.MAYBE_SENT else TransportFailure.NOT_SENT, clock.millis())
        }
        val headers = response.headers.map { (name, value) -> Header(name, value) }
        return onResponse(response.status.toLong(), headers, direct(response.body), clock.millis())
    }

    internal companion object {
        /** The native functions borrow bytes from a direct buffer, without copying them again. */
        fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).flip()
    }
}
