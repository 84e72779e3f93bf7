"""The API key is sent as a bearer token and never shows in logs, reprs or error messages."""
from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable

import pytest
from canned_http import Canned, CannedServer

from app import demo_data as shared
from app.api import ApiError, ApiSettings, Forbidden, ProductsClient
from app.simulator.demo_data import GA_PRODUCT_ID
from app.simulator.faults import FaultSettings
from app.simulator.server import SimulatorServer

SECRET = "sk-live-THIS-MUST-NEVER-LEAK-42"
TICKET = shared.item_uuid(shared.GA, 35)


def everything_said_about(error: BaseException) -> str:
    return " ".join([str(error), repr(error), repr(error.args), "".join(traceback.format_exception(error))])


def test_the_key_is_sent_as_a_bearer_token(canned: CannedServer, make_client: Callable[..., ProductsClient]) -> None:
    make_client(canned.url, SECRET).probe()
    assert canned.requests[-1][2]["Authorization"] == f"Bearer {SECRET}"


def test_settings_and_client_reprs_hide_the_key(canned: CannedServer) -> None:
    settings = ApiSettings(canned.url, SECRET)
    with ProductsClient(settings) as client:
        assert SECRET not in repr(settings) + str(settings) + repr(client)


def test_no_log_line_and_no_error_carries_the_key(
        simulator: SimulatorServer, make_client: Callable[..., ProductsClient],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    client = make_client(simulator.url, SECRET)
    errors: list[ApiError] = []
    for faults in (FaultSettings(), FaultSettings(server_error_rate=1.0), FaultSettings(drop_after_commit_rate=1.0),
                   FaultSettings(dark=True)):
        simulator.faults = faults
        for call in (lambda: client.get_product(GA_PRODUCT_ID), lambda: client.redeem(GA_PRODUCT_ID, TICKET)):
            with pytest.raises(ApiError) as caught:
                call()
            errors.append(caught.value)
    assert {type(e).__name__ for e in errors} == {"Forbidden", "ServerError", "OutcomeUnknown", "NotSent"}
    assert caplog.records, "expected debug logging from the HTTP stack"
    assert SECRET not in caplog.text
    for error in errors:
        assert SECRET not in everything_said_about(error)


def test_a_server_echoing_the_key_back_is_redacted(
        canned: CannedServer, make_client: Callable[..., ProductsClient]) -> None:
    canned.answer = Canned(status=403, body=json.dumps({"message": f"Key {SECRET} is revoked"}).encode())
    with pytest.raises(Forbidden) as caught:
        make_client(canned.url, SECRET).get_product(GA_PRODUCT_ID)
    assert SECRET not in everything_said_about(caught.value)
    assert "Key *** is revoked" in str(caught.value)


def test_a_key_with_spaces_or_control_characters_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as caught:
        ApiSettings("https://api.mufi.app/", "abc\r\nX-Injected: 1")
    assert "abc" not in str(caught.value)
