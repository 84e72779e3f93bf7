"""The screenshots for the README: every screen rendered at the kiosk's size, with no secret in them."""
from __future__ import annotations

from PySide6.QtGui import QImage
from ui_helpers import widget_texts

from app.secrets import mask
from app.ui.screenshots import SCREENSHOT_PIN, render_all

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
    assert VERDICT_SHOTS | STRIP_SHOTS | {"setup", "manager", "search", "pin", "verdict-undone"} <= names
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
        panel = window.panel
        shown[name] = (panel.headline.text(), panel.product.text(), panel.holder.text(), panel.detail.text())

    render_all(tmp_path, on_rendered=inspect)

    assert shown["verdict-accepted-ticket"] == ("VALID", "General Admission", "Ada Lovelace", "Welcome in")
    assert shown["verdict-accepted-voucher"][3] == "2 of 3 drinks left"
    assert shown["verdict-already-used"][3] == "First used 20:41 at Door 2"
    assert shown["verdict-undone"][0] == "UNDONE"
    assert shown["strip-online"][0] == "Ready — show your ticket"
