"""Installation files (``.zsi``): made by the office for a unit, imported once on the unit's PC.

The file carries the plan, the shared settings, the streets, the unit's identity and
its secret key. Importing it turns a fresh database into that unit's installation;
the plan file is kept beside the database (``installed_plan_path`` restores it from
the database when it was lost).
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from models.app import Actor, App
from models.authority import ADMIN_RULE, OFFICE, PUBLIC, STARTUP, rule
from models.atomic_write import WriteFailed, write_text
from models.plan_binding import PlanMismatch, adopt, has_entries, recorded
from models.errors import DomainError, NotFound
from models.exchange_common import (_manifest, _plan_text, _remember_plan, _shared_settings, installation,
                                    office_id, parse_plan_text, plan_file_for, set_setting, unit_key)
from models.exchange_decisions import shared_settings, street_names
from models.exchange_rows import Refusal
from models.atomic_write import staged_output
from models.package_format import KIND_NAMES, PackageRejected, RawPackage, package_bytes, read_package, sha256
from models.settings import Settings
from models.store import Store, now_iso

INSTALL_EXT = ".zsi"


# -- the installed plan ----------------------------------------------------------------------------

@rule(STARTUP, why="finds (and restores) the plan file of a bureau database before it is opened")
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


# -- installation ----------------------------------------------------------------------------------

@rule(OFFICE, what="生成安装文件")
def make_install(app: App, actor: Actor, unit: str, path: str | Path) -> Path:
    """Write the installation file of ``unit`` (office only). The unit's key is made once."""
    inst = installation(app)
    if inst:
        raise DomainError(f"本机是{inst['unit']}的单位安装，不能生成安装文件；请在办公室电脑上操作。")
    if unit not in app.reporting_units():
        raise NotFound(f"“{unit}”不是填报单位，不能生成安装文件。")
    text = _plan_text(app)
    out = Path(path)
    with staged_output(out) as staged, app.store.tx() as c:
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
        staged.save(package_bytes(_manifest(app, actor, "install", unit, "", oid, {}), content, None))
        app.log(actor, "exchange", f"生成安装文件：{unit} → {out.name}")
        staged.place()
    return out


def _install_head(name: str) -> Callable[[dict[str, Any]], str | None]:
    """Refuses anything but an installation file as soon as its manifest says what it is."""
    def key_of(manifest: dict[str, Any]) -> str | None:
        if manifest["kind"] != "install":
            raise PackageRejected(f"文件 {name} 是{KIND_NAMES.get(manifest['kind'], '其他文件')}，不是安装文件，已拒绝。")
        if not re.fullmatch(r"[0-9a-f]{32}", manifest["office_id"]):
            raise PackageRejected(f"安装文件 {name} 中的办公室编号无效，已拒绝，数据库未作任何修改。")
        return None
    return key_of


def _parse_install(raw: RawPackage) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The installation file's content, checked field by field: identity, key, plan, settings, streets."""
    name = raw.name
    c = raw.content
    plan = c.get("plan")
    ok = (isinstance(c.get("unit"), str) and 0 < len(c["unit"]) <= 50 and c["unit"] == raw.manifest["unit"]
          and isinstance(c.get("office_id"), str) and c["office_id"] == raw.manifest["office_id"]
          and isinstance(c.get("secret"), str) and re.fullmatch(r"[0-9a-f]{64}", c["secret"])
          and isinstance(plan, dict) and isinstance(plan.get("toml"), str)
          and isinstance(c.get("settings"), dict) and isinstance(c.get("streets"), list))
    if not ok or not isinstance(plan, dict):
        raise PackageRejected(f"安装文件 {name} 的内容不完整或已损坏，已拒绝，数据库未作任何修改。")
    text = str(plan["toml"])
    if sha256(text.encode("utf-8")) != raw.manifest["plan_digest"]:
        raise PackageRejected(f"安装文件 {name} 中的计划文件校验失败，已拒绝，数据库未作任何修改。")
    return c, plan, text


@rule(PUBLIC)
class OfficeChange(PackageRejected):
    """An installation file from another office than the one this PC was installed from."""


@rule(ADMIN_RULE, what="导入安装文件")
def install(app_or_db_path: App | str | Path, path: str | Path, actor: Actor,
            change_office: bool = False) -> dict[str, Any]:
    """Import an installation file into a unit's database; returns the installation dict
    (with ``refused``: the shared settings or streets that failed their checks and were left
    out). Refuses an office database, a database already installed as another unit, and one
    installed from another office unless ``change_office`` (an administrator confirmed the
    change; it is logged). Setting up the PC is an administrator's action."""
    raw = read_package(path, _install_head(Path(path).name))
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
        moved = isinstance(old, dict) and old.get("office_id") and old["office_id"] != content["office_id"]
        if moved and not change_office:
            raise OfficeChange(
                f"本机是由另一个办公室（编号 {str(old['office_id'])[:8]}…）安装的“{unit}”，安装文件 {raw.name} "
                f"来自办公室（编号 {content['office_id'][:8]}…）。导入后本机改由新办公室管理、使用新的单位密钥，"
                "原办公室将不再接受本机的报送包。确需更换时，请管理员确认（命令行加 --change-office）。"
                "数据库未作任何修改。")
        refused: list[Refusal] = []
        view = cast(App, SimpleNamespace(plan=plan, settings=settings))  # what validate reads
        shared = shared_settings(view, content["settings"], refused, unit, "共享设置")
        streets = street_names(content["streets"], refused, unit, plan.words.street_word)
        rec = recorded(store)
        if rec is not None and rec.plan_id != plan.plan_id and has_entries(store):
            raise PlanMismatch(rec, plan, str(db_path))  # a fresh database may take the office's plan
        app = app_or_db_path if isinstance(app_or_db_path, App) else App.without_binding(store, plan)
        inst = {"unit": unit, "office_id": content["office_id"], "plan_id": plan.plan_id,
                "plan_version": plan.version, "plan_digest": plan.digest,
                "plan_file": plan_path.name, "installed_at": now_iso()}
        with store.tx() as c:
            adopt(store, plan, actor.username)  # the office's plan becomes this database's own
            _add_streets(c, streets)
            for k, v in shared.items():
                set_setting(c, k, v)
            c.execute("INSERT INTO unit_keys(unit, secret, created_at) VALUES (?, ?, ?) "
                      "ON CONFLICT(unit) DO UPDATE SET secret = excluded.secret",
                      (unit, content["secret"], now_iso()))
            set_setting(c, "installation", inst)
            c.execute("INSERT INTO plan_meta(key, value) VALUES ('installed_plan_toml', ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (text,))
            if moved:
                app.log(actor, "exchange", f"管理员确认更换办公室：本机（{unit}）由办公室 {str(old['office_id'])[:8]}… "
                        f"改由办公室 {content['office_id'][:8]}… 管理（安装文件 {raw.name}）")
            app.log(actor, "exchange", f"导入安装文件：{raw.name}，本机作为“{unit}”使用"
                    + (f"；未采用：{'；'.join(r.text() for r in refused)}" if refused else ""))
        app.plan = plan
        app.invalidate()
        try:
            write_text(plan_path, text)
        except WriteFailed:
            pass  # the database keeps the plan; installed_plan_path writes the file again when needed
    finally:
        if not given:
            store.close()
    return {**inst, "refused": [r.text() for r in refused]}


def _add_streets(c: sqlite3.Connection, streets: Iterable[str]) -> None:
    for name in streets:
        if c.execute("SELECT 1 FROM units WHERE name = ? AND kind <> 'street'", (name.strip(),)).fetchone():
            continue  # a unit of the plan is not a street
        n = c.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        c.execute("INSERT INTO units(name, kind, sort, active, from_plan) VALUES (?, 'street', ?, 1, 0) "
                  "ON CONFLICT(name) DO NOTHING", (name.strip(), 1000 + n))
