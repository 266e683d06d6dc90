"""The packaged program: build.spec, the icon, the Windows version resource, and a real
one-folder build whose executable passes ``--smoke``.

Building takes about 30–50 s here, so the full build runs in the suite (marked slow). Set
``ZHUSHAN_SKIP_BUILD_TEST=1`` to skip it on a machine without PyInstaller.
"""

from __future__ import annotations

import ast
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import main
from ui.smoke import OUT_ENV, PROBE_ENV, SMOKE_LEDGER_SHEET

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
NAME = "ZhushanCarbonPeak"
EXE = NAME + (".exe" if sys.platform.startswith("win") else "")
# Qt modules the briefing preview and printing use: never excluded.
KEEP_QT = {"QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport"}
UNWANTED_LIBS = re.compile(r"Qt6?(WebEngine|3D|Quick|Qml|Multimedia|VirtualKeyboard)", re.IGNORECASE)


def spec_constants() -> dict[str, object]:
    """Top-level list constants of build.spec (QT_EXCLUDES, DEV_EXCLUDES), read without running it."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    out: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return out


def project_qt_modules() -> set[str]:
    """PySide6 modules imported anywhere in the program's packages."""
    used: set[str] = set()
    for folder in ("ui", "models", "exports", "forms"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("PySide6."):
                    used.add(node.module.split(".")[1])
                elif isinstance(node, ast.ImportFrom) and node.module == "PySide6":
                    used.update(a.name for a in node.names)
                elif isinstance(node, ast.Import):
                    used.update(a.name.split(".")[1] for a in node.names if a.name.startswith("PySide6."))
    return used


def test_spec_is_one_folder_with_resources_icon_and_version() -> None:
    text = SPEC.read_text(encoding="utf-8")
    tree = ast.parse(text)
    calls = {n.func.id: n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "COLLECT" in calls, "one-folder builds end with COLLECT"
    exe_kw = {k.arg: k.value for k in calls["EXE"].keywords}
    assert isinstance(exe_kw["exclude_binaries"], ast.Constant) and exe_kw["exclude_binaries"].value is True
    assert "app.ico" in ast.unparse(exe_kw["icon"])
    assert "version_info.txt" in ast.unparse(exe_kw["version"])
    assert ast.unparse(exe_kw["name"]) == "NAME" and f'NAME = "{NAME}"' in text
    for folder in ("plan", "fonts", "icons"):
        assert f'"resources" / "{folder}"), "resources/{folder}"' in text
    assert "collect_submodules" in text  # pages and commands are imported by name


def test_spec_excludes_unused_qt_but_keeps_what_the_program_uses() -> None:
    consts = spec_constants()
    excluded = set(consts["QT_EXCLUDES"])  # type: ignore[arg-type]
    for heavy in ("QtWebEngineCore", "QtWebEngineWidgets", "Qt3DCore", "QtQuick", "QtQml", "QtMultimedia"):
        assert heavy in excluded
    assert not excluded & KEEP_QT
    used = project_qt_modules()
    assert {"QtCore", "QtWidgets"} <= used
    assert not excluded & used, f"build.spec excludes Qt modules the program imports: {excluded & used}"
    dev = set(consts["DEV_EXCLUDES"])  # type: ignore[arg-type]
    assert {"pytest", "hypothesis", "pypdf", "pypdfium2", "PyInstaller"} <= dev
    runtime = {line.split("==")[0].strip().lower() for line in
               (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert not {d.lower() for d in dev} & runtime, "a runtime dependency is excluded from the build"


def test_icon_files() -> None:
    ico = (ROOT / "resources" / "icons" / "app.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 4
    sizes = set()
    for i in range(count):
        w, h, _c, _r, _planes, _bpp, size, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i:22 + 16 * i])
        sizes.add(w or 256)
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size <= len(ico)
    assert {16, 32, 48, 256} <= sizes
    png = (ROOT / "resources" / "icons" / "app.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)


def _version_info() -> ast.Call:
    """resources/version_info.txt is a Python expression PyInstaller evaluates; parse it."""
    text = (ROOT / "resources" / "version_info.txt").read_text(encoding="utf-8")
    node = ast.parse(text, mode="eval").body
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    assert node.func.id == "VSVersionInfo"
    return node


def test_version_resource_matches_program_version() -> None:
    info = _version_info()
    names = {n.func.id for n in ast.walk(info) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo"} <= names
    strings = {ast.literal_eval(n.args[0]): ast.literal_eval(n.args[1]) for n in ast.walk(info)
               if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "StringStruct"}
    assert strings["FileVersion"] == strings["ProductVersion"] == main.__version__
    assert strings["OriginalFilename"] == f"{NAME}.exe"
    assert "碳达峰" in strings["FileDescription"] and "碳达峰" in strings["ProductName"]
    ffi = next(n for n in ast.walk(info) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "FixedFileInfo")
    kw = {k.arg: ast.literal_eval(k.value) for k in ffi.keywords}
    expected = tuple(int(x) for x in main.__version__.split(".")) + (0,)
    assert kw["filevers"] == kw["prodvers"] == expected[:4]


def test_version_resource_compiles_with_pyinstaller() -> None:
    """PyInstaller's own reader (used on Windows) evaluates the file and serialises it to the
    binary VS_VERSIONINFO; run it here with its Windows-only imports stubbed."""
    pytest.importorskip("PyInstaller")
    code = (
        "import sys, types\n"
        "sys.modules.setdefault('pefile', types.ModuleType('pefile'))\n"
        "import PyInstaller.compat as compat\n"
        "compat.win32api = getattr(compat, 'win32api', None)\n"
        "from PyInstaller.utils.win32.versioninfo import load_version_info_from_text_file\n"
        "info = load_version_info_from_text_file(sys.argv[1])\n"
        "sys.stdout.buffer.write(info.toRaw())\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(ROOT / "resources" / "version_info.txt")],
                       capture_output=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    raw = r.stdout
    assert "VS_VERSION_INFO".encode("utf-16-le") in raw
    assert "碳达峰调度系统".encode("utf-16-le") in raw
    assert main.__version__.encode("utf-16-le") in raw


def run_exe(exe: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (PROBE_ENV, OUT_ENV)}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return subprocess.run([str(exe), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=180, env=env, cwd=exe.parent)


def check_built_folder(folder: Path, tmp_path: Path) -> None:
    exe = folder / EXE
    assert exe.is_file()
    from PyInstaller.archive.readers import CArchiveReader
    scripts = set(CArchiveReader(str(exe)).toc)
    assert "pyi_rth_multiprocessing" not in scripts and "main" in scripts  # see build.spec
    internal = folder / "_internal"
    assert (internal / "resources" / "plan" / "zhushan.toml").is_file()
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert (internal / "resources" / "icons" / "app.png").is_file()
    assert (internal / "docs" / "用户手册.md").is_file()  # 帮助 (F1)
    assert (internal / "docs" / "images" / "workspace.png").is_file()
    qms = [p.name for p in internal.rglob("*.qm")]
    assert "qtbase_zh_CN.qm" in qms
    assert all("_zh_CN" in q for q in qms), "only Chinese Qt translations are shipped"
    names = [p.name for p in internal.rglob("*") if p.is_file() or p.is_symlink()]
    assert not [n for n in names if UNWANTED_LIBS.search(n)], "unneeded Qt libraries in the build"
    if "QtPdf" in project_qt_modules():
        assert any(re.match(r"(lib)?Qt6Pdf(\.|Widgets)", n) for n in names)
    assert not [n for n in names if n.startswith(("pytest", "hypothesis"))]

    out = tmp_path / "打包 自检"
    r = run_exe(exe, "--smoke", **{OUT_ENV: str(out)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "自检通过" in r.stdout and "qtbase_zh_CN.qm" in r.stdout
    from openpyxl import load_workbook
    from pypdf import PdfReader
    assert len(PdfReader(out / "工作简报.pdf").pages) >= 1
    wb = load_workbook(out / "月度台账.xlsx", read_only=True)
    try:
        assert wb.sheetnames == [SMOKE_LEDGER_SHEET]
    finally:
        wb.close()
    r = run_exe(exe, "--version")
    assert r.returncode == 0 and main.__version__ in r.stdout
    r = run_exe(exe, "--help")  # names the program as run, not "python main.py"
    assert r.returncode == 0 and r.stdout.startswith(f"用法：{EXE} ") and "main.py" not in r.stdout
    r = run_exe(exe, "export-ledger")
    assert r.returncode == 2 and f"请运行 “{EXE} export-ledger --help” 查看用法" in r.stderr
    db = tmp_path / "数据" / "打包.db"
    r = run_exe(exe, "--db", str(db), "catalog", "--json")
    assert r.returncode == 0 and '"区发改委"' in r.stdout
    # command-line tools of the built program, with Chinese paths (lazy imports are bundled)
    r = run_exe(exe, "--db", str(db), "demo", "--until", "2024-02", "--streets", "1")
    assert r.returncode == 0, r.stderr
    ledger = tmp_path / "导出" / "二月 台账.xlsx"
    ledger.parent.mkdir()
    r = run_exe(exe, "--db", str(db), "export-ledger", "--month", "2024-02", "-o", str(ledger))
    assert r.returncode == 0, r.stderr
    wb = load_workbook(ledger, read_only=True)
    try:
        assert SMOKE_LEDGER_SHEET in wb.sheetnames
    finally:
        wb.close()


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("ZHUSHAN_SKIP_BUILD_TEST") == "1", reason="ZHUSHAN_SKIP_BUILD_TEST=1")
def test_build_one_folder_and_run_smoke(tmp_path: Path) -> None:
    pytest.importorskip("PyInstaller")
    dist, work = tmp_path / "dist", tmp_path / "build"
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(tmp_path / "pyi-config"))
    r = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                        "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
                       capture_output=True, text=True, encoding="utf-8", errors="replace",
                       timeout=900, cwd=ROOT, env=env)
    assert r.returncode == 0, r.stderr[-4000:]
    check_built_folder(dist / NAME, tmp_path)
    check_release_zip(dist / NAME, tmp_path)


def check_release_zip(folder: Path, tmp_path: Path) -> None:
    """The release zip (release.windows_zip) of this build unpacks and passes --smoke."""
    import zipfile

    from release.windows_zip import build_zip
    z = build_zip(folder, tmp_path / "发布", main.__version__, tag="test", compresslevel=0)
    unpacked = tmp_path / "解压 测试"
    with zipfile.ZipFile(z) as zf:
        zf.extractall(unpacked)
    exe = unpacked / NAME / EXE
    exe.chmod(0o755)  # zip keeps no permissions; Windows needs none
    assert (unpacked / NAME / "README.txt").is_file() and (unpacked / NAME / "portable-mode.cmd").is_file()
    r = run_exe(exe, "--smoke")
    assert r.returncode == 0 and "自检通过" in r.stdout, r.stdout + r.stderr


def test_bare_startup_baseline_reports_like_the_probe() -> None:
    """bench/_bare_window.py (frozen under Wine as the start-up baseline) prints the
    markers the program's start-up probe prints, so the bench reads both the same way."""
    from ui.smoke import FIRST_MARKER, READY_MARKER
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "_bare_window.py")], capture_output=True,
                       text=True, encoding="utf-8", timeout=120,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = r.stdout.splitlines()
    assert r.returncode == 0, r.stderr
    assert lines[0].startswith(f"{FIRST_MARKER} ") and lines[1].startswith(f"{READY_MARKER} ")
    assert json.loads(lines[1][len(READY_MARKER):]) == {"kind": "bare"}
