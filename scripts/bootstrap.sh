#!/usr/bin/env bash
# Installs what twofront needs on a Debian machine with Python 3.11:
#   scripts/bootstrap.sh run    -> virtualenv, Python packages, front-end libraries, translations
#   scripts/bootstrap.sh test   -> the same, plus test packages and Debian's chromium, CJK fonts, poppler
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV="${VENV:-.venv}"

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# WeasyPrint (daily briefing PDFs) needs Pango and HarfBuzz; the briefings are set in Noto Sans CJK.
apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
if [ "$mode" = "test" ]; then
  apt_install chromium fonts-noto-cjk poppler-utils
fi

stamp="$VENV/.installed-$mode"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  extra=""
  [ "$mode" = "test" ] && extra="[test]"
  "$VENV/bin/pip" install -q --disable-pip-version-check -e ".$extra"
  touch "$stamp"
fi

"$VENV/bin/python" scripts/vendor.py
"$VENV/bin/python" scripts/compilemessages.py
