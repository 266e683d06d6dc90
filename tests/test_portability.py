"""Nothing assumes Linux: text files with explicit UTF-8, no shell, no hard-coded /tmp or
backslash paths, and Chinese file and folder names work end to end."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "venv", "build", "dist", ".git", "__pycache__", ".pytest_cache", "node_modules"}
TEXT_MODE_CHARS = set("rwaxt+")
REGEX_CHARS = set("+*?[](){}^$|")


def python_files(include_tests: bool = True) -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if set(rel.parts[:-1]) & SKIP_DIRS or any(p.startswith(".") for p in rel.parts[:-1]):
            continue
        if not include_tests and rel.parts[0] == "tests":
            continue
        yield path


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _const_str(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _func_name(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        base = f.value
        prefix = base.id + "." if isinstance(base, ast.Name) else "<expr>."
        return prefix + f.attr
    return ""


def _is_mode(s: str | None) -> bool:
    return bool(s) and set(s) <= TEXT_MODE_CHARS | {"b"} and len(s) <= 3  # type: ignore[arg-type]


def encoding_problems(tree: ast.AST) -> list[tuple[int, str]]:
    """open()/Path.open()/read_text()/write_text()/text subprocesses without an encoding."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _func_name(node)
        has_enc = _kw(node, "encoding") is not None
        short = name.rsplit(".", 1)[-1]
        if name in ("open", "io.open", "codecs.open"):
            mode = _const_str(_kw(node, "mode")) or (_const_str(node.args[1]) if len(node.args) > 1 else "r")
            if mode is not None and "b" not in mode and not has_enc and len(node.args) < 4:
                out.append((node.lineno, f"{name}() in text mode without encoding="))
        elif short == "open" and isinstance(node.func, ast.Attribute):
            # Path.open(mode): only when the first argument is a mode string
            mode = _const_str(_kw(node, "mode")) or (_const_str(node.args[0]) if node.args else None)
            if _is_mode(mode) and "b" not in mode and not has_enc and len(node.args) < 3:  # type: ignore[operator]
                out.append((node.lineno, f".open({mode!r}) without encoding="))
        elif short in ("read_text", "write_text") and isinstance(node.func, ast.Attribute):
            positional_enc = len(node.args) >= (2 if short == "write_text" else 1)
            if not has_enc and not positional_enc:
                out.append((node.lineno, f".{short}() without encoding="))
        elif short in ("run", "check_output", "Popen", "call", "check_call") and name.startswith("subprocess"):
            text = any(_kw(node, k) is not None and not (isinstance(_kw(node, k), ast.Constant)
                                                           and _kw(node, k).value is False)  # type: ignore[union-attr]
                       for k in ("text", "universal_newlines"))
            if text and not has_enc:
                out.append((node.lineno, f"{name}(text=True) without encoding="))
        elif short in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "TextIOWrapper"):
            mode = _const_str(_kw(node, "mode")) or (_const_str(node.args[0]) if node.args and
                                                     short != "TextIOWrapper" else None)
            text_mode = short == "TextIOWrapper" or (mode is not None and "b" not in mode)
            if text_mode and not has_enc:
                out.append((node.lineno, f"{short}() in text mode without encoding="))
    return out


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _looks_like_backslash_path(s: str) -> bool:
    """C:\\..., \\\\server\\..., or name\\name.ext / a segment with Chinese characters."""
    if "\\" not in s or "\n" in s:
        return False
    if re.match(r"^[A-Za-z]:\\", s) or re.match(r"^\\\\[\w.-]+\\", s):
        return True
    if set(s) & REGEX_CHARS:
        return False
    parts = s.split("\\")
    if len(parts) < 2 or not all(re.fullmatch(r"[\w\u4e00-\u9fff .-]+", x) for x in parts):
        return False
    return bool(re.search(r"\.\w{1,5}$", parts[-1])) or bool(re.search(r"[\u4e00-\u9fff]", s))


def platform_problems(tree: ast.AST) -> list[tuple[int, str]]:
    """Shell calls and hard-coded /tmp or backslash paths (program code, not tests)."""
    out = []
    docs = _docstring_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _func_name(node)
            if name in ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"):
                out.append((node.lineno, f"{name}() runs a shell"))
            shell = _kw(node, "shell")
            if shell is not None and not (isinstance(shell, ast.Constant) and shell.value is False):
                out.append((node.lineno, f"{name}(shell=...)"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            s = node.value
            if re.match(r"^/(tmp|home|root)(/|$)", s):
                out.append((node.lineno, f"hard-coded Unix path {s!r}"))
            elif _looks_like_backslash_path(s):
                out.append((node.lineno, f"hard-coded backslash path {s!r}"))
    return out


def _scan(check, include_tests: bool) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    for path in python_files(include_tests):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, what in check(tree):
            problems.append(f"{path.relative_to(ROOT).as_posix()}:{line}: {what}")
    return problems


def test_text_files_use_explicit_encoding() -> None:
    problems = _scan(encoding_problems, include_tests=True)
    assert not problems, "text I/O without encoding=\"utf-8\":\n" + "\n".join(problems)


def test_no_shell_calls_or_platform_paths_in_program_code() -> None:
    problems = _scan(platform_problems, include_tests=False)
    assert not problems, "\n".join(problems)


def test_the_scanner_finds_what_it_should() -> None:
    """The checks above would catch the mistakes they are for."""
    bad = ast.parse(
        "import os, subprocess, io\n"
        "open('a.txt')\n"
        "open(p, 'w')\n"
        "p.read_text()\n"
        "p.write_text('x')\n"
        "p.open('a')\n"
        "subprocess.run(['x'], text=True)\n"
        "io.TextIOWrapper(f)\n"
        "os.system('ls')\n"
        "subprocess.run('ls', shell=True)\n"
        "x = '/tmp/out.db'\n"
        "y = 'C:\\\\Users\\\\data.db'\n"
        "z = 'data\\\\台账.xlsx'\n")
    assert len(encoding_problems(bad)) == 7
    assert len(platform_problems(bad)) == 5
    good = ast.parse(
        "import re, subprocess\n"
        "open('a.txt', encoding='utf-8'); open(p, 'rb'); open(p, mode='wb')\n"
        "p.read_text(encoding='utf-8'); p.write_text('x', 'utf-8'); p.read_bytes()\n"
        "p.open('rb'); zf.open('name.xml'); f.open(QIODevice.ReadOnly)\n"
        "subprocess.run(['x'], capture_output=True)\n"
        "subprocess.run(['x'], text=True, encoding='utf-8')\n"
        "re.compile(r'第\\\\d+期'); s = 'a\\\\nb'.replace('\\\\', '/')\n"
        "u = 'https://example.org/tmp/x'\n")
    assert encoding_problems(good) == []
    assert platform_problems(good) == []


# -- Chinese paths end to end ---------------------------------------------------------------

def run_cli(*args: str, cwd: Path = ROOT, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHUSHAN_")}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=180, env=env)


def test_cli_with_chinese_db_path_in_chinese_folder(tmp_path: Path) -> None:
    folder = tmp_path / "珠山区 数据" / "发改委（2024）"
    db = folder / "碳达峰 数据库.db"
    r = run_cli("--db", str(db), "demo", "--until", "2024-03", "--streets", "2")
    assert r.returncode == 0, r.stderr
    assert db.is_file()
    r = run_cli("--db", str(db), "catalog", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["streets"]) == 2, data["streets"]
    out = folder / "导出" / "三月 台账.xlsx"
    out.parent.mkdir()
    r = run_cli("--db", str(db), "export-ledger", "--month", "2024-03", "-o", str(out))
    assert r.returncode == 0, r.stderr
    from openpyxl import load_workbook
    wb = load_workbook(out, read_only=True)
    try:
        assert wb.sheetnames
    finally:
        wb.close()
    smoke_out = folder / "自检"
    r = run_cli("--db", str(db), "--smoke", ZHUSHAN_SMOKE_OUT=str(smoke_out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert str(db) in r.stdout
    assert (smoke_out / "工作简报.pdf").is_file()


def test_default_database_in_user_app_data_folder(tmp_path: Path) -> None:
    """Without --db the database goes to the per-user data folder (QStandardPaths), which may
    have a Chinese name."""
    if sys.platform.startswith(("win", "darwin")):
        pytest.skip("the data folder is set through XDG_DATA_HOME on Linux only")
    home = tmp_path / "用户 数据"
    r = subprocess.run([sys.executable, "-c", "import main; print(main.default_db())"],
                       capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=60,
                       env={**os.environ, "XDG_DATA_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip())
    assert path.name == "zhushan.db"
    assert home in path.parents and "ZhushanCarbonPeak" in path.parts
