"""Typed failures of Products API calls.

    ApiError
    ├── StatusError            the server answered with an error status (`status`)
    │   ├── BadRequest         400, with the server's `errors`
    │   ├── AuthError          401/403: nothing is sent until the key is fixed
    │   │   ├── Unauthorized
    │   │   └── Forbidden
    │   ├── NotFound           404: no such resource — or no such route; only a probe tells which
    │   ├── Rejected           422: a business rule refused it
    │   ├── RateLimited        429, with `retry_after`
    │   └── ServerError        5xx
    ├── TransportError         no usable HTTP answer
    │   ├── NotSent            the request never left: certainly not applied
    │   └── OutcomeUnknown     sent, answer lost (timeout, reset, cut off, the call's deadline)
    ├── ProtocolError          an answer against the contract (bad body, unexpected status, too large)
    ├── CapabilityMissing      an optional endpoint switched off in the settings
    └── IssueIncomplete        a split issue stopped part-way

Every error says, for the sync engine, whether it is worth retrying later (`transient`) and whether a
write may nevertheless have been applied by the server (`may_have_applied`): the API has no idempotency
key, so such a write must be reconciled (read back) before it is ever sent again. `str(error)` is a plain
sentence fit for staff and logs; it never contains the API key.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from app.api.settings import Capability

if TYPE_CHECKING:
    from app.api.models import ProductItem


class ApiError(Exception):
    retry_later: ClassVar[bool] = False  # the class's answer to `transient`

    def __init__(self, message: str, *, endpoint: str, write: bool) -> None:
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint  # e.g. "POST /v1/products/{id}/items/redeem"
        self.write = write

    @property
    def transient(self) -> bool:
        return self.retry_later

    @property
    def may_have_applied(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"{self.message} ({self.endpoint})"


class StatusError(ApiError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, status: int, endpoint: str, write: bool) -> None:
        super().__init__(message, endpoint=endpoint, write=write)
        self.status = status


class BadRequest(StatusError):
    """400: the server found the request malformed; `errors` lists its reasons."""

    def __init__(self, errors: Sequence[str], *, endpoint: str, write: bool) -> None:
        self.errors = list(errors)
        reasons = "; ".join(self.errors) or "no reason given"
        super().__init__(f"The server refused the request as malformed: {reasons}", status=400,
                         endpoint=endpoint, write=write)


class AuthError(StatusError):
    """401 or 403: the key is missing, wrong, revoked or not allowed; nothing should be sent until fixed."""


class Unauthorized(AuthError):
    pass


class Forbidden(AuthError):
    pass


class NotFound(StatusError):
    pass


class Rejected(StatusError):
    """422: a business rule refused the operation (fully redeemed, out of stock, ...)."""

    def __init__(self, reason: str, *, endpoint: str, write: bool) -> None:
        self.reason = reason
        super().__init__(f"The server refused: {reason}", status=422, endpoint=endpoint, write=write)


class RateLimited(StatusError):
    retry_later = True

    def __init__(self, retry_after: float | None, *, endpoint: str, write: bool) -> None:
        self.retry_after = retry_after  # seconds to wait, when the server said so
        wait = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(f"The server is throttling requests (429){wait}", status=429,
                         endpoint=endpoint, write=write)


class ServerError(StatusError):
    retry_later = True

    @property
    def may_have_applied(self) -> bool:
        # A gateway error (502/504) is answered for an upstream that may have committed the write.
        return self.write and self.status in (502, 504)


class TransportError(ApiError):
    """No usable HTTP answer arrived."""

    retry_later = True


class NotSent(TransportError):
    """The request never reached the server (no connection, connect timeout, pool timeout): safe to retry."""


class OutcomeUnknown(TransportError):
    """The request was sent but the answer was lost (read timeout, dropped connection, truncated body)."""

    @property
    def may_have_applied(self) -> bool:
        return self.write


class ProtocolError(ApiError):
    """The answer is not what the contract promises (not JSON, wrong types, missing fields, too large, an
    unexpected status: `status`, when one came).

    Nothing of it may be used; after a write the server may still have applied it.
    """

    retry_later = True

    def __init__(self, message: str, *, endpoint: str, write: bool, status: int | None = None) -> None:
        super().__init__(message, endpoint=endpoint, write=write)
        self.status = status

    @property
    def may_have_applied(self) -> bool:
        return self.write


class CapabilityMissing(ApiError):
    """An assumed endpoint is switched off in the settings, or the server does not have it (404/405)."""

    def __init__(self, capability: Capability, *, status: int | None) -> None:
        self.capability = capability
        self.status = status
        why = "is switched off in the settings" if status is None else f"is not offered by the server ({status})"
        super().__init__(f"{capability.endpoint} {why}: {capability.loss}", endpoint=capability.endpoint,
                         write=False)


class IssueIncomplete(ApiError):
    """A large issue was split into several calls and one of them failed after others succeeded.

    `issued` holds the items the server did create; `pending_users`/`pending_emails` the recipients not
    confirmed (including those of the failed call). The failed call's own error is `__cause__`.
    """

    def __init__(self, cause: ApiError, *, issued: list[ProductItem], pending_users: list[str],
                 pending_emails: list[str]) -> None:
        self.issued = issued
        self.pending_users = pending_users
        self.pending_emails = pending_emails
        self._cause = cause
        pending = len(pending_users) + len(pending_emails)
        super().__init__(f"Issued {len(issued)} items, then stopped with {pending} recipients left: {cause.message}",
                         endpoint=cause.endpoint, write=True)
        self.__cause__ = cause

    @property
    def transient(self) -> bool:
        return self._cause.transient

    @property
    def may_have_applied(self) -> bool:
        return self._cause.may_have_applied
