from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.scan.wedge import KeyboardWedge

# Generous margins so a busy machine cannot turn a scan into typing or the reverse.
SCAN_KEY_DELAY_MS = 0  # keyClicks without delay: all keys in one go, as a scanner's burst
HUMAN_KEY_DELAY_MS = 150
MAX_KEY_INTERVAL_MS = 60
END_SILENCE_MS = 120

TICKET = "3f2a4c1e-8b7d-4e2a-9c1f-123456789abc"


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    layout = QVBoxLayout(widget)
    widget.line_edit = QLineEdit()
    widget.other_edit = QLineEdit()
    widget.button = QPushButton("Redeem")
    for child in (widget.line_edit, widget.other_edit, widget.button):
        layout.addWidget(child)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def wedge(qapp):
    wedge = KeyboardWedge(max_key_interval_ms=MAX_KEY_INTERVAL_MS, end_silence_ms=END_SILENCE_MS, min_length=4)
    wedge.install(qapp)
    yield wedge
    wedge.uninstall(qapp)


def scan(widget, text: str, *, enter: bool = True) -> None:
    QTest.keyClicks(widget, text, Qt.KeyboardModifier.NoModifier, SCAN_KEY_DELAY_MS)
    if enter:
        QTest.keyClick(widget, Qt.Key.Key_Return)


def test_a_scan_ending_with_enter_is_emitted_and_does_not_reach_the_focused_line_edit(qtbot, window, wedge):
    window.line_edit.setFocus()
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as signal:
        scan(window.line_edit, TICKET)
    assert signal.args == [TICKET]
    qtbot.wait(END_SILENCE_MS * 2)
    assert window.line_edit.text() == ""


def test_a_scan_without_enter_is_emitted_after_a_short_silence(qtbot, window, wedge):
    window.line_edit.setFocus()
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as signal:
        scan(window.line_edit, TICKET, enter=False)
    assert signal.args == [TICKET]
    assert window.line_edit.text() == ""


def test_slow_human_typing_reaches_the_line_edit_untouched_and_is_not_a_scan(qtbot, window, wedge):
    window.line_edit.setFocus()
    with qtbot.assertNotEmitted(wedge.scanned, wait=END_SILENCE_MS * 2):
        QTest.keyClicks(window.line_edit, "Jane Doe", Qt.KeyboardModifier.NoModifier, HUMAN_KEY_DELAY_MS)
        qtbot.waitUntil(lambda: window.line_edit.text() == "Jane Doe", timeout=2000)


def test_enter_typed_by_a_human_reaches_the_line_edit(qtbot, window, wedge):
    window.line_edit.setFocus()
    QTest.keyClicks(window.line_edit, "ab", Qt.KeyboardModifier.NoModifier, HUMAN_KEY_DELAY_MS)
    qtbot.waitUntil(lambda: window.line_edit.text() == "ab", timeout=2000)
    with qtbot.waitSignal(window.line_edit.returnPressed, timeout=2000), qtbot.assertNotEmitted(wedge.scanned):
        QTest.keyClick(window.line_edit, Qt.Key.Key_Return)


def test_a_few_fast_keys_below_the_minimum_length_are_typing_and_reach_the_line_edit(qtbot, window, wedge):
    window.line_edit.setFocus()
    with qtbot.assertNotEmitted(wedge.scanned, wait=END_SILENCE_MS * 2):
        QTest.keyClicks(window.line_edit, "ok", Qt.KeyboardModifier.NoModifier, SCAN_KEY_DELAY_MS)
        qtbot.waitUntil(lambda: window.line_edit.text() == "ok", timeout=2000)


def test_a_scan_is_captured_whatever_widget_has_focus_and_its_enter_does_not_click_a_button(qtbot, window, wedge):
    window.button.setFocus()
    clicks = []
    window.button.clicked.connect(lambda: clicks.append(True))
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as signal:
        scan(window.button, TICKET)
    assert signal.args == [TICKET]
    assert clicks == []


def test_two_scans_in_a_row_are_two_signals(qtbot, window, wedge):
    window.other_edit.setFocus()
    received = []
    wedge.scanned.connect(received.append)
    scan(window.other_edit, "VOUCHER-0001")
    scan(window.other_edit, "VOUCHER-0002")
    qtbot.waitUntil(lambda: len(received) == 2, timeout=2000)
    assert received == ["VOUCHER-0001", "VOUCHER-0002"]
    assert window.other_edit.text() == ""


def test_a_scan_keeps_upper_case_and_punctuation_exactly(qtbot, window, wedge):
    window.line_edit.setFocus()
    payload = '{"product_item_id": "AB-12/x?y=1"}'
    with qtbot.waitSignal(wedge.scanned, timeout=2000) as signal:
        scan(window.line_edit, payload)
    assert signal.args == [payload]


def test_keyboard_shortcuts_pass_through_untouched(qtbot, window, wedge):
    window.line_edit.setFocus()
    window.line_edit.setText("select me")
    QTest.keyClick(window.line_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.line_edit.selectedText() == "select me"


def test_after_uninstalling_keys_go_straight_to_the_widget(qtbot, qapp, window):
    wedge = KeyboardWedge()
    wedge.install(qapp)
    wedge.uninstall(qapp)
    window.line_edit.setFocus()
    QTest.keyClicks(window.line_edit, TICKET)
    assert window.line_edit.text() == TICKET


def test_inconsistent_timings_are_refused():
    with pytest.raises(ValueError):
        KeyboardWedge(max_key_interval_ms=100, end_silence_ms=50)
