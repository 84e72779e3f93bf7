"""Events, attendee registration (the real scan time), and the camelCase Users endpoints."""
from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from sim_http import Document, expect

from app import demo_data as shared
from app.simulator.demo_data import DEMO_EVENT_ID, DEMO_EVENT_REFERENCE_ID

REGISTER = "/v1/events/attendees/register"


def test_an_event_is_found_by_its_id_or_its_reference_id(http: httpx.Client) -> None:
    by_id = expect(http.get(f"/v1/events/{DEMO_EVENT_ID}"), 200)
    assert (by_id["name"], by_id["reference_id"], by_id["start_date"]) == ("Usher Demo Night",
                                                                             DEMO_EVENT_REFERENCE_ID, 1795370400)
    assert expect(http.get(f"/v1/events/{DEMO_EVENT_REFERENCE_ID}"), 200) == by_id


def test_an_unknown_event_is_not_found(http: httpx.Client) -> None:
    assert expect(http.get(f"/v1/events/{uuid.uuid4()}"), 404) == {"message": "Event not found"}
    expect(http.get("/v1/events/no-such-reference"), 404)


def test_registering_an_attendee_twice_updates_the_one_record(
        http: httpx.Client, new_users: Callable[[int], list[Document]]) -> None:
    [guest] = new_users(1)
    first = expect(http.post(REGISTER, json={"event_id": str(DEMO_EVENT_ID), "user_id": guest["id"],
                                             "checked_in_at": 1795371000}), 200)
    assert first["checked_in_at"] == 1795371000 and isinstance(first["registered_at"], int)
    assert first["user"]["email"] == guest["email"] and first["event"]["id"] == str(DEMO_EVENT_ID)  # type: ignore
    again = expect(http.post(REGISTER, json={"event_id": str(DEMO_EVENT_ID), "email": guest["email"],
                                             "checked_in_at": 1795371600}), 200)
    assert (again["id"], again["registered_at"], again["checked_in_at"]) == (first["id"], first["registered_at"],
                                                                             1795371600)


def test_registering_a_stranger_or_for_an_unknown_event_is_refused(http: httpx.Client) -> None:
    expect(http.post(REGISTER, json={"event_id": str(uuid.uuid4()), "email": "ada.lovelace@example.com"}), 404)
    expect(http.post(REGISTER, json={"event_id": str(DEMO_EVENT_ID), "email": "stranger@example.com"}), 422)


def test_created_users_are_answered_in_camel_case_and_duplicates_fail_the_batch(http: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    body = {"users": [{"email": f"camel-{tag}@example.com", "firstName": "Camel", "lastName": "Case",
                       "referenceId": f"camel-{tag}"}]}
    answer = expect(http.post("/v1/users/create", json=body), 201)
    [user] = answer["users"]  # type: ignore[misc]
    assert {k: user[k] for k in ("email", "firstName", "lastName", "referenceId", "isActivated")} == {
        "email": f"camel-{tag}@example.com", "firstName": "Camel", "lastName": "Case", "referenceId": f"camel-{tag}",
        "isActivated": True}
    again = [{"email": f"other-{tag}@example.com"}, {"email": f"CAMEL-{tag}@example.com"}]
    assert f"CAMEL-{tag}@example.com" in str(expect(http.post("/v1/users/create", json=again), 422)["message"])
    expect(http.post("/v1/users/profile", json={"email": f"other-{tag}@example.com"}), 404)


def test_a_profile_is_found_by_email_reference_id_or_id(http: httpx.Client) -> None:
    ada = shared.demo_users()[0]
    for query in ({"email": ada.email}, {"referenceId": "demo-user-0"}, {"id": ada.id}):
        assert expect(http.post("/v1/users/profile", json=query), 200)["id"] == ada.id


def test_users_are_fetched_with_limit_and_offset(http: httpx.Client) -> None:
    first = expect(http.post("/v1/users/fetch", json={"limit": 3, "offset": 0}), 200)
    second = expect(http.post("/v1/users/fetch", json={"limit": 3, "offset": 3}), 200)
    assert first["total"] == second["total"] and first["total"] >= 20  # type: ignore[operator]
    ids = [u["id"] for u in first["users"] + second["users"]]  # type: ignore[operator]
    assert ids == [u.id for u in shared.demo_users()[:6]]
    assert expect(http.post("/v1/users/fetch", json={}), 200)["users"].__len__() == 10
