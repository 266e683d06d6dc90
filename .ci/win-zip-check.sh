#!/usr/bin/env bash
# Test of the Windows release zip (run by .ci/dist-windows.sh; needs Wine, so not part of
# `make test`): none of the Wine set-up's stand-in system DLLs is inside; a clerk's Chinese
# Windows (Wine prefix of .ci/win-env.sh) unpacks it into a folder with Chinese and spaces;
# the unpacked exe passes --smoke (offscreen and with Qt's windows platform plugin);
# portable-mode.cmd switches portable mode on (data beside the exe) and off.
#
#   WORK=~/.cache/carbon-peak-winsmoke bash .ci/win-zip-check.sh ZIP [SRC]
set -euo pipefail

ZIP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "${2:-$PWD}" && pwd)
WORK=${WORK:?set WORK to the win-smoke.sh work folder}
PY=${LINUX_PY:-$SRC/.venv/bin/python}
# shellcheck source=.ci/win-env.sh
. "$SRC/.ci/win-env.sh"
clerk_prefix
LOG="$WORK/zip-check.log"; : > "$LOG"
say() { echo "[$1] $2" | tee -a "$LOG"; }
ok() { if "$@" >/dev/null 2>&1; then echo 通过; else echo 失败; fi; }

echo; echo "=== Test of $(basename "$ZIP")"
for dll in icuuc.dll bcryptprimitives.dll ucrtbase.dll ucrtwine.dll icudt78 icuin78 icuuc78; do
  if "$PY" -m zipfile -l "$ZIP" | awk '{print $1}' | grep -qi "/$dll"; then
    say 失败 "压缩包中有系统 DLL 替身 $dll"
  else
    say 通过 "压缩包中没有 $dll"
  fi
done
PROBLEMS=$(cd "$SRC" && "$PY" -c "import sys; from release.windows_zip import check_zip; print('；'.join(check_zip(sys.argv[1])))" "$ZIP")
if [ -z "$PROBLEMS" ]; then say 通过 "压缩包结构（一个文件夹、exe、README.txt、portable-mode.cmd）"; else say 失败 "$PROBLEMS"; fi

DEST_UNIX="$CLERK_HOME_UNIX/下载/碳达峰 发布"
DEST="$CLERK_HOME\\下载\\碳达峰 发布"
rm -rf "$DEST_UNIX"; mkdir -p "$DEST_UNIX"
cp "$ZIP" "$DEST_UNIX/"
# unpacked on the clerk's PC by the Windows Python's zipfile (as an unzip tool would)
clerk_wine "$VPY" -m zipfile -e "$DEST\\$(basename "$ZIP")" "$DEST" | tail -3
APP="$DEST\\ZhushanCarbonPeak"
APP_UNIX="$DEST_UNIX/ZhushanCarbonPeak"
say "$(ok test -f "$APP_UNIX/ZhushanCarbonPeak.exe")" "解压到 $APP"

clerk_wine "$APP\\ZhushanCarbonPeak.exe" --smoke > "$WORK/zip-smoke.log"
cat "$WORK/zip-smoke.log"
say "$(ok grep -q "自检通过。" "$WORK/zip-smoke.log")" "解压后的程序 --smoke（offscreen）"
WINEQT_QPA_PLATFORM=windows clerk_wine_gui "$APP\\ZhushanCarbonPeak.exe" --smoke > "$WORK/zip-smoke-windows.log"
grep "平台\|自检" "$WORK/zip-smoke-windows.log" || true
say "$(ok grep -q "平台 windows" "$WORK/zip-smoke-windows.log")" "解压后的程序 --smoke（Qt windows 平台插件，Xvfb）"
say "$(ok grep -q "自检通过。" "$WORK/zip-smoke-windows.log")" "（windows 平台插件）自检通过"

# the portable-mode switch: cmd reads the .cmd in the console's code page (936)
# (its messages come out in code page 936, as a Chinese cmd window shows them)
clerk_wine cmd /c "$APP\\portable-mode.cmd" | iconv -f gbk -t utf-8 > "$WORK/zip-portable-on.log" || true
head -2 "$WORK/zip-portable-on.log"
say "$(ok test -f "$APP_UNIX/portable.txt")" "portable-mode.cmd 打开便携模式（建立 portable.txt）"
say "$(ok grep -q "已打开便携模式。" "$WORK/zip-portable-on.log")" "portable-mode.cmd 的中文提示可读（代码页 936）"
clerk_wine "$APP\\ZhushanCarbonPeak.exe" user add --username 王五 --role admin --password Wang-wu-2026
say "$(ok test -f "$APP_UNIX/data/zhushan.db")" "便携模式下数据库在程序文件夹的 data 中"
clerk_wine cmd /c "$APP\\portable-mode.cmd" | iconv -f gbk -t utf-8 > "$WORK/zip-portable-off.log" || true
head -1 "$WORK/zip-portable-off.log"
say "$(ok test ! -e "$APP_UNIX/portable.txt")" "再运行一次 portable-mode.cmd 关闭便携模式"
say "$(ok test -f "$APP_UNIX/data/zhushan.db")" "关闭便携模式后 data 中的数据仍在"

if grep -q "^\[失败\]" "$LOG"; then echo "=== zip test FAILED"; exit 1; fi
echo "=== zip test passed"
