"""`usher kiosk`: the check-in window on this station's settings, camera and replica."""
from __future__ import annotations

import argparse
import sys

from app.config import Settings, config_dir, load_settings_or_explain, settings_path
from app.secrets import PIN_ATTEMPTS_FILE, PinAttempts, load_api_key


def _manager_pin_is_set(settings: Settings) -> bool:
    from app.pin_guard import pin_gate
    from app.pins import Role, settings_hashes

    hashes = settings_hashes(settings.pin_hash, settings.steward_pin_hash)
    return pin_gate(settings.pin_guard, lambda: hashes, PinAttempts(config_dir() / PIN_ATTEMPTS_FILE)).has(Role.MANAGER)


def _kiosk(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from app.cli.compose import build_kiosk, open_station_replica
    from app.scan.wedge import KeyboardWedge

    settings = load_settings_or_explain()
    if settings is None:
        return 2
    if args.locked and not _manager_pin_is_set(settings):
        # Locked with no PIN, the first person at the kiosk would choose one, and own it.
        how = "as root, `usher pin-guard set`" if settings.pin_guard else "`usher pin set`"
        print(f"A locked kiosk needs a manager PIN first: run {how}, then start again.", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(["usher"])
    replica = open_station_replica(settings.replica_url(args.db))
    kiosk = build_kiosk(replica, settings, load_api_key(settings.api.base_url), args.camera or settings.camera, settings_file=settings_path(),
                        first_run=not settings_path().exists(), locked=args.locked)
    kiosk.window.settings_changed.connect(lambda new: kiosk.replace_sync(new, load_api_key(new.api.base_url)))
    wedge = KeyboardWedge()
    wedge.install(app)
    kiosk.window.attach_keyboard_wedge(wedge)
    if not args.locked:
        kiosk.window.resize(1280, 800)
        kiosk.window.show()
    try:
        return app.exec()
    finally:
        wedge.uninstall(app)
        kiosk.close()


def register(subparsers: argparse._SubParsersAction) -> None:
    kiosk = subparsers.add_parser("kiosk", help="open the check-in window")
    kiosk.add_argument("--locked", action="store_true", help="start full screen and locked (leaving needs the PIN)")
    kiosk.add_argument("--camera", help="override the camera setting: a number, a device, a video file, a folder "
                                        "(default: the one in station setup; on first run the first camera found)")
    kiosk.set_defaults(func=_kiosk)
