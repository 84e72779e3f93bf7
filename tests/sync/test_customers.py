"""The project's customers, downloaded page by page over real HTTP, then searched and checked offline."""
from __future__ import annotations

from app import demo_data as demo
from app.api.models import NewUser
from app.store import customers
from app.store.db import read_transaction
from app.sync.customers import download_customers


def test_every_customer_is_downloaded_in_pages_of_a_thousand_and_found_offline(replica, server_client) -> None:
    server_client.create_users([NewUser(email=f"fan{n}@example.org", first_name="Fan", last_name=f"No {n}")
                                for n in range(1000)])
    server_client.create_users([NewUser(email="Zoe.Quinn@Example.org", first_name="Zoë", last_name="Quinn")])
    seen: list[tuple[int, int]] = []
    stored = download_customers(replica, server_client, progress=lambda done, total: seen.append((done, total)))

    everyone = len(demo.demo_users()) + 1001
    assert stored == everyone and seen == [(1000, everyone), (everyone, everyone)]
    with read_transaction(replica) as conn:
        assert customers.count(conn) == everyone
        zoe = customers.find(conn, email="zoe.quinn@example.org")
        assert zoe is not None and zoe.name == "Zoë Quinn"
        assert customers.find(conn, user_id=zoe.id.upper()) == zoe
        assert customers.find(conn, email="nobody@example.org") is None
        assert [c.email for c in customers.search(conn, "quinn")] == ["Zoe.Quinn@Example.org"]
        assert len(customers.search(conn, "fan no 99")) == 11  # 99, 990..999
        assert customers.search(conn, "%") == []


def test_downloading_again_updates_and_adds_nothing_twice(replica, server_client) -> None:
    download_customers(replica, server_client)
    assert download_customers(replica, server_client) == len(demo.demo_users())
    with read_transaction(replica) as conn:
        assert customers.count(conn) == len(demo.demo_users())
