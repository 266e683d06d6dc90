"""Offline exchange between the units' PCs and the office, by files.

- The office makes an installation file (``.zsi``) per unit: plan, shared settings, the
  unit's identity and a secret key. A unit's PC imports it once and then works as that unit.
- A unit exports a submission package (``.zsp``) per month: its entries, submission state and
  audit records, signed with HMAC-SHA256 under the unit's key.
- The office previews and imports packages: rejected packages change nothing; accepted ones
  are merged in one transaction each (never deleting, never overwriting an approved month).
- The office sends back decisions (review states, comments, plan and settings updates) as a
  ``.zsp`` of kind "decisions" that the unit imports with the same checks.

The file format is in ``models.package_format`` and README (数据交换).
"""

from __future__ import annotations

import argparse
import re
import secrets
import sqlite3
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from models.app import CLI_ACTOR, Actor, App
from models.atomic_write import WriteFailed, write_text
from models.backup import backup_now
from models.catalog import sync_catalog
from models.errors import DomainError, InvalidInput, NotFound
from models.exchange_merge import (
    MONTH_RE,
    SHARED_SETTINGS,
    STATUS_NAMES,
    SUB_KEYS,
    TASK_KEYS,
    PackagePreview,
    PreviewItem,
    installation,
    load_package,
    office_id,
    parse_plan_text,
    plan_file_for,
    set_setting,
    to_json,
    unit_key,
)
from models.package_format import KIND_NAMES, PackageRejected, RawPackage, read_package, sha256, write_package
from models.settings import Settings
from models.store import Store, now_iso

__all__ = ["PackagePreview", "PackageRejected", "PreviewItem", "export_decisions", "export_package",
           "import_package", "import_packages", "install", "installation", "installed_plan_path",
           "make_install", "preview_package"]

INSTALL_EXT = ".zsi"
PACKAGE_EXT = ".zsp"


# -- the installed plan ----------------------------------------------------------------------------

def installed_plan_path(db_path: str | Path) -> Path | None:
    """The plan file installed for the database at ``db_path``, or None (use --plan or the
    built-in plan). Restores the file from the database if it was lost."""
    f = plan_file_for(db_path)
    if f.is_file():
        return f
    db = Path(db_path)
    if not db.is_file():
        return None
    try:
        conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM plan_meta WHERE key = 'installed_plan_toml'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if not row:
        return None
    try:
        write_text(f, str(row[0]))
    except WriteFailed:
        return None
    return f


def _check_month(month: str) -> str:
    month = (month or "").strip()
    if not MONTH_RE.match(month):
        raise InvalidInput(f"月份“{month}”格式不对，应为 YYYY-MM，例如 2026-03。")
    return month


def _plan_text(app: App) -> str:
    try:
        data = Path(app.plan.path).read_bytes()
    except OSError as exc:
        raise DomainError(f"无法读取计划文件 {app.plan.path}：{exc.strerror or exc}") from None
    if sha256(data) != app.plan.digest:
        raise DomainError("计划文件在程序启动后被修改过，请重新启动程序后再生成。")
    return data.decode("utf-8")


def _remember_plan(app: App) -> None:
    known = dict(app.settings.get("exchange_known_plans") or {})
    if known.get(app.plan.digest) != app.plan.version:
        known[app.plan.digest] = app.plan.version
        app.settings.set("exchange_known_plans", known)


def _manifest(app: App, actor: Actor, kind: str, unit: str, month: str, oid: str,
              counts: dict[str, int]) -> dict[str, Any]:
    return {"kind": kind, "unit": unit, "month": month, "plan_id": app.plan.plan_id,
            "plan_version": app.plan.version, "plan_digest": app.plan.digest, "office_id": oid,
            "created_at": datetime.now().isoformat(timespec="microseconds"),
            "created_by": actor.username, "counts": counts}


def _shared_settings(app: App) -> dict[str, Any]:
    return {k: app.settings.get(k) for k in SHARED_SETTINGS}


# -- installation ----------------------------------------------------------------------------------

def make_install(app: App, actor: Actor, unit: str, path: str | Path) -> Path:
    """Write the installation file of ``unit`` (office only). The unit's key is made once."""
    actor.require_office("生成安装文件")
    inst = installation(app)
    if inst:
        raise DomainError(f"本机是{inst['unit']}的单位安装，不能生成安装文件；请在办公室电脑上操作。")
    if unit not in app.reporting_units():
        raise NotFound(f"“{unit}”不是填报单位，不能生成安装文件。")
    text = _plan_text(app)
    with app.store.tx() as c:
        oid = office_id(app)
        if not oid:
            oid = secrets.token_hex(16)
            app.settings.set("office_id", oid)
        key = unit_key(app, unit)
        if key is None:
            key = secrets.token_bytes(32).hex()
            c.execute("INSERT INTO unit_keys(unit, secret, created_at) VALUES (?, ?, ?)",
                      (unit, key, now_iso()))
        _remember_plan(app)
        content = {"unit": unit, "office_id": oid, "secret": key,
                   "plan": {"id": app.plan.plan_id, "version": app.plan.version,
                            "digest": app.plan.digest, "toml": text},
                   "settings": _shared_settings(app), "streets": app.streets()}
        out = write_package(path, _manifest(app, actor, "install", unit, "", oid, {}), content, None)
        app.log(actor, "exchange", f"生成安装文件：{unit} → {out.name}")
    return out


def _parse_install(raw: RawPackage) -> tuple[dict[str, Any], dict[str, Any], str]:
    name = raw.name
    if raw.kind != "install":
        raise PackageRejected(f"文件 {name} 是{KIND_NAMES.get(raw.kind, '其他文件')}，不是安装文件，已拒绝。")
    c = raw.content
    plan = c.get("plan")
    ok = (isinstance(c.get("unit"), str) and c["unit"] and c["unit"] == raw.manifest["unit"]
          and isinstance(c.get("office_id"), str) and c["office_id"] == raw.manifest["office_id"]
          and isinstance(c.get("secret"), str) and re.fullmatch(r"[0-9a-f]{64}", c["secret"])
          and isinstance(plan, dict) and isinstance(plan.get("toml"), str)
          and isinstance(c.get("settings"), dict) and isinstance(c.get("streets"), list)
          and all(isinstance(s, str) and s.strip() for s in c["streets"]))
    if not ok:
        raise PackageRejected(f"安装文件 {name} 的内容不完整或已损坏，已拒绝，数据库未作任何修改。")
    text = plan["toml"]
    if sha256(text.encode("utf-8")) != raw.manifest["plan_digest"]:
        raise PackageRejected(f"安装文件 {name} 中的计划文件校验失败，已拒绝，数据库未作任何修改。")
    return c, plan, text


def install(app_or_db_path: App | str | Path, path: str | Path,
            actor: Actor | None = None) -> dict[str, Any]:
    """Import an installation file into a unit's database; returns the installation dict.
    Refuses an office database and a database already installed as another unit.
    Setting up the PC is an administrator's action (``actor`` defaults to the command line)."""
    actor = actor or CLI_ACTOR
    actor.require_admin("导入安装文件")
    raw = read_package(path)
    content, _plan_info, text = _parse_install(raw)
    unit = content["unit"]
    given = isinstance(app_or_db_path, App)
    db_path = app_or_db_path.store.path if isinstance(app_or_db_path, App) else Path(app_or_db_path)
    plan_path = plan_file_for(db_path)
    plan = parse_plan_text(text, plan_path, f"安装文件 {raw.name}")
    if unit not in [u.name for u in plan.units if u.kind != "streets"] and unit not in content["streets"]:
        raise PackageRejected(f"安装文件 {raw.name} 中的单位“{unit}”不在计划中，已拒绝。")
    store = app_or_db_path.store if isinstance(app_or_db_path, App) else Store(db_path)
    try:
        settings = Settings(store)
        if isinstance(settings.get("office_id"), str) and settings.get("office_id"):
            raise PackageRejected("本数据库是领导小组办公室的数据库，不能导入单位安装文件。")
        old = settings.get("installation")
        if isinstance(old, dict) and old.get("unit") and old["unit"] != unit:
            raise PackageRejected(f"本机已安装为“{old['unit']}”，不能再安装为“{unit}”。"
                                  "如需更换单位，请使用新的数据库文件。")
        write_text(plan_path, text)
        if isinstance(app_or_db_path, App):
            app = app_or_db_path
            app.plan = plan
            sync_catalog(store, plan)
        else:
            app = App(store, plan)
        inst = {"unit": unit, "office_id": content["office_id"], "plan_id": plan.plan_id,
                "plan_version": plan.version, "plan_digest": plan.digest,
                "plan_file": plan_path.name, "installed_at": now_iso()}
        with store.tx() as c:
            _add_streets(c, content["streets"])
            for k, v in content["settings"].items():
                if k in SHARED_SETTINGS:
                    set_setting(c, k, v)
            c.execute("INSERT INTO unit_keys(unit, secret, created_at) VALUES (?, ?, ?) "
                      "ON CONFLICT(unit) DO UPDATE SET secret = excluded.secret",
                      (unit, content["secret"], now_iso()))
            set_setting(c, "installation", inst)
            c.execute("INSERT INTO plan_meta(key, value) VALUES ('installed_plan_toml', ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (text,))
            app.log(actor, "exchange", f"导入安装文件：{raw.name}，本机作为“{unit}”使用")
        app.invalidate()
    finally:
        if not given:
            store.close()
    return inst


def _add_streets(c: sqlite3.Connection, streets: Iterable[str]) -> None:
    for name in streets:
        n = c.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        c.execute("INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, 'street', ?, 1, 0) "
                  "ON CONFLICT(name) DO NOTHING", (name.strip(), 1000 + n))


def preview_package(app: App, path: str | Path) -> PackagePreview:
    """Check a package and report what importing it would do. Changes nothing."""
    return load_package(app, path).preview


# -- submission packages (unit → office) -----------------------------------------------------------

def export_package(app: App, actor: Actor, month: str, path: str | Path) -> Path:
    """Write the unit's package for ``month`` (on the unit's PC)."""
    inst = installation(app)
    if not inst:
        raise DomainError("本机尚未导入安装文件，不能导出报送包。请先在“数据交换”页导入办公室发来的安装文件。")
    unit = inst["unit"]
    actor.require_unit(unit, "导出该单位的报送包")
    month = _check_month(month)
    key = unit_key(app, unit)
    if not key:
        raise DomainError("本机的单位密钥缺失，请重新导入安装文件。")
    q = app.store.query
    tasks = q(f"SELECT task_code, unit, month, {', '.join(TASK_KEYS)}, updated_at, updated_by "
              "FROM task_reports WHERE unit = ? AND month = ? ORDER BY task_code", (unit, month))
    miles = q("SELECT milestone_code, unit, month, value, raw, note, updated_at, updated_by "
              "FROM milestone_values WHERE unit = ? AND month = ? ORDER BY milestone_code", (unit, month))
    inds = q("SELECT part_code, period, unit, month, value, raw, source, note, updated_at, updated_by "
             "FROM indicator_values WHERE unit = ? AND month = ? ORDER BY part_code, period", (unit, month))
    projects = q("SELECT * FROM projects WHERE unit = ? AND created_month <= ? "
                 "AND (closed_month = '' OR closed_month >= ?) ORDER BY id", (unit, month, month))
    n_pm = 0
    for p in projects:
        pid = p.pop("id")
        p["months"] = q("SELECT month, ptype, year_plan_invest, cum_invest, actual_start, progress, "
                        "updated_at, updated_by FROM project_months WHERE project_id = ? AND month = ?",
                        (pid, month))
        n_pm += len(p["months"])
    audit = q("SELECT at, actor, unit, month, entity, entity_key, field, old, new, origin "
              "FROM value_audit WHERE unit = ? AND month = ? ORDER BY id", (unit, month))
    events = q("SELECT at, actor, unit, month, action, comment FROM review_events "
               "WHERE unit = ? AND month = ? ORDER BY id", (unit, month))
    sub = app.store.one(f"SELECT unit, month, {', '.join(SUB_KEYS)} FROM submissions "
                        "WHERE unit = ? AND month = ?", (unit, month))
    content = {"unit": unit, "month": month, "submission": sub, "task_reports": tasks,
               "milestone_values": miles, "indicator_values": inds, "projects": projects,
               "value_audit": audit, "review_events": events}
    counts = {"task_reports": len(tasks), "milestone_values": len(miles), "indicator_values": len(inds),
              "projects": len(projects), "project_months": n_pm, "value_audit": len(audit),
              "review_events": len(events)}
    out = write_package(path, _manifest(app, actor, "submission", unit, month, inst["office_id"], counts),
                        content, key)
    app.log(actor, "exchange", f"导出报送包：{unit} {month} → {out.name}")
    return out


# -- decisions packages (office → unit) ------------------------------------------------------------

def export_decisions(app: App, actor: Actor, unit: str, path: str | Path) -> Path:
    """Write the office's decisions for ``unit``: review states and comments of every month,
    review events, the plan file, shared settings and the streets (office only)."""
    actor.require_office("导出回执包")
    if installation(app):
        raise DomainError("本机是单位安装，不能导出回执包；请在办公室电脑上操作。")
    key = unit_key(app, unit)
    if not key:
        raise NotFound(f"尚未为“{unit}”生成安装文件（没有该单位的密钥），不能导出回执包。")
    text = _plan_text(app)
    subs = app.store.query(f"SELECT unit, month, {', '.join(SUB_KEYS)} FROM submissions WHERE unit = ? "
                           "ORDER BY month", (unit,))
    events = app.store.query("SELECT at, actor, unit, month, action, comment FROM review_events "
                             "WHERE unit = ? ORDER BY id", (unit,))
    content = {"unit": unit, "submissions": subs, "review_events": events,
               "plan": {"id": app.plan.plan_id, "version": app.plan.version, "digest": app.plan.digest,
                        "toml": text},
               "settings": _shared_settings(app), "streets": app.streets()}
    counts = {"submissions": len(subs), "review_events": len(events)}
    with app.store.tx():
        _remember_plan(app)
        out = write_package(path, _manifest(app, actor, "decisions", unit, "", office_id(app), counts),
                            content, key)
        app.log(actor, "exchange", f"导出回执包：{unit} → {out.name}")
    return out


# -- importing -------------------------------------------------------------------------------------

def _backup(app: App, reason: str) -> None:
    """Back the database up before an import (raises StoreError when that fails)."""
    backup_now(app.store, reason)


def _require(app: App, actor: Actor, raw: RawPackage) -> None:
    if raw.kind == "submission":
        actor.require_office("导入报送包")
    else:
        inst = installation(app)
        actor.require_unit(inst["unit"] if inst else raw.manifest["unit"], "导入本单位的回执包")


def import_package(app: App, actor: Actor, path: str | Path, dry_run: bool = False,
                   backup: bool = True) -> PackagePreview:
    """Check and (unless ``dry_run``) apply one package in one transaction. A rejected
    package raises PackageRejected and changes nothing."""
    work = load_package(app, path)
    _require(app, actor, work.raw)
    if dry_run:
        return work.preview
    if not work.preview.already_imported and (work.ops or work.new_plan) and backup:
        _backup(app, f"导入{KIND_NAMES[work.raw.kind]}前自动备份")
    try:
        with app.store.tx() as c:
            work = load_package(app, path)  # again inside the transaction: nothing can change in between
            pv = work.preview
            pv.dry_run = False
            if pv.already_imported or pv.conflict_reason:
                return pv
            for sql, params in work.ops:
                c.execute(sql, params)
            if work.new_plan is not None:
                sync_catalog(app.store, work.new_plan)
                c.execute("INSERT INTO plan_meta(key, value) VALUES ('installed_plan_toml', ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (work.plan_text,))
                inst = installation(app) or {}
                inst.update(plan_version=work.new_plan.version, plan_digest=work.new_plan.digest)
                set_setting(c, "installation", inst)
            c.execute("INSERT INTO packages(digest, kind, unit, month, created_at, imported_at, summary) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (pv.digest, pv.kind, pv.unit, pv.month, pv.created_at, now_iso(),
                       to_json({"new": pv.new, "updated": pv.updated, "unchanged": pv.unchanged,
                              "history_new": pv.history_new, "file": pv.name})))
            pv.applied = True
            app.log(actor, "exchange", "导入" + pv.summary())
    except sqlite3.Error as exc:
        raise PackageRejected(f"{KIND_NAMES[work.raw.kind]} {work.raw.name} 写入时出错（{exc}），"
                              "该包的全部改动已撤销。") from None
    finally:
        app.invalidate()
    if work.new_plan is not None and pv.applied:
        write_text(plan_file_for(app.store.path), work.plan_text)
        app.plan = work.new_plan
        app.invalidate()
    return pv


def import_packages(app: App, actor: Actor, paths: Iterable[str | Path], dry_run: bool = False
                    ) -> list[tuple[Path, PackagePreview | PackageRejected]]:
    """Import several packages (one transaction each); one backup first. Rejections are
    returned in place of previews and do not stop the others."""
    paths = [Path(p) for p in paths]
    out: list[tuple[Path, PackagePreview | PackageRejected]] = []
    if not dry_run:
        need = False
        for p in paths:
            try:
                w = load_package(app, p)
            except DomainError:
                continue
            need = need or bool(w.ops or w.new_plan) and not w.preview.already_imported
        if need:
            _backup(app, "导入数据交换包前自动备份")
    for p in paths:
        try:
            out.append((p, import_package(app, actor, p, dry_run=dry_run, backup=False)))
        except PackageRejected as exc:
            out.append((p, exc))
        except DomainError as exc:
            out.append((p, PackageRejected(f"{p.name}：{exc}")))
    return out


# -- command line ----------------------------------------------------------------------------------

def _open(args: argparse.Namespace) -> App:
    import main as entry
    return entry.open_app(args)  # honours the installed plan of a bureau database


def _unknown_unit(app: App, unit: str) -> bool:
    if unit in app.reporting_units():
        return False
    sys.stderr.write(f"错误：“{unit}”不是填报单位。填报单位有：{'、'.join(app.reporting_units())}。\n")
    return True


def cli_make_install(args: argparse.Namespace) -> int:
    app = _open(args)
    try:
        if _unknown_unit(app, args.unit.strip()):
            return 2
        out = make_install(app, CLI_ACTOR, args.unit.strip(), args.output)
    finally:
        app.close()
    print(f"已生成“{args.unit.strip()}”的安装文件：{out}\n请妥善保管：文件中含有该单位的签名密钥。")
    return 0


def cli_install(args: argparse.Namespace) -> int:
    import main as entry
    db = Path(args.db) if args.db else entry.default_db()
    inst = install(db, args.file)
    print(f"安装完成：本机作为“{inst['unit']}”使用（计划版本 {inst['plan_version']}）。\n"
          f"计划文件已保存到 {plan_file_for(db)}。")
    return 0


def cli_export_package(args: argparse.Namespace) -> int:
    if not MONTH_RE.match(args.month or ""):
        sys.stderr.write(f"错误：月份“{args.month}”格式不对，应为 YYYY-MM，例如 2026-03。\n")
        return 2
    app = _open(args)
    try:
        out = export_package(app, CLI_ACTOR, args.month, args.output)
    finally:
        app.close()
    print(f"已导出报送包：{out}")
    return 0


def cli_import_package(args: argparse.Namespace) -> int:
    app = _open(args)
    rc = 0
    try:
        for p, res in import_packages(app, CLI_ACTOR, args.files, dry_run=args.dry_run):
            if isinstance(res, PackageRejected):
                sys.stderr.write(f"{res}\n")
                rc = 1
                continue
            print(res.summary())
            if args.dry_run:
                for it in res.items:
                    if it.status != "unchanged":
                        print(f"  [{STATUS_NAMES[it.status]}] {it.entity} {it.key} {it.detail}".rstrip())
            if res.conflicts:
                sys.stderr.write(f"注意：{p.name} 有 {res.conflicts} 项冲突未导入。{res.conflict_reason}\n")
    finally:
        app.close()
    return rc


def cli_export_decisions(args: argparse.Namespace) -> int:
    app = _open(args)
    try:
        if _unknown_unit(app, args.unit.strip()):
            return 2
        out = export_decisions(app, CLI_ACTOR, args.unit.strip(), args.output)
    finally:
        app.close()
    print(f"已导出给“{args.unit.strip()}”的回执包：{out}")
    return 0
