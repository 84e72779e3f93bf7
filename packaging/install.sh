#!/usr/bin/env bash
# Installs Usher for the current user on a Debian/Ubuntu kiosk: system packages, a private virtual
# environment and a desktop entry. With --autostart, a user service starts the locked kiosk at every
# desktop login; with --cage, the locked kiosk runs alone in the cage compositor on tty1, with no desktop
# at all (the standard way to lock a Linux kiosk; needs sudo). Both ask for the manager PIN first. With
# --pin-guard, the PINs are kept by a system service this user cannot read (docs/security.md; needs sudo).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${XDG_DATA_HOME:-$HOME/.local/share}/usher/venv"

bash "$here/scripts/ensure-system-packages.sh"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
# Editable: the stylesheet, sounds and demo data are read from this clone's resources/, which a wheel does not
# carry (a plain install starts an unstyled, silent kiosk). Keep the clone where it is; update with git pull.
"$venv/bin/pip" install -q -e "$here"
install -Dm644 "$here/packaging/usher.desktop" "${XDG_DATA_HOME:-$HOME/.local/share}/applications/usher.desktop"

ask_for_pin() {  # a locked kiosk refuses to start without a manager PIN
  if ! grep -q '"pin_hash": "scrypt\|"pin_guard": "/' "${USHER_CONFIG_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/usher}/settings.json" 2>/dev/null; then
    echo "Choose the manager PIN (it guards guests' data, settings and leaving the kiosk):"
    "$venv/bin/usher" pin set
  fi
}

case "${1:-}" in
  --autostart)
    ask_for_pin
    install -Dm644 "$here/packaging/usher-kiosk.service" "$HOME/.config/systemd/user/usher-kiosk.service"
    systemctl --user daemon-reload
    systemctl --user enable usher-kiosk.service
    echo "The kiosk starts, locked, at the next graphical login."
    ;;
  --pin-guard)
    # The PINs' hashes and wrong tries kept by a service of their own, out of this user's reach.
    sudo python3 -m venv /opt/usher/venv
    sudo /opt/usher/venv/bin/pip install -q "$here"   # a copy root owns (never editable: this user could change it)
    sudo install -m644 "$here/packaging/usher-pin-guard.service" /etc/systemd/system/usher-pin-guard.service
    sudo systemctl daemon-reload
    sudo systemctl enable --now usher-pin-guard.service
    echo "Choose the manager PIN, kept by the PIN guard:"
    sudo /opt/usher/venv/bin/usher pin-guard set
    "$venv/bin/usher" pin-guard use
    echo "For a steward PIN too: sudo /opt/usher/venv/bin/usher pin-guard set --steward"
    ;;
  --cage)
    ask_for_pin
    # Qt's Wayland plugin needs libwayland-cursor0, which cage does not bring (measured: without it the kiosk
    # does not start under cage, "Could not load the Qt platform plugin wayland").
    sudo apt-get install -y cage libwayland-client0 libwayland-cursor0 libwayland-egl1
    sudo install -m644 "$here/packaging/usher-cage@.service" /etc/systemd/system/usher-cage@.service
    sudo systemctl daemon-reload
    sudo systemctl disable getty@tty1.service
    sudo systemctl enable "usher-cage@$(id -un).service"
    echo "At the next boot tty1 shows the locked kiosk alone (cage); no desktop session is needed."
    ;;
esac
echo "Installed: $venv/bin/usher"
