package co.andopen.sdk

import kotlinx.coroutines.runBlocking
import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.time.Duration

/**
 * The default transport against a small HTTP server on this machine (127.0.0.1 only), and the client over
 * it; then against hostile servers ([RawServer]): one that trickles its body, one that cuts it, one that
 * sends 200 MB.
 */
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class UrlConnectionTransportTest {
    private lateinit var server: HttpServer
    private val seen = mutableListOf<Triple<String, String, String?>>()
    private val base get() = "http://127.0.0.1:${server.address.port}"

    @BeforeEach
    fun start() {
        server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/") { exchange ->
            seen += Triple(exchange.requestMethod, exchange.requestURI.toString(), exchange.requestHeaders.getFirst("Authorization"))
            exchange.requestBody.readAllBytes()
            val (status, body) = when {
                exchange.requestURI.path == "/redirect" -> {
                    exchange.responseHeaders.add("Location", "/elsewhere")
                    302 to ""
                }
                exchange.requestURI.path.startsWith("/gift_requests") -> (if (exchange.requestMethod == "POST") 201 else 200) to gift()
                else -> 404 to """{"errors":[{"type":"not_found_error","code":"not_found","message":"nothing here"}]}"""
            }
            exchange.responseHeaders.add("Request-Id", REQUEST_ID)
            val bytes = body.toByteArray()
            exchange.sendResponseHeaders(status, if (bytes.isEmpty()) -1 else bytes.size.toLong())
            exchange.responseBody.use { it.write(bytes) }
        }
        server.start()
    }

    @AfterEach
    fun stop() = server.stop(0)

    private fun get(url: String) = ApiRequest("GET", url, listOf(RequestHeader("Accept", "application/json")), null)

    @Test
    fun aNon2xxStatusIsAResponseNotAnException(): Unit = runBlocking {
        val response = UrlConnectionTransport().send(get("$base/nothing"), Duration.ofSeconds(5))
        assertEquals(404, response.status)
        assertTrue(response.headers.any { it.first.equals("request-id", ignoreCase = true) && it.second == REQUEST_ID })
        assertTrue(String(response.body).contains("not_found"))
    }

    @Test
    fun redirectsAreNotFollowed(): Unit = runBlocking {
        assertEquals(302, UrlConnectionTransport().send(get("$base/redirect"), Duration.ofSeconds(5)).status)
        assertEquals(listOf("/redirect"), seen.map { it.second })
    }

    @Test
    fun aRefusedConnectionWasNotSent(): Unit = runBlocking {
        val port = ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")).use { it.localPort }
        val e = assertThrows<TransportFailureException> { UrlConnectionTransport().send(get("http://127.0.0.1:$port/"), Duration.ofSeconds(5)) }
        assertFalse(e.maybeSent)
    }

    @Test
    fun theClientOverTheDefaultTransport(): Unit = runBlocking {
        AndOpenClient(KEY, baseUrl = base).use { client ->
            val created = client.createGiftRequest(choiceMode())
            assertEquals(created, client.getGiftRequest(GIFT_ID))
            assertThrows<NotFoundException> { client.getCampaign(CAMPAIGN_ID) }
        }
        assertEquals(listOf("POST", "GET", "GET"), seen.map { it.first })
        assertEquals("Bearer $KEY", seen.first().third)
    }

    @Test
    fun aTimeoutBoundsTheWholeExchangeBodyIncluded(): Unit = runBlocking {
        // Headers at once, then one byte of a 100-byte body a second: java.net.http's own request timeout
        // stops at the headers, and would wait the whole 100 s.
        RawServer.trickling(200, 100, 'x').use { server ->
            val started = System.nanoTime()
            val e = assertThrows<TransportFailureException> { UrlConnectionTransport().send(get("${server.url}/gift_requests/$GIFT_ID"), Duration.ofSeconds(2)) }
            val took = Duration.ofNanos(System.nanoTime() - started)
            assertTrue(e.maybeSent)
            assertTrue(took >= Duration.ofMillis(1900) && took < Duration.ofSeconds(10), "took $took")
        }
    }

    @Test
    fun aTricklingAnswerToACreateIsOutcomeUnknownAtTheDeadline(): Unit = runBlocking {
        RawServer.trickling(201, 1000, ' ').use { server ->
            val started = System.nanoTime()
            AndOpenClient(KEY, baseUrl = server.url, timeout = Duration.ofSeconds(2)).use { client ->
                val e = assertThrows<OutcomeUnknownException> { client.createGiftRequest(choiceMode()) }
                assertTrue(e.cause is TransportFailureException, "${e.cause}")
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - started) < Duration.ofSeconds(10), "the 2 s deadline bounds an answer that would trickle for 1,000 s")
            assertEquals(1, server.requests.get(), "a create that may have landed is never sent again")
        }
    }

    @Test
    fun aBodyCutAfterTheStatusMayHaveBeenSent(): Unit = runBlocking {
        RawServer { out ->
            out.write(RawServer.head(201, 1000))
            out.write("{\"id\":".toByteArray())
        }.use { server ->
            val e = assertThrows<TransportFailureException> { UrlConnectionTransport().send(get(server.url), Duration.ofSeconds(5)) }
            assertTrue(e.maybeSent)
            AndOpenClient(KEY, baseUrl = server.url).use { client ->
                assertThrows<OutcomeUnknownException> { client.createGiftRequest(choiceMode()) }
            }
            assertEquals(2, server.requests.get())
        }
    }

    @Test
    fun atMostOneByteOverTheLimitIsReadOfAHugeBody(): Unit = runBlocking {
        val limit = AndOpen.LIMITS.maxResponseBytes.toLong()
        val size = 200L * 1024 * 1024
        val written = java.util.concurrent.atomic.AtomicLong()
        RawServer { out ->
            out.write(RawServer.head(200, size))
            val chunk = ByteArray(1 shl 16) { 'x'.code.toByte() }
            while (written.get() < size) {
                out.write(chunk)
                written.addAndGet(chunk.size.toLong())
            }
        }.use { server ->
            val response = UrlConnectionTransport().send(get(server.url), Duration.ofSeconds(30))
            assertEquals(200, response.status)
            assertEquals(limit + 1, response.body.size.toLong())
            // The reader stopped: the server could not push the 200 MB through (socket buffers hold a few MB).
            Thread.sleep(200)
            assertTrue(written.get() < size / 4, "the server wrote ${written.get()} bytes")
        }
    }

    @Test
    fun aHugeAnswerIsUnreadableForAReadAndOutcomeUnknownForACreate(): Unit = runBlocking {
        val size = 200L * 1024 * 1024
        RawServer { out ->
            out.write(RawServer.head(201, size))
            RawServer.stream(out, "{\"id\":\"$GIFT_ID\",\"pad\":\"", "x", size - 60, "\"}")
        }.use { server ->
            AndOpenClient(KEY, baseUrl = server.url).use { client ->
                val created = assertThrows<OutcomeUnknownException> { client.createGiftRequest(choiceMode()) }
                assertEquals(201, created.status)
                assertEquals(REQUEST_ID, created.requestId)
                assertThrows<DecodeException> { client.getGiftRequest(GIFT_ID) }
            }
        }
    }

    @Test
    fun aChunkedBodyCutShortMayHaveBeenSent(): Unit = runBlocking {
        RawServer { out ->
            out.write("HTTP/1.1 200 OK\r\nRequest-Id: $REQUEST_ID\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".toByteArray())
            out.write("100\r\n{\"id\":".toByteArray())
        }.use { server ->
            val e = assertThrows<TransportFailureException> { UrlConnectionTransport().send(get(server.url), Duration.ofSeconds(5)) }
            assertTrue(e.maybeSent)
        }
    }

    @Test
    fun againstTheSimulator(): Unit = runBlocking {
        Simulator().use { sim ->
            val transport = UrlConnectionTransport()
            val headers = listOf(RequestHeader("AndOpen-API-Version", AndOpen.API_VERSION), RequestHeader("Authorization", "Bearer ao-v1-staging-test"))
            val list = transport.send(ApiRequest("GET", "${sim.url}/campaigns?limit=2", headers, null), Duration.ofSeconds(5))
            assertEquals(200, list.status)
            assertTrue(list.headers.any { it.first.equals("Request-Id", ignoreCase = true) && it.second.length == 36 })
            assertTrue(String(list.body).contains("\"has_more\":true"))

            // A connection the server cut after reading a create: it may have been processed, and it is not
            // sent again (HttpURLConnection resends a dropped GET once by itself, never a streamed POST).
            sim.queueFaults("""[{"method":"POST","path":"/gift_requests","drop":true}]""")
            val post = ApiRequest("POST", "${sim.url}/gift_requests", headers + RequestHeader("Content-Type", "application/json"), "{}".toByteArray())
            val dropped = assertThrows<TransportFailureException> { transport.send(post, Duration.ofSeconds(5)) }
            assertTrue(dropped.maybeSent)

            // An answer later than the deadline: a failure at the deadline, that may have reached the server.
            sim.queueFaults("""[{"method":"GET","path":"/campaigns","delay_ms":3000}]""")
            val started = System.nanoTime()
            val late = assertThrows<TransportFailureException> { transport.send(ApiRequest("GET", "${sim.url}/campaigns", headers, null), Duration.ofMillis(500)) }
            val took = Duration.ofNanos(System.nanoTime() - started)
            assertTrue(late.maybeSent)
            assertTrue(took >= Duration.ofMillis(480) && took < Duration.ofMillis(1500), "took $took")

            // Nothing listening: never sent.
            val port = ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")).use { it.localPort }
            assertFalse(assertThrows<TransportFailureException> { transport.send(get("http://127.0.0.1:$port/campaigns"), Duration.ofSeconds(5)) }.maybeSent)
            assertEquals(listOf("GET" to "200", "POST" to "dropped"), sim.apiLog().take(2).map { it.method to it.status })
        }
    }
}
