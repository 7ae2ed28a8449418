"""The &Open gifting API (2026-05) for Python.

Every rule of the contract (validation, URLs, retries, pagination, polling) lives in one Rust core,
shared with the SDK's other languages; this package carries requests over a transport (the standard
library's by default) and turns the core's answers into Python values and exceptions.

    import andopen

    client = andopen.Client(os.environ["ANDOPEN_API_KEY"])
    gift = client.create_gift_request({
        "campaign_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "recipient": {"first_name": "Alice", "last_name": "Smith", "email": "alice@example.com"},
    })
    gift = client.wait_for_redemption_url(gift.id)

Validation needs no client and no key: :func:`validate_gift_request`, :func:`gift_request_body`.
Many rows at once: :func:`send_batch` (:func:`asend_batch` with an :class:`AsyncClient`). Webhooks: :class:`WebhookReceiver`, :class:`GiftHistory`, :class:`Relay`.
"""

from ._native import api_version as _api_version
from .async_client import AsyncClient
from .async_transport import AsyncioTransport, AsyncTransport
from .client import Client, RetryPolicy, default_retry_policy
from .errors import (
    AndOpenError,
    ApiError,
    AuthenticationError,
    AuthorizationError,
    CallFinishedError,
    ConfigError,
    DecodeError,
    FieldError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimit,
    RateLimitError,
    TransportError,
    UnreachableError,
    ValidationError,
    WaitTimeoutError,
)
from .models import (
    Campaign,
    CampaignPage,
    GiftRequest,
    GiftRequestStatus,
    LineItem,
    Money,
    Product,
    Recipient,
    ResponseMeta,
    ShippingAddress,
    StockLevel,
    Variant,
    Warehouse,
)
from .payloads import (
    Body,
    NewGiftRequestParams,
    NewLineItemParams,
    NewRecipientParams,
    NewShippingAddressParams,
    UntypedBody,
    gift_request_bodies,
    gift_request_body,
    validate_gift_request,
    validate_gift_requests,
)
from .transport import PooledTransport, Request, Response, Transport, TransportFailure, UrllibTransport, default_transport
from .webhooks import (
    Eligibility,
    Eligible,
    EventStore,
    GiftHistory,
    GiftTimeline,
    LookBackWindow,
    MemberStatus,
    RecipientRef,
    RecipientSummary,
    Skip,
    WebhookDelivery,
    WebhookReceiver,
    WebhookRefused,
    WebhookStoreFailed,
    look_back,
    webhook_signature,
)
from .batch import (
    BatchProgress,
    BatchResult,
    BatchSummary,
    Failed,
    OutcomeKind,
    OutcomeUnknown,
    RowError,
    RowOutcome,
    RowResult,
    Sent,
    Skipped,
    asend_batch,
    asend_batch_csv,
    asend_batch_file,
    send_batch,
    send_batch_csv,
    send_batch_file,
)
from .relay import Relay, RelayOutcome
from .stores import SharedBatch, Store, batch_counts, load_batch, open_store, resolve_unknown, work_batch, write_results
from .asgi import RelayApp

API_VERSION: str = _api_version()
"""The API version every request carries (``AndOpen-API-Version``)."""

__version__ = "0.1.0"

__all__ = [
    "API_VERSION",
    "AndOpenError",
    "ApiError",
    "AsyncClient",
    "AsyncTransport",
    "AsyncioTransport",
    "AuthenticationError",
    "AuthorizationError",
    "BatchProgress",
    "BatchResult",
    "BatchSummary",
    "Body",
    "CallFinishedError",
    "Campaign",
    "CampaignPage",
    "Client",
    "ConfigError",
    "DecodeError",
    "Eligibility",
    "Eligible",
    "EventStore",
    "Failed",
    "FieldError",
    "GiftHistory",
    "GiftRequest",
    "GiftRequestStatus",
    "GiftTimeline",
    "LineItem",
    "LookBackWindow",
    "MemberStatus",
    "Money",
    "NewGiftRequestParams",
    "NewLineItemParams",
    "NewRecipientParams",
    "NewShippingAddressParams",
    "NotFoundError",
    "OutcomeKind",
    "OutcomeUnknown",
    "OutcomeUnknownError",
    "PooledTransport",
    "Product",
    "RateLimit",
    "RateLimitError",
    "Recipient",
    "RecipientRef",
    "RecipientSummary",
    "Skip",
    "Relay",
    "RelayApp",
    "RelayOutcome",
    "Request",
    "Response",
    "ResponseMeta",
    "RetryPolicy",
    "RowError",
    "RowOutcome",
    "RowResult",
    "Sent",
    "SharedBatch",
    "ShippingAddress",
    "Skipped",
    "StockLevel",
    "Store",
    "Transport",
    "TransportError",
    "TransportFailure",
    "UnreachableError",
    "UntypedBody",
    "UrllibTransport",
    "ValidationError",
    "Variant",
    "WaitTimeoutError",
    "Warehouse",
    "WebhookDelivery",
    "WebhookReceiver",
    "WebhookRefused",
    "WebhookStoreFailed",
    "batch_counts",
    "default_retry_policy",
    "default_transport",
    "gift_request_bodies",
    "gift_request_body",
    "load_batch",
    "look_back",
    "open_store",
    "resolve_unknown",
    "asend_batch",
    "asend_batch_csv",
    "asend_batch_file",
    "send_batch",
    "send_batch_csv",
    "send_batch_file",
    "validate_gift_request",
    "validate_gift_requests",
    "webhook_signature",
    "work_batch",
    "write_results",
]
