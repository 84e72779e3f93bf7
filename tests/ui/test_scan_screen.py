"""The scan screen: a scan becomes a verdict filling the window, readable from across the room."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from ui_helpers import door_settings, scan

from app.demo_data import DRINKS, GA, INACTIVE, UNKNOWN_ITEM, item_owner, item_uuid
from app.domain.presentation import TONE_LOOK, UNDONE_DETAIL, Tone, look
from app.domain.verdict import Verdict, VerdictKind
from app.scan.sources import SourceState
from app.services.reports import product_counts
from app.services.station import Station
from app.store.db import write_transaction
from app.ui.camera_preview import camera_state_text
from app.ui.theme import NEUTRAL_PANEL
from app.ui.verdict_icon import Symbol
from app.ui.verdict_panel import HEADLINE_MIN_PT


def counts_for(engine, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in product_counts(engine) if p.name == name)


def test_the_idle_screen_invites_the_next_ticket(window):
    window.on_camera_state(SourceState.LIVE.value)
    assert window.panel.state == "ready"
    assert window.panel.headline.text() == "Ready — show your ticket"
    assert not window.panel.undo_button.isVisible()


@pytest.mark.parametrize("state", [SourceState.MISSING, SourceState.RECONNECTING, SourceState.ENDED, SourceState.STOPPED])
def test_a_camera_that_is_not_working_never_says_ready(window, state):
    window.on_camera_state(SourceState.LIVE.value)
    window.on_camera_state(state.value)

    assert window.panel.headline.text() == "Camera not working"
    assert window.panel.detail.text() == "Use the hand scanner or Search"
    assert window.panel.footer.text() == camera_state_text(state.value)
    assert window.panel.icon.symbol is Symbol.EXCLAMATION
    window.on_camera_state(SourceState.LIVE.value)
    assert window.panel.headline.text() == "Ready — show your ticket"


def test_a_station_without_a_camera_asks_for_the_hand_scanner(window):
    assert window.panel.headline.text() == "Ready — hand scanner"


def test_a_camera_problem_after_a_verdict_shows_once_the_verdict_closes(qtbot, make_window):
    window = make_window(door_settings(verdict_seconds=1))
    window.on_camera_state(SourceState.LIVE.value)
    scan(qtbot, window, item_uuid(GA, 1))
    window.on_camera_state(SourceState.RECONNECTING.value)
    assert window.panel.headline.text() == "VALID"  # the verdict in front of staff is not cut short

    with qtbot.waitSignal(window.panel.dismissed, timeout=3000):
        pass
    assert window.panel.headline.text() == "Camera not working"


def test_a_valid_ticket_fills_the_screen_green_with_product_and_holder(qtbot, window):
    verdict = scan(qtbot, window, item_uuid(GA, 1))

    panel = window.panel
    assert verdict.kind is VerdictKind.ACCEPTED
    assert panel.background == look(VerdictKind.ACCEPTED).background
    assert panel.headline.text() == "VALID"
    assert panel.icon.symbol is Symbol.CHECK
    assert panel.product.text() == "General Admission"
    assert panel.holder.text() == "Ada Lovelace"
    assert panel.detail.text() == "Let them in"
    assert panel.width() >= 1200 and panel.height() >= 650  # the verdict fills the window


def test_the_headline_is_big_and_bold_for_every_verdict(qtbot, window):
    for payload in (item_uuid(GA, 1), item_uuid(GA, 1), "not a ticket", UNKNOWN_ITEM):
        scan(qtbot, window, payload)
        font = window.panel.headline.font()
        assert font.pointSizeF() >= HEADLINE_MIN_PT
        assert font.bold()


def test_a_drink_voucher_at_the_bar_says_how_many_drinks_are_left(qtbot, make_window):
    window = make_window(door_settings(name="Bar 1", preset="bar"))

    scan(qtbot, window, item_uuid(DRINKS, 1))

    assert window.panel.headline.text() == "VALID"
    assert window.panel.detail.text() == "Serve it — 2 of 3 drinks left"


def test_a_used_ticket_says_when_and_where_it_was_first_used(qtbot, window, demo_replica):
    earlier = Station(demo_replica, door_settings(name="Door 2").station.rules())
    earlier.redeem(item_uuid(GA, 3))

    verdict = scan(qtbot, window, item_uuid(GA, 3))

    assert verdict.kind is VerdictKind.ALREADY_USED
    assert window.panel.headline.text() == "ALREADY USED"
    assert window.panel.icon.symbol is Symbol.CLOCK
    assert window.panel.detail.text().startswith("Do not let in · first used ")
    assert window.panel.detail.text().endswith(" at Door 2")
    assert window.panel.background == look(VerdictKind.ALREADY_USED).background


@pytest.mark.parametrize(
    ("payload", "kind", "headline", "symbol"),
    [
        (item_uuid(DRINKS, 2), VerdictKind.WRONG_STATION, "WRONG STATION", Symbol.ARROW),
        (UNKNOWN_ITEM, VerdictKind.NOT_FOUND, "UNKNOWN TICKET", Symbol.CROSS),
        ("WIFI:S:venue;T:WPA;P:secret;;", VerdictKind.INVALID_CODE, "NOT A TICKET", Symbol.CROSS),
    ],
)
def test_a_refused_code_says_why_in_words_symbol_and_colour(qtbot, window, payload, kind, headline, symbol):
    verdict = scan(qtbot, window, payload)

    assert verdict.kind is kind
    assert window.panel.headline.text() == headline
    assert window.panel.icon.symbol is symbol
    assert window.panel.background == look(kind).background
    assert window.panel.detail.text()  # always a reason in plain words
    assert not window.panel.undo_button.isVisible()


def test_a_ticket_whose_sales_have_closed_is_let_in_and_the_screen_says_sales_closed(qtbot, window):
    verdict = scan(qtbot, window, item_uuid(INACTIVE, 1))
    assert verdict.kind is VerdictKind.ACCEPTED
    assert "sales have closed" in window.panel.detail.text()


def test_a_door_set_to_refuse_closed_products_says_the_ticket_type_is_closed(qtbot, make_window):
    window = make_window(door_settings(refuse_inactive=True))
    verdict = scan(qtbot, window, item_uuid(INACTIVE, 2))
    assert verdict.kind is VerdictKind.PRODUCT_INACTIVE
    assert window.panel.headline.text() == "TICKET TYPE CLOSED"
    assert window.panel.icon.symbol is Symbol.CROSS
    assert window.panel.background == look(VerdictKind.PRODUCT_INACTIVE).background


@pytest.mark.parametrize(("kind", "symbol"), [(VerdictKind.UNKNOWN_OFFLINE, Symbol.QUESTION),
                                               (VerdictKind.ERROR, Symbol.EXCLAMATION)])
def test_cannot_check_and_try_again_each_have_their_own_colour_and_symbol(window, kind, symbol):
    window.show_verdict(Verdict(kind, station="Door 1"))

    assert window.panel.background == look(kind).background
    assert window.panel.icon.symbol is symbol
    assert window.panel.detail.text()


def test_a_code_naming_another_product_shows_no_holders_name(qtbot, window):
    forged = f'{{"product_item_id": "{item_uuid(GA, 1)}", "product_id": "{DRINKS.id}"}}'

    verdict = scan(qtbot, window, forged)

    assert verdict.kind is VerdictKind.NOT_FOUND and verdict.holder_name == "Ada Lovelace"
    assert window.panel.headline.text() == "UNKNOWN TICKET"
    assert window.panel.holder.text() == "" and window.panel.product.text() == ""
    assert "Ticket #" not in window.panel.footer.text()


def test_hide_names_keeps_the_holder_off_the_screen(qtbot, make_window):
    window = make_window(door_settings(hide_names=True))

    scan(qtbot, window, item_uuid(GA, 1))

    assert window.panel.product.text() == "General Admission"
    assert window.panel.holder.text() == ""
    assert not window.panel.holder.isVisible()


def test_the_verdict_dismisses_itself_after_its_seconds(qtbot, make_window):
    window = make_window(door_settings(verdict_seconds=1))

    scan(qtbot, window, item_uuid(GA, 1))
    assert "closes in 1 s" in window.panel.footer.text()

    with qtbot.waitSignal(window.panel.dismissed, timeout=3000):
        pass
    assert window.panel.state == "ready"
    assert window.panel.headline.text() == "Ready — hand scanner"


def test_a_second_scan_replaces_the_verdict_at_once(qtbot, window):
    scan(qtbot, window, item_uuid(GA, 1))
    assert window.panel.headline.text() == "VALID"

    scan(qtbot, window, "garbage")

    assert window.panel.headline.text() == "NOT A TICKET"
    assert window.panel.holder.text() == ""  # nothing left over from the previous verdict


def test_scans_in_a_burst_are_all_decided_in_the_order_they_came(qtbot, window):
    shown: list[Verdict] = []
    window.verdict_shown.connect(lambda verdict, _latency: shown.append(verdict))
    payloads = [item_uuid(GA, n) for n in (5, 6, 5, 7)]

    for payload in payloads:
        window.on_payload(payload)
    qtbot.waitUntil(lambda: len(shown) == 4, timeout=5000)

    assert [v.item_id for v in shown] == payloads
    assert [v.kind for v in shown] == [VerdictKind.ACCEPTED, VerdictKind.ACCEPTED, VerdictKind.ALREADY_USED,
                                       VerdictKind.ACCEPTED]
    assert window.panel.verdict == shown[-1]


def test_no_dialog_ever_stands_between_two_scans(qtbot, window):
    for payload in (item_uuid(GA, 1), item_uuid(GA, 1), "junk", UNKNOWN_ITEM, item_uuid(DRINKS, 1)):
        scan(qtbot, window, payload)
        assert QApplication.activeModalWidget() is None
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def test_scans_are_decided_off_the_ui_thread(qtbot, window, demo_replica):
    threads: list[int] = []

    def clock() -> float:
        threads.append(threading.get_ident())
        return time.time()

    window.station = Station(demo_replica, window.station.rules, clock=clock)
    scan(qtbot, window, item_uuid(GA, 1))

    assert threads and threading.main_thread().ident not in threads


def test_the_window_keeps_responding_while_the_database_is_busy(qtbot, window, demo_replica):
    ticks = []
    timer_id = window.startTimer(20)
    window.timerEvent = lambda _event: ticks.append(1)  # counts UI-thread turns
    shown: list[Verdict] = []
    window.verdict_shown.connect(lambda verdict, _latency: shown.append(verdict))

    with write_transaction(demo_replica):  # another writer holds the lock, as the sync engine may
        window.on_payload(item_uuid(GA, 1))
        qtbot.wait(300)
        assert not shown
        assert len(ticks) >= 5  # the UI thread kept running while the redeem waited
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    window.killTimer(timer_id)

    assert shown[0].kind is VerdictKind.ACCEPTED


def test_the_time_from_capture_to_screen_is_reported(qtbot, window):
    with qtbot.waitSignal(window.verdict_shown) as shown:
        window.on_payload(item_uuid(GA, 1), time.perf_counter())

    _verdict, latency = shown.args
    assert 0 <= latency < 1.0


def test_undo_gives_the_use_back(qtbot, window, demo_replica):
    scan(qtbot, window, item_uuid(GA, 1))
    assert counts_for(demo_replica, "General Admission").checked_in == 1
    assert window.panel.undo_button.isVisible()

    window.panel.undo_button.click()
    qtbot.waitUntil(lambda: window.panel.state == "undo", timeout=5000)

    assert window.panel.headline.text() == "UNDONE"
    assert window.panel.detail.text() == UNDONE_DETAIL
    assert window.panel.background == TONE_LOOK[Tone.UNDONE].background != NEUTRAL_PANEL  # not the idle grey
    assert counts_for(demo_replica, "General Admission").checked_in == 0
    assert scan(qtbot, window, item_uuid(GA, 1)).kind is VerdictKind.ACCEPTED


def test_the_undo_button_goes_away_when_the_use_is_about_to_be_sent(qtbot, make_window):
    window = make_window(door_settings(verdict_seconds=5))
    window.station.hold_for_undo_s = 1.0

    scan(qtbot, window, item_uuid(GA, 1))
    assert window.panel.undo_button.isVisible()

    qtbot.waitUntil(lambda: not window.panel.undo_button.isVisible(), timeout=3000)
    assert window.panel.state == "verdict"  # the verdict itself stays for its seconds


def test_a_station_that_sends_at_once_offers_no_undo(qtbot, window):
    window.station.hold_for_undo_s = 0.0

    scan(qtbot, window, item_uuid(GA, 1))

    assert not window.panel.undo_button.isVisible()


def test_undo_is_offered_only_for_an_accepted_scan(qtbot, window):
    scan(qtbot, window, item_uuid(GA, 1))
    assert window.panel.undo_button.isVisible()

    scan(qtbot, window, item_uuid(GA, 1))

    assert not window.panel.undo_button.isVisible()


def test_undo_after_the_scan_was_sent_says_it_is_too_late(qtbot, window, demo_replica):
    from sqlalchemy import update

    from app.store.replica import outbox

    verdict = scan(qtbot, window, item_uuid(GA, 1))
    with write_transaction(demo_replica) as conn:  # the sync engine took it (what its upload does first)
        conn.execute(update(outbox).where(outbox.c.scan_id == verdict.scan_id).values(state="IN_FLIGHT"))

    window.panel.undo_button.click()
    qtbot.waitUntil(lambda: window.panel.state == "undo", timeout=5000)

    assert window.panel.headline.text() == "CANNOT UNDO"
    assert "too late" in window.panel.detail.text().lower()
    assert counts_for(demo_replica, "General Admission").checked_in == 1


def test_the_name_of_the_holder_is_the_one_in_the_replica(qtbot, window):
    owner = item_owner(GA, 9)

    scan(qtbot, window, item_uuid(GA, 9))

    assert window.panel.holder.text() == f"{owner.first_name} {owner.last_name}"


def test_garbage_is_collected_on_the_ui_thread_only_while_the_window_lives(make_window):
    import gc

    window = make_window()
    assert not gc.isenabled()  # a worker thread never runs the collector over Qt objects

    window.shutdown()

    assert gc.isenabled()
