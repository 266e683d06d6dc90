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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from models.app import Actor, App
from models.authority import ADMIN_RULE, OFFICE, STARTUP, rule
from models.atomic_write import WriteFailed, write_text
from models.catalog import sync_catalog
from models.errors import DomainError, NotFound
from models.exchange_common import (SHARED_SETTINGS, _manifest, _plan_text, _remember_plan, _shared_settings,
                                    installation, office_id, parse_plan_text, plan_file_for, set_setting, unit_key)
from models.package_format import KIND_NAMES, PackageRejected, RawPackage, read_package, sha256, write_package
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
    if not ok or not isinstance(plan, dict):
        raise PackageRejected(f"安装文件 {name} 的内容不完整或已损坏，已拒绝，数据库未作任何修改。")
    text = str(plan["toml"])
    if sha256(text.encode("utf-8")) != raw.manifest["plan_digest"]:
        raise PackageRejected(f"安装文件 {name} 中的计划文件校验失败，已拒绝，数据库未作任何修改。")
    return c, plan, text


@rule(ADMIN_RULE, what="导入安装文件")
def install(app_or_db_path: App | str | Path, path: str | Path, actor: Actor) -> dict[str, Any]:
    """Import an installation file into a unit's database; returns the installation dict.
    Refuses an office database and a database already installed as another unit.
    Setting up the PC is an administrator's action."""
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
