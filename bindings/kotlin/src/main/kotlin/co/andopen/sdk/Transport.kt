package co.andopen.sdk

import java.io.IOException
import java.net.ConnectException
import java.net.URI
import java.net.UnknownHostException
import java.net.http.HttpClient
import java.net.http.HttpConnectTimeoutException
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.channels.UnresolvedAddressException
import java.time.Duration
import javax.net.ssl.SSLHandshakeException

/** A request exactly as the core built it: send it as is. */
class ApiRequest(
    /** `GET` or `POST`. */
    val method: String,
    /** The absolute URL, query included. */
    val url: String,
    /** The headers, in order (the API key among them when the client has one). */
    val headers: List<Pair<String, String>>,
    /** The body, for a POST. */
    val body: ByteArray?,
) {
    /** The value of a header, by name without regard to case. */
    fun header(name: String): String? = headers.firstOrNull { it.first.equals(name, ignoreCase = true) }?.second

    /** Never prints the key. */
    override fun toString(): String {
        val shown = headers.map { (n, v) -> n to if (n.equals("authorization", ignoreCase = true)) "<redacted>" else v }
        return "ApiRequest(method=$method, url=$url, headers=$shown, body=${body?.size ?: 0} bytes)"
    }
}

/** What came back: the status, the headers as received, and the body bytes (possibly empty). */
class ApiResponse(
    val status: Int,
    val headers: List<Pair<String, String>> = emptyList(),
    val body: ByteArray = ByteArray(0),
)

/**
 * Thrown by a transport when no response came back. [maybeSent] is `false` when the request certainly never
 * left the machine (connection refused, name not resolved, TLS setup failed) and `true` when it may have
 * reached the server (a timeout, the connection lost after sending). When unsure, say `true`: a gift
 * creation is then never replayed.
 */
class TransportFailureException(message: String, val maybeSent: Boolean, cause: Throwable? = null) : IOException(message, cause)

/**
 * Sends one request and returns the response, whatever its status: no retries, no redirects, no judging
 * (the core does all of that). On Android, implement it with OkHttp:
 *
 * ```kotlin
 * class OkHttpTransport(private val http: OkHttpClient) : HttpTransport {
 *     override fun send(request: ApiRequest, timeout: Duration): ApiResponse {
 *         val body = request.body?.toRequestBody("application/json".toMediaType())
 *         val call = http.newBuilder().followRedirects(false).callTimeout(timeout).build().newCall(
 *             Request.Builder().url(request.url).method(request.method, body)
 *                 .apply { request.headers.forEach { (n, v) -> addHeader(n, v) } }.build())
 *         val response = try { call.execute() } catch (e: ConnectException) {
 *             throw TransportFailureException("not sent", maybeSent = false, e)
 *         } catch (e: IOException) {
 *             throw TransportFailureException("no response", maybeSent = true, e)
 *         }
 *         return response.use { r -> ApiResponse(r.code, r.headers.toList(), r.body?.bytes() ?: ByteArray(0)) }
 *     }
 * }
 * ```
 */
fun interface HttpTransport {
    /** Sends [request], waiting at most [timeout]; throws [TransportFailureException] when nothing came back. */
    fun send(request: ApiRequest, timeout: Duration): ApiResponse
}

/** The default transport, on `java.net.http` (Java 11+): redirects are not followed. */
class JavaHttpTransport(
    private val http: HttpClient = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build(),
) : HttpTransport {
    override fun send(request: ApiRequest, timeout: Duration): ApiResponse {
        val publisher = request.body?.let { HttpRequest.BodyPublishers.ofByteArray(it) } ?: HttpRequest.BodyPublishers.noBody()
        val builder = HttpRequest.newBuilder(URI.create(request.url)).timeout(timeout).method(request.method, publisher)
        request.headers.forEach { (name, value) -> builder.header(name, value) }
        val response = try {
            http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
            throw TransportFailureException("interrupted while waiting for the response", maybeSent = true, e)
        } catch (e: IOException) {
            throw TransportFailureException(e.message ?: e.javaClass.simpleName, maybeSent = !neverSent(e), e)
        }
        val headers = response.headers().map().flatMap { (name, values) -> values.map { name to it } }
        return ApiResponse(response.statusCode(), headers, response.body() ?: ByteArray(0))
    }

    /** Failures that happen before the request can leave: connecting, resolving, TLS setup. */
    private fun neverSent(e: Throwable): Boolean = generateSequence(e) { it.cause }.any {
        it is ConnectException || it is HttpConnectTimeoutException || it is UnknownHostException ||
            it is UnresolvedAddressException || it is SSLHandshakeException
    }
}
