"""Authority by one mechanism (models.authority): every public function and method of
models/ and exports/ declares who may call it, and every checked one refuses a clerk of
another unit and a bureau's local administrator before it touches anything.

A new public function without ``@rule(...)`` fails ``test_every_public_callable_declares_a_rule``;
a checked function with a parameter this file has no sample for fails
``test_guarded_callables_refuse_*`` with a message naming the parameter.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import exports
import models
from models import exchange_install, passwords
from models.app import ADMIN, CLERK, CLI_ACTOR, Actor, App, cli_actor
from models.authority import (INTERNAL, OFFICE, OFFICE_ADMIN, STARTUP, UNCHECKED, UNIT, Args, Rule, _Sig,
                              declared)
from models.entries import Entries
from models.errors import PermissionDenied

ROOT = Path(__file__).resolve().parent.parent
ME, OTHER, THIRD = "区住建局", "区发改委", "区工信局"  # the bureau, the target, the other clerk
M = "2026-10"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "KDF_PARAMS", {"alg": "scrypt", "n": 16, "r": 1, "p": 1, "dklen": 32})


# -- enumerating -------------------------------------------------------------------------------------

def _modules() -> Iterator[Any]:
    for pkg in (models, exports):
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}."):
            yield importlib.import_module(info.name)


def _module_rule(mod: Any) -> Rule | None:
    """The rule a module (or a package above it) declares for all of it."""
    parts = mod.__name__.split(".")
    for i in range(len(parts), 1, -1):
        r = getattr(importlib.import_module(".".join(parts[:i])), "__authority__", None)
        if isinstance(r, Rule):
            return r
    return None


def public_callables() -> list[tuple[str, Any, Any, Rule | None]]:
    """(qualified name, owning class or None, the callable, its declared rule) of every public
    function and method defined in models/ and exports/ (exceptions have no methods to declare)."""
    out: list[tuple[str, Any, Any, Rule | None]] = []
    for mod in _modules():
        whole_module = _module_rule(mod)
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isfunction(obj):
                out.append((f"{mod.__name__}.{name}", None, obj, declared(obj) or whole_module))
            elif inspect.isclass(obj) and not issubclass(obj, BaseException):
                whole = obj.__dict__.get("__authority__") or whole_module
                methods = [(k, v.__func__ if isinstance(v, (classmethod, staticmethod)) else v)
                           for k, v in vars(obj).items() if not k.startswith("_")]
                methods = [(k, f) for k, f in methods if inspect.isfunction(f)]
                if not methods:
                    out.append((f"{mod.__name__}.{name}", None, obj, whole or declared(obj)))
                for k, f in methods:
                    out.append((f"{mod.__name__}.{name}.{k}", obj, f, declared(f) or whole))
    return out


def test_every_public_callable_declares_a_rule() -> None:
    found = public_callables()
    assert len(found) > 250  # the enumeration itself works
    missing = [name for name, _cls, _f, r in found if r is None]
    assert missing == [], f"public callables without @rule(...) (models/authority.py): {missing}"


def test_modules_declared_public_as_a_whole_use_no_database() -> None:
    """A module declared PUBLIC as a whole (``module_rule``) must not reach the database."""
    users = []
    for mod in _modules():
        if _module_rule(mod) is None:
            continue
        tree = ast.parse(Path(mod.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("models.app", "models.store", "models.settings"):
                users.append(f"{mod.__name__} imports {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr in ("store", "conn"):
                users.append(f"{mod.__name__} uses .{node.attr}")
    assert users == []


def test_the_known_gaps_are_checked() -> None:
    """The services the issue found without any check now have a checked rule."""
    from exports import audit_export, briefing, ledger, template
    from models import accounts, audit, backup, demo, office, review
    for f in (backup.restore, backup.backup_now, demo.generate_demo, audit.audit_rows,
              audit_export.export_audit, office.settings_log, accounts.users, review.events,
              review.submission_detail, ledger.build_ledger, template.build_template,
              briefing.build_briefing_ex):
        r = declared(f)
        assert r is not None and r.kind not in UNCHECKED, f.__qualname__


def test_startup_and_internal_rules_are_a_short_known_list() -> None:
    """Unchecked rules that touch data are few and named: STARTUP runs before anyone can sign
    in; INTERNAL building blocks are never called from ui/."""
    startup = {name for name, _c, _f, r in public_callables() if r and r.kind == STARTUP}
    assert startup == {
        "models.accounts.has_users", "models.accounts.prospective_actor", "models.accounts.create_first_admin",
        "models.signin.kdf_inputs", "models.signin.authenticate", "models.backup.recover",
        "models.backup.daily_backup", "models.exchange_install.installed_plan_path",
        "models.store.check_in_background", "models.plan_binding.peek", "models.plan_binding.plan_for",
        "models.plan_binding.bind", "models.plan_adopt.start_with_plan"}
    internal = {f.__name__ for _n, cls, f, r in public_callables()
                if r and r.kind == INTERNAL and cls is None and inspect.isfunction(f)}
    used: list[str] = []
    for py in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("models", "exports")):
                used += [f"{py.name}: {a.name}" for a in node.names if a.name in internal]
            elif isinstance(node, ast.Attribute) and node.attr in internal and isinstance(node.value, ast.Name):
                used.append(f"{py.name}: {node.value.id}.{node.attr}")
    assert used == [], f"ui/ calls internal building blocks: {used}"


# -- calling every checked one -----------------------------------------------------------------------

def _task_of(app: App, without: tuple[str, ...]) -> tuple[str, str, str]:
    """A task with none of ``without`` among its units: its code, a milestone, its lead."""
    for t in app.plan.tasks:
        units = app.task_units(t)
        if units and not set(without) & set(units) and app.plan.milestones_of(t.code):
            return t.code, app.plan.milestones_of(t.code)[0].code, units[0]
    raise AssertionError("no suitable task in the plan")


@pytest.fixture
def world(tmp_path: Path, app: App) -> Iterator[dict[str, Any]]:
    """The office's database with another unit's report and project, and a bureau installed as ME."""
    task, milestone, lead = _task_of(app, (ME, THIRD))
    owner = Actor("lead", CLERK, lead)
    e = Entries(app)
    e.save_task_report(owner, task, lead, M, {"progress": "进展"})
    uid = e.save_project(owner, lead, M, task, {"name": "别的单位的项目", "ptype": "新建"})
    inst = exchange_install.make_install(app, CLI_ACTOR, ME, tmp_path / "住建局.zsi")
    bureau_db = tmp_path / "bureau" / "b.db"
    exchange_install.install(bureau_db, inst, CLI_ACTOR)
    bureau = App.open(bureau_db, exchange_install.installed_plan_path(bureau_db))
    samples: dict[str, Any] = {
        "unit": OTHER, "month": M, "months": [M], "until": M, "task_code": task, "code": milestone,
        "part_code": "I01", "uid": uid, "kind": "milestone", "entity": "task_report", "key": task,
        "values": {}, "raw": "1", "name": "新街道", "old": "旧街道", "new": "新街道", "active": False,
        "username": "nobody", "role": CLERK, "password": "Zs#2026-pass", "new_password": "Zs#2026-pass",
        "old_password": "Zs#2026-pass", "comment": "意见", "reason": "原因", "year": 2026, "value": 1.0,
        "detail": "", "period": "2026", "text": "", "source": "", "until_month": M, "units": [OTHER],
        "folder": tmp_path / "copies", "data": b"\x89PNG\r\n\x1a\n", "caption": "",
        "number": 1, "options": {}, "view_json": "{}", "pdf": b"", "pages": 1, "issue_ref": "2026-1",
    }
    yield {"office": app, "bureau": bureau, "samples": samples, "tmp": tmp_path}
    bureau.close()


def _args(f: Callable[..., Any], owner: Any, app: App, actor: Actor, samples: dict[str, Any],
          tmp: Path, overrides: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    params = list(inspect.signature(f).parameters.values())
    pos: list[Any] = []
    kw: dict[str, Any] = {}
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        name = p.name
        if name == "self":
            value: Any = app if owner is App else owner(app)
        elif name in overrides:
            value = overrides[name]
        elif name in ("app", "app_or_db_path"):
            value = app
        elif name == "actor":
            value = actor
        elif name == "store":
            value = app.store
        elif name == "db_path":
            value = app.store.path
        elif name == "plan":
            value = app.plan
        elif name in ("path", "backup_path"):
            value = tmp / f"out-{f.__name__}.xlsx"
        elif name in samples:
            value = samples[name]
        elif p.default is not p.empty:
            continue
        else:
            raise AssertionError(f"{f.__qualname__}: add a sample for parameter '{name}' in tests/test_authority.py")
        if p.kind == p.KEYWORD_ONLY:
            kw[name] = value
        else:
            pos.append(value)
    return pos, kw


def _fingerprint(app: App) -> tuple[int, dict[str, int]]:
    tables = [r["name"] for r in app.store.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return app.store.conn.total_changes, {t: int(app.store.scalar(f"SELECT COUNT(*) FROM {t}")) for t in tables}


def _refused(f: Callable[..., Any], owner: Any, app: App, actor: Actor, world: dict[str, Any],
             **overrides: Any) -> str:
    """Call ``f`` as ``actor``; "" when refused with nothing changed, else what went wrong."""
    pos, kw = _args(f, owner, app, actor, world["samples"], world["tmp"], overrides)
    before = _fingerprint(app)
    try:
        f(*pos, **kw)
    except PermissionDenied as exc:
        if "（error）" in str(exc) or not str(exc):
            return f"{f.__qualname__}: refusal without a message"
        return "" if _fingerprint(app) == before else f"{f.__qualname__}: refused but changed the database"
    except Exception as exc:  # noqa: BLE001 - reported as a failure of the rule
        return f"{f.__qualname__}: not refused ({type(exc).__name__}: {exc})"
    return f"{f.__qualname__}: not refused (it ran)"


def _resolved(f: Callable[..., Any], owner: Any, r: Rule, app: App, actor: Actor, world: dict[str, Any]) -> Any:
    """The unit a UNIT rule works out for the sample call."""
    pos, kw = _args(f, owner, app, actor, world["samples"], world["tmp"], {})
    sig = _Sig(f)
    if isinstance(r.unit, str):
        return sig.get(r.unit, tuple(pos), kw)
    assert r.unit is not None
    return r.unit(Args(sig, tuple(pos), kw))


def _checked() -> list[tuple[str, Any, Any, Rule]]:
    return [(n, c, f, r) for n, c, f, r in public_callables() if r is not None and r.kind not in UNCHECKED]


def test_guarded_callables_refuse_a_clerk_of_another_unit(world: dict[str, Any]) -> None:
    clerk = Actor("gong", CLERK, THIRD, "工信局填报员")
    problems = []
    checked = _checked()
    assert len(checked) > 80
    for _name, owner, f, r in checked:
        if r.kind == "signed_in":
            continue  # any signed-in actor; such services demand more once they know the unit
        problems.append(_refused(f, owner, world["office"], clerk, world))
    assert [p for p in problems if p] == []


def test_guarded_callables_refuse_a_bureau_administrator(world: dict[str, Any]) -> None:
    """On a bureau installation its administrator (the command line too) has no office powers
    and no other unit's data; writing its own unit's data is for its clerks."""
    bureau = world["bureau"]
    local = cli_actor(bureau)
    assert local.bureau == ME and not local.is_office
    unmarked = Actor("admin", ADMIN, None, "本机管理员")  # an Actor made without the bureau mark
    problems = []
    for _name, owner, f, r in _checked():
        if r.kind in (OFFICE, OFFICE_ADMIN):
            problems.append(_refused(f, owner, bureau, local, world))
            problems.append(_refused(f, owner, bureau, unmarked, world))
        elif r.kind == UNIT:
            if r.read and _resolved(f, owner, r, bureau, local, world) == ME:
                continue  # its own unit's data: the local administrator reads (and carries) it
            problems.append(_refused(f, owner, bureau, local, world))
            if not r.read and isinstance(r.unit, str):
                problems.append(_refused(f, owner, bureau, local, world, **{r.unit: ME}))
    assert [p for p in problems if p] == []


def test_a_bureau_administrator_keeps_accounts_backups_and_transport(world: dict[str, Any]) -> None:
    from models import accounts, backup
    from models.exchange_export import export_package
    bureau = world["bureau"]
    local = cli_actor(bureau)
    accounts.create_user(bureau, local, "jian", CLERK, "Zs#2026-pass", ME)
    assert [u.username for u in accounts.users(bureau, local)] == ["jian"]
    assert backup.backup_now(bureau.store, local, "manual").exists()
    jian = Actor("jian", CLERK, ME, bureau=ME)
    Entries(bureau).save_task_report(jian, "1.1", ME, M, {"progress": "本单位的进展"})
    assert export_package(bureau, local, M, world["tmp"] / "p.zsp").exists()
    # its own unit's data can be read, not written
    assert Entries(bureau).task_report(local, "1.1", ME, M)["progress"] == "本单位的进展"
    with pytest.raises(PermissionDenied, match="填报电脑"):
        Entries(bureau).save_task_report(local, "1.1", ME, M, {"progress": "管理员改的"})


def test_refusal_messages_name_who_may(world: dict[str, Any]) -> None:
    from models import review
    office, bureau = world["office"], world["bureau"]
    clerk = Actor("gong", CLERK, THIRD)
    with pytest.raises(PermissionDenied, match="只有领导小组办公室的审核员或管理员可以审核报送"):
        review.approve(office, clerk, OTHER, M)
    with pytest.raises(PermissionDenied, match="您是区工信局的填报员，不能查看区发改委的报送内容"):
        review.submission_detail(office, clerk, OTHER, M)
    with pytest.raises(PermissionDenied, match="本机是区住建局的填报电脑.*不能审核报送"):
        review.approve(bureau, cli_actor(bureau), ME, M)
    with pytest.raises(PermissionDenied, match="请先登录"):
        review.events(office, None, unit=OTHER)  # type: ignore[arg-type]


def test_command_line_on_a_bureau_is_a_local_administrator(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The command line acts as the PC's administrator: on a bureau that has no office powers."""
    import main as entry
    office, bureau = tmp_path / "office.db", tmp_path / "bureau.db"
    zsi = tmp_path / "住建局.zsi"

    def run(db: Path, *args: str) -> tuple[int, str]:
        rc = entry.main(["--db", str(db), *args])
        out = capsys.readouterr()
        return rc, out.out + out.err

    assert run(office, "make-install", "--unit", ME, "-o", str(zsi))[0] == 0
    assert run(bureau, "install", str(zsi))[0] == 0
    for args in (["export-decisions", "--unit", ME, "-o", str(tmp_path / "d.zsp")],
                 ["make-install", "--unit", ME, "-o", str(tmp_path / "again.zsi")],
                 ["demo", "--until", "2024-03"],
                 ["briefing", "--month", M, "-o", str(tmp_path / "b.pdf")],
                 ["export-ledger", "--month", M, "--unit", OTHER, "-o", str(tmp_path / "other.xlsx")],
                 ["export-template", "--month", M, "--unit", OTHER, "-o", str(tmp_path / "t.xlsx")]):
        rc, text = run(bureau, *args)
        assert rc == 1 and "填报电脑" in text and "Traceback" not in text, (args, text)
    assert not any((tmp_path / n).exists() for n in ("d.zsp", "again.zsi", "b.pdf", "other.xlsx", "t.xlsx"))
    rc, text = run(bureau, "export-ledger", "--month", M, "-o", str(tmp_path / "own.xlsx"))
    assert rc == 0 and (tmp_path / "own.xlsx").exists(), text  # its own unit's ledger
    assert run(bureau, "user", "add", "--username", "local", "--role", "admin", "--password", "Zs#2026-pass")[0] == 0
    assert run(bureau, "backup")[0] == 0
    # on the office's PC the same commands are the office's
    assert run(office, "export-ledger", "--month", M, "-o", str(tmp_path / "all.xlsx"))[0] == 0


def test_a_bureau_administrator_sees_no_office_pages(qtbot: Any, world: dict[str, Any]) -> None:
    from ui.main_window import MainWindow
    bureau = world["bureau"]
    w = MainWindow(bureau, cli_actor(bureau))
    qtbot.addWidget(w)
    keys = {s.key for s in w.specs}
    assert {"accounts", "eventlog", "backup", "workspace", "exchange"} <= keys
    assert not keys & {"review", "dashboard", "assessment", "briefing", "audit", "settings"}
    ws = w.show_page("workspace")
    assert ws.unit == ME  # its own unit, to read
