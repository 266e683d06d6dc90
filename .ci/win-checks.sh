#!/usr/bin/env bash
# Windows checks beyond ../shared/tools/win-smoke.sh, on the build it leaves in $WORK/p/dist
# (run by `make windows-smoke` right after it). A second Wine prefix is set up as a clerk's
# Chinese Windows PC: code pages 936 (zh_CN), the user "张三 李" (C:\users\张三 李, a name
# with a space), the program copied to a folder with Chinese and spaces. Then .ci/win/checks.py
# (Windows Python) checks the cmd window (code page 936), Chinese arguments, a file held open
# by another program, and where the data goes (%APPDATA%, portable mode).
#
#   WORK=~/.cache/carbon-peak-winsmoke bash .ci/win-checks.sh [SRC]
#
# Same Wine quirks as win-smoke.sh: every wine command is piped (| cat); QT_* variables do not
# reach Windows programs (WINEQT_QPA_PLATFORM does).
set -euo pipefail

SRC=$(cd "${1:-$PWD}" && pwd)
WORK=${WORK:?set WORK to the win-smoke.sh work folder}
DIST="$WORK/p/dist/ZhushanCarbonPeak"
[ -f "$DIST/ZhushanCarbonPeak.exe" ] || { echo "no Windows build in $DIST: run win-smoke.sh first"; exit 2; }
T0=$(date +%s)
step() { echo; echo "=== [$(( $(date +%s) - T0 ))s] $*"; }

# shellcheck source=.ci/win-env.sh
. "$SRC/.ci/win-env.sh"
clerk_prefix

step "Program copied to $CLERK_APP"
rm -rf "$CLERK_APP_UNIX"; mkdir -p "$(dirname "$CLERK_APP_UNIX")"
cp -r "$DIST" "$CLERK_APP_UNIX"
cp "$SRC/.ci/win/checks.py" "$CLERK_HOME_UNIX/checks.py"

step "Checks on a Chinese Windows (cmd window with code page 936, held file, data folders)"
set +e
clerk_wine_gui "$VPY" "$CLERK_HOME\\checks.py" "$CLERK_APP\\ZhushanCarbonPeak.exe" "$CLERK_HOME\\检查" \
  | tee "$WORK/win-checks.log"
set -e

step "Windows fonts: stand-ins for msyh.ttc, simfang.ttf, simhei.ttf, simkai.ttf, simsun.ttc"
FONTS="$CLERK_PREFIX/drive_c/windows/Fonts"
SHIPPED="$SRC/resources/fonts"
cp "$SHIPPED/gkai00mp.ttf" "$FONTS/simfang.ttf"
cp "$SHIPPED/DroidSansFallbackFull.ttf" "$FONTS/simhei.ttf"
cp "$SHIPPED/gbsn00lp.ttf" "$FONTS/simkai.ttf"
cp "$SHIPPED/wqy-microhei.ttc" "$FONTS/simsun.ttc"
cp "$SHIPPED/DroidSansFallbackFull.ttf" "$FONTS/msyh.ttc"
EXE="$CLERK_APP\\ZhushanCarbonPeak.exe"
FDB="$CLERK_HOME\\检查\\字体 检查\\示例.db"
rm -rf "$CLERK_HOME_UNIX/检查/字体 检查"
clerk_wine "$EXE" --smoke | tee "$WORK/win-fonts.log"
if grep -q "字体 Droid Sans Fallback" "$WORK/win-fonts.log"; then
  echo "[通过] 界面字体取自 C:\\windows\\Fonts\\msyh.ttc（替身字体 Droid Sans Fallback）" | tee -a "$WORK/win-checks.log"
else
  echo "[失败] 界面字体未取自 msyh.ttc" | tee -a "$WORK/win-checks.log"
fi
clerk_wine "$EXE" --db "$FDB" demo --until 2024-02 --streets 1 >/dev/null
clerk_wine "$EXE" --db "$FDB" briefing --month 2024-02 -o "$CLERK_HOME\\检查\\字体 检查\\简报.pdf"
"${LINUX_PY:-$SRC/.venv/bin/python}" "$SRC/.ci/win/pdf_roles.py" "$CLERK_HOME_UNIX/检查/字体 检查/简报.pdf" \
  | tee -a "$WORK/win-checks.log" || true
rm -f "$FONTS/simfang.ttf" "$FONTS/simhei.ttf" "$FONTS/simkai.ttf" "$FONTS/simsun.ttc" "$FONTS/msyh.ttc"
if grep -q "^\[失败\]" "$WORK/win-checks.log" || ! grep -q "^\[通过\]" "$WORK/win-checks.log"; then
  step "Windows checks FAILED"; exit 1
fi
step "Windows checks passed"
