package co.andopen.sdk

import java.io.File
import java.lang.management.ManagementFactory
import java.lang.management.MemoryType
import java.time.Duration

/**
 * The largest bodies and error lists tried against the Kotlin package, one case per JVM (so that each peak
 * is its own): `bench-limits.sh` in this directory runs them all and prints one line per case.
 *
 * Each line gives the outcome (the exception the call threw), the call's wall time, the heap the call
 * added at its peak (the sum of the heap pools' peaks, reset once the input was built, minus the heap in
 * use then: an upper bound) and the process's peak resident memory (`VmHWM`: the JVM, the input, native
 * memory and direct buffers included).
 */
fun main(args: Array<String>) {
    val case = args.singleOrNull() ?: error("usage: LimitsBench <case>; cases: ${CASES.keys}")
    val run = CASES[case] ?: error("unknown case $case; cases: ${CASES.keys}")
    val call = run()
    System.gc()
    val pools = ManagementFactory.getMemoryPoolMXBeans().filter { it.type == MemoryType.HEAP }
    val before = pools.sumOf { it.usage.used }
    pools.forEach { it.resetPeakUsage() }
    val start = System.nanoTime()
    val outcome = try {
        call()
        "returned"
    } catch (e: AndOpenException) {
        "${e.javaClass.simpleName}(${e.code ?: e.kind.name.lowercase()})"
    } catch (e: Throwable) {
        "RAW ${e.javaClass.name}: ${e.message?.take(120)}"
    }
    val ms = (System.nanoTime() - start) / 1_000_000
    val peak = (pools.sumOf { it.peakUsage.used } - before).coerceAtLeast(0)
    val hwm = File("/proc/self/status").readLines().firstOrNull { it.startsWith("VmHWM:") }
        ?.split(Regex("\\s+"))?.getOrNull(1)?.toLongOrNull()?.let { it / 1024 }
    println("%-28s %-44s %8d ms %8d MB heap %8s MB peak RSS".format(case, outcome, ms, peak shr 20, hwm ?: "?"))
    kotlin.system.exitProcess(0)
}

private const val MB200 = 200L * 1024 * 1024

/** Each case builds its input (not measured) and returns the call to measure. */
private val CASES: Map<String, () -> () -> Unit> = mapOf(
    // A 200 MB answer to a read and to a create, over the default transport from a local server.
    "response-200mb-get" to { served(200, "{\"id\":\"$GIFT_ID\",\"pad\":\"", "x", MB200, "\"}") { it.getGiftRequest(GIFT_ID) } },
    "response-200mb-create" to { served(201, "{\"id\":\"$GIFT_ID\",\"pad\":\"", "x", MB200, "\"}") { it.createGiftRequest(choiceMode()) } },
    // A 422 listing a million errors (about 85 MB), over the default transport.
    "response-422-1m-errors" to {
        served(422, "{\"errors\":[", ERROR_ITEM + ",", 999_999, "$ERROR_ITEM]}") { it.createGiftRequest(choiceMode()) }
    },
    // The same million errors handed over whole by a custom transport that reads everything.
    "response-422-1m-errors-custom" to {
        val body = buildString {
            append("{\"errors\":[")
            repeat(999_999) { append(ERROR_ITEM).append(',') }
            append(ERROR_ITEM).append("]}")
        }.toByteArray()
        val client = AndOpenClient(KEY, transport = { _, _ -> ApiResponse(422, listOf("Request-Id" to REQUEST_ID), body) });
        { client.createGiftRequest(choiceMode()) }
    },
    // A typed create with ten million line items.
    "body-10m-items-typed" to {
        val items = List(10_000_000) { NewLineItem(sku = "SKU-1", quantity = 1) }
        val params = choiceMode().copy(shippingAddress = ADDRESS, lineItems = items)
        val client = AndOpenClient(KEY, transport = { _, _ -> error("nothing may be sent") });
        { client.createGiftRequest(params) }
    },
    // The same as JSON text (about 250 MB of text).
    "body-10m-items-json" to {
        val json = buildString(10_000_000 * 26 + 400) {
            append("{\"campaign_id\":\"$CAMPAIGN_ID\",\"recipient\":{\"first_name\":\"Alice\",\"last_name\":\"Smith\"},")
            append("\"shipping_address\":{\"address1\":\"1 Main St\",\"city\":\"Dublin\",\"region\":\"Leinster\",")
            append("\"postal_code\":\"D01\",\"country_code\":\"IE\",\"phone\":\"+353871234567\"},\"line_items\":[")
            repeat(10_000_000) { if (it > 0) append(','); append("{\"sku\":\"SKU-1\",\"quantity\":1}") }
            append("]}")
        }
        val client = AndOpenClient(KEY, transport = { _, _ -> error("nothing may be sent") });
        { client.createGiftRequestJson(json) }
    },
    // A typed create with a million extra fields on the body.
    "body-1m-extra-fields" to {
        val extra = List(1_000_000) { ExtraField("f$it", "1") }
        val params = choiceMode().copy(extra = extra)
        val client = AndOpenClient(KEY, transport = { _, _ -> error("nothing may be sent") });
        { client.createGiftRequest(params) }
    },
)

private const val ERROR_ITEM = """{"type":"validation_error","code":"invalid","message":"is not accepted","param":"line_items[0].sku"}"""

private val ADDRESS = NewShippingAddress("1 Main St", null, "Dublin", "Leinster", "D01", "IE", "+353871234567")

/** A client over the default transport to a local server that answers [status] with a streamed body. */
private fun served(status: Int, prefix: String, unit: String, times: Long, suffix: String, call: (AndOpenClient) -> Unit): () -> Unit {
    val length = RawServer.streamLength(prefix, unit, times, suffix)
    val server = RawServer { out ->
        out.write(RawServer.head(status, length))
        RawServer.stream(out, prefix, unit, times, suffix)
    }
    val client = AndOpenClient(KEY, baseUrl = server.url, timeout = Duration.ofMinutes(5), retryPolicy = AndOpen.neverRetryPolicy())
    return { call(client) }
}
