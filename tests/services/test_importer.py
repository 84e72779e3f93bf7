import json

import pytest
from sqlalchemy import func, select

from app import demo_data as demo
from app.demo_data import DEMO_REPLICA
from app.services.importer import ImportRejected, import_file
from app.store.replica import items, products

ITEM = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def table_sizes(engine):
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(products)).scalar(),
                conn.execute(select(func.count()).select_from(items)).scalar())


def test_the_demo_export_imports_every_product_and_item(replica):
    summary = import_file(replica, DEMO_REPLICA)
    assert (summary.events, summary.products) == (1, 4)
    assert summary.items == sum(p.items for p in demo.PRODUCTS)
    assert table_sizes(replica) == (4, summary.items)


def test_importing_the_same_file_twice_updates_and_does_not_duplicate(replica):
    import_file(replica, DEMO_REPLICA)
    import_file(replica, DEMO_REPLICA)
    assert table_sizes(replica) == (4, sum(p.items for p in demo.PRODUCTS))


def test_a_bad_row_in_json_rejects_the_whole_file_with_its_line_number(replica, tmp_path):
    data = json.loads(DEMO_REPLICA.read_text())
    data["items"][5]["item_id"] = "five"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, indent=1))
    expected_line = next(n for n, l in enumerate(bad.read_text().splitlines(), 1) if '"five"' in l)
    with pytest.raises(ImportRejected) as error:
        import_file(replica, bad)
    message = str(error.value)
    assert "item_id" in message
    # The reported line is where that item's object starts, a few lines above its bad field.
    reported = int(message.split()[1].rstrip(":"))
    assert 0 < expected_line - reported < 10
    assert table_sizes(replica) == (0, 0)


def test_an_item_of_an_unknown_product_rejects_the_file(replica, tmp_path):
    bad = tmp_path / "items.json"
    bad.write_text(json.dumps({"items": [{"id": ITEM, "item_id": 1, "product_id": demo.GA.id}]}))
    with pytest.raises(ImportRejected, match="line 1: .*unknown product"):
        import_file(replica, bad)
    assert table_sizes(replica) == (0, 0)


def test_a_csv_of_items_imports_against_products_already_in_the_replica(replica, tmp_path):
    import_file(replica, DEMO_REPLICA)
    csv_file = tmp_path / "items.csv"
    csv_file.write_text(
        "id,item_id,product_id,email,first_name,last_name,redemption_count\n"
        f"{ITEM},999,{demo.DRINKS.id},zoe@example.com,Zoe,Quinn,1\n"
    )
    assert import_file(replica, csv_file).items == 1
    with replica.connect() as conn:
        row = conn.execute(select(items).where(items.c.id == ITEM)).one()
    assert (row.redemption_quantity, row.confirmed_count, row.owner_first_name) == (3, 1, "Zoe")


@pytest.mark.parametrize(
    "content, reason",
    [
        ("id,item_id,product_id\nnot-a-uuid,1,x\n", "line 2: item field 'id'"),
        ("id,name,type\n" + ITEM + ",Ticket,concert\n", "line 2: product field 'type'"),
        ("id,item_id,product_id\n" + ITEM + ",1," + ITEM + ",extra\n", "line 2: more cells"),
        ("hello,world\n1,2\n", "line 1: the CSV header"),
        ('{"items": [', "broken JSON|JSON file ends too early"),
        ('{"items": {"a": 1}}', "must be a list"),
        ('{"products": [42]}', "must be an object"),
    ],
)
def test_malformed_files_are_rejected_with_a_reason_and_change_nothing(replica, tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_text(content)
    with pytest.raises(ImportRejected, match=reason):
        import_file(replica, bad)
    assert table_sizes(replica) == (0, 0)


def test_a_binary_file_is_rejected_as_not_text(replica, tmp_path):
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)))
    with pytest.raises(ImportRejected, match="not UTF-8"):
        import_file(replica, bad)


def test_reimporting_never_lowers_confirmed_uses_or_forgets_pending_ones(demo_replica):
    from app.domain.rules import Preset, StationRules
    from app.services.station import Station

    voucher = demo.item_uuid(demo.DRINKS, 1)
    Station(demo_replica, StationRules("Bar", Preset.BAR)).redeem(voucher)
    import_file(demo_replica, DEMO_REPLICA)
    with demo_replica.connect() as conn:
        row = conn.execute(select(items).where(items.c.id == voucher)).one()
    assert (row.pending_count, row.first_used_station) == (1, "Bar")


def write_json(tmp_path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "import.json"
    path.write_text(text)
    return path


PRODUCT = {"id": demo.GA.id, "type": "admission", "name": "GA"}


def item(n: int, **changes):  # type: ignore[no-untyped-def]
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "item_id": n, "product_id": demo.GA.id, **changes}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{}", "nothing to import"),
        ('{"events": [], "products": [], "items": []}', "nothing to import"),
        ('{"itmes": []}', 'line 1: unknown key "itmes"'),
        (json.dumps({"products": [PRODUCT], "items": [item(1)]})[:-1] + ', "items": []}', "'items' appears twice"),
        (json.dumps({"products": [PRODUCT], "items": [item(1), item(1)]}), "line 1: item .* is already on line 1"),
        ('{"products": [{"id": "%s", "type": "admission", "name": "A", "name": "B"}]}' % demo.GA.id,
         "the key 'name' appears twice"),
        (json.dumps({"products": [PRODUCT], "items": [item(1, item_id=2**63)]}), "item field 'item_id'.*too large"),
        ('{"items": [' + "[" * 100_000 + "]" * 100_000 + "]}", "nested too deeply"),
        ("[1, 2, 3]", "a JSON import is one object"),
        ('{"items": []} trailing', "more after the end"),
    ],
)
def test_an_ambiguous_or_unusable_json_file_is_rejected_with_a_reason_and_changes_nothing(replica, tmp_path, content, reason):
    with pytest.raises(ImportRejected, match=reason):
        import_file(replica, write_json(tmp_path, content))
    assert table_sizes(replica) == (0, 0)


def test_a_broken_json_file_gets_a_json_message_never_a_csv_one(replica, tmp_path):
    path = tmp_path / "export.json"
    path.write_text('\n  "items": []}')
    with pytest.raises(ImportRejected) as error:
        import_file(replica, path)
    assert "JSON" in str(error.value) and "CSV" not in str(error.value)


def test_a_line_number_deep_in_a_large_file_is_still_right(replica, tmp_path):
    items = [item(n) for n in range(1, 3001)]
    items[2500]["item_id"] = "x"
    path = write_json(tmp_path, json.dumps({"products": [PRODUCT], "items": items}, indent=1))
    bad_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if '"x"' in line)
    with pytest.raises(ImportRejected, match=rf"line {bad_line - 2}: item field 'item_id'"):
        import_file(replica, path)
