#!/usr/bin/env bash
# Screenshots of the program at Windows display scaling 100 %, 125 % and 150 % (Wine's
# LogPixels 96/120/144) with Qt's "windows" platform plugin on Xvfb, on the clerk's Chinese
# Windows of .ci/win-env.sh; .ci/win/shots.py shows every page, checks that no page's layout
# is cut and opens the print preview and print dialogs. PNGs go to SHOTS (not the repo).
#
#   WORK=~/.cache/carbon-peak-winsmoke SHOTS=~/.cache/carbon-peak-winshots bash .ci/win-shots.sh [SRC]
set -euo pipefail

SRC=$(cd "${1:-$PWD}" && pwd)
WORK=${WORK:?set WORK to the win-smoke.sh work folder}
SHOTS=${SHOTS:-$HOME/.cache/carbon-peak-winshots}
PY=${LINUX_PY:-$SRC/.venv/bin/python}
# shellcheck source=.ci/win-env.sh
. "$SRC/.ci/win-env.sh"
clerk_prefix
mkdir -p "$SHOTS"
rm -f "$SHOTS"/dpi*.png
DB_UNIX="$CLERK_PREFIX/drive_c/shots/示例 数据.db"
if [ ! -f "$DB_UNIX" ]; then
  mkdir -p "$(dirname "$DB_UNIX")"
  (cd "$SRC" && "$PY" -c "import sys; from pathlib import Path; sys.path.insert(0, 'bench'); \
from _common import make_demo_db; print(make_demo_db(Path(sys.argv[1]), '2026-10'))" "$DB_UNIX")
fi
STATUS=0
for spec in "96 100" "120 125" "144 150"; do
  set -- $spec
  LOGPIXELS=$1; PCT=$2
  clerk_wine reg add "HKCU\\Control Panel\\Desktop" /v LogPixels /t REG_DWORD /d "$LOGPIXELS" /f >/dev/null
  clerk_wine reg add "HKCU\\Software\\Wine\\Fonts" /v LogPixels /t REG_DWORD /d "$LOGPIXELS" /f >/dev/null
  LOCPATH="$ZH_LOCALE" WINEPREFIX="$CLERK_PREFIX" wineserver -k 2>/dev/null || true   # the new DPI at the next start
  echo "=== ${PCT} % (LogPixels $LOGPIXELS), screen ${SCREEN:-1920x1080}"
  XVFB_SCREEN="-screen 0 ${SCREEN:-1920x1080}x24" PYTHONDONTWRITEBYTECODE=1 WINEQT_QPA_PLATFORM=windows \
    clerk_wine_gui "$VPY" "$(winpath "$SRC/.ci/win/shots.py")" "$(winpath "$SHOTS")" \
    "$(winpath "$DB_UNIX")" "dpi${PCT}" | tee "$WORK/shots-$PCT.log" || true
  grep -q "^\[失败\]" "$WORK/shots-$PCT.log" && STATUS=1
  grep -q "^\[通过\]" "$WORK/shots-$PCT.log" || STATUS=1
done
clerk_wine reg add "HKCU\\Control Panel\\Desktop" /v LogPixels /t REG_DWORD /d 96 /f >/dev/null
clerk_wine reg add "HKCU\\Software\\Wine\\Fonts" /v LogPixels /t REG_DWORD /d 96 /f >/dev/null
ls "$SHOTS"
exit $STATUS
