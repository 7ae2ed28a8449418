package co.andopen.sdk

import co.andopen.sdk.ffi.ErrorKind
import co.andopen.sdk.ffi.GiftRequestStatus
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout
import org.junit.jupiter.api.assertThrows
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference
import kotlin.system.measureNanoTime

/** The most a cancelled call may take to end, from the cancel. */
private const val PROMPT_MS = 100L

/**
 * A server on 127.0.0.1 that reads each request's head and then never answers: it only watches for the
 * client closing the connection ([closed] counts the connections the client closed).
 */
private class SilentServer : AutoCloseable {
    private val socket = ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))
    private val open = mutableListOf<Socket>()
    val requests = AtomicInteger()
    val closed = CountDownLatch(1)
    val url: String get() = "http://127.0.0.1:${socket.localPort}"

    init {
        Thread({
            while (!socket.isClosed) {
                val connection = runCatching { socket.accept() }.getOrNull() ?: break
                synchronized(open) { open += connection }
                Thread({
                    val input = connection.getInputStream()
                    val head = StringBuilder()
                    while (!head.endsWith("\r\n\r\n")) head.append((input.read().takeIf { it >= 0 } ?: return@Thread).toChar())
                    requests.incrementAndGet()
                    // Whatever body follows, then nothing until the client closes the connection.
                    while (runCatching { input.read() }.getOrDefault(-1) >= 0) Unit
                    closed.countDown()
                }, "silent-server-connection").apply { isDaemon = true }.start()
            }
        }, "silent-server").apply { isDaemon = true }.start()
    }

    /** Waits until [n] requests arrived. */
    fun awaitRequests(n: Int) {
        val until = System.nanoTime() + 10_000_000_000
        while (requests.get() < n) {
            check(System.nanoTime() < until) { "no request arrived" }
            Thread.sleep(5)
        }
    }

    override fun close() {
        socket.close()
        synchronized(open) { open.forEach { runCatching { it.close() } } }
    }
}

private fun millis(nanos: Long) = nanos / 1_000_000

/**
 * Cancellation: a call cancelled while it waits (between attempts, between polls) or while its exchange is in
 * flight ends within [PROMPT_MS] of the cancel, and an exchange in flight is aborted (the server sees the
 * connection closed). A creation cancelled in flight is outcome unknown, never failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancellationTest {
    @Test
    fun aCallCancelledMidWaitEndsAtOnce(): Unit = runBlocking {
        val transport = FakeTransport(reply(503, null, "Retry-After" to "3"), reply(200, gift()))
        AndOpenClient(KEY, transport = transport).use { client ->
            val job = launch(Dispatchers.Default) { client.getGiftRequest(GIFT_ID) }
            while (transport.requests.isEmpty()) delay(5)
            delay(200) // well inside the 3 s wait
            val took = millis(measureNanoTime { job.cancelAndJoin() })
            println("cancelled mid-wait: ended $took ms after the cancel")
            assertTrue(took < PROMPT_MS, "ended $took ms after the cancel")
            assertTrue(job.isCancelled)
            assertEquals(1, transport.requests.size, "nothing is sent after the cancel")
        }
    }

    @Test
    fun aPollCancelledMidWaitEndsAtOnce(): Unit = runBlocking {
        val transport = FakeTransport(reply(200, gift()), reply(200, gift()))
        AndOpenClient(KEY, transport = transport).use { client ->
            val job = launch(Dispatchers.Default) { client.waitForRedemptionUrl(GIFT_ID, interval = Duration.ofSeconds(5)) }
            while (transport.requests.isEmpty()) delay(5)
            delay(200)
            val took = millis(measureNanoTime { job.cancelAndJoin() })
            assertTrue(took < PROMPT_MS, "ended $took ms after the cancel")
            assertEquals(1, transport.requests.size)
        }
    }

    @Test
    fun aReadCancelledMidExchangeEndsAtOnceAndClosesTheConnection(): Unit = runBlocking {
        SilentServer().use { server ->
            AndOpenClient(KEY, baseUrl = server.url).use { client ->
                val job = launch(Dispatchers.Default) { client.getGiftRequest(GIFT_ID) }
                server.awaitRequests(1)
                delay(100)
                val took = millis(measureNanoTime { job.cancelAndJoin() })
                println("cancelled mid-exchange: ended $took ms after the cancel")
                assertTrue(took < PROMPT_MS, "ended $took ms after the cancel")
                assertTrue(server.closed.await(2, TimeUnit.SECONDS), "the connection was left open: the exchange was not aborted")
                assertEquals(1, server.requests.get())
            }
        }
    }

    @Test
    fun aCreateCancelledMidExchangeIsOutcomeUnknownNeverFailed(): Unit = runBlocking {
        SilentServer().use { server ->
            AndOpenClient(KEY, baseUrl = server.url).use { client ->
                val thrown = CompletableDeferred<Throwable>()
                val job = launch(Dispatchers.Default) {
                    try {
                        client.createGiftRequest(choiceMode())
                    } catch (e: Throwable) {
                        thrown.complete(e)
                        throw e
                    }
                }
                server.awaitRequests(1)
                delay(100)
                val took = millis(measureNanoTime { job.cancelAndJoin() })
                assertTrue(took < PROMPT_MS, "ended $took ms after the cancel")
                val e = thrown.await()
                assertTrue(e is CreationCancelledException, "$e")
                e as CreationCancelledException
                assertTrue(e is CancellationException, "cancellation goes on as cancellation")
                assertEquals(ErrorKind.OUTCOME_UNKNOWN, e.outcome.kind)
                assertTrue(server.closed.await(2, TimeUnit.SECONDS))
                assertEquals(1, server.requests.get(), "a create that may have landed is never sent again")
                assertTrue(KEY.drop(10) !in e.toString() + e.outcome.toString() + e.outcome.stackTraceToString())
            }
        }
    }

    @Test
    fun aCreateCancelledWhileWaitingToRetryIsAPlainCancellation(): Unit = runBlocking {
        // A 503 means "not processed": the create waits to send again; cancelled then, nothing is in flight.
        val transport = FakeTransport(reply(503, null, "Retry-After" to "3"), reply(201, gift()))
        AndOpenClient(KEY, transport = transport).use { client ->
            val thrown = CompletableDeferred<Throwable>()
            val job = launch(Dispatchers.Default) {
                try {
                    client.createGiftRequest(choiceMode())
                } catch (e: Throwable) {
                    thrown.complete(e)
                }
            }
            while (transport.requests.isEmpty()) delay(5)
            delay(100)
            job.cancelAndJoin()
            val e = thrown.await()
            assertTrue(e is CancellationException && e !is CreationCancelledException, "$e")
        }
    }

    @Test
    fun withTimeoutAgainstASlowSimulator(): Unit = runBlocking {
        // The issue's case: a 4 s delay, withTimeout(1 s). It used to end after the 4 s.
        Simulator().use { sim ->
            AndOpenClient("ao-v1-staging-test", baseUrl = sim.url).use { client ->
                val gift = client.createGiftRequest(NewGiftRequest(firstCampaign(client), NewRecipient("Alice", "Smith", "alice@example.com")))
                sim.queueFaults("""[{"method":"GET","path":"/gift_requests/${gift.id}","delay_ms":4000}]""")
                val started = System.nanoTime()
                assertThrows<TimeoutCancellationException> { withTimeout(1_000) { client.getGiftRequest(gift.id) } }
                val took = millis(System.nanoTime() - started)
                println("withTimeout(1000) against a 4 s answer: ended after $took ms")
                assertTrue(took in 1_000 until 1_000 + PROMPT_MS, "took $took ms")
                // The client is still usable, and the simulator answers the next read at once.
                assertEquals(GiftRequestStatus.Submitted, client.getGiftRequest(gift.id).status)
            }
        }
    }

    @Test
    fun aFlowStopsFetchingWhenCollectionStops(): Unit = runBlocking {
        fun page(first: Int) = reply(
            200,
            """{"data":[${(first until first + 3).joinToString(",") { """{"id":"%08d-2244-4a60-8788-9281ea3f8f01","name":"C$it"}""".format(it) }}],"has_more":true}""",
        )
        val transport = FakeTransport(page(1), page(1), page(4))
        AndOpenClient(KEY, transport = transport).use { client ->
            assertEquals(2, client.listCampaigns().take(2).toList().size)
            assertEquals(1, transport.requests.size, "the second page is not fetched")
            // Cold: each collection starts from the first page.
            assertEquals(5, client.listCampaigns().take(5).toList().size)
            assertEquals(3, transport.requests.size)
        }
    }

    @Test
    fun aBlockingCallEndsWhenItsThreadIsInterrupted() {
        SilentServer().use { server ->
            AndOpenClient(KEY, baseUrl = server.url).use { client ->
                val thrown = AtomicReference<Throwable?>()
                val thread = Thread { thrown.set(runCatching { client.blocking.getGiftRequest(GIFT_ID) }.exceptionOrNull()) }
                thread.start()
                server.awaitRequests(1)
                val took = millis(measureNanoTime {
                    thread.interrupt()
                    thread.join(5_000)
                })
                assertTrue(took < PROMPT_MS, "ended $took ms after the interrupt")
                assertTrue(thrown.get() is InterruptedException, "${thrown.get()}")
                assertTrue(server.closed.await(2, TimeUnit.SECONDS))
            }
        }
    }

    private suspend fun firstCampaign(client: AndOpenClient): String =
        client.listCampaigns().toList().first { it.name == "Welcome box (choice)" }.id
}
