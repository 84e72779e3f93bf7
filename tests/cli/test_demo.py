"""`usher demo` with no display: the scripted round, printed and screenshotted, as `make demo` runs it."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from app.cli.demo import default_screens_dir
from app.domain.presentation import TONE_LOOK, Tone

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ["ACCEPTED", "ALREADY_USED", "ACCEPTED", "ACCEPTED", "ACCEPTED", "ALREADY_USED", "WRONG_STATION",
            "ACCEPTED", "PRODUCT_INACTIVE", "NOT_FOUND", "INVALID_CODE", "ACCEPTED", "ACCEPTED"]
LINE = re.compile(r"^(?P<verdict>[A-Z_]+)\s+(?P<ms>\d+\.\d) ms\s+(?P<station>Door 1|Bar 1)\s+(?P<note>.+)$")


def test_the_headless_demo_plays_the_whole_round_prints_each_verdict_and_saves_screenshots(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["USHER_CONFIG_DIR"] = str(tmp_path / "config")
    result = subprocess.run([sys.executable, "-m", "app.cli.main", "demo", "--out", str(tmp_path / "shots")],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    scans = [m for line in result.stdout.splitlines() if (m := LINE.match(line))]
    assert [m["verdict"] for m in scans] == EXPECTED
    assert [m["station"] for m in scans][2:6] == ["Bar 1"] * 4
    assert all(float(m["ms"]) < 1000 for m in scans)
    assert "-- network cut" in result.stdout and "queue drained; Online — all scans synced." in result.stdout
    shots = sorted((tmp_path / "shots").glob("*.png"))
    assert [s.name.split("-", 1)[1] for s in shots[:-1]] == [f"{v.lower()}.png" for v in EXPECTED]
    assert shots[-1].name.endswith("back-online.png")
    with Image.open(shots[0]) as first:
        assert first.size == (1280, 800)
        valid = TONE_LOOK[Tone.VALID].background
        assert first.getpixel((640, 400))[:3] == tuple(int(valid[i:i + 2], 16) for i in (1, 3, 5))  # fills the window
    assert "box office: the printed ticket scanned at Door 1: ACCEPTED — General Admission, Grace Hopper" in result.stdout
    assert (tmp_path / "shots" / "walk-up-ticket.pdf").read_bytes().startswith(b"%PDF")  # the box office's ticket
    assert "Traceback" not in result.stderr


def test_the_demos_screenshots_go_to_a_temporary_folder_never_into_the_clone():
    folder = default_screens_dir()
    assert folder.is_relative_to(Path(tempfile.gettempdir()))
    assert not folder.is_relative_to(ROOT)


def test_the_windowed_demos_menu_sells_prints_and_admits_a_walk_up_guest(qtbot, tmp_path, capsys, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMainWindow

    from app.cli.demo import run_window

    app = QApplication.instance()

    def sell_instead_of_running() -> int:  # the window is up: choose the menu item, as a person would
        window = next(w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible())
        actions = {a.text(): a for menu in window.menuBar().actions() for a in menu.menu().actions()}
        actions["Sell a walk-up ticket, print it and scan it at the door"].trigger()  # the round runs to its end
        window.close()
        return 0

    # Not app.exec() and app.quit(): a quit in a test's process would end the event loops of the tests after it.
    monkeypatch.setattr(app, "exec", sell_instead_of_running)
    assert run_window(tmp_path, quit_after_s=None) == 0
    printed = capsys.readouterr().out
    assert "box office: the printed ticket scanned at Door 1: ACCEPTED — General Admission" in printed
    assert (tmp_path / "walk-up-ticket.pdf").read_bytes().startswith(b"%PDF")
