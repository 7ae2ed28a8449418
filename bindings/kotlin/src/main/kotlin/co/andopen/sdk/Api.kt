package co.andopen.sdk


// The SDK's vocabulary, generated from the core (co.andopen.sdk.ffi), under the names callers use. Sealed
// classes (GiftRequestStatus, the steps) are used from co.andopen.sdk.ffi directly: a type alias cannot
// reach their cases.
typealias NewGiftRequest = co.andopen.sdk.ffi.NewGiftRequest
typealias NewRecipient = co.andopen.sdk.ffi.NewRecipient
typealias NewShippingAddress = co.andopen.sdk.ffi.NewShippingAddress
typealias NewLineItem = co.andopen.sdk.ffi.NewLineItem
typealias ExtraField = co.andopen.sdk.ffi.ExtraField
typealias ListCampaignsParams = co.andopen.sdk.ffi.ListCampaignsParams
typealias QueryParam = co.andopen.sdk.ffi.QueryParam
typealias GiftRequest = co.andopen.sdk.ffi.GiftRequest
typealias Recipient = co.andopen.sdk.ffi.Recipient
typealias ShippingAddress = co.andopen.sdk.ffi.ShippingAddress
typealias LineItem = co.andopen.sdk.ffi.LineItem
typealias Campaign = co.andopen.sdk.ffi.Campaign
typealias CampaignPage = co.andopen.sdk.ffi.CampaignPage
typealias Product = co.andopen.sdk.ffi.Product
typealias Variant = co.andopen.sdk.ffi.Variant
typealias Money = co.andopen.sdk.ffi.Money
typealias StockLevel = co.andopen.sdk.ffi.StockLevel
typealias Warehouse = co.andopen.sdk.ffi.Warehouse
typealias Environment = co.andopen.sdk.ffi.Environment
typealias Region = co.andopen.sdk.ffi.Region
typealias RetryPolicy = co.andopen.sdk.ffi.RetryPolicy
typealias FieldError = co.andopen.sdk.ffi.FieldError
typealias RateLimit = co.andopen.sdk.ffi.RateLimit
typealias Limits = co.andopen.sdk.ffi.Limits

/** Checks and builds gift-request bodies without a client or a key: call these as a form changes. */
object AndOpen {
    /** The API version every request carries (`AndOpen-API-Version`). */
    val API_VERSION: String = co.andopen.sdk.ffi.apiVersion()

    /**
     * The SDK's limits, the core's figures: the largest create body ([Limits.maxBodyBytes]), the largest
     * response body a transport reads ([Limits.maxResponseBytes]; read one byte more at most), the problems
     * listed before the rest are counted ([Limits.maxProblems]), ... A custom [HttpTransport] reads them here.
     */
    val LIMITS: Limits = co.andopen.sdk.ffi.limits()

    /** The core's default retry policy: copy it with the figures you want to change. */
    fun defaultRetryPolicy(): RetryPolicy = co.andopen.sdk.ffi.defaultRetryPolicy()

    /** A policy that never retries. */
    fun neverRetryPolicy(): RetryPolicy = co.andopen.sdk.ffi.neverRetryPolicy()

    /** Every problem the server would report for [params], in its words; empty when it would be accepted. */
    fun validateGiftRequest(params: NewGiftRequest): List<FieldError> = try {
        checkParams(params)
        co.andopen.sdk.ffi.validateGiftRequest(params)
    } catch (e: ValidationException) {
        e.errors
    }

    /**
     * Every problem the server would report for a JSON body; empty when it would be accepted. A body over
     * [Limits.maxBodyBytes] has one problem, `body_too_large`, found before the text is encoded.
     */
    fun validateGiftRequestJson(json: String): List<FieldError> = try {
        co.andopen.sdk.ffi.validateGiftRequestJson(bodyBytes(json, "json"))
    } catch (e: ValidationException) {
        e.errors
    }

    /**
     * The exact JSON body `POST /gift_requests` sends for [params]; throws [ValidationException], with
     * `body_too_large` for a body over [Limits.maxBodyBytes] (which a create refuses too).
     */
    fun giftRequestBody(params: NewGiftRequest): ByteArray {
        checkParams(params)
        val body = core { co.andopen.sdk.ffi.giftRequestBody(params) }
        // The core's body writer does not apply the limit its create applies: apply it here.
        if (body.size > LIMITS.maxBodyBytes.toLong()) throw bodyTooLarge(body.size.toLong(), atLeast = false)
        return body
    }
}

/** The wire text of a status (`submitted`, ...). */
val co.andopen.sdk.ffi.GiftRequestStatus.text: String get() = co.andopen.sdk.ffi.giftRequestStatusText(this)
