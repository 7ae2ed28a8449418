package co.andopen.sdk

import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.time.Duration

/** The default transport against a small HTTP server on this machine (127.0.0.1 only), and the client over it. */
class JavaHttpTransportTest {
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

    private fun get(url: String) = ApiRequest("GET", url, listOf("Accept" to "application/json"), null)

    @Test
    fun aNon2xxStatusIsAResponseNotAnException() {
        val response = JavaHttpTransport().send(get("$base/nothing"), Duration.ofSeconds(5))
        assertEquals(404, response.status)
        assertTrue(response.headers.any { it.first.equals("request-id", ignoreCase = true) && it.second == REQUEST_ID })
        assertTrue(String(response.body).contains("not_found"))
    }

    @Test
    fun redirectsAreNotFollowed() {
        assertEquals(302, JavaHttpTransport().send(get("$base/redirect"), Duration.ofSeconds(5)).status)
        assertEquals(listOf("/redirect"), seen.map { it.second })
    }

    @Test
    fun aRefusedConnectionWasNotSent() {
        val port = ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")).use { it.localPort }
        val e = assertThrows<TransportFailureException> { JavaHttpTransport().send(get("http://127.0.0.1:$port/"), Duration.ofSeconds(5)) }
        assertFalse(e.maybeSent)
    }

    @Test
    fun theClientOverTheDefaultTransport() {
        AndOpenClient(KEY, baseUrl = base).use { client ->
            val created = client.createGiftRequest(choiceMode())
            assertEquals(created, client.getGiftRequest(GIFT_ID))
            assertThrows<NotFoundException> { client.getCampaign(CAMPAIGN_ID) }
        }
        assertEquals(listOf("POST", "GET", "GET"), seen.map { it.first })
        assertEquals("Bearer $KEY", seen.first().third)
    }
}
