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
import co.andopen.sdk.ffi.checkTimeoutMs
import java.nio.ByteBuffer
import java.security.SecureRandom
import java.time.Clock
import java.time.Duration
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.transform
import kotlinx.coroutines.runBlocking

/**
 * Waits between attempts, as the core asks. The default suspends with [delay] (cancellable); tests pass one
 * that only records the wait.
 */
fun interface Sleeper {
    suspend fun sleep(duration: Duration)
}

/**
 * A gift creation was cancelled while its request was out: the gift request may exist. It is a
 * [CancellationException] (cancellation goes on as usual); [outcome] is the [OutcomeUnknownException] the
 * creation would otherwise have thrown. Catch it around the call, inside the cancelled coroutine, to record
 * the creation for reconciling:
 *
 * ```kotlin
 * try { client.createGiftRequest(params) } catch (e: CreationCancelledException) { journal.unknown(params); throw e }
 * ```
 *
 * A creation cancelled while it waited (before a retry the core allows only when nothing was created) throws
 * a plain [CancellationException]: nothing was in flight.
 */
class CreationCancelledException(val outcome: OutcomeUnknownException) :
    CancellationException("the gift request creation was cancelled while its request was out: the gift request may exist (outcome unknown)")

/**
 * Calls the &Open API. Every request is built and every response judged by the SDK's core (validation,
 * retries, pagination, polling); this class carries requests over the [transport] and waits when the core
 * says so. Its functions suspend: call them from any coroutine, the main thread included (the default
 * transport does its blocking I/O on `Dispatchers.IO`). Cancelling the calling coroutine (`withTimeout`,
 * `job.cancel()`, a closed screen's scope) stops a wait at once and aborts an exchange in flight. From Java,
 * or any code that must block, use [blocking].
 *
 * The key (`ao-v1-{staging|production}-{secret}`) picks the environment; a malformed key, a staging key
 * against production (or the reverse) and a key over plain http to a remote host throw [ConfigException]
 * here, before anything is sent. Without a key, a call to the API's own URLs throws [ConfigException]
 * `missing_api_key` (nothing sent, the core's rule); to a custom `baseUrl` (a backend that adds the key),
 * requests carry no `Authorization` header. The key is kept
 * by the core alone: no value of this package prints it (`toString()` of the client, its requests, results
 * and exceptions included).
 *
 * Every function throws [AndOpenException] subclasses only, naming the field at fault, and
 * [IllegalArgumentException] for a value no request can carry (a string holding a lone surrogate). A creation whose outcome is uncertain always throws [OutcomeUnknownException]
 * ([CreationCancelledException] when it was cancelled mid-exchange).
 */
class AndOpenClient(
    apiKey: String? = null,
    environment: Environment? = null,
    region: Region? = null,
    baseUrl: String? = null,
    allowCustomKey: Boolean = false,
    retryPolicy: RetryPolicy? = null,
    internal val transport: HttpTransport = UrlConnectionTransport(),
    /**
     * The longest one exchange may take, from connecting to the last byte of the body (each attempt has its
     * own). The core's bounds, as in every language: above 0 and at most 24 days (`limits().maxTimeoutMs`),
     * else [ConfigException] `invalid_option` naming `timeout`.
     */
    internal val timeout: Duration = Duration.ofSeconds(30),
    internal val sleeper: Sleeper = Sleeper { delay(it.toMillis()) },
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
        core { checkTimeoutMs(millis(timeout)) } // the core's bounds: above 0, at most 24 days
        checkText(apiKey, "api_key")
        checkText(baseUrl, "base_url")
        core { Client(ClientConfig(environment, region, baseUrl, allowCustomKey, retryPolicy, jitterSeed, inBrowser, allowKeyInBrowser), apiKey) }
    }

    /** Where requests go. */
    val baseUrl: String = native.baseUrl()

    private val hasKey: Boolean = native.hasApiKey()

    @Volatile
    private var closed = false

    /**
     * The native client, while this one is open (a closed client throws [IllegalStateException]) and may
     * send: without a key, nothing goes to the API's own URLs ([ConfigException] `missing_api_key`, the
     * core's rule). Read it inside `core { }`.
     */
    private val open: Client get() = native.also {
        check(!closed) { "this AndOpenClient is closed" }
        it.checkCanSend()
    }

    /**
     * The same calls, blocking the calling thread until they end: for Java, and for code outside coroutines.
     * Interrupting the thread cancels the call ([InterruptedException]) and aborts its exchange.
     */
    val blocking: Blocking = Blocking()

    /**
     * `POST /gift_requests`: choice-mode, or direct-send with a shipping address and line items. The
     * parameters are validated first ([ValidationException], nothing sent). A creation that may have
     * reached the server is never sent again: it throws [OutcomeUnknownException] with the request id, or,
     * cancelled mid-exchange, [CreationCancelledException].
     */
    suspend fun createGiftRequest(params: NewGiftRequest): GiftRequest {
        checkParams(params)
        return create(core { open.createGiftRequest(params) })
    }

    /**
     * `POST /gift_requests` from a JSON body (a form, a no-code tool); unknown fields are sent untouched. A
     * body over [Limits.maxBodyBytes] is refused (`body_too_large`) before it is encoded.
     */
    suspend fun createGiftRequestJson(json: String): GiftRequest =
        create(core { open.createGiftRequestJson(bodyBytes(json, "json")) })

    /** `GET /gift_requests/{id}`. */
    suspend fun getGiftRequest(id: String): GiftRequest {
        checkText(id, "id")
        return run(core { open.getGiftRequest(id) })
    }

    /** `GET /campaigns/{id}`: the campaign with its catalogue. */
    suspend fun getCampaign(id: String): Campaign {
        checkText(id, "id")
        return run(core { open.getCampaign(id) })
    }

    /**
     * Every campaign, newest first, fetched page by page as the flow is collected (a cold flow: each
     * collection starts from the first page). The parameters are checked now ([ValidationException]);
     * `extraQuery` carries the sort and filter parameters the API does not name. Stop collecting (`take`,
     * `first`) and no further page is fetched.
     */
    fun listCampaigns(params: ListCampaignsParams = ListCampaignsParams()): Flow<Campaign> =
        campaignPages(params).transform { page -> page.data.forEach { emit(it) } }

    /** Like [listCampaigns], page by page. */
    fun campaignPages(params: ListCampaignsParams = ListCampaignsParams()): Flow<CampaignPage> {
        checkPages(params)
        return flow {
            core { open.listCampaigns(params) }.use { pages ->
                while (true) emit(nextPage(pages) ?: break)
            }
        }
    }

    /**
     * Polls the gift request every [interval] until its redemption URL is set, for at most [timeout]
     * ([WaitTimeoutException]); a cancelled gift request throws [UnreachableException]. Suspends between
     * polls: cancel the coroutine to stop polling.
     */
    suspend fun waitForRedemptionUrl(id: String, interval: Duration = Duration.ofSeconds(2), timeout: Duration = Duration.ofMinutes(2)): GiftRequest {
        checkText(id, "id")
        return run(core { open.waitForGiftRequest(id, PollTarget.RedemptionUrl, millis(interval), millis(timeout)) })
    }

    /** Polls the gift request until it reaches [status] or a later one on the way to delivery. */
    suspend fun waitForStatus(
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

    /**
     * The client's calls for Java and for code that must block: each runs the suspending call to its end on
     * the calling thread (never call them on Android's main thread). Pages come as a lazy [Sequence].
     */
    inner class Blocking internal constructor() {
        /** The client these calls go through. */
        val client: AndOpenClient get() = this@AndOpenClient

        /** [AndOpenClient.createGiftRequest], blocking. */
        fun createGiftRequest(params: NewGiftRequest): GiftRequest = runBlocking { this@AndOpenClient.createGiftRequest(params) }

        /** [AndOpenClient.createGiftRequestJson], blocking. */
        fun createGiftRequestJson(json: String): GiftRequest = runBlocking { this@AndOpenClient.createGiftRequestJson(json) }

        /** [AndOpenClient.getGiftRequest], blocking. */
        fun getGiftRequest(id: String): GiftRequest = runBlocking { this@AndOpenClient.getGiftRequest(id) }

        /** [AndOpenClient.getCampaign], blocking. */
        fun getCampaign(id: String): Campaign = runBlocking { this@AndOpenClient.getCampaign(id) }

        /** [AndOpenClient.listCampaigns], as a lazy sequence: each page is fetched, blocking, when reached. */
        @JvmOverloads
        fun listCampaigns(params: ListCampaignsParams = ListCampaignsParams()): Sequence<Campaign> =
            campaignPages(params).flatMap { it.data.asSequence() }

        /** [AndOpenClient.campaignPages], as a lazy sequence. */
        @JvmOverloads
        fun campaignPages(params: ListCampaignsParams = ListCampaignsParams()): Sequence<CampaignPage> {
            checkPages(params)
            return Sequence {
                val pages = core { open.listCampaigns(params) }
                generateSequence { runBlocking { nextPage(pages) } ?: null.also { pages.destroy() } }.iterator()
            }
        }

        /** [AndOpenClient.waitForRedemptionUrl], blocking. */
        @JvmOverloads
        fun waitForRedemptionUrl(id: String, interval: Duration = Duration.ofSeconds(2), timeout: Duration = Duration.ofMinutes(2)): GiftRequest =
            runBlocking { this@AndOpenClient.waitForRedemptionUrl(id, interval, timeout) }

        /** [AndOpenClient.waitForStatus], blocking. */
        @JvmOverloads
        fun waitForStatus(
            id: String,
            status: GiftRequestStatus,
            interval: Duration = Duration.ofSeconds(5),
            timeout: Duration = Duration.ofMinutes(10),
        ): GiftRequest = runBlocking { this@AndOpenClient.waitForStatus(id, status, interval, timeout) }

        override fun toString(): String = "${this@AndOpenClient}.blocking"
    }

    private fun checkPages(params: ListCampaignsParams) {
        checkText(params.after, "after")
        params.extraQuery.forEachIndexed { i, q ->
            checkText(q.name, "extra_query[$i].name")
            checkText(q.value, "extra_query[$i].value")
        }
        // The core checks the rest (limit, cursor): a paginator is built, to throw now, and freed.
        core { open.listCampaigns(params) }.destroy()
    }

    /** The next page, or `null` after the last one. */
    private suspend fun nextPage(pages: CampaignPages): CampaignPage? {
        while (true) {
            val request = pages.request() ?: return null
            when (val step = exchange(request, pages::handleResponse, pages::handleTransportFailure)) {
                is CampaignPageStep.Done -> return step.page
                is CampaignPageStep.Wait -> sleeper.sleep(Duration.ofMillis(step.delayMs))
                is CampaignPageStep.Failed -> fail(step.error)
            }
        }
    }

    /** A creation: cancelled while its request was out, it is outcome unknown ([CreationCancelledException]). */
    private suspend fun create(call: GiftRequestCall): GiftRequest = call.use {
        drive(it::request, it::handleResponse, it::handleTransportFailure) { cancelled ->
            val step = it.handleTransportFailure(TransportFailure.MAYBE_SENT, clock.millis())
            if (step is GiftRequestStep.Failed && step.error.kind == ErrorKind.OUTCOME_UNKNOWN) {
                throw CreationCancelledException(OutcomeUnknownException(step.error, cancelled)).apply { initCause(cancelled) }
            }
            throw cancelled
        }
    }

    private suspend fun run(call: GiftRequestCall): GiftRequest = call.use {
        drive(it::request, it::handleResponse, it::handleTransportFailure)
    }

    private suspend fun run(poller: Poller): GiftRequest = poller.use {
        drive(it::request, it::handleResponse, it::handleTransportFailure)
    }

    private suspend fun drive(
        request: () -> HttpRequest,
        onResponse: (Long, List<Header>, ByteBuffer, Long) -> GiftRequestStep,
        onFailure: (TransportFailure, Long) -> GiftRequestStep,
        onCancelledInFlight: (CancellationException) -> Nothing = { throw it },
    ): GiftRequest {
        while (true) {
            when (val step = exchange(request(), onResponse, onFailure, onCancelledInFlight)) {
                is GiftRequestStep.Done -> return step.giftRequest
                is GiftRequestStep.Wait -> sleeper.sleep(Duration.ofMillis(step.delayMs))
                is GiftRequestStep.Failed -> fail(step.error)
            }
        }
    }

    private suspend fun run(call: CampaignCall): Campaign = call.use {
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
    internal suspend fun <S> exchange(
        request: HttpRequest,
        onResponse: (Long, List<Header>, ByteBuffer, Long) -> S,
        onFailure: (TransportFailure, Long) -> S,
        onCancelledInFlight: (CancellationException) -> Nothing = { throw it },
    ): S {
        val sent = ApiRequest(request.method, request.url, request.headers.map { RequestHeader(it.name, it.value) }, request.body)
        val response: ApiResponse? = try {
            transport.send(sent, timeout)
        } catch (e: TransportFailureException) {
            lastFailure.set(e)
            return onFailure(if (e.maybeSent) TransportFailure.MAYBE_SENT else TransportFailure.NOT_SENT, clock.millis())
        } catch (e: CancellationException) {
            onCancelledInFlight(e)
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
        val read = if (body.size > limit) direct(body, limit.toInt()) else direct(body)
        return onResponse(response.status.toLong(), headers, read, clock.millis())
    }

    /**
     * The transport's exception behind this thread's last exchange, if it failed: the cause of the exception
     * a call ends with. Set (or removed) at the end of every exchange and read right after it, with no
     * suspension in between, so on the same thread.
     */
    private val lastFailure = ThreadLocal<Exception?>()

    private fun fail(report: ErrorReport): Nothing {
        val cause = lastFailure.get()?.takeIf { report.kind == ErrorKind.TRANSPORT || report.kind == ErrorKind.OUTCOME_UNKNOWN }
        lastFailure.remove()
        throw report.toException(cause)
    }

    internal companion object {
        /**
         * The first [length] bytes, in a direct buffer: the native functions borrow them without copying them
         * again. (Flipped as a [java.nio.Buffer]: `ByteBuffer.flip()` returning a `ByteBuffer` is not on Android
         * before API 34.)
         */
        fun direct(bytes: ByteArray, length: Int = bytes.size): ByteBuffer =
            ByteBuffer.allocateDirect(length).put(bytes, 0, length).also { (it as java.nio.Buffer).flip() }
    }
}
