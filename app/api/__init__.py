"""The Products API client: `ProductsClient`, its settings, typed models and typed errors.

client     ProductsClient: one method per endpoint, each covered by a contract test against the simulator
settings   ApiSettings (address, key, timeouts, capabilities), Timeouts, Capability (the assumed endpoints)
transport  one HTTP exchange → a parsed value or a typed error; takes any httpx transport (tests: MockTransport)
models     typed records, read tolerantly where the kiosk can do without, strictly where it cannot
errors     the error tree (drawn at the top of errors.py)
"""
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
