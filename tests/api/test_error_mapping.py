"""Every way a redemption can end, mapped to a typed error and then to its fate — one table, end to end.

The simulator covers real network faults; here `httpx.MockTransport` plays each answer exactly."""
from __future__ import annotations

import json

import httpx
import pytest

from app import demo_data as demo
from app.api import ApiSettings, ProductsClient
from app.api.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    NotSent,
    OutcomeUnknown,
    ProtocolError,
    RateLimited,
    Rejected,
    ServerError,
    Unauthorized,
)
from app.sync.outcomes import Fate, exchange_of, fate_of_write

TICKET = demo.item_uuid(demo.GA, 1)


def answer(status: int, body: object = None):  # type: ignore[no-untyped-def]
    return lambda request: httpx.Response(status, json=body if body is not None else {"message": "said so"})


def failure(error: type[Exception]):  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)
    return handler


ROWS = [
    ("connection refused", failure(httpx.ConnectError), NotSent, Fate.NOT_APPLIED),
    ("connect timeout", failure(httpx.ConnectTimeout), NotSent, Fate.NOT_APPLIED),
    ("read timeout", failure(httpx.ReadTimeout), OutcomeUnknown, Fate.UNKNOWN),
    ("connection reset", failure(httpx.RemoteProtocolError), OutcomeUnknown, Fate.UNKNOWN),
    ("400", answer(400, {"errors": ["product_item_id must be a UUID"]}), BadRequest, Fate.REFUSED),
    ("401", answer(401), Unauthorized, Fate.PAUSE),
    ("403", answer(403), Forbidden, Fate.PAUSE),
    ("404 with a message", answer(404), NotFound, Fate.UNKNOWN),
    ("404 without one", answer(404, {"detail": "Not Found"}), NotFound, Fate.UNKNOWN),
    ("409", answer(409), ProtocolError, Fate.UNKNOWN),
    ("422", answer(422), Rejected, Fate.REFUSED),
    ("429", answer(429), RateLimited, Fate.NOT_APPLIED),
    ("500", answer(500), ServerError, Fate.UNKNOWN),
    ("503", answer(503), ServerError, Fate.UNKNOWN),
    ("302", lambda request: httpx.Response(302, headers={"Location": "/elsewhere"}), ProtocolError, Fate.UNKNOWN),
    ("200 that is not the contract", answer(200, {"unexpected": True}), ProtocolError, Fate.UNKNOWN),
    ("200 that is not JSON", lambda request: httpx.Response(200, content=b"<html>ok</html>"), ProtocolError,
     Fate.UNKNOWN),
]


@pytest.mark.parametrize(("handler", "error", "fate"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_each_answer_to_a_redemption_becomes_its_typed_error_and_its_fate(handler, error, fate):
    settings = ApiSettings("https://api.example.com", "k")
    with ProductsClient(settings, http_transport=httpx.MockTransport(handler)) as client, \
            pytest.raises(error) as caught:
        client.redeem(demo.GA.id, TICKET)
    assert fate_of_write(exchange_of(caught.value)) is fate


def test_a_good_answer_is_applied():
    item = {"id": TICKET, "product_id": demo.GA.id, "redemption_count": 1, "redemption_quantity": 1}
    settings = ApiSettings("https://api.example.com", "k")
    with ProductsClient(settings, http_transport=httpx.MockTransport(answer(200, item))) as client:
        assert client.redeem(demo.GA.id, TICKET).redemption_count == 1


def test_the_server_text_in_an_error_never_carries_the_key():
    settings = ApiSettings("https://api.example.com", "secret-key-123")
    echo = answer(422, {"message": json.dumps({"you sent": "Bearer secret-key-123"})})
    with ProductsClient(settings, http_transport=httpx.MockTransport(echo)) as client, \
            pytest.raises(Rejected) as caught:
        client.redeem(demo.GA.id, TICKET)
    assert "secret-key-123" not in str(caught.value)
