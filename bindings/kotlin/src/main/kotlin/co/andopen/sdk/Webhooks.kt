package co.andopen.sdk

import java.time.Clock
import java.time.Duration

// Receiving webhooks and keeping a gift history: the core's rules, generated into co.andopen.sdk.ffi.
typealias WebhookDelivery = co.andopen.sdk.ffi.WebhookDelivery
typealias GiftHistory = co.andopen.sdk.ffi.GiftHistory
typealias GiftTimeline = co.andopen.sdk.ffi.GiftTimeline
typealias RecipientRef = co.andopen.sdk.ffi.RecipientRef
typealias RecipientSummary = co.andopen.sdk.ffi.RecipientSummary
typealias MemberStatus = co.andopen.sdk.ffi.MemberStatus

/**
 * A host's own record of the deliveries it has acted on (a database table, a key-value store), for
 * de-duplication that survives restarts. Keep one row per first sighting, `(eventId, bodyDigest)`, each
 * column unique: `firstSighting(eventId, bodyDigest)` records the row and returns `true` when neither key
 * was recorded, `false` (recording nothing) when either was, so that a captured body re-sent under a new
 * event id is a repeat (an insert that fails on either unique key does exactly that, atomically);
 * `forget(eventId)` deletes the row. An exception it throws is reported as [WebhookStoreFailedException],
 * never a crash.
 */
typealias EventStore = co.andopen.sdk.ffi.EventStore

/**
 * A delivery that must not be acted on (forged, tampered, replayed, unsigned, too large, or an event type
 * that contradicts the signed body): answer it with [status] (413 for `body_too_large`, else 400).
 */
class WebhookRefusedException(val code: String, message: String) : Exception(message) {
    /** The HTTP status to answer with, by the core's rule. */
    val status: Int = co.andopen.sdk.ffi.webhookRefusalStatus(code).toInt()
}

/** The [EventStore] failed, so whether the event is new is not known: answer with a 5xx so that it is retried. */
class WebhookStoreFailedException(message: String) : Exception(message)

/**
 * Verifies webhook deliveries signed with any of [secrets] (one, or several during a rotation, the newest
 * first) and flags repeats (in memory, or through a [store]): a delivery whose event id, or whose signed
 * body under any event id, was accepted before is a `duplicate`; an event type that contradicts the signed
 * body is refused. Pass the body's raw bytes as read from the request, never a re-serialised object.
 * Thread-safe: share one per secret.
 *
 * ```
 * val receiver = WebhookReceiver(System.getenv("ANDOPEN_WEBHOOK_SECRET"))
 * val delivery = try { receiver.receive(headers, body) } catch (e: WebhookRefusedException) { return e.status }
 * if (!delivery.duplicate) history.recordDelivery(delivery)
 * ```
 */
class WebhookReceiver(
    secrets: List<String>,
    /** How far the dispatch timestamp may be from now, either way. */
    tolerance: Duration = Duration.ofMinutes(5),
    /**
     * How many recent deliveries are kept (the core's default, 100,000, when null; at most 1,000,000; memory
     * grows with use, about 150 bytes each). Not given with a [store].
     */
    remember: Int? = null,
    private val clock: Clock = Clock.systemUTC(),
    /** De-duplicate through your own store instead of memory. */
    store: EventStore? = null,
) : AutoCloseable {
    /** A receiver for one secret. */
    constructor(
        secret: String,
        tolerance: Duration = Duration.ofMinutes(5),
        remember: Int? = null,
        clock: Clock = Clock.systemUTC(),
        store: EventStore? = null,
    ) : this(listOf(secret), tolerance, remember, clock, store)

    private val native: co.andopen.sdk.ffi.WebhookReceiver = run {
        // The native integers' ranges are checked here; the rules (secrets, the range of remember, its
        // maximum) are the core's, which throws a ValidationException naming the option.
        require(tolerance.seconds in 0..UInt.MAX_VALUE.toLong()) { "tolerance: must be from 0 to ${UInt.MAX_VALUE} seconds" }
        require(store == null || remember == null) { "remember: is for the in-memory store; a host store keeps every delivery itself" }
        core {
            if (store == null) {
                val count = remember ?: co.andopen.sdk.ffi.limits().defaultRememberedEvents.toInt()
                co.andopen.sdk.ffi.WebhookReceiver.withSecrets(secrets, tolerance.seconds.toUInt(), count.coerceAtLeast(0).toUInt())
            } else {
                co.andopen.sdk.ffi.WebhookReceiver.withSecretsAndStore(secrets, tolerance.seconds.toUInt(), store)
            }
        }
    }

    /** Verifies one delivery; throws [WebhookRefusedException] when it must be refused. */
    fun receive(headers: List<Pair<String, String>>, body: ByteArray): WebhookDelivery = try {
        native.receive(headers.map { (n, v) -> co.andopen.sdk.ffi.Header(n, v) }, body, clock.millis())
    } catch (e: co.andopen.sdk.ffi.WebhookException.Refused) {
        throw WebhookRefusedException(e.code, e.detail)
    } catch (e: co.andopen.sdk.ffi.WebhookException.StoreFailed) {
        throw WebhookStoreFailedException(e.detail)
    }

    /** Forgets the delivery accepted under [eventId] (its body digest with it), so that its redelivery is accepted. */
    fun forget(eventId: String) = try {
        native.forget(eventId)
    } catch (e: co.andopen.sdk.ffi.WebhookException.StoreFailed) {
        throw WebhookStoreFailedException(e.detail)
    }

    override fun close() = native.destroy()
}

/** A look-back window in days (30, 90, 365, ...), or [lookBackForever]. */
fun lookBackDays(days: Int): co.andopen.sdk.ffi.LookBackWindow {
    require(days >= 0) { "days: must not be negative" }
    return co.andopen.sdk.ffi.LookBackWindow.Days(days.toUInt())
}

/** Any earlier gift makes a recipient ineligible (one-shot win-back). */
val lookBackForever: co.andopen.sdk.ffi.LookBackWindow get() = co.andopen.sdk.ffi.LookBackWindow.Forever

/** The signature of a delivery (lowercase hex HMAC-SHA256 of `{timestamp}.{body}`), to re-sign or test. */
fun webhookSignature(secret: String, timestamp: String, body: ByteArray): String =
    co.andopen.sdk.ffi.webhookSignature(secret, timestamp, body)
