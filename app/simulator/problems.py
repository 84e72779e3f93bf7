"""Error answers of the simulated API, in the documented shapes: 400 `{"errors": [...]}`, else `{"message"}`."""
from __future__ import annotations

from collections.abc import Sequence


class Problem(Exception):
    """Raised anywhere in a request; the app turns it into the JSON answer."""

    def __init__(self, status: int, payload: dict[str, object]) -> None:
        super().__init__(status, payload)
        self.status = status
        self.payload = payload

    @classmethod
    def invalid(cls, errors: Sequence[str]) -> Problem:
        return cls(400, {"errors": list(errors)})

    @classmethod
    def unauthorized(cls, message: str) -> Problem:
        return cls(401, {"message": message})

    @classmethod
    def forbidden(cls, message: str) -> Problem:
        return cls(403, {"message": message})

    @classmethod
    def not_found(cls, message: str) -> Problem:
        return cls(404, {"message": message})

    @classmethod
    def refused(cls, message: str, *, status: int = 422) -> Problem:
        """422 (or a server's other choice, such as 409): a business rule says no."""
        return cls(status, {"message": message})
