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
 * A host's own record of the event ids it has acted on (a database table, a key-value store), for
 * de-duplication that survives restarts: implement `firstSighting` (record the id; `true` when it is new;
 * make it atomic when receivers share the store) and `forget`. An exception it throws is reported as
 * [WebhookStoreFailedException], never a crash.
 */
typealias EventStore = co.andopen.sdk.ffi.EventStore

/** A delivery that must not be acted on (forged, tampered, replayed, unsigned): answer it with a 4xx. */
class WebhookRefusedException(val code: String, message: String) : Exception(message)

/** The [EventStore] failed, so whether the event is new is not known: answer with a 5xx so that it is retried. */
class WebhookStoreFailedException(message: String) : Exception(message)

/**
 * Verifies webhook deliveries signed with [secret] and flags repeats (in memory, or through a [store]). Pass the body's raw bytes as read
 * from the request, never a re-serialised object. Thread-safe: share one per secret.
 *
 * ```
 * val receiver = WebhookReceiver(System.getenv("ANDOPEN_WEBHOOK_SECRET"))
 * val delivery = try { receiver.receive(headers, body) } catch (e: WebhookRefusedException) { return 400 }
 * if (!delivery.duplicate) history.recordDelivery(delivery)
 * ```
 */
class WebhookReceiver(
    secret: String,
    /** How far the dispatch timestamp may be from now, either way. */
    tolerance: Duration = Duration.ofMinutes(5),
    /** How many recent event ids are kept (100,000 is about 5 MB). */
    remember: Int = 100_000,
    private val clock: Clock = Clock.systemUTC(),
    /** De-duplicate through your own store instead of memory. */
    store: EventStore? = null,
) : AutoCloseable {
    private val native: co.andopen.sdk.ffi.WebhookReceiver = run {
        // The native integers' ranges are checked here; the rules (a secret, room for at least one event
        // id) are the core's, which throws a ValidationException naming the option.
        require(tolerance.seconds in 0..UInt.MAX_VALUE.toLong()) { "tolerance: out of range" }
        require(remember >= 0) { "remember: must not be negative" }
        core {
            if (store == null) {
                co.andopen.sdk.ffi.WebhookReceiver(secret, tolerance.seconds.toUInt(), remember.toUInt())
            } else {
                co.andopen.sdk.ffi.WebhookReceiver.withStore(secret, tolerance.seconds.toUInt(), store)
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

    /** Forgets an event id, so that its redelivery is accepted (you could not act on it). */
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
