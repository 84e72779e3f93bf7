"""The demo event, shared by the demo replica, the simulator's demo seed and the tests.

UUIDs are derived (uuid5) from readable names, so they are the same on every machine and run.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

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
