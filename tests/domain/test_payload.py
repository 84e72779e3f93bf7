import json

from hypothesis import given
from hypothesis import strategies as st

from app.domain.payload import MAX_PAYLOAD_CHARS, InvalidPayload, ItemReference, parse_payload

ITEM = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
PRODUCT = "11111111-2222-4333-8444-555555555555"


def test_a_bare_item_uuid_is_an_item_reference():
    assert parse_payload(ITEM) == ItemReference(ITEM)


def test_an_upper_case_or_unhyphenated_uuid_is_normalised():
    assert parse_payload(ITEM.upper()) == ItemReference(ITEM)
    assert parse_payload(ITEM.replace("-", "")) == ItemReference(ITEM)


def test_a_url_that_contains_the_uuid_is_an_item_reference():
    assert parse_payload(f"https://tickets.example/v/{ITEM}?utm=x") == ItemReference(ITEM)


def test_a_json_object_with_product_item_id_and_product_id_is_read():
    payload = json.dumps({"product_item_id": ITEM, "product_id": PRODUCT})
    assert parse_payload(payload) == ItemReference(ITEM, PRODUCT)


def test_scanner_control_characters_symbology_and_eci_prefixes_are_stripped():
    assert parse_payload(f"\x02]Q1\\000026{ITEM}\r\n\x03") == ItemReference(ITEM)
    assert parse_payload(f"\ufeff{ITEM}\x1d") == ItemReference(ITEM)


def test_bytes_are_decoded_as_utf8():
    assert parse_payload(ITEM.encode()) == ItemReference(ITEM)


def test_text_without_a_uuid_is_an_invalid_code():
    assert isinstance(parse_payload("WIFI:S:venue;T:WPA;P:secret;;"), InvalidPayload)
    assert parse_payload("   ").reason == "Empty code"  # type: ignore[union-attr]


def test_two_different_uuids_in_one_code_are_refused():
    other = "4c90c3cc-0d44-4b50-8888-8dd25736052a"
    assert parse_payload(f"{ITEM}/{other}") == InvalidPayload("Code holds more than one ID")


def test_json_without_a_valid_item_id_is_refused():
    assert isinstance(parse_payload('{"product_item_id": "nope"}'), InvalidPayload)
    assert isinstance(parse_payload('{"product_item_id": 12}'), InvalidPayload)
    assert isinstance(parse_payload(json.dumps({"product_item_id": ITEM, "product_id": "x"})), InvalidPayload)
    assert isinstance(parse_payload("{broken"), InvalidPayload)
    assert isinstance(parse_payload("[" * 100_00), InvalidPayload)


def test_a_payload_longer_than_the_cap_is_refused_even_if_it_holds_a_uuid():
    assert parse_payload(ITEM + "x" * MAX_PAYLOAD_CHARS) == InvalidPayload("Code too long")


@given(st.one_of(st.text(max_size=3000), st.binary(max_size=3000)))
def test_arbitrary_text_and_bytes_never_raise(raw):
    result = parse_payload(raw)
    assert isinstance(result, (ItemReference, InvalidPayload))
