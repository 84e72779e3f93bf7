"""The screenshots for the README: every screen rendered at the kiosk's size, with no secret in them."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from ui_helpers import widget_texts

from app.secrets import mask
from app.ui.verdict_panel import HEADLINE_MIN_PT
from tools.screenshots import SCREENSHOT_PIN, render_all

KNOWN_KEY = "sk_live_screenshot_canary_5150"
VERDICT_SHOTS = {
    "verdict-accepted-ticket", "verdict-accepted-voucher", "verdict-already-used", "verdict-not-found",
    "verdict-wrong-station", "verdict-product-inactive", "verdict-invalid-code", "verdict-unknown-offline",
    "verdict-error",
}
STRIP_SHOTS = {"strip-online", "strip-offline", "strip-paused", "strip-not-configured"}


def test_every_screen_is_rendered_at_1280_by_800_without_secrets(qtbot, tmp_path):
    seen: dict[str, list[str]] = {}

    def inspect(name, window) -> None:  # type: ignore[no-untyped-def]
        seen[name] = widget_texts(window)
        assert window.pin_page.field.displayText() in ("", "●" * len(window.pin_page.field.text()))

    written = render_all(tmp_path, api_key=KNOWN_KEY, on_rendered=inspect)

    names = {path.stem for path in written}
    assert VERDICT_SHOTS | STRIP_SHOTS | {"setup", "manager", "search", "pin", "verdict-undone", "overlay-on-search",
                                          "camera-not-working"} <= names
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1280, 800), path.name
    for name, texts in seen.items():
        assert not [t for t in texts if KNOWN_KEY in t], name
        assert not [t for t in texts if SCREENSHOT_PIN in t], name
    assert any(mask(KNOWN_KEY) in t for t in seen["setup"])


def test_the_verdict_screens_show_realistic_content(qtbot, tmp_path):
    shown: dict[str, tuple[str, str, str, str]] = {}

    def inspect(name, window) -> None:  # type: ignore[no-untyped-def]
        panel = window.overlay if window.overlay.isVisible() else window.panel
        shown[name] = (panel.headline.text(), panel.product.text(), panel.holder.text(), panel.detail.text())

    render_all(tmp_path, on_rendered=inspect)

    assert shown["verdict-accepted-ticket"] == ("VALID", "General Admission", "Ada Lovelace", "Let them in")
    assert shown["verdict-accepted-voucher"][3] == "Serve it — 2 of 3 drinks left"
    assert shown["verdict-already-used"][3] == "Do not let in · first used 20:41 at Door 2"
    assert shown["verdict-undone"][0] == "UNDONE"
    assert shown["strip-online"][0] == "Ready — show your ticket"
    assert shown["camera-not-working"][0] == "Camera not working"
    assert shown["overlay-on-search"][:2] == ("VALID", "VIP")  # over the search page, which stays open


@pytest.mark.parametrize("size", [(1024, 600), (1920, 1080)])
def test_every_screen_fits_the_smallest_and_the_largest_kiosk_screen(qtbot, tmp_path, size):
    problems: list[str] = []

    def inspect(name, window) -> None:  # type: ignore[no-untyped-def]
        if (window.width(), window.height()) != size:
            problems.append(f"{name}: the window is {window.width()}×{window.height()}")
        frame = window.rect()
        for button in (window.search_button, window.manager_button):
            if not frame.contains(button.geometry().translated(button.parentWidget().mapTo(window, QPoint(0, 0)))):
                problems.append(f"{name}: {button.text()} is cut off")
        for shown in (window.panel, window.overlay):
            if shown.isVisible() and shown.headline.font().pointSizeF() < HEADLINE_MIN_PT:
                problems.append(f"{name}: headline below {HEADLINE_MIN_PT} pt")
            for label in (shown.product, shown.holder, shown.detail):
                if shown.isVisible() and label.text() and label.height() < label.heightForWidth(label.width()):
                    problems.append(f"{name}: {label.objectName()} is cut off")
        prompt = window.pin_page.prompt
        if prompt.isVisible() and prompt.height() < prompt.heightForWidth(prompt.width()):
            problems.append(f"{name}: the PIN prompt is cut off")

    written = render_all(tmp_path, on_rendered=inspect, size=size)

    assert problems == []
    assert {QImage(str(path)).size().toTuple() for path in written} == {size}

