"""API keys of the simulated project: write keys may do everything, read keys only query, expired keys nothing."""
from __future__ import annotations

import enum
from collections.abc import Mapping

from app.simulator.problems import Problem


class KeyAccess(enum.Enum):
    READ = "read"
    WRITE = "write"
    EXPIRED = "expired"  # a key whose configured expiration date has passed


def authorize(authorization: str | None, keys: Mapping[str, KeyAccess], *, write: bool) -> None:
    """401 without a bearer key or with an expired one; 403 for an unknown key or a read key on a write."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Problem.unauthorized("The API key is missing: send 'Authorization: Bearer <API key>'")
    access = keys.get(token)
    if access is None:
        raise Problem.forbidden("The API key is not valid")
    if access is KeyAccess.EXPIRED:
        raise Problem.unauthorized("The API key has expired")
    if write and access is not KeyAccess.WRITE:
        raise Problem.forbidden("This API key is read-only")
