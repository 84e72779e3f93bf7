from app.domain.rules import ItemFacts, Preset, StationRules, check
from app.domain.verdict import VerdictKind

TICKET = ItemFacts("p-ticket", "admission", True, 1, 0, 0)
VOUCHER = ItemFacts("p-drinks", "perks", True, 3, 1, 1)
DOOR = StationRules("Door 1", Preset.DOOR)
BAR = StationRules("Bar 1", Preset.BAR)


def facts(base: ItemFacts, **changes) -> ItemFacts:
    from dataclasses import replace

    return replace(base, **changes)


def test_an_unused_ticket_is_accepted_at_the_door():
    assert check(TICKET, DOOR) is VerdictKind.ACCEPTED


def test_a_ticket_whose_use_is_pending_locally_is_already_used():
    assert check(facts(TICKET, pending_count=1), DOOR) is VerdictKind.ALREADY_USED


def test_a_voucher_with_one_use_left_counting_pending_uses_is_accepted_at_the_bar():
    assert VOUCHER.uses_left == 1
    assert check(VOUCHER, BAR) is VerdictKind.ACCEPTED


def test_a_voucher_at_the_door_is_the_wrong_station_even_when_used_up():
    assert check(VOUCHER, DOOR) is VerdictKind.WRONG_STATION
    assert check(facts(VOUCHER, confirmed_count=3), DOOR) is VerdictKind.WRONG_STATION


def test_a_station_limited_to_some_products_refuses_others_of_the_same_type():
    vip_only = StationRules("VIP door", Preset.DOOR, frozenset({"p-vip"}))
    assert check(TICKET, vip_only) is VerdictKind.WRONG_STATION
    assert check(facts(TICKET, product_id="p-vip"), vip_only) is VerdictKind.ACCEPTED


def test_an_item_of_a_product_whose_sales_closed_is_accepted_unless_the_station_refuses_them():
    assert check(facts(TICKET, product_active=False), DOOR) is VerdictKind.ACCEPTED
    refusing = StationRules(DOOR.name, DOOR.preset, refuse_inactive=True)
    assert check(facts(TICKET, product_active=False), refusing) is VerdictKind.PRODUCT_INACTIVE


def test_a_code_naming_another_product_than_the_items_is_not_found():
    assert check(TICKET, DOOR, payload_product_id="p-other") is VerdictKind.NOT_FOUND
    assert check(TICKET, DOOR, payload_product_id="p-ticket") is VerdictKind.ACCEPTED


def test_uses_left_never_goes_below_zero():
    assert facts(TICKET, confirmed_count=2, pending_count=1).uses_left == 0


def test_the_any_preset_accepts_every_product_type():
    anywhere = StationRules("Office", Preset.ANY)
    assert all(anywhere.accepts("p", t) for t in ("admission", "presale", "perks"))
