"""The Products API client: `ProductsClient`, its settings, typed models and typed errors."""
from __future__ import annotations

from app.api.client import ProductsClient
from app.api.errors import (
    ApiError,
    AuthError,
    BadRequest,
    CapabilityMissing,
    Forbidden,
    IssueIncomplete,
    NotFound,
    NotSent,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    Rejected,
    ServerError,
    StatusError,
    TransportError,
    Unauthorized,
)
from app.api.settings import ApiSettings, Capability, Timeouts
from app.api.transport import CallObserver

__all__ = [
    "ApiError", "ApiSettings", "AuthError", "BadRequest", "CallObserver", "Capability", "CapabilityMissing",
    "Forbidden", "IssueIncomplete", "NotFound", "NotSent", "OutcomeUnknown", "ProductsClient", "ProtocolError",
    "RateLimited", "Rejected", "ServerError", "StatusError", "Timeouts", "TransportError", "Unauthorized",
]
