#!/usr/bin/env bash
# Installs Usher for the current user on a Debian/Ubuntu kiosk: system packages, a private virtual
# environment, a desktop entry, and (with --autostart) a user service that starts the locked kiosk at login.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${XDG_DATA_HOME:-$HOME/.local/share}/usher/venv"

bash "$here/scripts/ensure-system-packages.sh"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q "$here"
install -Dm644 "$here/packaging/usher.desktop" "${XDG_DATA_HOME:-$HOME/.local/share}/applications/usher.desktop"
if [[ "${1:-}" == "--autostart" ]]; then
  install -Dm644 "$here/packaging/usher-kiosk.service" "$HOME/.config/systemd/user/usher-kiosk.service"
  systemctl --user daemon-reload
  systemctl --user enable usher-kiosk.service
  echo "The kiosk starts, locked, at the next graphical login."
fi
echo "Installed: $venv/bin/usher"
