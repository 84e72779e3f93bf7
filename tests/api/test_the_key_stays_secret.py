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


# The key as a careless or hostile server might echo it back.
DISGUISES = {
    "as is": SECRET,
    "uppercased": SECRET.upper(),
    "lowercased": SECRET.lower(),
    "reversed": SECRET[::-1],
    "minus one character": SECRET[:10] + SECRET[11:],
    "its first half": SECRET[: len(SECRET) // 2],
    "its last half": SECRET[len(SECRET) // 2:],
}
CREDENTIALS = ["Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
               "api_key=ak_7Hq2vL9mN4xR8tW1", "X-Api-Key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "token: tok-Zx81Qp"]


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_never_brings_the_servers_answer_along(
        canned: CannedServer, make_client: Callable[..., ProductsClient], status: int) -> None:
    canned.answer = Canned(status=status, body=json.dumps({"message": f"Key {SECRET[::-1]} is revoked"}).encode())
    with pytest.raises(ApiError) as caught:
        make_client(canned.url, SECRET).get_product(GA_PRODUCT_ID)
    said = everything_said_about(caught.value)
    assert "revoked" not in said and SECRET[::-1] not in said
    assert f"the server answered {status}" in str(caught.value)


@pytest.mark.parametrize("status", [400, 404, 422, 500])
@pytest.mark.parametrize("disguise", DISGUISES)
def test_the_key_echoed_in_any_disguise_is_redacted(
        canned: CannedServer, make_client: Callable[..., ProductsClient], status: int, disguise: str) -> None:
    echoed = DISGUISES[disguise]
    canned.answer = Canned(status=status, body=json.dumps({"message": f"Key {echoed} is revoked",
                                                           "errors": [f"bad key '{echoed}'"]}).encode())
    with pytest.raises(ApiError) as caught:
        make_client(canned.url, SECRET).get_product(GA_PRODUCT_ID)
    said = everything_said_about(caught.value)
    assert echoed not in said and SECRET not in said
    assert "***" in str(caught.value)


@pytest.mark.parametrize("credential", CREDENTIALS)
def test_anything_that_looks_like_a_credential_is_redacted(
        canned: CannedServer, make_client: Callable[..., ProductsClient], credential: str) -> None:
    canned.answer = Canned(status=500, body=json.dumps({"message": f"upstream said {credential}"}).encode())
    with pytest.raises(ApiError) as caught:
        make_client(canned.url, SECRET).get_product(GA_PRODUCT_ID)
    value = credential.split()[-1].split("=")[-1]
    assert value not in everything_said_about(caught.value)
    assert "upstream said" in str(caught.value)


def test_an_item_id_in_a_refusal_is_kept(canned: CannedServer, make_client: Callable[..., ProductsClient]) -> None:
    canned.answer = Canned(status=422, body=json.dumps({"message": f"Item {TICKET} is already redeemed"}).encode())
    with pytest.raises(ApiError) as caught:
        make_client(canned.url, SECRET).redeem(GA_PRODUCT_ID, TICKET)
    assert f"Item {TICKET} is already redeemed" in str(caught.value)


def test_the_sync_paused_line_carries_no_key_whatever_the_server_echoes(
        canned: CannedServer, tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    from app.config import Settings
    from app.store.db import open_replica
    from app.sync.service import build_online_sync

    caplog.set_level(logging.DEBUG)
    canned.answer = Canned(status=403, body=json.dumps(
        {"message": " ".join(DISGUISES.values()), "errors": list(DISGUISES.values())}).encode())
    settings = Settings.model_validate({"api": {"base_url": canned.url}, "product_ids": [str(GA_PRODUCT_ID)]})
    replica = open_replica(f"sqlite:///{tmp_path / 'replica.db'}")
    try:
        engine = build_online_sync(replica, settings, SECRET).engine
        engine.run_once()
        status = engine.status()
    finally:
        replica.dispose()
    assert "sync paused" in caplog.text
    logged = caplog.text + status.message
    assert not [name for name, echoed in DISGUISES.items() if echoed in logged]


def test_a_key_with_spaces_or_control_characters_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as caught:
        ApiSettings("https://api.mufi.app/", "abc\r\nX-Injected: 1")
    assert "abc" not in str(caught.value)


@pytest.mark.parametrize("status", [200, 401, 500])
def test_credentials_in_a_servers_headers_reach_no_log_line_and_no_error(
        canned: CannedServer, make_client: Callable[..., ProductsClient], caplog: pytest.LogCaptureFixture,
        status: int) -> None:
    caplog.set_level(logging.DEBUG)  # httpcore logs every response header at this level
    jwt = CREDENTIALS[0].split()[-1]
    canned.answer = Canned(status=status, body=b"{}", headers={
        "Content-Type": "application/json", "WWW-Authenticate": f'Bearer error="invalid_token", key="{SECRET}"',
        "X-Debug-Token": jwt, "Set-Cookie": "session=s3cr3t-cookie-value; HttpOnly"})
    try:
        make_client(canned.url, SECRET).get_product(GA_PRODUCT_ID)
        said = ""
    except ApiError as error:
        said = everything_said_about(error)
    assert caplog.records
    for leaked in (SECRET, jwt, "s3cr3t-cookie-value"):
        assert leaked not in caplog.text + said
