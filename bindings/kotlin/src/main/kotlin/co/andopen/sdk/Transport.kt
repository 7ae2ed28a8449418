package co.andopen.sdk

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asExecutor
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.URL
import java.time.Duration

/**
 * One header of a request. Destructure it (`val (name, value) = header`) to send it; printing it never
 * shows the value of `Authorization` (the API key).
 */
class RequestHeader(val name: String, val value: String) {
    operator fun component1(): String = name

    operator fun component2(): String = value

    override fun equals(other: Any?): Boolean = other is RequestHeader && other.name == name && other.value == value

    override fun hashCode(): Int = 31 * name.hashCode() + value.hashCode()

    override fun toString(): String = if (name.equals("authorization", ignoreCase = true)) "$name: <redacted>" else "$name: $value"
}

/** A request exactly as the core built it: send it as is. Printing it never shows the API key. */
class ApiRequest(
    /** `GET` or `POST`. */
    val method: String,
    /** The absolute URL, query included. */
    val url: String,
    /** The headers, in order (the API key among them when the client has one). */
    val headers: List<RequestHeader>,
    /** The body, for a POST. */
    val body: ByteArray?,
) {
    /** The value of a header, by name without regard to case. */
    fun header(name: String): String? = headers.firstOrNull { it.name.equals(name, ignoreCase = true) }?.value

    override fun toString(): String = "ApiRequest(method=$method, url=$url, headers=$headers, body=${body?.size ?: 0} bytes)"
}

/**
 * What came back: the status as received (any integer: the core judges one outside 100–599 as no HTTP
 * answer), the headers as received, and the body bytes (possibly empty). A transport reads at most
 * [Limits.maxResponseBytes] + 1 bytes of a body ([AndOpen.LIMITS]); the client hands the core no more.
 */
class ApiResponse(
    val status: Int,
    val headers: List<Pair<String, String>> = emptyList(),
    val body: ByteArray = ByteArray(0),
) {
    override fun toString(): String = "ApiResponse(status=$status, headers=$headers, body=${body.size} bytes)"
}

/**
 * Thrown by a transport when no response came back. [maybeSent] is `false` when the request certainly never
 * left the machine (connection refused, name not resolved, TLS setup failed) and `true` when it may have
 * reached the server (a timeout, the connection lost after sending). When unsure, say `true`: a gift
 * creation is then never replayed.
 */
class TransportFailureException(message: String, val maybeSent: Boolean, cause: Throwable? = null) : IOException(message, cause)

/**
 * Sends one request and returns the response, whatever its status: no retries, no redirects, no judging
 * (the core does all of that). The rules every transport keeps:
 * - the [timeout] bounds the whole exchange, from connecting to the last byte of the body;
 * - read at most `AndOpen.LIMITS.maxResponseBytes + 1` bytes of a body, and hand over what was read;
 * - throw [TransportFailureException] when no full answer came back: `maybeSent = false` only when the
 *   request certainly never left, `true` otherwise (a body cut short after the status included). Any other
 *   exception is taken as such a failure that may have reached the server;
 * - honour cancellation: when the calling coroutine is cancelled, stop waiting at once, abort the exchange
 *   (close the connection) and let the [kotlinx.coroutines.CancellationException] through;
 * - do not block the calling thread (the client calls [send] from its caller's dispatcher, the main thread
 *   on Android): move blocking I/O to a dispatcher of its own.
 *
 * The default, [UrlConnectionTransport], keeps all of them on the JVM and on Android. With OkHttp:
 *
 * ```kotlin
 * class OkHttpTransport(private val http: OkHttpClient) : HttpTransport {
 *     private val limit = AndOpen.LIMITS.maxResponseBytes.toLong() + 1
 *
 *     override suspend fun send(request: ApiRequest, timeout: Duration): ApiResponse {
 *         val body = request.body?.toRequestBody("application/json".toMediaType())
 *         // callTimeout spans the whole call: connecting, sending, and reading the body.
 *         val call = http.newBuilder().followRedirects(false).callTimeout(timeout).build().newCall(
 *             Request.Builder().url(request.url).method(request.method, body)
 *                 .apply { request.headers.forEach { (n, v) -> addHeader(n, v) } }.build())
 *         return suspendCancellableCoroutine { cont ->
 *             cont.invokeOnCancellation { call.cancel() }       // aborts the exchange
 *             call.enqueue(object : Callback {
 *                 override fun onFailure(call: Call, e: IOException) =
 *                     cont.resumeWithException(TransportFailureException("no response", maybeSent = e !is ConnectException, e))
 *                 override fun onResponse(call: Call, response: Response) = response.use { r ->
 *                     val read = Buffer()
 *                     try {
 *                         val source = r.body.source()
 *                         while (read.size < limit && source.read(read, limit - read.size) != -1L) Unit
 *                         cont.resume(ApiResponse(r.code, r.headers.toList(), read.readByteArray()))
 *                     } catch (e: IOException) {
 *                         cont.resumeWithException(TransportFailureException("the body was cut short", maybeSent = true, e))
 *                     }
 *                 }
 *             })
 *         }
 *     }
 * }
 * ```
 */
fun interface HttpTransport {
    /** Sends [request], waiting at most [timeout]; throws [TransportFailureException] when nothing came back. */
    suspend fun send(request: ApiRequest, timeout: Duration): ApiResponse
}

/**
 * The default transport, on `java.net.HttpURLConnection`: on the JVM and on Android (minSdk 26), with no
 * dependency. Redirects are not followed, caches are not used.
 *
 * The blocking exchange runs on [dispatcher] (`Dispatchers.IO`); the caller only suspends. The timeout given
 * to [send] bounds the whole exchange, connecting, sending, the headers and the full body: at the deadline,
 * or when the calling coroutine is cancelled, the connection is closed under the reading thread, and the
 * caller is released at once (a server trickling its answer a byte at a time is cut off at the deadline, as
 * a failure that may have reached the server). At most [Limits.maxResponseBytes] + 1 bytes of a body are
 * read ([AndOpen.LIMITS], the core's figure); a body shorter than its `Content-Length`, or a chunked body
 * cut short, is a failure with `maybeSent = true`.
 */
class UrlConnectionTransport(
    private val dispatcher: CoroutineDispatcher = Dispatchers.IO,
    /** The longest connecting may take, within the exchange's own timeout. */
    private val connectTimeout: Duration = Duration.ofSeconds(10),
) : HttpTransport {
    override suspend fun send(request: ApiRequest, timeout: Duration): ApiResponse {
        val exchange = Exchange(request, timeout, connectTimeout)
        val executor = dispatcher.asExecutor()
        val result = withTimeoutOrNull(millisOf(timeout)) {
            suspendCancellableCoroutine { cont ->
                // Cancelled (by the caller or the deadline): close the connection under the reading thread.
                cont.invokeOnCancellation { exchange.abort() }
                executor.execute { cont.resumeWith(runCatching { exchange.run() }) }
            }
        }
        return result ?: throw TransportFailureException("no complete answer within $timeout", maybeSent = exchange.connected, null)
    }

    override fun toString(): String = "UrlConnectionTransport(connectTimeout=$connectTimeout)"
}

/** A whole-exchange timeout in milliseconds, saturating (a timeout of centuries is simply never reached). */
private fun millisOf(timeout: Duration): Long = try {
    timeout.toMillis().coerceAtLeast(1)
} catch (e: ArithmeticException) {
    Long.MAX_VALUE
}

/** One request over one `HttpURLConnection`, run on a thread that may block; [abort] closes it from another. */
private class Exchange(private val request: ApiRequest, timeout: Duration, connectTimeout: Duration) {
    private val limit = AndOpen.LIMITS.maxResponseBytes.toLong() + 1

    // Each blocking step is also bounded on its own, so that a thread left behind by an abort ends too.
    private val readMillis = millisOf(timeout).coerceAtMost(Int.MAX_VALUE.toLong()).toInt()
    private val connectMillis = minOf(millisOf(timeout), millisOf(connectTimeout)).coerceAtMost(Int.MAX_VALUE.toLong()).toInt()

    @Volatile
    private var connection: HttpURLConnection? = null

    @Volatile
    private var aborted = false

    /** Whether the connection was made: from then on the request may have reached the server. */
    @Volatile
    var connected = false
        private set

    /**
     * Stops the exchange from another thread without waiting for it: the reading thread stops at its next
     * read, and the connection is closed on a thread of its own, which unblocks a read that waits for
     * bytes. (`disconnect` waits for a read under way to return, up to the read timeout, and a reader
     * that keeps getting bytes may hold the stream for seconds: the caller's deadline must not wait.)
     */
    fun abort() {
        aborted = true
        val conn = connection ?: return
        Thread({ conn.disconnect() }, "andopen-abort").apply { isDaemon = true }.start()
    }

    fun run(): ApiResponse {
        val conn = open()
        connection = conn
        try {
            if (aborted) throw TransportFailureException("aborted before connecting", maybeSent = false)
            conn.connect()
        } catch (e: IOException) {
            conn.disconnect()
            // Connecting (TLS setup included) failed: nothing of the request left.
            throw e as? TransportFailureException ?: TransportFailureException("could not connect: ${e.message ?: e.javaClass.simpleName}", maybeSent = false, e)
        }
        connected = true
        // An abort that came while connecting found no socket to close: close it now.
        if (aborted) conn.disconnect()
        var complete = false
        try {
            request.body?.let { body -> conn.outputStream.use { it.write(body) } }
            val status = conn.responseCode
            val headers = conn.headerFields.flatMap { (name, values) -> if (name == null) emptyList() else values.map { name to it } }
            val stream: InputStream? = if (status >= 400 || status < 0) conn.errorStream else conn.inputStream
            val (body, ended) = stream?.use { read(it) } ?: (ByteArray(0) to true)
            val declared = conn.getHeaderField("Content-Length")?.trim()?.toLongOrNull()
            if (ended && declared != null && body.size < minOf(declared, limit)) {
                throw IOException("the body ended after ${body.size} of its ${declared} bytes")
            }
            complete = ended
            return ApiResponse(status, headers, body)
        } catch (e: IOException) {
            throw TransportFailureException(
                if (aborted) "the exchange was aborted" else "no complete answer: ${e.message ?: e.javaClass.simpleName}",
                maybeSent = true,
                e,
            )
        } finally {
            // A body left unread (over the limit, or a failure) is not drained: the connection is closed.
            if (!complete) conn.disconnect()
        }
    }

    private fun open(): HttpURLConnection {
        try {
            val conn = URL(request.url).openConnection() as? HttpURLConnection
                ?: throw TransportFailureException("not an http(s) URL", maybeSent = false)
            conn.instanceFollowRedirects = false
            conn.useCaches = false
            conn.connectTimeout = connectMillis
            conn.readTimeout = readMillis
            conn.requestMethod = request.method
            request.headers.forEach { (name, value) -> conn.addRequestProperty(name, value) }
            request.body?.let {
                conn.doOutput = true
                // Streamed, the body cannot be replayed: HttpURLConnection then never resends a POST by itself.
                conn.setFixedLengthStreamingMode(it.size)
            }
            return conn
        } catch (e: TransportFailureException) {
            throw e
        } catch (e: Exception) {
            // A malformed URL, an unknown method, a header value no request can carry.
            throw TransportFailureException("the request cannot be sent as built: ${e.message}", maybeSent = false, e)
        }
    }

    /** Reads at most [limit] bytes; says whether the stream ended (rather than the limit being reached). */
    private fun read(input: InputStream): Pair<ByteArray, Boolean> {
        val bytes = ByteArrayOutputStream()
        val buffer = ByteArray(8192)
        while (bytes.size() < limit) {
            if (aborted) throw IOException("aborted")
            val n = input.read(buffer, 0, minOf(buffer.size.toLong(), limit - bytes.size()).toInt())
            if (n < 0) return bytes.toByteArray() to true
            bytes.write(buffer, 0, n)
        }
        return bytes.toByteArray() to false
    }
}
