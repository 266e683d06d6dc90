# Sourced by the project's Wine scripts (.ci/win-checks.sh, dist-windows, bench): the Wine
# set-up of ../shared/tools/win-smoke.sh (same WORK folder) and a clerk's Chinese Windows PC.
# Needs WORK (the win-smoke.sh work folder) and SRC (the project folder).

export WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;ucrtbase=n,b"
VPY="Z:${WORK//\//\\}\\venv\\Scripts\\python.exe"   # the Windows Python with requirements-dev.txt

# The clerk's PC: its own Wine prefix, Chinese locale (a private compiled zh_CN.UTF-8, so
# the system's locales stay as they are), user "张三 李".
CLERK_PREFIX="$WORK/prefix-zh"
CLERK_USER="张三 李"
CLERK_HOME="C:\\users\\$CLERK_USER"
CLERK_HOME_UNIX="$CLERK_PREFIX/drive_c/users/$CLERK_USER"
CLERK_APP="$CLERK_HOME\\程序 文件\\碳达峰 调度\\ZhushanCarbonPeak"
CLERK_APP_UNIX="$CLERK_HOME_UNIX/程序 文件/碳达峰 调度/ZhushanCarbonPeak"
ZH_LOCALE="$WORK/locale"

winpath() { echo "Z:${1//\//\\}"; }
# Run a Windows program on the clerk's PC (std handles must be pipes under Wine).
clerk_wine() {
  LOCPATH="$ZH_LOCALE" LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 USER="$CLERK_USER" LOGNAME="$CLERK_USER" \
    WINEPREFIX="$CLERK_PREFIX" wine "$@" </dev/null 2>&1 | cat
}
# The same with a display (Xvfb), for windows and console windows. Afterwards the Wine session
# (its desktop process is tied to that display, which is gone) is ended, so that the next
# program starts a new one instead of waiting for the old display.
clerk_wine_gui() {
  LOCPATH="$ZH_LOCALE" LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 USER="$CLERK_USER" LOGNAME="$CLERK_USER" \
    WINEPREFIX="$CLERK_PREFIX" xvfb-run -a -s "${XVFB_SCREEN:--screen 0 1600x900x24}" wine "$@" </dev/null 2>&1 \
    | grep -v "^X connection to .* broken" | cat
  WINEPREFIX="$CLERK_PREFIX" wineserver -k 2>/dev/null || true
}

# Create the clerk's prefix once: wineboot, the stand-ins for the system DLLs Wine 8.0 lacks
# (copied from win-smoke.sh's prefix; system32 only, so PyInstaller never sees them), real
# folders instead of Wine's links to the Unix home.
clerk_prefix() {
  if [ ! -d "$ZH_LOCALE/zh_CN.UTF-8" ]; then
    mkdir -p "$ZH_LOCALE"
    localedef -i zh_CN -f UTF-8 "$ZH_LOCALE/zh_CN.UTF-8"
  fi
  if [ ! -f "$CLERK_PREFIX/.ready" ]; then
    rm -rf "$CLERK_PREFIX"
    clerk_wine wineboot -i >/dev/null
    local sys32="$CLERK_PREFIX/drive_c/windows/system32" main32="$WORK/prefix/drive_c/windows/system32"
    cp "$main32"/icuuc.dll "$main32"/bcryptprimitives.dll "$main32"/ucrtbase.dll "$main32"/ucrtwine.dll "$sys32/"
    cp "$WORK"/shims/icu/x/icu4py.libs/*.dll "$sys32/"
    # no window manager on Xvfb: unmanaged windows (else Wine waits 2 s for one on every hide)
    clerk_wine reg add "HKCU\\Software\\Wine\\X11 Driver" /v Managed /t REG_SZ /d N /f >/dev/null
    local d
    for d in "$CLERK_HOME_UNIX"/*; do
      if [ -L "$d" ]; then rm "$d"; mkdir "$d"; fi
    done
    touch "$CLERK_PREFIX/.ready"
  fi
}
