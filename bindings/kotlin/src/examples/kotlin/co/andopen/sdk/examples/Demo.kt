// The gifting flow of the &Open SDK for Kotlin, told step by step against a running &Open API simulator.
//
//     cd bindings/kotlin && ANDOPEN_BASE_URL=http://127.0.0.1:PORT mvn -q -B test-compile exec:java
//
// ANDOPEN_BASE_URL is the simulator's address (andopen-mock prints it when it starts); ANDOPEN_API_KEY
// defaults to ao-v1-staging-demo. The demo uses the package's public API only, its suspend functions and
// flows inside runBlocking; to show what travels, it wraps the default transport in one that prints each
// request and response, and passes the client a Sleeper that says when the SDK waits. Queuing a fault goes to the simulator's control endpoint
// (/_mock/faults), which is not part of the API.
package co.andopen.sdk.examples

import co.andopen.sdk.AndOpen
import co.andopen.sdk.AndOpenClient
import co.andopen.sdk.ApiException
import co.andopen.sdk.ApiRequest
import co.andopen.sdk.ApiResponse
import co.andopen.sdk.FieldError
import co.andopen.sdk.GiftRequest
import co.andopen.sdk.HttpTransport
import co.andopen.sdk.NewGiftRequest
import co.andopen.sdk.NewLineItem
import co.andopen.sdk.NewRecipient
import co.andopen.sdk.NewShippingAddress
import co.andopen.sdk.OutcomeUnknownException
import co.andopen.sdk.Sleeper
import co.andopen.sdk.TransportFailureException
import co.andopen.sdk.UrlConnectionTransport
import co.andopen.sdk.ValidationException
import co.andopen.sdk.text
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import kotlin.system.exitProcess

private const val CHOICE = "Welcome box (choice)"
private const val DIRECT_SEND = "Welcome box (direct send)"

private val ADDRESS = NewShippingAddress(
    address1 = "12 Merrion Square",
    city = "Dublin",
    region = "Leinster",
    postalCode = "D02 XY45",
    countryCode = "IE",
    phone = "+353871234567",
)

private fun short(body: ByteArray?, width: Int = 96): String {
    if (body == null || body.isEmpty()) return ""
    val text = String(body)
    return if (text.length <= width) text else text.take(width - 3) + "..."
}

/** The default transport, printing what goes out and what comes back. */
private class Watching : HttpTransport {
    private val inner = UrlConnectionTransport()
    var sent = 0
    val statuses = mutableListOf<Int>()

    override suspend fun send(request: ApiRequest, timeout: Duration): ApiResponse {
        val uri = URI.create(request.url)
        val target = uri.rawPath + (uri.rawQuery?.let { "?$it" } ?: "")
        println("    -> ${request.method} $target  ${short(request.body)}".trimEnd())
        sent++
        val response = try {
            inner.send(request, timeout)
        } catch (e: TransportFailureException) {
            println("    <- no response (${e.message})")
            throw e
        } catch (e: kotlinx.coroutines.CancellationException) {
            println("    <- cancelled: the connection is closed")
            throw e
        }
        fun header(name: String) = response.headers.firstOrNull { it.first.equals(name, ignoreCase = true) }?.second
        val retryAfter = header("Retry-After")?.let { "  Retry-After: $it" } ?: ""
        println("    <- ${response.status}  Request-Id: ${header("Request-Id") ?: "-"}$retryAfter")
        statuses += response.status
        return response
    }
}

private val waiting = Sleeper { duration ->
    println("    .. the SDK waits %.1f s, then sends again".format(duration.toMillis() / 1000.0))
    delay(duration.toMillis())
}

private fun heading(n: Int, title: String) = println("\n$n. $title")

/** A call to the simulator's control endpoints (not part of the API). */
private fun control(baseUrl: String, path: String, json: String) {
    val request = HttpRequest.newBuilder(URI.create(baseUrl.trimEnd('/') + path))
        .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build()
    val response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
    check(response.statusCode() == 200) { "$path: ${response.statusCode()} ${response.body()}" }
}

private fun showFieldErrors(errors: List<FieldError>) {
    for (problem in errors) {
        println("      ${problem.param ?: "(the request)"}")
        println("          ${problem.message}  [${problem.code}]")
    }
}

private fun fail(message: String): Nothing {
    System.err.println("   $message")
    exitProcess(1)
}

fun main(): Unit = runBlocking {
    val baseUrl = System.getenv("ANDOPEN_BASE_URL")?.takeIf { it.isNotEmpty() } ?: run {
        System.err.println("set ANDOPEN_BASE_URL to the simulator's address (andopen-mock prints it when it starts)")
        exitProcess(2)
    }
    val apiKey = System.getenv("ANDOPEN_API_KEY")?.takeIf { it.isNotEmpty() } ?: "ao-v1-staging-demo"

    val transport = Watching()
    AndOpenClient(apiKey, baseUrl = baseUrl, transport = transport, sleeper = waiting).use { client ->
        println("&Open SDK for Kotlin, API version ${AndOpen.API_VERSION}, against ${client.baseUrl}")
        val created = mutableListOf<GiftRequest>()

        heading(1, "Every campaign, page after page")
        val pages = client.campaignPages().toList()
        val campaigns = pages.flatMap { it.data }
        println("   ${campaigns.size} campaigns on ${pages.size} pages (${pages.joinToString(", ") { it.data.size.toString() }})")
        val byName = campaigns.associateBy { it.name }
        val choice = byName[CHOICE] ?: fail("the campaign \"$CHOICE\" is missing: is this the simulator?")
        val direct = byName[DIRECT_SEND] ?: fail("the campaign \"$DIRECT_SEND\" is missing: is this the simulator?")
        println("   choice-mode: \"${choice.name}\"  ${choice.id}  invitation: ${choice.invitationMethod}")
        println("   direct-send: \"${direct.name}\"  ${direct.id}  invitation: ${direct.invitationMethod}")

        heading(2, "A choice-mode gift: the recipient picks from the catalogue")
        var gift = client.createGiftRequest(NewGiftRequest(choice.id, NewRecipient("Alice", "Smith", "alice@example.com")))
        created += gift
        println("   gift ${gift.id}: ${gift.status.text}, redemption URL: ${gift.redemptionUrl ?: "not yet"}")

        heading(3, "Waiting for its redemption URL")
        gift = client.waitForRedemptionUrl(gift.id, interval = Duration.ofMillis(500), timeout = Duration.ofSeconds(30))
        println("   ${gift.redemptionUrl}")

        heading(4, "A direct-send gift: our address, our items")
        val sent = client.createGiftRequest(
            NewGiftRequest(direct.id, NewRecipient("Bob", "Byrne"), shippingAddress = ADDRESS, lineItems = listOf(NewLineItem(sku = "HOODIE-M-BLK", quantity = 1))),
        )
        created += sent
        val items = sent.lineItems.orEmpty().joinToString(", ") { "${it.quantity} x ${it.sku}" }
        println("   gift ${sent.id}: ${sent.status.text}, items locked: $items, to ${sent.shippingAddress?.city}")

        heading(5, "Validation errors, each under its field")
        println("   checked before sending (nothing leaves this machine):")
        try {
            client.createGiftRequest(
                NewGiftRequest(
                    direct.id,
                    NewRecipient("Carla", ""),
                    shippingAddress = ADDRESS.copy(countryCode = "ie"),
                    lineItems = listOf(NewLineItem(sku = "HOODIE-M-BLK", quantity = 0)),
                ),
            )
            fail("unexpected: the body was accepted")
        } catch (e: ValidationException) {
            showFieldErrors(e.errors)
        }
        println("   checked by the server (stock is only known there):")
        try {
            client.createGiftRequest(
                NewGiftRequest(direct.id, NewRecipient("Carla", "Diaz"), shippingAddress = ADDRESS, lineItems = listOf(NewLineItem(sku = "TEE-S-WHT", quantity = 1))),
            )
            fail("unexpected: the gift was created")
        } catch (e: ApiException) {
            showFieldErrors(e.errors)
            println("      (HTTP ${e.status}, Request-Id ${e.requestId})")
        }

        heading(6, "A 503 (service unavailable) is waited out")
        control(baseUrl, "/_mock/faults", """[{"method":"POST","path":"/gift_requests","status":503,"retry_after":1}]""")
        println("   (queued on the simulator: the next POST /gift_requests answers 503 with Retry-After: 1)")
        val before = transport.statuses.size
        gift = client.createGiftRequest(NewGiftRequest(choice.id, NewRecipient("Dara", "Walsh", "dara@example.com")))
        created += gift
        println("   gift ${gift.id}: ${gift.status.text}, after ${transport.statuses.size - before} attempts")

        heading(7, "A 500 after the gift was made: never sent twice")
        control(baseUrl, "/_mock/faults", """[{"method":"POST","path":"/gift_requests","status":500,"after_processing":true}]""")
        println("   (queued on the simulator: the next POST /gift_requests is processed, then answers 500)")
        try {
            client.createGiftRequest(NewGiftRequest(choice.id, NewRecipient("Eoin", "Kelly", "eoin@example.com")))
            fail("unexpected: the gift was reported created")
        } catch (e: OutcomeUnknownException) {
            println("   outcome unknown, not retried: reconcile before sending again (Request-Id ${e.requestId})")
        }

        heading(8, "A slow answer, cancelled: withTimeout stops the wait and closes the connection")
        control(baseUrl, "/_mock/faults", """[{"method":"GET","path":"/gift_requests/${gift.id}","delay_ms":4000}]""")
        println("   (queued on the simulator: the next GET /gift_requests/${gift.id} answers after 4 s)")
        val started = System.nanoTime()
        try {
            withTimeout(500) { client.getGiftRequest(gift.id) }
            fail("unexpected: the slow answer arrived within 500 ms")
        } catch (e: TimeoutCancellationException) {
            println("   cancelled after %d ms (withTimeout(500)): the exchange was aborted, not waited out".format((System.nanoTime() - started) / 1_000_000))
        }

        heading(9, "Summary")
        val answers = transport.statuses.toSortedSet().joinToString(", ") { s -> "$s x${transport.statuses.count { it == s }}" }
        println("   ${transport.sent} requests sent; answers: $answers")
        for (g in created) {
            println("   ${g.id}  ${g.status.text.padEnd(10)} ${g.recipient.firstName} ${g.recipient.lastName}")
        }
        println("   and one creation whose outcome the client cannot know (the simulator did create it): look it up before sending again")
    }
}
