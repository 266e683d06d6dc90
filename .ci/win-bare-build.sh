#!/usr/bin/env bash
# The start-up baseline for bench/bench_startup_windows.py: bench/_bare_window.py (a bare
# PySide6 window) frozen under Wine with bench/_bare_window.spec, the same way build.spec
# freezes the program, into $WORK/bare/dist/BareWindow. Rebuilt only when its inputs change.
#
#   WORK=~/.cache/carbon-peak-winsmoke bash .ci/win-bare-build.sh [SRC]
set -euo pipefail

SRC=$(cd "${1:-$PWD}" && pwd)
WORK=${WORK:?set WORK to the win-smoke.sh work folder}
# shellcheck source=.ci/win-env.sh
. "$SRC/.ci/win-env.sh"
export WINEPREFIX="$WORK/prefix"
OUT="$WORK/bare"
STAMP=$(cd "$SRC" && cat bench/_bare_window.py bench/_bare_window.spec build.spec \
        requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
if [ -f "$OUT/dist/BareWindow/BareWindow.exe" ] && [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$STAMP" ]; then
  echo "baseline up to date: $OUT/dist/BareWindow"
  exit 0
fi
rm -rf "$OUT"; mkdir -p "$OUT/src"
tar -C "$SRC" -cf - bench/_bare_window.py bench/_bare_window.spec build.spec | tar -C "$OUT/src" -xf -
(cd "$OUT/src" && wine "$VPY" -m PyInstaller --noconfirm --log-level WARN \
   --distpath "$(winpath "$OUT/dist")" --workpath "$(winpath "$OUT/build")" bench/_bare_window.spec </dev/null 2>&1 \
   | grep -v "api-ms-win-" | cat)
[ -f "$OUT/dist/BareWindow/BareWindow.exe" ]
echo "$STAMP" > "$OUT/.stamp"
du -sh "$OUT/dist/BareWindow"
