"""What the exchange services share: identities, shared settings, row columns, file headers.

The office is known by its ``office_id``; a unit's PC by its ``installation`` (unit,
office, plan) and the unit's secret key (``unit_keys``). A unit's PC keeps its plan
file beside the database (``plan_file_for``). The helpers at the end build what every
file written by the office or a unit carries (plan text, manifest, shared settings).
Nothing here checks an incoming file.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from models.authority import INTERNAL, PUBLIC, rule
from models.app import Actor, App
from models.errors import DomainError
from models.os_reasons import os_reason
from models.package_format import PackageRejected, sha256
from models.plan import Plan, PlanError
from models.plan_parse import parse_plan

# Settings the office shares with the units (briefing and assessment settings stay at the office).
SHARED_SETTINGS = ("due_day", "expiry_days", "green_at", "yellow_at", "tolerance_pp",
                   "tolerance_rel", "tolerances", "pending_targets", "attachment_max_mb",
                   "attachment_photo_px", "attachment_keep_originals", "attachment_package_mb",
                   "attachment_required", "unit_assignments")
# Names of shared settings the office settings page does not edit (for previews).
SHARED_LABELS = {"unit_assignments": "未分工事项的责任单位"}
# The columns a package carries for each kind of row.
TASK_KEYS = ("status", "progress", "measures", "problems", "next_plan", "person", "deadline")
MILE_KEYS = ("value", "raw", "note")
IND_KEYS = ("value", "raw", "source", "note")
PROJ_KEYS = ("task_code", "name", "content", "ptype", "total_invest", "plan_start", "plan_end",
             "reduction", "closed_month")
PM_KEYS = ("ptype", "year_plan_invest", "cum_invest", "actual_start", "progress")
SUB_KEYS = ("state", "submitted_at", "submitted_by", "decided_at", "decided_by", "comment",
            "returns", "updated_at")
AUDIT_KEYS = ("at", "actor", "entity", "entity_key", "field", "old", "new")
EVENT_KEYS = ("at", "actor", "action", "comment")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PERIOD_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


# -- identities ------------------------------------------------------------------------------------

@rule(PUBLIC)
def installation(app: App) -> dict[str, Any] | None:
    """The installation identity of a unit's PC, or None on the office's PC."""
    v = app.settings.get("installation")
    return dict(v) if isinstance(v, dict) and v.get("unit") else None


@rule(PUBLIC)
def office_id(app: App) -> str:
    """The office's identity ("" until the office makes its first installation file)."""
    v = app.settings.get("office_id")
    return v if isinstance(v, str) else ""


@rule(PUBLIC)
def plan_file_for(db_path: str | Path) -> Path:
    """Where a unit's PC keeps the installed plan: ``<db name>.plan.toml`` beside the database."""
    from models.plan_binding import installed_plan_file
    return installed_plan_file(db_path)


@rule(INTERNAL, why="a unit's signing key, for the exchange services that sign and verify")
def unit_key(app: App, unit: str) -> str | None:
    return app.store.scalar("SELECT secret FROM unit_keys WHERE unit = ?", (unit,))


MAX_PLAN_TEXT = 2 * 1024 * 1024  # characters of a plan file carried in an exchange file
MAX_PLAN_DEPTH = 16  # tables and arrays nested in a plan file (the format needs 4)


@rule(PUBLIC)
def parse_plan_text(text: str, where: Path, name: str) -> Plan:
    """The plan carried in an exchange file, checked like a plan file (size and nesting
    bounded first, then every section); PackageRejected with the reason otherwise."""
    if len(text) > MAX_PLAN_TEXT:
        raise PackageRejected(f"{name} 中的计划文件过大，无法使用。")
    try:
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        why = "嵌套层次过深" if isinstance(exc, RecursionError) else str(exc)
        raise PackageRejected(f"{name} 中的计划文件无法使用：{why}") from None
    if _depth(raw) > MAX_PLAN_DEPTH:
        raise PackageRejected(f"{name} 中的计划文件无法使用：嵌套层次过深（超过{MAX_PLAN_DEPTH}层）")
    try:
        return parse_plan(raw, str(where), sha256(text.encode("utf-8")), source=text)
    except PlanError as exc:
        raise PackageRejected(f"{name} 中的计划文件无法使用：{exc}") from None


def _depth(obj: Any) -> int:
    """How deeply tables and arrays nest (without recursion, whatever the input)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        o, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_PLAN_DEPTH:
            break
        if isinstance(o, dict):
            stack.extend((v, d + 1) for v in o.values())
        elif isinstance(o, list):
            stack.extend((v, d + 1) for v in o)
    return deepest


@rule(INTERNAL, why="writes a setting inside an exchange service's transaction")
def set_setting(c: sqlite3.Connection, key: str, value: Any) -> None:
    c.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
              (key, json.dumps(value, ensure_ascii=False)))


@rule(PUBLIC)
def to_json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


# -- what every written file carries ---------------------------------------------------------------

def _plan_text(app: App) -> str:
    """The text of the plan the program runs on (kept in memory since it was read)."""
    if app.plan.source is not None and sha256(app.plan.source.encode("utf-8")) == app.plan.digest:
        return app.plan.source
    try:
        data = Path(app.plan.path).read_bytes()
    except OSError as exc:
        raise DomainError(f"无法读取计划文件 {app.plan.path}：{os_reason(exc)}。") from None
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
