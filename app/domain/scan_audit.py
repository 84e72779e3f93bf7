"""What the audit log keeps of a scanned code.

A ticket's code keeps its item id: that is the ticket. Anything else people show the camera by mistake
can be secret — a Wi-Fi password, a vCard, a one-time-password seed — so of it the log keeps only what
staff need to recognise it: its kind, its length and a short fingerprint ("the same code again"), never
its content. The fingerprint is 32 bits: enough to tell a night's codes apart, too few to confirm a
guessed secret among the many candidates that share it.
"""
from __future__ import annotations

import hashlib

from app.domain.payload import InvalidPayload, ItemReference

# Prefixes of the QR contents phones and posters commonly carry (case-insensitive), most specific first.
_KINDS = (
    ("wifi:", "Wi-Fi network"),
    ("begin:vcard", "contact card"),
    ("mecard:", "contact card"),
    ("otpauth", "one-time-password seed"),
    ("begin:vevent", "calendar event"),
    ("mailto:", "e-mail address"),
    ("matmsg:", "e-mail"),
    ("tel:", "phone number"),
    ("smsto:", "text message"),
    ("sms:", "text message"),
    ("geo:", "location"),
    ("bitcoin:", "payment"),
    ("http://", "web address"),
    ("https://", "web address"),
    ("{", "JSON"),
)


def code_kind(text: str) -> str:
    lowered = text.lower()
    return next((kind for prefix, kind in _KINDS if lowered.startswith(prefix)), "text" if text else "empty")


def fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", errors="replace"), digest_size=4, person=b"usher-scan").hexdigest()


def audit_text(cleaned: str, parsed: ItemReference | InvalidPayload) -> str:
    """The audit log's record of a scan: the item id of a ticket; kind, length and fingerprint otherwise."""
    if isinstance(parsed, ItemReference):
        return parsed.item_id
    return f"{code_kind(cleaned)}, {len(cleaned)} characters, fingerprint {fingerprint(cleaned)}"
