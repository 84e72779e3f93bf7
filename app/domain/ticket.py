"""A ticket the guest carries away: what it says, shown on screen or printed (app/ui/ticket_print.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OFFLINE_NOTE = "Issued offline, not yet confirmed"


@dataclass(frozen=True, slots=True)
class Ticket:
    code: str  # what the QR holds: the server's item id, or a provisional code signed with the venue's key
    event: str
    product: str
    holder: str
    item_number: int | None  # the server's sequential number; None until the server has confirmed the item
    issued_at: float  # Unix seconds
    station: str
    provisional: bool  # issued offline (or not yet answered): the server has not confirmed it

    @property
    def number_text(self) -> str:
        return f"No. {self.item_number}" if self.item_number else "No. given once confirmed"

    @property
    def lines(self) -> list[str]:
        """The ticket's text, top to bottom, beside or under its QR code."""
        issued = datetime.fromtimestamp(self.issued_at).strftime("%d %b %Y %H:%M")
        lines = [self.event, self.product, self.holder, self.number_text, f"{issued} · {self.station}"]
        if self.provisional:
            lines.append(OFFLINE_NOTE)
        return [line for line in lines if line]
