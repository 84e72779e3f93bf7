"""Setup's "Staff PINs" box: a steward PIN typed twice is hashed off the UI thread, never the manager's,
never without a manager PIN; removing it lets anyone scan; with the PIN guard it changes nothing."""
from __future__ import annotations

import pytest
from ui_helpers import PIN, QUICK_COST, door_settings

from app.secrets import check_pin, hash_pin
from app.ui.staff_pins_box import GUARDED, NONE_SET, SET, StaffPinsBox


@pytest.fixture
def box(qtbot):  # type: ignore[no-untyped-def]
    box = StaffPinsBox(QUICK_COST)
    qtbot.addWidget(box)
    box.load(door_settings(pin_hash=hash_pin(PIN, QUICK_COST)))
    return box


def type_twice(box: StaffPinsBox, first: str, second: str | None = None) -> None:
    box.pin_field.setText(first)
    box.again_field.setText(first if second is None else second)


def test_a_new_steward_pin_is_hashed_off_the_ui_thread_then_asks_to_save(qtbot, box):
    type_twice(box, "1357")

    with qtbot.waitSignal(box.ready, timeout=5000):
        assert box.steward_hash() is None  # being made
    made = box.steward_hash()

    assert made and check_pin("1357", made) and not check_pin("1358", made)


@pytest.mark.parametrize(("first", "second", "problem"), [
    ("135", None, "Use 4 to 8 digits"),
    ("1357", "1375", "The two PINs differ — type the same PIN twice"),
    (PIN, None, "The steward PIN and the manager PIN must differ"),
])
def test_a_steward_pin_that_cannot_be_used_says_why_and_is_not_kept(qtbot, box, first, second, problem):
    type_twice(box, first, second)

    assert box.steward_hash() is None
    qtbot.waitUntil(box.idle, timeout=5000)

    assert box.steward_hash() is None and box.error.text() == problem


def test_without_a_manager_pin_no_steward_pin_is_kept(qtbot, box):
    box.load(door_settings())
    type_twice(box, "1357")

    box.steward_hash()
    qtbot.waitUntil(box.idle, timeout=5000)

    assert box.steward_hash() is None and "manager PIN first" in box.error.text()


def test_leaving_the_fields_empty_keeps_the_pin_and_removing_it_lets_anyone_scan(box):
    settings = door_settings(pin_hash=hash_pin(PIN, QUICK_COST), steward_pin_hash="scrypt$kept")
    box.load(settings)
    assert box.state.text() == SET and box.steward_hash() == "scrypt$kept"

    box.remove.setChecked(True)

    assert box.steward_hash() == ""
    box.load(door_settings(pin_hash=settings.pin_hash))
    assert box.state.text() == NONE_SET and not box.remove.isVisibleTo(box)


def test_with_the_pin_guard_the_box_changes_nothing(box):
    box.load(door_settings(pin_guard="/run/usher-pin-guard/socket"))

    assert box.state.text() == GUARDED
    assert not box.pin_field.isEnabled() and box.steward_hash() == ""


def test_a_pin_still_being_hashed_when_setup_is_cancelled_is_not_kept(qtbot, box):
    type_twice(box, "1357")
    asked_to_save = []
    box.ready.connect(lambda: asked_to_save.append(True))
    assert box.steward_hash() is None

    box.discard()
    qtbot.waitUntil(box.idle, timeout=5000)
    qtbot.wait(50)

    assert asked_to_save == [] and box.pin_field.text() == ""
