package co.andopen.sdk

import co.andopen.sdk.ffi.CampaignCall
import co.andopen.sdk.ffi.CampaignPageStep
import co.andopen.sdk.ffi.CampaignPages
import co.andopen.sdk.ffi.CampaignStep
import co.andopen.sdk.ffi.ErrorKind
import co.andopen.sdk.ffi.ErrorReport
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
import java.util.concurrent.CancellationException

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
 * here, before anything is sent. Without a key, requests carry no `Authorization` header. The key is kept
 * by the core alone: no value of this package prints it (`toString()` of the client, its requests, results
 * and exceptions included).
 *
 * Every function throws [AndOpenException] subclasses only, naming the field at fault, and
 * [IllegalArgumentException] for a value no request can carry (a string holding a lone surrogate, a timeout
 * that is not positive). A creation whose outcome is uncertain always throws [OutcomeUnknownException].
 */
class AndOpenClient(
    apiKey: String? = null,
    environment: Environment? = null,
    region: Region? = null,
    baseUrl: String? = null,
    allowCustomKey: Boolean = false,
    retryPolicy: RetryPolicy? = null,
    internal val transport: HttpTransport = JavaHttpTransport(),
    /**
     * The longest one exchange may take, from connecting to the last byte of the body (each attempt has its
     * own). Must be positive; a figure of centuries is taken as no deadline.
     */
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
    internal val native: Client = run {
        require(!timeout.isNegative && !timeout.isZero) { "timeout: must be positive, not $timeout" }
        checkText(apiKey, "api_key")
        checkText(baseUrl, "base_url")
        core { Client(ClientConfig(environment, region, baseUrl, allowCustomKey, retryPolicy, jitterSeed, inBrowser, allowKeyInBrowser), apiKey) }
    }

    /** Where requests go. */
    val baseUrl: String = native.baseUrl()

    private val hasKey: Boolean = native.hasApiKey()

    @Volatile
    private var closed = false

    /** The native client, while this one is open (a closed client throws [IllegalStateException]). */
    private val open: Client get() = native.also { check(!closed) { "this AndOpenClient is closed" } }

    /**
     * `POST /gift_requests`: choice-mode, or direct-send with a shipping address and line items. The
     * parameters are validated first ([ValidationException], nothing sent). A creation that may have
     * reached the server is never sent again: it throws [OutcomeUnknownException] with the request id.
     */
    fun createGiftRequest(params: NewGiftRequest): GiftRequest {
        checkParams(params)
        return run(core { open.createGiftRequest(params) })
    }

    /**
     * `POST /gift_requests` from a JSON body (a form, a no-code tool); unknown fields are sent untouched. A
     * body over [Limits.maxBodyBytes] is refused (`body_too_large`) before it is encoded.
     */
    fun createGiftRequestJson(json: String): GiftRequest =
        run(core { open.createGiftRequestJson(bodyBytes(json, "json")) })

    /** `GET /gift_requests/{id}`. */
    fun getGiftRequest(id: String): GiftRequest {
        checkText(id, "id")
        return run(core { open.getGiftRequest(id) })
    }

    /** `GET /campaigns/{id}`: the campaign with its catalogue. */
    fun getCampaign(id: String): Campaign {
        checkText(id, "id")
        return run(core { open.getCampaign(id) })
    }

    /**
     * Every campaign, newest first, fetched page by page as the sequence is iterated. The parameters are
     * checked now ([ValidationException]); `extraQuery` carries the sort and filter parameters the API
     * does not name.
     */
    fun listCampaigns(params: ListCampaignsParams = ListCampaignsParams()): Sequence<Campaign> =
        campaignPages(params).flatMap { it.data.asSequence() }

    /** Like [listCampaigns], page by page. */
    fun campaignPages(params: ListCampaignsParams = ListCampaignsParams()): Sequence<CampaignPage> {
        checkText(params.after, "after")
        params.extraQuery.forEachIndexed { i, q ->
            checkText(q.name, "extra_query[$i].name")
            checkText(q.value, "extra_query[$i].value")
        }
        val pages = core { open.listCampaigns(params) }
        return sequence {
            while (true) {
                val request = pages.request() ?: break
                when (val step = exchange(request, pages::handleResponse, pages::handleTransportFailure)) {
                    is CampaignPageStep.Done -> yield(step.page)
                    is CampaignPageStep.Wait -> sleeper.sleep(Duration.ofMillis(step.delayMs))
                    is CampaignPageStep.Failed -> fail(step.error)
                }
            }
        }
    }

    /**
     * Polls the gift request every [interval] until its redemption URL is set, for at most [timeout]
     * ([WaitTimeoutException]); a cancelled gift request throws [UnreachableException].
     */
    fun waitForRedemptionUrl(id: String, interval: Duration = Duration.ofSeconds(2), timeout: Duration = Duration.ofMinutes(2)): GiftRequest {
        checkText(id, "id")
        return run(core { open.waitForGiftRequest(id, PollTarget.RedemptionUrl, millis(interval), millis(timeout)) })
    }

    /** Polls the gift request until it reaches [status] or a later one on the way to delivery. */
    fun waitForStatus(
        id: String,
        status: GiftRequestStatus,
        interval: Duration = Duration.ofSeconds(5),
        timeout: Duration = Duration.ofMinutes(10),
    ): GiftRequest {
        checkText(id, "id")
        return run(core { open.waitForGiftRequest(id, PollTarget.Status(status), millis(interval), millis(timeout)) })
    }

    /**
     * Frees the native client now rather than when it is garbage-collected; calls made afterwards throw
     * [IllegalStateException]. Closing twice does nothing more.
     */
    override fun close() {
        closed = true
        native.destroy()
    }

    /** Where requests go, and whether they carry a key; never the key. */
    override fun toString(): String = "AndOpenClient(baseUrl=$baseUrl, apiKey=${if (hasKey) "<redacted>" else "none"}${if (closed) ", closed" else ""})"

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
                is GiftRequestStep.Failed -> fail(step.error)
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
                is CampaignStep.Failed -> fail(step.error)
            }
        }
        done
    }

    /**
     * Sends one request and hands what came back to the core; returns the core's step. Whatever the transport
     * does, the core decides: an exception other than [TransportFailureException] is taken as a failure that
     * may have reached the server (kept as the cause of the exception the call ends with); of a body, at
     * most [Limits.maxResponseBytes] + 1 bytes are handed over; a lone surrogate in a received header is
     * read as U+FFFD.
     */
    internal fun <S> exchange(
        request: HttpRequest,
        onResponse: (Long, List<Header>, ByteBuffer, Long) -> S,
        onFailure: (TransportFailure, Long) -> S,
    ): S {
        val sent = ApiRequest(request.method, request.url, request.headers.map { RequestHeader(it.name, it.value) }, request.body)
        val response: ApiResponse? = try {
            transport.send(sent, timeout)
        } catch (e: TransportFailureException) {
            lastFailure.set(e)
            return onFailure(if (e.maybeSent) TransportFailure.MAYBE_SENT else TransportFailure.NOT_SENT, clock.millis())
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            lastFailure.set(e)
            return onFailure(TransportFailure.MAYBE_SENT, clock.millis())
        }
        if (response == null) {
            // A Java transport can return null: no answer, and the request may have left.
            lastFailure.set(TransportFailureException("the transport returned no response", maybeSent = true))
            return onFailure(TransportFailure.MAYBE_SENT, clock.millis())
        }
        lastFailure.remove()
        // A Java transport's list may hold nulls: they are no headers.
        @Suppress("USELESS_CAST")
        val headers = (response.headers as List<Pair<String?, String?>?>).mapNotNull { pair ->
            val (name, value) = pair ?: return@mapNotNull null
            if (name == null || value == null) null else Header(wellFormed(name), wellFormed(value))
        }
        val body: ByteArray = response.body
        val limit = AndOpen.LIMITS.maxResponseBytes.toLong() + 1
        val read = if (body.size > limit) ByteBuffer.allocateDirect(limit.toInt()).put(body, 0, limit.toInt()).flip() else direct(body)
        return onResponse(response.status.toLong(), headers, read, clock.millis())
    }

    /**
     * The transport's exception behind this thread's last exchange, if it failed: the cause of the exception
     * a call ends with (a call runs on its caller's thread, and ends on the step of its last exchange).
     */
    private val lastFailure = ThreadLocal<Exception?>()

    private fun fail(report: ErrorReport): Nothing {
        val cause = lastFailure.get()?.takeIf { report.kind == ErrorKind.TRANSPORT || report.kind == ErrorKind.OUTCOME_UNKNOWN }
        lastFailure.remove()
        throw report.toException(cause)
    }

    internal companion object {
        /** The native functions borrow bytes from a direct buffer, without copying them again. */
        fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).flip()
    }
}
