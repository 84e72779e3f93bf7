"""Users of the simulated project (camelCase endpoints) and event attendees."""
from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass

from app.simulator import db
from app.simulator.fields import Fields
from app.simulator.problems import Problem
from app.simulator.records import event_document, user_document

MAX_USERS_PER_CREATE = 1000
MAX_USERS_PER_FETCH = 1000


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    first_name: str | None
    last_name: str | None
    reference_id: str | None


@dataclass(frozen=True, slots=True)
class Identity:
    """How a request names a user: by id, email or reference id (one of them)."""

    user_id: str | None = None
    email: str | None = None
    reference_id: str | None = None


def find_user(conn: sqlite3.Connection, who: Identity) -> sqlite3.Row | None:
    # The documented priority when several are given: email, then referenceId, then id.
    for column, value in (("email", who.email), ("reference_id", who.reference_id), ("id", who.user_id)):
        if value is not None:
            return conn.execute(f"SELECT * FROM users WHERE {column} = ?", (value,)).fetchone()
    return None


def parse_identity(f: Fields, *, id_field: str, email_field: str, reference_field: str) -> Identity:
    who = Identity(f.uuid(id_field), f.email(email_field), f.text(reference_field))
    if not (f.present(id_field) or f.present(email_field) or f.present(reference_field)):
        f.error(f"one of {id_field}, {email_field} or {reference_field} is required")
    return who


def parse_new_users(document: object) -> list[NewUser]:
    # The documented body is a bare array of users; {"users": [...]} is accepted too.
    entries = document.get("users") if isinstance(document, dict) else document
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_USERS_PER_CREATE:
        raise Problem.invalid([f"The body must be an array of 1 to {MAX_USERS_PER_CREATE} users"])
    errors: list[str] = []
    users = []
    for n, entry in enumerate(entries):
        f = Fields(entry)
        users.append(NewUser(f.email("email", required=True) or "", f.text("firstName"), f.text("lastName"),
                             f.text("referenceId")))
        errors += [f"users[{n}]: {error}" for error in f.errors]
    emails = [user.email.casefold() for user in users]
    if len(set(emails)) != len(emails):
        errors.append("Each user must have a unique email")
    if errors:
        raise Problem.invalid(errors)
    return users


def create_users(conn: sqlite3.Connection, users: list[NewUser]) -> list[dict[str, object]]:
    moment = db.now()
    ids = [str(uuid.uuid4()) for _ in users]
    with db.transaction(conn):
        taken = [user.email for user in users
                 if conn.execute("SELECT 1 FROM users WHERE email = ?", (user.email,)).fetchone()]
        taken += [user.reference_id for user in users if user.reference_id is not None and
                  conn.execute("SELECT 1 FROM users WHERE reference_id = ?", (user.reference_id,)).fetchone()]
        if taken:
            raise Problem.refused(f"Users already exist: {', '.join(taken[:10])}")
        conn.executemany(
            "INSERT INTO users (id, email, first_name, last_name, reference_id, is_activated, activated_on, "
            "created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            [(user_id, u.email, u.first_name, u.last_name, u.reference_id, moment.iso, moment.iso)
             for user_id, u in zip(ids, users, strict=True)])
    return [user_document(conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())
            for user_id in ids]


def parse_profile_request(document: object) -> Identity:
    f = Fields(document)
    who = parse_identity(f, id_field="id", email_field="email", reference_field="referenceId")
    f.check()
    return who


def get_profile(conn: sqlite3.Connection, who: Identity) -> dict[str, object]:
    user = find_user(conn, who)
    if user is None:
        raise Problem.not_found("User not found")
    return user_document(user)


@dataclass(frozen=True, slots=True)
class UserQuery:
    limit: int
    offset: int
    who: Identity | None


def parse_user_query(document: object) -> UserQuery:
    f = Fields(document)
    limit = f.integer("limit", minimum=1, maximum=MAX_USERS_PER_FETCH)
    offset = f.integer("offset", minimum=0)
    who = Identity(f.uuid("id"), f.email("email"), f.text("referenceId"))
    f.check()
    narrowed = who if who != Identity() else None
    return UserQuery(limit or 10, offset or 0, narrowed)


def fetch_users(conn: sqlite3.Connection, query: UserQuery) -> dict[str, object]:
    if query.who is not None:
        user = find_user(conn, query.who)
        found = [user] if user is not None else []
        return {"users": [user_document(u) for u in found[query.offset:query.offset + query.limit]],
                "total": len(found)}
    total = conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    rows = conn.execute("SELECT * FROM users ORDER BY created_at, rowid LIMIT ? OFFSET ?",
                        (query.limit, query.offset)).fetchall()
    return {"users": [user_document(row) for row in rows], "total": total}


@dataclass(frozen=True, slots=True)
class Registration:
    event_id: str
    who: Identity
    registered_at: int | None
    checked_in_at: int | None


def parse_registration(document: object) -> Registration:
    f = Fields(document)
    event_id = f.uuid("event_id", required=True)
    who = parse_identity(f, id_field="user_id", email_field="email", reference_field="reference_id")
    registered_at = f.integer("registered_at", minimum=1)
    checked_in_at = f.integer("checked_in_at", minimum=1)
    f.check()
    return Registration(event_id or "", who, registered_at, checked_in_at)


def register_attendee(conn: sqlite3.Connection, registration: Registration) -> dict[str, object]:
    """Create the attendee record, or update the timestamps given: safe to call repeatedly."""
    moment = db.now()
    with db.transaction(conn):
        event = conn.execute("SELECT * FROM events WHERE id = ?", (registration.event_id,)).fetchone()
        if event is None:
            raise Problem.not_found("Event not found")
        user = find_user(conn, registration.who)
        if user is None:
            raise Problem.refused("The attendee is not a user of this project")
        key = (event["id"], user["id"])
        if conn.execute("SELECT 1 FROM attendees WHERE event_id = ? AND user_id = ?", key).fetchone():
            conn.execute("UPDATE attendees SET registered_at = COALESCE(?, registered_at), "
                         "checked_in_at = COALESCE(?, checked_in_at), updated_at = ? "
                         "WHERE event_id = ? AND user_id = ?",
                         (registration.registered_at, registration.checked_in_at, moment.iso, *key))
        else:
            conn.execute("INSERT INTO attendees (id, event_id, user_id, registered_at, checked_in_at, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (str(uuid.uuid4()), *key, registration.registered_at or moment.unix,
                          registration.checked_in_at, moment.iso, moment.iso))
        attendee = conn.execute("SELECT * FROM attendees WHERE event_id = ? AND user_id = ?", key).fetchone()
    return {"id": attendee["id"], "created_at": attendee["created_at"], "updated_at": attendee["updated_at"],
            "event_id": attendee["event_id"], "registered_at": attendee["registered_at"],
            "checked_in_at": attendee["checked_in_at"], "user": user_document(user), "event": event_document(event)}
