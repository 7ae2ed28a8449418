package co.andopen.sdk

import co.andopen.sdk.ffi.CampaignCall
import co.andopen.sdk.ffi.CampaignPageStep
import co.andopen.sdk.ffi.CampaignPages
import co.andopen.sdk.ffi.CampaignStep
import co.andopen.sdk.ffi.Client
import co.andopen.sdk.ffi.CoreException
import co.andopen.sdk.ffi.ErrorKind
import co.andopen.sdk.ffi.ErrorReport
import co.andopen.sdk.ffi.GiftRequestCall
import co.andopen.sdk.ffi.GiftRequestStep
import co.andopen.sdk.ffi.Header
import co.andopen.sdk.ffi.HttpRequest
import co.andopen.sdk.ffi.PollTarget
import co.andopen.sdk.ffi.Poller
import co.andopen.sdk.ffi.ResponseMeta
import co.andopen.sdk.ffi.TransportFailure
import co.andopen.sdk.ffi.giftRequestStatusFromText
import org.json.JSONArray
import org.json.JSONObject
import org.json.JSONTokener
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.nio.ByteBuffer
import java.time.Instant

/**
 * Replays every case of `tests/vectors/` (the format is in its README) with the semantics of the core's
 * replayer (`core/tests/vectors.rs`): calls are started on the native client and driven step by step with
 * the case's clock; results are compared in their wire shape, errors through the SDK's exceptions. Each
 * response and transport failure of a case goes through the client's own exchange (what its transport
 * hands over: the status as an `Int`, the headers, the body cut at one byte over the limit), as a
 * transport would deliver it.
 */
class VectorsTest {
    private val dir = File(System.getProperty("andopen.vectors.dir") ?: "../../tests/vectors")

    private fun cases(): List<Pair<String, JSONObject>> =
        dir.listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }.flatMap { file ->
            val cases = JSONObject(file.readText()).getJSONArray("cases")
            (0 until cases.length()).map { "${file.name} / ${cases.getJSONObject(it).getString("name")}" to cases.getJSONObject(it) }
        }

    @Test
    fun everyFileIsReplayed() {
        val all = cases()
        val files = all.map { it.first.substringBefore(" / ") }.toSet()
        assertTrue(
            files.containsAll(listOf("config.json", "validation.json", "requests.json", "responses.json", "retries.json", "pagination.json", "polling.json", "limits.json")),
            "$files",
        )
        assertTrue(all.size >= 315, "only ${all.size} cases")
    }

    @Test
    fun theReplayerCatchesADisagreement() {
        val (_, case) = cases().first { it.first.startsWith("requests.json") && it.second.getJSONObject("expect").has("request") }
        case.getJSONObject("expect").getJSONObject("request").put("url", "https://example.com/elsewhere")
        val thrown = org.junit.jupiter.api.assertThrows<Mismatch> { runCase(case) }
        assertTrue(thrown.message!!.contains("url"), thrown.message)
    }

    @TestFactory
    fun vectors(): List<DynamicTest> = cases().map { (name, case) -> DynamicTest.dynamicTest(name) { runCase(case) } }
}

class Mismatch(message: String) : AssertionError(message)

/** A text of a case: a string, or `{ prefix, repeat, times, suffix }` (tests/vectors/README.md, "Long texts"). */
private fun textOf(t: Any?): String {
    if (t is String) return t
    val m: Map<*, *> = if (t is JSONObject) t.toMap() else t as Map<*, *>
    val unit = m["repeat"] as String
    return buildString {
        append(m["prefix"] as String? ?: "")
        repeat((m["times"] as Number).toInt()) { i -> append(unit.replace("{i}", i.toString())) }
        append(m["suffix"] as String? ?: "")
    }
}

/** One call's state machine, whatever it yields. */
private class Machine(val native: Any) {
    fun request(): HttpRequest? = when (native) {
        is GiftRequestCall -> native.request()
        is CampaignCall -> native.request()
        is CampaignPages -> native.request()
        is Poller -> native.request()
        else -> throw Mismatch("unknown machine")
    }

    fun respond(status: Long, headers: List<Header>, body: ByteBuffer, now: Long): Any = when (native) {
        is GiftRequestCall -> native.handleResponse(status, headers, body, now)
        is CampaignCall -> native.handleResponse(status, headers, body, now)
        is CampaignPages -> native.handleResponse(status, headers, body, now)
        is Poller -> native.handleResponse(status, headers, body, now)
        else -> throw Mismatch("unknown machine")
    }

    fun fail(failure: TransportFailure, now: Long): Any = when (native) {
        is GiftRequestCall -> native.handleTransportFailure(failure, now)
        is CampaignCall -> native.handleTransportFailure(failure, now)
        is CampaignPages -> native.handleTransportFailure(failure, now)
        is Poller -> native.handleTransportFailure(failure, now)
        else -> throw Mismatch("unknown machine")
    }
}

private fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).flip()

/** JSON as plain Kotlin values: maps, lists, strings, numbers, booleans and null. */
fun plain(value: Any?): Any? = when (value) {
    null, JSONObject.NULL -> null
    is JSONObject -> value.keySet().associateWith { plain(value.get(it)) }
    is JSONArray -> (0 until value.length()).map { plain(value.get(it)) }
    else -> value
}

fun parse(text: String): Any? = plain(JSONTokener(text).nextValue())

/** [expected] is a subset of [actual]: every key given matches, arrays have the same length. */
fun subset(expected: Any?, actual: Any?, at: String = "value") {
    when (expected) {
        is Map<*, *> -> {
            if (actual !is Map<*, *>) throw Mismatch("$at: got $actual, expected an object $expected")
            for ((k, v) in expected) {
                if (!actual.containsKey(k)) throw Mismatch("$at.$k: missing")
                subset(v, actual[k], "$at.$k")
            }
        }
        is List<*> -> {
            if (actual !is List<*> || actual.size != expected.size) throw Mismatch("$at: got $actual, expected ${expected.size} items")
            expected.zip(actual).forEachIndexed { i, (e, a) -> subset(e, a, "$at[$i]") }
        }
        is Boolean -> if (actual != expected) throw Mismatch("$at: got $actual, expected $expected")
        is Number -> if (actual !is Number || actual.toDouble() != expected.toDouble()) throw Mismatch("$at: got $actual, expected $expected")
        else -> if (expected != actual) throw Mismatch("$at: got $actual, expected $expected")
    }
}

/** What the next exchange of a case brings: an [ApiResponse] or a [TransportFailureException]; and its time. */
private class Script : HttpTransport, java.time.Clock() {
    var next: Any? = null
    var now: Instant = Instant.EPOCH

    override fun send(request: ApiRequest, timeout: java.time.Duration): ApiResponse = when (val answer = next.also { next = null }) {
        is ApiResponse -> answer
        is TransportFailureException -> throw answer
        else -> throw Mismatch("no scripted answer for ${request.url}")
    }

    override fun instant(): Instant = now
    override fun getZone(): java.time.ZoneId = java.time.ZoneOffset.UTC
    override fun withZone(zone: java.time.ZoneId?): java.time.Clock = this
}

private fun client(case: JSONObject, script: Script): AndOpenClient {
    val c = case.optJSONObject("config") ?: JSONObject(mapOf("api_key" to "ao-v1-production-k3y5ecr3t", "environment" to "production"))
    val r = case.optJSONObject("retry") ?: JSONObject()
    val d = AndOpen.defaultRetryPolicy()
    val policy = RetryPolicy(
        maxAttempts = r.optInt("max_attempts", d.maxAttempts),
        baseDelayMs = r.optLong("base_delay_ms", d.baseDelayMs),
        maxDelayMs = r.optLong("max_delay_ms", d.maxDelayMs),
        maxRetryAfterMs = r.optLong("max_retry_after_ms", d.maxRetryAfterMs),
    )
    fun text(key: String): String? = if (c.has(key) && !c.isNull(key)) c.getString(key) else null
    return AndOpenClient(
        apiKey = text("api_key"),
        environment = when (text("environment")) {
            "production" -> Environment.PRODUCTION
            "staging" -> Environment.STAGING
            null -> null
            else -> throw Mismatch("unknown environment")
        },
        region = when (text("region")) {
            "eu" -> Region.EU
            "us" -> Region.US
            null -> null
            else -> throw Mismatch("unknown region")
        },
        baseUrl = text("base_url"),
        allowCustomKey = c.optBoolean("allow_custom_key", false),
        retryPolicy = policy,
        jitterSeed = r.optLong("seed", 1),
        inBrowser = c.optBoolean("in_browser", false),
        allowKeyInBrowser = c.optBoolean("allow_key_in_browser", false),
        transport = script,
        clock = script,
    )
}

private fun start(client: Client, call: JSONObject): Machine = Machine(
    when (val op = call.getString("op")) {
        "create_gift_request" -> {
            val body = if (call.has("raw_body")) textOf(call.get("raw_body")) else call.get("params").toString()
            client.createGiftRequestJson(direct(body.toByteArray()))
        }
        "get_gift_request" -> client.getGiftRequest(call.getString("id"))
        "get_campaign" -> client.getCampaign(call.getString("id"))
        "list_campaigns" -> {
            val params = JSONObject()
            for (key in listOf("limit", "after", "extra_query")) if (call.has(key)) params.put(key, call.get(key))
            client.listCampaignsJson(direct(params.toString().toByteArray()))
        }
        "poll_gift_request" -> {
            val until = call.get("until")
            val target = if (until == "redemption_url") PollTarget.RedemptionUrl else PollTarget.Status(giftRequestStatusFromText((until as JSONObject).getString("status")))
            client.waitForGiftRequest(call.getString("id"), target, call.getLong("interval_ms"), call.getLong("timeout_ms"))
        }
        else -> throw Mismatch("unknown op $op")
    },
)

private fun checkRequest(expected: Map<*, *>, actual: HttpRequest) {
    expected["method"]?.let { if (it != actual.method) throw Mismatch("method ${actual.method}, expected $it") }
    expected["url"]?.let { if (it != actual.url) throw Mismatch("url ${actual.url}, expected $it") }
    (expected["headers"] as Map<*, *>?)?.forEach { (name, value) ->
        val got = actual.headers.firstOrNull { it.name.equals(name as String, ignoreCase = true) }?.value
        if (got != value) throw Mismatch("header $name: got $got, expected $value")
    }
    (expected["absent_headers"] as List<*>?)?.forEach { name ->
        if (actual.headers.any { it.name.equals(name as String, ignoreCase = true) }) throw Mismatch("header $name should be absent")
    }
    if (expected.containsKey("body")) {
        val got = actual.body?.let { parse(String(it)) }
        if (got != expected["body"] && !(got is Map<*, *> && expected["body"] is Map<*, *> && jsonEquals(got, expected["body"]))) {
            throw Mismatch("body $got, expected ${expected["body"]}")
        }
    }
}

/** JSON equality (numbers by value). */
private fun jsonEquals(a: Any?, b: Any?): Boolean = try {
    subset(a, b)
    subset(b, a)
    true
} catch (e: Mismatch) {
    false
}

private fun items(e: AndOpenException): List<Map<String, Any?>> =
    e.errors.map { mapOf("type" to it.errorType, "code" to it.code, "message" to it.message, "param" to it.param) }

private fun checkErrors(expected: List<*>, actual: List<Map<String, Any?>>) {
    val left = actual.toMutableList()
    if (expected.size != left.size) throw Mismatch("${left.size} errors, expected ${expected.size}: $left")
    for (e in expected) {
        val want = mapOf("param" to null) + (e as Map<*, *>)
        val i = left.indexOfFirst { jsonEqualsSubset(want, it) }
        if (i < 0) throw Mismatch("no error matches $e; got $left")
        left.removeAt(i)
    }
}

private fun jsonEqualsSubset(want: Any?, got: Any?): Boolean = try {
    subset(want, got)
    true
} catch (e: Mismatch) {
    false
}

private val KINDS = mapOf(
    ErrorKind.CONFIG to "config", ErrorKind.VALIDATION to "validation", ErrorKind.API to "api",
    ErrorKind.OUTCOME_UNKNOWN to "outcome_unknown", ErrorKind.TRANSPORT to "transport", ErrorKind.DECODE to "decode",
    ErrorKind.TIMEOUT to "timeout", ErrorKind.UNREACHABLE to "unreachable", ErrorKind.FINISHED to "finished",
)

/** The exception's fields under the names the vectors use. */
private fun reportOf(e: AndOpenException): Map<String, Any?> = mapOf(
    "kind" to KINDS[e.kind], "message" to e.message, "type" to e.type, "code" to e.code, "param" to e.param,
    "status" to e.status, "request_id" to e.requestId, "retry_after_s" to e.retryAfter?.seconds,
    "rate_limit" to e.rateLimit?.let { mapOf("limit" to it.limit, "remaining" to it.remaining, "reset" to it.reset) },
    "attempts" to e.attempts, "errors" to items(e),
)

private fun checkError(expected: Map<*, *>, e: AndOpenException) {
    val report = reportOf(e)
    for ((field, want) in expected) {
        if (!report.containsKey(field)) throw Mismatch("unknown error field $field")
        if (field == "errors") {
            @Suppress("UNCHECKED_CAST")
            checkErrors(want as List<*>, report["errors"] as List<Map<String, Any?>>)
        } else {
            try {
                subset(want, report[field], field as String)
            } catch (m: Mismatch) {
                throw Mismatch("error $field: ${m.message} in $report")
            }
        }
    }
}

private fun wire(step: Any): Pair<Any?, ResponseMeta> = when (step) {
    is GiftRequestStep.Done -> parse(step.giftRequest.json) to step.meta
    is CampaignStep.Done -> parse(step.campaign.rawJson) to step.meta
    is CampaignPageStep.Done -> mapOf("data" to step.page.data.map { parse(it.rawJson) }, "has_more" to step.page.hasMore) to step.meta
    else -> throw Mismatch("not a done step")
}

private fun outcome(step: Any): Triple<String, Any?, ErrorReport?> = when (step) {
    is GiftRequestStep.Done, is CampaignStep.Done, is CampaignPageStep.Done -> Triple("done", null, null)
    is GiftRequestStep.Wait -> Triple("wait", step.delayMs, null)
    is CampaignStep.Wait -> Triple("wait", step.delayMs, null)
    is CampaignPageStep.Wait -> Triple("wait", step.delayMs, null)
    is GiftRequestStep.Failed -> Triple("failed", null, step.error)
    is CampaignStep.Failed -> Triple("failed", null, step.error)
    is CampaignPageStep.Failed -> Triple("failed", null, step.error)
    else -> throw Mismatch("unknown step $step")
}

fun runCase(caseJson: JSONObject) {
    @Suppress("UNCHECKED_CAST")
    val case = plain(caseJson) as Map<String, Any?>
    val expect = case["expect"] as Map<*, *>
    val script = Script()
    val sdk = try {
        client(caseJson, script)
    } catch (e: AndOpenException) {
        val want = expect["error"] as Map<*, *>? ?: throw Mismatch("configuration refused: ${e.message}")
        checkError(want, e)
        return
    }
    sdk.use { replay(it, script, case, caseJson) }
}

private fun replay(sdk: AndOpenClient, script: Script, case: Map<String, Any?>, caseJson: JSONObject) {
    val expect = case["expect"] as Map<*, *>
    val call = caseJson.getJSONObject("call")
    if (call.getString("op") == "configure") {
        val url = expect["base_url"] ?: throw Mismatch("configuration accepted, expected an error")
        if (url != sdk.baseUrl) throw Mismatch("base_url ${sdk.baseUrl}, expected $url")
        return
    }
    val machine = try {
        start(sdk.native, call)
    } catch (refused: CoreException.Refused) {
        val e = refused.report.toException()
        when {
            expect.containsKey("errors") && e is ValidationException -> checkErrors(expect["errors"] as List<*>, items(e))
            expect.containsKey("error") -> checkError(expect["error"] as Map<*, *>, e)
            else -> throw Mismatch("refused before sending: ${e.message}")
        }
        return
    }
    val first = expect["request"] as Map<*, *>? ?: throw Mismatch("call accepted, expected $expect")
    checkRequest(first, machine.request() ?: throw Mismatch("no first request"))
    val exchanges = (case["exchanges"] as List<*>?) ?: emptyList<Any>()
    exchanges.forEachIndexed { i, x ->
        x as Map<*, *>
        val now = Instant.parse(x["now"] as String).toEpochMilli()
        script.now = Instant.ofEpochMilli(now)
        // Through the client's exchange while the call has a request to send; a finished call is handed
        // the response directly (that is what the case tests).
        val pending = machine.request()
        val step = when {
            pending != null && x.containsKey("response") -> {
                val r = x["response"] as Map<*, *>
                val headers = (r["headers"] as Map<*, *>? ?: emptyMap<String, String>()).map { (k, v) -> k as String to v as String }
                script.next = ApiResponse((r["status"] as Number).toInt(), headers, bodyOf(caseJson, i, r))
                sdk.exchange(pending, machine::respond, machine::fail)
            }
            pending != null && x.containsKey("transport_failure") -> {
                script.next = TransportFailureException("scripted", maybeSent = x["transport_failure"] != "not_sent")
                sdk.exchange(pending, machine::respond, machine::fail)
            }
            x.containsKey("response") -> {
                val r = x["response"] as Map<*, *>
                val headers = (r["headers"] as Map<*, *>? ?: emptyMap<String, String>()).map { (k, v) -> Header(k as String, v as String) }
                machine.respond((r["status"] as Number).toLong(), headers, direct(bodyOf(caseJson, i, r)), now)
            }
            x.containsKey("transport_failure") ->
                machine.fail(if (x["transport_failure"] == "not_sent") TransportFailure.NOT_SENT else TransportFailure.MAYBE_SENT, now)
            else -> throw Mismatch("exchange $i: neither response nor transport_failure")
        }
        val want = x["expect"] as Map<*, *>
        try {
            checkStep(want, step)
            if (want.containsKey("next_request")) {
                val next = machine.request()
                val wanted = want["next_request"]
                when {
                    wanted == null && next != null -> throw Mismatch("a next request ${next.url}, expected none")
                    wanted != null && next == null -> throw Mismatch("no next request")
                    wanted != null && next != null -> checkRequest(wanted as Map<*, *>, next)
                }
            }
        } catch (m: Mismatch) {
            throw Mismatch("exchange $i: ${m.message}")
        }
    }
}

/** The body of the response of exchange [i]: `body` as JSON text, `body_text` as is, or nothing. */
private fun bodyOf(caseJson: JSONObject, i: Int, r: Map<*, *>): ByteArray = when {
    r.containsKey("body") -> caseJson.getJSONArray("exchanges").getJSONObject(i).getJSONObject("response").get("body").let {
        if (it == JSONObject.NULL) "null" else if (it is String) JSONObject.quote(it) else it.toString()
    }.toByteArray()
    r.containsKey("body_text") -> textOf(r["body_text"]).toByteArray()
    else -> ByteArray(0)
}

private fun checkStep(want: Map<*, *>, step: Any) {
    val (kind, delay, error) = outcome(step)
    when (kind) {
        "done" -> {
            val done = want["done"] ?: throw Mismatch("done, expected $want")
            val (value, meta) = wire(step)
            subset(done, value)
            want["status"]?.let { if ((it as Number).toInt() != meta.status) throw Mismatch("status ${meta.status}, expected $it") }
            if (want.containsKey("request_id") && want["request_id"] != meta.requestId) throw Mismatch("request id ${meta.requestId}, expected ${want["request_id"]}")
        }
        "wait" -> {
            val w = want["wait"] as Map<*, *>? ?: throw Mismatch("wait $delay ms, expected $want")
            val ms = delay as Long
            val lo = (w["min_ms"] as Number).toLong()
            val hi = (w["max_ms"] as Number).toLong()
            if (ms < lo || ms > hi) throw Mismatch("wait $ms ms, expected $lo..=$hi")
        }
        else -> {
            val e = error!!.toException()
            val failed = want["failed"] as Map<*, *>? ?: throw Mismatch("failed (${e.message}), expected $want")
            checkError(failed, e)
        }
    }
}
