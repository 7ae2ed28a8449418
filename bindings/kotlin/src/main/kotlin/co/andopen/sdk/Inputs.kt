package co.andopen.sdk

import co.andopen.sdk.ffi.bodyTooLarge as coreBodyTooLarge
import java.nio.ByteBuffer
import java.time.Duration

// What the host hands the core, checked where only the host can check it: Kotlin strings may hold lone
// surrogates (no UTF-8 text can carry them), and a payload over the core's MAX_BODY_BYTES is refused before
// it is encoded or lowered whole. Every rule of the contract stays the core's.

/** The most bytes of JSON text a create body may have ([AndOpen.LIMITS], the core's figure). */
private val maxBody: Long get() = AndOpen.LIMITS.maxBodyBytes.toLong()

/**
 * The length of [text] in UTF-8, in one pass and without encoding it; throws [IllegalArgumentException]
 * naming [field] when it holds a lone surrogate.
 */
internal fun utf8Length(text: String, field: String): Long {
    var bytes = 0L
    var i = 0
    val n = text.length
    while (i < n) {
        val c = text[i]
        bytes += when {
            c.code < 0x80 -> 1
            c.code < 0x800 -> 2
            c.isHighSurrogate() && i + 1 < n && text[i + 1].isLowSurrogate() -> {
                i++
                4
            }
            c.isSurrogate() -> throw loneSurrogate(field, c, i)
            else -> 3
        }
        i++
    }
    return bytes
}

private fun loneSurrogate(field: String, c: Char, at: Int) = IllegalArgumentException(
    "$field: holds a lone surrogate (U+%04X at index %d), which is not Unicode text".format(c.code, at),
)

/** Throws [IllegalArgumentException] naming [field] when [text] holds a lone surrogate. */
internal fun checkText(text: String?, field: String) {
    if (text != null) utf8Length(text, field)
}

/** [text] as received, with each lone surrogate (which no UTF-8 text can carry) replaced by U+FFFD. */
internal fun wellFormed(text: String): String {
    var i = 0
    while (i < text.length) {
        val c = text[i]
        if (c.isHighSurrogate() && i + 1 < text.length && text[i + 1].isLowSurrogate()) {
            i += 2
            continue
        }
        if (c.isSurrogate()) break
        i++
    }
    if (i == text.length) return text
    val out = StringBuilder(text.length)
    i = 0
    while (i < text.length) {
        val c = text[i]
        if (c.isHighSurrogate() && i + 1 < text.length && text[i + 1].isLowSurrogate()) {
            out.append(c).append(text[i + 1])
            i += 2
            continue
        }
        out.append(if (c.isSurrogate()) '\uFFFD' else c)
        i++
    }
    return out.toString()
}

/**
 * Checks every string of [params] (naming the field of a lone surrogate) and refuses, with the core's
 * `body_too_large` problem, parameters whose body is certainly over the limit: every string and every extra
 * field's JSON is written into the body at least as long as its UTF-8 (extra JSON without the blanks around
 * it), every extra field with its name's two quotes and a colon, and every line item at least as `{}` and a
 * comma. Stops counting once over, so that ten million line
 * items cost no more than the first few hundred thousand. Parameters under this bound go to the core, which
 * refuses a body over the limit once written.
 */
internal fun checkParams(params: NewGiftRequest) {
    val max = maxBody
    var total = 0L
    fun add(text: String?, field: String) {
        if (text != null) total += utf8Length(text, field)
    }
    fun addExtra(extra: List<ExtraField>, at: String) {
        extra.forEachIndexed { i, f ->
            val name = if (at.isEmpty()) "extra[$i]" else "$at.extra[$i]"
            add(f.name, "$name.name")
            total += 3 + utf8Length(f.json, "$name.json") - blanksAround(f.json)
            if (total > max) throw bodyTooLarge(total, atLeast = true)
        }
    }
    add(params.campaignId, "campaign_id")
    params.recipient.let {
        add(it.firstName, "recipient.first_name")
        add(it.lastName, "recipient.last_name")
        add(it.email, "recipient.email")
        addExtra(it.extra, "recipient")
    }
    params.shippingAddress?.let {
        add(it.address1, "shipping_address.address1")
        add(it.address2, "shipping_address.address2")
        add(it.city, "shipping_address.city")
        add(it.region, "shipping_address.region")
        add(it.postalCode, "shipping_address.postal_code")
        add(it.countryCode, "shipping_address.country_code")
        add(it.phone, "shipping_address.phone")
        addExtra(it.extra, "shipping_address")
    }
    if (total > max) throw bodyTooLarge(total, atLeast = true)
    params.lineItems?.forEachIndexed { i, item ->
        total += 3
        add(item.sku, "line_items[$i].sku")
        add(item.variantId, "line_items[$i].variant_id")
        addExtra(item.extra, "line_items[$i]")
        if (total > max) throw bodyTooLarge(total, atLeast = true)
    }
    addExtra(params.extra, "")
}

/** The JSON whitespace before and after a value (what the core does not keep of an extra field's JSON). */
private fun blanksAround(json: String): Int {
    fun blank(c: Char) = c == ' ' || c == '\t' || c == '\n' || c == '\r'
    val start = json.indexOfFirst { !blank(it) }
    if (start < 0) return json.length
    return start + (json.length - 1 - json.indexOfLast { !blank(it) })
}

/**
 * [json] as UTF-8 in a direct buffer for the core, or the core's `body_too_large` refusal when it is over
 * the limit (counted first, so that a 200 MB text is never encoded). Throws [IllegalArgumentException]
 * naming [field] for a lone surrogate.
 */
internal fun bodyBytes(json: String, field: String): ByteBuffer {
    val size = utf8Length(json, field)
    if (size > maxBody) throw bodyTooLarge(size, atLeast = false)
    val bytes = json.toByteArray(Charsets.UTF_8)
    return AndOpenClient.direct(bytes)
}

/**
 * The core's refusal of a body over MAX_BODY_BYTES, in the core's words, for a body of [size] bytes (at
 * least [size] when [atLeast]).
 */
internal fun bodyTooLarge(size: Long, atLeast: Boolean): ValidationException =
    ValidationException(coreBodyTooLarge(size.coerceAtLeast(0).toULong(), atLeast))

/** [duration] in whole milliseconds, saturating at [Long.MAX_VALUE] (and at [Long.MIN_VALUE] below zero). */
internal fun millis(duration: Duration): Long = try {
    duration.toMillis()
} catch (e: ArithmeticException) {
    if (duration.isNegative) Long.MIN_VALUE else Long.MAX_VALUE
}
