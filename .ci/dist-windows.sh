#!/usr/bin/env bash
# `make dist-windows`, after ../shared/tools/win-smoke.sh has built and tested the Windows
# build under Wine ($WORK/p/dist/ZhushanCarbonPeak): the release zip
# dist/ZhushanCarbonPeak-<version>-win64.zip (release/windows_zip.py: one folder, README.txt for
# clerks, portable-mode.cmd), its size, then the zip's test on a clerk's Chinese Windows
# (.ci/win-zip-check.sh).
#
#   WORK=~/.cache/carbon-peak-winsmoke bash .ci/dist-windows.sh [SRC]
set -euo pipefail

SRC=$(cd "${1:-$PWD}" && pwd)
WORK=${WORK:?set WORK to the win-smoke.sh work folder}
PY=${LINUX_PY:-$SRC/.venv/bin/python}
DIST="$WORK/p/dist/ZhushanCarbonPeak"
[ -f "$DIST/ZhushanCarbonPeak.exe" ] || { echo "no Windows build in $DIST: run win-smoke.sh first"; exit 2; }

VERSION=$(cd "$SRC" && "$PY" -c "import main; print(main.__version__)")
echo; echo "=== Release zip of the Windows build $VERSION"
LINE=$(cd "$SRC" && "$PY" -m release.windows_zip "$DIST" "$SRC/dist" "$VERSION" win64)
ZIP=${LINE%%$'\t'*}
echo "$LINE"
bash "$SRC/.ci/win-zip-check.sh" "$ZIP" "$SRC"
echo; echo "=== dist-windows: $ZIP (${LINE#*$'\t'})"
