"""Writes resources/demo/replica.json (the demo event as an import file) from app/demo_data.py."""
from __future__ import annotations

import json
from pathlib import Path

from app import demo_data as d

CREATED = "2026-11-01T18:00:00Z"


def build() -> dict:
    event = {"id": d.EVENT_ID, "name": d.EVENT_NAME, "start_date": 1795370400, "end_date": 1795392000,
             "location": "The Usher Hall", "address": "1 Demo Street", "created_at": CREATED, "updated_at": CREATED}
    products = [{"id": p.id, "type": p.type, "name": p.name, "event_id": d.EVENT_ID, "price": "0",
                 "active": p.active, "redemption_quantity": p.redemption_quantity,
                 "created_at": CREATED, "updated_at": CREATED} for p in d.PRODUCTS]
    items = []
    for p in d.PRODUCTS:
        for n in range(1, p.items + 1):
            owner = d.item_owner(p, n)
            items.append({"id": d.item_uuid(p, n), "item_id": n, "product_id": p.id,
                          "redemption_count": 0, "redemption_quantity": p.redemption_quantity,
                          "is_fully_redeemed": False, "redeemed_at": None,
                          "user": {"id": owner.id, "email": owner.email, "first_name": owner.first_name,
                                   "last_name": owner.last_name},
                          "created_at": CREATED, "updated_at": CREATED})
    return {"events": [event], "products": products, "items": items}


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "resources" / "demo" / "replica.json"
    out.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
