"""Where the UI's resources live, and the look every window shares (resources/style.qss)."""
from __future__ import annotations

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
SOUNDS_DIR = RESOURCES_DIR / "sounds"
ICONS_DIR = RESOURCES_DIR / "icons"
STYLE_PATH = RESOURCES_DIR / "style.qss"

# Chrome colours the code needs besides the stylesheet (painted widgets, the idle and undone panels).
CHROME_BACKGROUND = "#15171C"
CHROME_SURFACE = "#20232A"
CHROME_TEXT = "#ECEEF2"
CHROME_MUTED = "#9AA1AD"
NEUTRAL_PANEL = "#2B2F37"  # the verdict panel when it shows no verdict colour (idle, undone)

# Status badge colours (background, text), each pair at least 7:1, none of them a verdict's colour: a badge
# above a verdict must not read as a second verdict. Paused shares the lilac of "a manager decides".
BADGE_COLOURS = {
    "online": ("#0F5C45", "#FFFFFF"),  # dark green
    "offline": ("#F0E442", "#111111"),  # Okabe-Ito yellow
    "paused": ("#C189D3", "#111111"),  # lilac: a manager must fix the key
    "not_configured": ("#4A505B", "#FFFFFF"),  # grey
}


def stylesheet() -> str:
    """The application stylesheet; '' when it is missing (the UI still works, only plainer).
    Icon URLs in it are relative to resources/ and made absolute here (Qt resolves them from the
    working directory otherwise)."""
    try:
        text = STYLE_PATH.read_text(encoding="utf-8")
    except OSError:
        return ""
    return text.replace("url(icons/", f"url({ICONS_DIR.as_posix()}/")
