"""Transfers at the desk over real HTTP: the rules the replica can check are said before anything is sent; what
only the server knows (another desk moved the ticket first) comes back as its answer, and the replica follows a
transfer that succeeded."""
from __future__ import annotations

from sqlalchemy import select

from app import demo_data as demo
from app.services.box_office import BoxOffice
from app.services.transfer_desk import OFFLINE, TransferDesk
from app.store.db import read_transaction
from app.store.replica import items
from box_office_world import world  # noqa: F401  (a pytest fixture)

ADA, GRACE, ALAN = demo.demo_users()[:3]
TICKET = demo.item_uuid(demo.GA, 1)  # Ada's


def customer(world, email: str):  # type: ignore[no-untyped-def]
    return BoxOffice(world.replica, "Box 1").customer_with_email(email)


def owner_here(world) -> str:  # type: ignore[no-untyped-def]
    with read_transaction(world.replica) as conn:
        return conn.execute(select(items.c.owner_email).where(items.c.id == TICKET)).scalar_one()


def test_a_transfer_moves_the_ticket_on_the_server_and_in_the_replica(world) -> None:
    result = TransferDesk(world.replica, world.api).transfer(TICKET, customer(world, ADA.email), GRACE.email,
                                                             online=True)
    assert result.done and result.message == "General Admission No. 1 now belongs to Grace Hopper"
    assert owner_here(world) == GRACE.email
    with world.client() as client:
        assert client.get_item(demo.GA.id, TICKET).user.email == GRACE.email


def test_what_only_the_server_knows_comes_back_as_its_refusal_and_changes_nothing_here(world) -> None:
    with world.client() as client:  # another desk moved Ada's ticket to Alan; this replica has not heard yet
        client.transfer(demo.GA.id, TICKET, sender_email=ADA.email, recipient_email=ALAN.email)
    result = TransferDesk(world.replica, world.api).transfer(TICKET, customer(world, ADA.email), GRACE.email,
                                                             online=True)
    assert not result.done and result.message == "The server refused: The sender is not the owner of the item"
    assert owner_here(world) == ADA.email


def test_offline_or_without_an_api_nothing_is_tried(world) -> None:
    ada = customer(world, ADA.email)
    assert TransferDesk(world.replica, world.api).transfer(TICKET, ada, GRACE.email, online=False).message == OFFLINE
    assert TransferDesk(world.replica, None).transfer(TICKET, ada, GRACE.email, online=True).message == \
        "No Products API is set up: transfers need the server"


def test_a_ticket_sold_offline_cannot_move_until_the_server_confirms_it(world) -> None:
    sale = BoxOffice(world.replica, "Box 1").sell(demo.GA.id, GRACE.email)
    result = TransferDesk(world.replica, world.api).transfer(sale.local_ids[0], customer(world, GRACE.email),  # type: ignore[union-attr]
                                                             ALAN.email, online=True)
    assert result.message == "This ticket is not confirmed by the server yet: transfer it later"
