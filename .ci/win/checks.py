"""What a clerk meets on a Chinese Windows PC, checked on the built ZhushanCarbonPeak.exe.

Run by ``.ci/win-checks.sh`` with the Windows Python under Wine, in a Wine prefix set up
as a Chinese Windows (code pages 936, user "张三 李"):

    python checks.py EXE WORKDIR [check …]     checks: console held location

- console: a cmd window with code page 936 (a real console, read back from its screen
  buffer): ``--help`` and a usage error are readable and name ZhushanCarbonPeak.exe; a
  command with Chinese arguments (unit, paths with spaces) gets them intact. A control
  run that writes UTF-8 bytes past the console shows that the screen check can fail.
- held: a ledger open in another program (share mode of Excel: others may only read) is
  not replaced; the message asks to close it; the file is unchanged and no temporary file
  is left; after closing it the export works.
- location: without ``--db`` the database goes to %APPDATA%\\Zhushan\\ZhushanCarbonPeak;
  with portable.txt beside the exe it goes to the exe's data folder.

Prints one line per check ("[通过] …" or "[失败] …"); exit code 1 when any failed. The
console check needs a display (the console is a window): run under xvfb-run.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from ctypes import wintypes
from pathlib import Path

k32 = ctypes.WinDLL("kernel32", use_last_error=True)
FAILED: list[str] = []


def say(ok: bool, what: str, detail: str = "") -> None:
    line = f"[{'通过' if ok else '失败'}] {what}" + (f"：{detail}" if detail else "")
    print(line, flush=True)
    if not ok:
        FAILED.append(what)


# -- a real console ------------------------------------------------------------------------------

class COORD(ctypes.Structure):
    _fields_ = [("X", ctypes.c_short), ("Y", ctypes.c_short)]


class SMALL_RECT(ctypes.Structure):  # noqa: N801 - the Windows name
    _fields_ = [("Left", ctypes.c_short), ("Top", ctypes.c_short), ("Right", ctypes.c_short),
                ("Bottom", ctypes.c_short)]


class CSBI(ctypes.Structure):
    _fields_ = [("dwSize", COORD), ("dwCursorPosition", COORD), ("wAttributes", wintypes.WORD),
                ("srWindow", SMALL_RECT), ("dwMaximumWindowSize", COORD)]


class SECURITY_ATTRIBUTES(ctypes.Structure):  # noqa: N801
    _fields_ = [("nLength", wintypes.DWORD), ("lpSecurityDescriptor", ctypes.c_void_p),
                ("bInheritHandle", wintypes.BOOL)]


class STARTUPINFO(ctypes.Structure):
    _fields_ = [("cb", wintypes.DWORD), ("lpReserved", wintypes.LPWSTR), ("lpDesktop", wintypes.LPWSTR),
                ("lpTitle", wintypes.LPWSTR), ("dwX", wintypes.DWORD), ("dwY", wintypes.DWORD),
                ("dwXSize", wintypes.DWORD), ("dwYSize", wintypes.DWORD), ("dwXCountChars", wintypes.DWORD),
                ("dwYCountChars", wintypes.DWORD), ("dwFillAttribute", wintypes.DWORD),
                ("dwFlags", wintypes.DWORD), ("wShowWindow", wintypes.WORD), ("cbReserved2", wintypes.WORD),
                ("lpReserved2", ctypes.c_void_p), ("hStdInput", wintypes.HANDLE),
                ("hStdOutput", wintypes.HANDLE), ("hStdError", wintypes.HANDLE)]


class PROCESS_INFORMATION(ctypes.Structure):  # noqa: N801
    _fields_ = [("hProcess", wintypes.HANDLE), ("hThread", wintypes.HANDLE),
                ("dwProcessId", wintypes.DWORD), ("dwThreadId", wintypes.DWORD)]


k32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
                            wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
k32.CreateFileW.restype = wintypes.HANDLE
k32.CreateProcessW.argtypes = [wintypes.LPCWSTR, wintypes.LPWSTR, ctypes.c_void_p, ctypes.c_void_p,
                               wintypes.BOOL, wintypes.DWORD, ctypes.c_void_p, wintypes.LPCWSTR,
                               ctypes.POINTER(STARTUPINFO), ctypes.POINTER(PROCESS_INFORMATION)]
k32.ReadConsoleOutputCharacterW.argtypes = [wintypes.HANDLE, wintypes.LPWSTR, wintypes.DWORD, COORD,
                                            ctypes.POINTER(wintypes.DWORD)]
k32.FillConsoleOutputCharacterW.argtypes = [wintypes.HANDLE, wintypes.WCHAR, wintypes.DWORD, COORD,
                                            ctypes.POINTER(wintypes.DWORD)]
k32.SetConsoleScreenBufferSize.argtypes = [wintypes.HANDLE, COORD]
k32.SetConsoleCursorPosition.argtypes = [wintypes.HANDLE, COORD]
k32.GetConsoleScreenBufferInfo.argtypes = [wintypes.HANDLE, ctypes.POINTER(CSBI)]
k32.WaitForSingleObject.argtypes = [wintypes.HANDLE, wintypes.DWORD]
k32.GetExitCodeProcess.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
k32.CloseHandle.argtypes = [wintypes.HANDLE]

GENERIC_READ, GENERIC_WRITE = 0x80000000, 0x40000000
FILE_SHARE_READ, FILE_SHARE_WRITE = 1, 2
OPEN_EXISTING = 3
INVALID = wintypes.HANDLE(-1).value
WIDTH, HEIGHT = 200, 300


class Console:
    """A new console window with code page 936 (as cmd on a Chinese Windows); programs
    started in it write to its screen, which is read back as the user would see it."""

    def __init__(self, codepage: int = 936) -> None:
        k32.FreeConsole()
        if not k32.AllocConsole():
            raise OSError(ctypes.get_last_error(), "AllocConsole")
        k32.SetConsoleOutputCP(codepage)
        k32.SetConsoleCP(codepage)
        self.codepage = k32.GetConsoleOutputCP()
        sa = SECURITY_ATTRIBUTES(ctypes.sizeof(SECURITY_ATTRIBUTES), None, True)
        rw, share = GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE
        self.out = k32.CreateFileW("CONOUT$", rw, share, ctypes.byref(sa), OPEN_EXISTING, 0, None)
        self.inp = k32.CreateFileW("CONIN$", rw, share, ctypes.byref(sa), OPEN_EXISTING, 0, None)
        if self.out in (None, INVALID) or self.inp in (None, INVALID):
            raise OSError(ctypes.get_last_error(), "CONOUT$")
        k32.SetConsoleScreenBufferSize(self.out, COORD(WIDTH, HEIGHT))

    def clear(self) -> None:
        n = wintypes.DWORD()
        k32.FillConsoleOutputCharacterW(self.out, " ", WIDTH * HEIGHT, COORD(0, 0), ctypes.byref(n))
        k32.SetConsoleCursorPosition(self.out, COORD(0, 0))

    def run(self, cmdline: str, timeout_ms: int = 300_000) -> tuple[int, str]:
        """Run ``cmdline`` attached to this console; its exit code and the screen text."""
        self.clear()
        si = STARTUPINFO()
        si.cb = ctypes.sizeof(STARTUPINFO)
        si.dwFlags = 0x100  # STARTF_USESTDHANDLES: the console's own handles
        si.hStdInput, si.hStdOutput, si.hStdError = self.inp, self.out, self.out
        pi = PROCESS_INFORMATION()
        buf = ctypes.create_unicode_buffer(cmdline)  # a Unicode command line, as cmd passes it
        if not k32.CreateProcessW(None, buf, None, None, True, 0, None, None, ctypes.byref(si), ctypes.byref(pi)):
            raise OSError(ctypes.get_last_error(), f"CreateProcessW {cmdline}")
        k32.WaitForSingleObject(pi.hProcess, timeout_ms)
        code = wintypes.DWORD()
        k32.GetExitCodeProcess(pi.hProcess, ctypes.byref(code))
        k32.CloseHandle(pi.hProcess)
        k32.CloseHandle(pi.hThread)
        return code.value, self.screen()

    def screen(self) -> str:
        info = CSBI()
        k32.GetConsoleScreenBufferInfo(self.out, ctypes.byref(info))
        rows = info.dwCursorPosition.Y + 1
        width = info.dwSize.X
        buf = ctypes.create_unicode_buffer(width * rows + 1)
        n = wintypes.DWORD()
        k32.ReadConsoleOutputCharacterW(self.out, buf, width * rows, COORD(0, 0), ctypes.byref(n))
        text = buf[: n.value]
        return "\n".join(text[i * width:(i + 1) * width].rstrip() for i in range(rows)).strip("\n")


def q(path: str | Path) -> str:
    return f'"{path}"'


def check_console(exe: Path, work: Path) -> None:
    con = Console(936)
    say(con.codepage == 936, "控制台代码页 936", str(con.codepage))
    # control: UTF-8 bytes written past the console's Unicode interface are not readable
    # in code page 936, so the screen check below does tell readable from unreadable text
    code, screen = con.run(f'{q(sys.executable)} -c "import os; os.write(1, \'中文输出\'.encode(\'utf-8\'))"')
    say("中文输出" not in screen, "对照：绕过控制台接口的 UTF-8 字节在 936 代码页下不可读", screen[:40])

    code, screen = con.run(f"{q(exe)} --help")
    first = screen.splitlines()[0] if screen else ""
    say(code == 0 and first.startswith("用法：ZhushanCarbonPeak.exe "), "cmd 中 --help 的第一行", first)
    say("生成 PDF 工作简报" in screen and "导出月度台账 Excel" in screen and "main.py" not in screen,
        "cmd 中 --help 的中文可读，不提 main.py")
    print("\n".join("    | " + ln for ln in screen.splitlines()[:8]), flush=True)

    code, screen = con.run(f"{q(exe)} 导出台账")
    say(code == 2 and "无效的选项" in screen and "'导出台账'" in screen
        and "请运行 “ZhushanCarbonPeak.exe --help” 查看用法。" in screen,
        "cmd 中的用法错误：中文参数原样显示，提示 ZhushanCarbonPeak.exe --help",
        screen.splitlines()[-1] if screen else "")

    docs = work / "文档" / "碳达峰 台账"
    shutil.rmtree(docs, ignore_errors=True)
    db = work / "文档" / "碳达峰 数据" / "办公室 库.db"
    out = docs / "区发改委 2026年3月 填报模板.xlsx"
    code, screen = con.run(f"{q(exe)} --db {q(db)} export-template --month 2026-03 --unit 区发改委 -o {q(out)}")
    say(code == 0 and out.is_file() and f"已导出区发改委2026年3月的填报模板：{out}" in screen,
        "中文参数原样到达（单位名、含空格的中文路径）", screen.replace("\n", "")[:120])


# -- a file held open by another program ----------------------------------------------------------

def run(exe: Path, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=600, cwd=cwd)


def check_held(exe: Path, work: Path) -> None:
    folder = work / "文档" / "报表 导出"
    shutil.rmtree(folder, ignore_errors=True)
    db = work / "文档" / "碳达峰 数据" / "办公室 库.db"
    ledger = folder / "2026年3月 台账.xlsx"
    r = run(exe, "--db", db, "export-ledger", "--month", "2026-03", "-o", ledger)
    say(r.returncode == 0 and ledger.is_file(), "导出台账", (r.stdout + r.stderr).strip()[:100])
    before = ledger.read_bytes()
    # as Excel holds a workbook it shows: open for reading and writing, others may only read
    handle = k32.CreateFileW(str(ledger), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, None,
                             OPEN_EXISTING, 0, None)
    say(handle not in (None, INVALID), "模拟 Excel 打开台账（只允许其他程序读取）")
    try:
        r = run(exe, "--db", db, "export-ledger", "--month", "2026-03", "-o", ledger)
        err = r.stderr.strip()
        say(r.returncode == 1 and "文件正被其他程序打开" in err and "请关闭后重试" in err and "Traceback" not in err,
            "再次导出到打开着的台账：清楚的提示", err[:160])
        say(ledger.read_bytes() == before, "打开着的台账未被改动")
        left = sorted(p.name for p in folder.iterdir() if p != ledger)
        say(left == [], "没有留下临时文件", "、".join(left))
    finally:
        k32.CloseHandle(handle)
    r = run(exe, "--db", db, "export-ledger", "--month", "2026-03", "-o", ledger)
    say(r.returncode == 0 and [p.name for p in folder.iterdir()] == [ledger.name],
        "关闭后再次导出成功", (r.stdout + r.stderr).strip()[:100])


# -- where the data goes -------------------------------------------------------------------------

def check_location(exe: Path, work: Path) -> None:
    appdata = Path(os.environ["APPDATA"])
    default = appdata / "Zhushan" / "ZhushanCarbonPeak" / "zhushan.db"
    shutil.rmtree(default.parent, ignore_errors=True)
    portable = exe.parent / "portable.txt"
    portable.unlink(missing_ok=True)
    r = run(exe, "user", "add", "--username", "张三", "--role", "admin", "--password", "Zhang-san-2026")
    say(r.returncode == 0 and default.is_file(), f"不加 --db 时数据库在 {default}", (r.stdout + r.stderr).strip()[:100])
    say(" " in str(appdata) and any("\u4e00" <= c <= "\u9fff" for c in str(appdata)),
        "用户文件夹含中文和空格", str(appdata))
    data = exe.parent / "data"
    shutil.rmtree(data, ignore_errors=True)
    portable.write_text("portable\n", encoding="utf-8")
    try:
        r = run(exe, "user", "add", "--username", "李四", "--role", "admin", "--password", "Li-si-2026")
        say(r.returncode == 0 and (data / "zhushan.db").is_file(), f"便携模式：数据库在 {data}",
            (r.stdout + r.stderr).strip()[:100])
        r = run(exe, "user", "list")
        say("李四" in r.stdout and "张三" not in r.stdout, "便携模式只用程序文件夹中的数据")
    finally:
        portable.unlink(missing_ok=True)
        shutil.rmtree(data, ignore_errors=True)


CHECKS: dict[str, Callable[[Path, Path], None]] = {
    "console": check_console, "held": check_held, "location": check_location}


def main() -> int:
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    exe, work = Path(sys.argv[1]), Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[3:] or list(CHECKS):
        try:
            CHECKS[name](exe, work)
        except Exception as exc:  # noqa: BLE001 - report and go on with the next check
            say(False, name, f"{type(exc).__name__}: {exc}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
