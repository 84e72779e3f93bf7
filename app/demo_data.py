"""The demo event, shared by the demo replica, the simulator's demo seed and the tests.

UUIDs are derived (uuid5) from readable names, so they are the same on every machine and run.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from app.domain.rules import Preset, StationRules

_NAMESPACE = uuid.UUID("6f1d3c1e-8a4b-4c1e-9a57-0d3e5b7a2c10")


def demo_uuid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


@dataclass(frozen=True, slots=True)
class DemoProduct:
    key: str
    name: str
    type: str
    redemption_quantity: int
    active: bool
    items: int

    @property
    def id(self) -> str:
        return demo_uuid(f"product:{self.key}")


EVENT_ID = demo_uuid("event:demo-night")
EVENT_NAME = "Usher Demo Night"
GA = DemoProduct("ga", "General Admission", "admission", 1, True, 40)
VIP = DemoProduct("vip", "VIP", "admission", 1, True, 10)
DRINKS = DemoProduct("drinks", "Drinks ×3", "perks", 3, True, 30)
INACTIVE = DemoProduct("early-bird", "Early Bird (closed)", "presale", 1, False, 5)
PRODUCTS = (GA, VIP, DRINKS, INACTIVE)
UNKNOWN_ITEM = demo_uuid("item:not-issued")

FIRST_NAMES = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances",
               "Tim", "Radia", "Guido", "Hedy", "John", "Sophie", "Niklaus", "Shafi", "Edsger", "Joan")
LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
              "Allen", "Berners-Lee", "Perlman", "van Rossum", "Lamarr", "Backus", "Wilson", "Wirth", "Goldwasser",
              "Dijkstra", "Clarke")


@dataclass(frozen=True, slots=True)
class DemoUser:
    id: str
    email: str
    first_name: str
    last_name: str


def demo_users() -> list[DemoUser]:
    users = []
    for n, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES)):
        email = f"{first}.{last}".lower().replace(" ", "").replace("-", "") + "@example.com"
        users.append(DemoUser(demo_uuid(f"user:{n}"), email, first, last))
    return users


def item_uuid(product: DemoProduct, item_number: int) -> str:
    return demo_uuid(f"item:{product.key}:{item_number}")


def item_owner(product: DemoProduct, item_number: int) -> DemoUser:
    users = demo_users()
    return users[(item_number - 1 + PRODUCTS.index(product) * 7) % len(users)]


# The demo replica: the demo event as `usher import` takes it (a test keeps it and the seed the same).
DEMO_REPLICA = Path(__file__).resolve().parents[1] / "resources" / "demo" / "replica.json"
DOOR = StationRules("Door 1", Preset.DOOR)  # where the demo's tickets are scanned
SHOWN_S, GAP_S = 1.4, 3.6  # the gap outlasts the 3 s cooldown, so the same code shown again counts


@dataclass(frozen=True, slots=True)
class DemoScan:
    station: StationRules
    payload: str
    note: str
    offline: bool = False  # scanned while the demo has cut the network


def scripted_round() -> list[DemoScan]:
    """The round the demo plays: every verdict a station meets on a normal night, then an outage."""
    door = DOOR
    bar = StationRules("Bar 1", Preset.BAR)
    ticket = item_uuid(GA, 1)
    voucher = f"https://tickets.example/v/{item_uuid(DRINKS, 1)}"
    return [
        DemoScan(door, ticket, "a valid ticket"),
        DemoScan(door, ticket, "the same ticket again"),
        *[DemoScan(bar, voucher, f"3-drink voucher, drink {n}") for n in (1, 2, 3, 4)],
        DemoScan(door, voucher, "a drink voucher at the door"),
        DemoScan(door, item_uuid(INACTIVE, 1), "a ticket of a product whose sales have closed: still valid"),
        DemoScan(StationRules("Door 1", Preset.DOOR, refuse_inactive=True), item_uuid(INACTIVE, 2),
                 "the same at a door set to refuse closed products"),
        DemoScan(door, UNKNOWN_ITEM, "a code that was never issued"),
        DemoScan(door, "WIFI:S:VenueGuest;T:nopass;;", "garbage (a Wi-Fi QR code)"),
        DemoScan(door, item_uuid(GA, 2), "network cut: a ticket", offline=True),
        DemoScan(door, item_uuid(GA, 3), "network cut: another ticket", offline=True),
    ]
