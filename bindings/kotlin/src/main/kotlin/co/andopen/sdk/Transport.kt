package co.andopen.sdk

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.ConnectException
import java.net.URI
import java.net.UnknownHostException
import java.net.http.HttpClient
import java.net.http.HttpConnectTimeoutException
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.ByteBuffer
import java.nio.channels.UnresolvedAddressException
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.ExecutionException
import java.util.concurrent.Flow
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicReference
import javax.net.ssl.SSLHandshakeException

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
 * (the core does all of that). The timeout bounds the whole exchange, the body included; read at most
 * `AndOpen.LIMITS.maxResponseBytes + 1` bytes of a body; a body cut short after the status is a
 * [TransportFailureException] with `maybeSent = true`. Any other exception a transport throws is taken
 * as such a failure too (the request may have left). On Android, implement it with OkHttp:
 *
 * ```kotlin
 * class OkHttpTransport(private val http: OkHttpClient) : HttpTransport {
 *     private val limit = AndOpen.LIMITS.maxResponseBytes.toLong() + 1
 *
 *     override fun send(request: ApiRequest, timeout: Duration): ApiResponse {
 *         val body = request.body?.toRequestBody("application/json".toMediaType())
 *         // callTimeout spans the whole call: connecting, sending, and reading the body.
 *         val call = http.newBuilder().followRedirects(false).callTimeout(timeout).build().newCall(
 *             Request.Builder().url(request.url).method(request.method, body)
 *                 .apply { request.headers.forEach { (n, v) -> addHeader(n, v) } }.build())
 *         val response = try { call.execute() } catch (e: ConnectException) {
 *             throw TransportFailureException("not sent", maybeSent = false, e)
 *         } catch (e: IOException) {
 *             throw TransportFailureException("no response", maybeSent = true, e)
 *         }
 *         return response.use { r ->
 *             val read = Buffer()
 *             try {
 *                 val source = r.body?.source()
 *                 while (source != null && read.size < limit && source.read(read, limit - read.size) != -1L) Unit
 *             } catch (e: IOException) {
 *                 throw TransportFailureException("the body was cut short", maybeSent = true, e)
 *             }
 *             ApiResponse(r.code, r.headers.toList(), read.readByteArray())
 *         }
 *     }
 * }
 * ```
 */
fun interface HttpTransport {
    /** Sends [request], waiting at most [timeout]; throws [TransportFailureException] when nothing came back. */
    fun send(request: ApiRequest, timeout: Duration): ApiResponse
}

/**
 * The default transport, on `java.net.http` (Java 11+). Redirects are not followed. The timeout given to
 * [send] bounds the whole exchange: connecting, sending, the headers and the full body (a server trickling
 * its answer a byte at a time is cut off at the deadline, as a failure that may have reached the server).
 * At most [Limits.maxResponseBytes] + 1 bytes of a body are read ([AndOpen.LIMITS], the core's figure):
 * what was read is handed over, and the core judges a body over the limit unreadable.
 */
class JavaHttpTransport(
    private val http: HttpClient = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build(),
) : HttpTransport {
    override fun send(request: ApiRequest, timeout: Duration): ApiResponse {
        val deadline = Deadline(timeout)
        val publisher = request.body?.let { HttpRequest.BodyPublishers.ofByteArray(it) } ?: HttpRequest.BodyPublishers.noBody()
        val built = try {
            HttpRequest.newBuilder(URI.create(request.url)).method(request.method, publisher)
                .apply { request.headers.forEach { (name, value) -> header(name, value) } }
                .build()
        } catch (e: IllegalArgumentException) {
            throw TransportFailureException("the request cannot be sent as built: ${e.message}", maybeSent = false, e)
        }
        val body = BoundedBody(AndOpen.LIMITS.maxResponseBytes.toLong() + 1)
        val exchange = http.sendAsync(built) { body }
        val response = try {
            exchange.get(deadline.nanosLeft(), TimeUnit.NANOSECONDS)
        } catch (e: TimeoutException) {
            body.abandon()
            exchange.cancel(true)
            throw TransportFailureException("no complete answer within $timeout", maybeSent = true, e)
        } catch (e: InterruptedException) {
            body.abandon()
            exchange.cancel(true)
            Thread.currentThread().interrupt()
            throw TransportFailureException("interrupted while waiting for the response", maybeSent = true, e)
        } catch (e: ExecutionException) {
            val cause = e.cause ?: e
            // After the headers, a failure (a body cut short) may follow a request the server processed.
            throw TransportFailureException(cause.message ?: cause.javaClass.simpleName, maybeSent = body.started || !neverSent(cause), cause)
        }
        val headers = response.headers().map().flatMap { (name, values) -> values.map { name to it } }
        return ApiResponse(response.statusCode(), headers, response.body())
    }

    /** Failures that happen before the request can leave: connecting, resolving, TLS setup. */
    private fun neverSent(e: Throwable): Boolean = generateSequence(e) { it.cause }.any {
        it is ConnectException || it is HttpConnectTimeoutException || it is UnknownHostException ||
            it is UnresolvedAddressException || it is SSLHandshakeException
    }
}

/** An instant [timeout] from now, saturating (a timeout of centuries is simply never reached). */
private class Deadline(timeout: Duration) {
    private val start = System.nanoTime()
    private val nanos = try {
        timeout.toNanos()
    } catch (e: ArithmeticException) {
        Long.MAX_VALUE
    }

    fun nanosLeft(): Long = (nanos - (System.nanoTime() - start)).coerceAtLeast(0)
}

/**
 * Collects a response body up to [limit] bytes, then stops reading: the body is complete at the end of the
 * stream or at the limit, whichever comes first. Grows with what arrives, never with the limit.
 */
private class BoundedBody(private val limit: Long) : HttpResponse.BodyHandler<ByteArray>, HttpResponse.BodySubscriber<ByteArray> {
    private val result = CompletableFuture<ByteArray>()
    private val bytes = ByteArrayOutputStream()
    private val subscription = AtomicReference<Flow.Subscription?>()

    /** Whether the headers arrived (the request reached the server). */
    @Volatile
    var started = false
        private set

    override fun apply(info: HttpResponse.ResponseInfo): HttpResponse.BodySubscriber<ByteArray> {
        started = true
        return this
    }

    override fun getBody(): CompletionStage<ByteArray> = result

    override fun onSubscribe(s: Flow.Subscription) {
        if (!subscription.compareAndSet(null, s) || result.isDone) {
            s.cancel()
            return
        }
        s.request(1)
    }

    override fun onNext(item: List<ByteBuffer>) {
        if (result.isDone) return
        for (buffer in item) {
            val room = limit - bytes.size()
            val n = minOf(buffer.remaining().toLong(), room).toInt()
            val chunk = ByteArray(n)
            buffer.get(chunk)
            bytes.write(chunk)
            if (bytes.size() >= limit) {
                // Enough to know the body is over the limit: hand over what was read, read no more.
                subscription.get()?.cancel()
                result.complete(bytes.toByteArray())
                return
            }
        }
        subscription.get()?.request(1)
    }

    override fun onError(throwable: Throwable) {
        result.completeExceptionally(throwable)
    }

    override fun onComplete() {
        result.complete(bytes.toByteArray())
    }

    /** Stops reading (the deadline passed): the connection is closed rather than drained. */
    fun abandon() {
        subscription.get()?.cancel()
        result.cancel(true)
    }
}
