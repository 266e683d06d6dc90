"""A database belongs to its plan: which plan it holds, and what may open it.

A database records the plan it was made with (``plan_meta``: id, version, digest) and
keeps the text of every plan version it adopted (``plan_versions``, the current one
marked), so that a backup carries its plan and a database opened without ``--plan``
uses its own plan, never the built-in one (``plan_for``).

Opening a database with a plan (``bind``, called by ``App``):
- a plan of another id is refused (``PlanMismatch``, naming both plans), before
  anything is written;
- the same plan file (same digest): nothing to do;
- a new version of the same plan (same id, other digest): the changes are listed,
  matched by code (``models/plan_changes.py``), and nothing is synced until the
  office accepts (``PlanUpdatePending``; ``accept_update=True`` adopts it). Syncing
  never relabels entered data: items that left the plan are marked inactive, their
  data kept.

A database made before plans were recorded with their text (schema < 6) knows only
the plan's id and digest and its catalog mirror; it adopts the plan file it is opened
with silently when the mirror shows no change (the bundled plan converted to a new
file format), and asks like any update otherwise.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from models.authority import INTERNAL, PUBLIC, STARTUP, rule
from models.catalog import sync_catalog
from models.errors import DomainError
from models.plan import Plan
from models.plan_changes import PlanChanges, changes_between, changes_from_mirror
from models.store import Store, now_iso


@rule(PUBLIC)
class Recorded(NamedTuple):
    """What a database records of its plan."""

    plan_id: str
    version: str
    name: str
    digest: str
    text: str | None  # the plan file's text, when kept (schema 6 and later)

    @property
    def label(self) -> str:
        name = f"“{self.name}”" if self.name else "计划"
        return f"{name}（{self.plan_id}，版本 {self.version}）"


class PlanMismatch(DomainError):
    """The database belongs to another plan (another id). Nothing was changed."""

    def __init__(self, recorded: Recorded, plan: Plan, where: str = ""):
        self.own = recorded
        self.plan = plan
        db = f"数据库 {where} " if where else "本数据库"
        super().__init__(
            f"{db}属于{recorded.label}，不能用{plan.label}打开。一个数据库只能使用它自己的计划："
            "请不要指定其他计划文件（不带 --plan 时使用数据库保存的计划），或为这个计划另建数据库（--db 新文件）。"
            "数据库未作任何改动。")


class PlanUpdatePending(DomainError):
    """A new version of the database's plan: the changes wait for the office's consent."""

    def __init__(self, recorded: Recorded, plan: Plan, changes: PlanChanges, stored: Plan | None):
        self.own = recorded
        self.plan = plan
        self.changes = changes
        self.stored = stored  # the database's own plan, when it keeps the text
        super().__init__(f"计划文件是本数据库计划的新版本（{recorded.version} → {plan.version}），"
                         f"须由领导小组办公室确认后才会更新：\n{changes.text()}")


class PlanUnknown(DomainError):
    """A database without its plan's text, of a plan other than the built-in one."""


@rule(INTERNAL, why="reads which plan a database records, for bind and the start-up")
def recorded(store: Store) -> Recorded | None:
    """The plan the database records, or None for a database that never had one."""
    return _recorded(store.conn)


@rule(STARTUP, why="which plan a database file records, read before it is opened")
def peek(db_path: str | Path) -> Recorded | None:
    """``recorded`` of the database file at ``db_path``, read without changing it (no
    migration, no journal): None when the file is missing or holds no plan."""
    p = Path(db_path)
    if not p.is_file() or p.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return _recorded(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _recorded(conn: sqlite3.Connection) -> Recorded | None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "plan_meta" not in tables:
        return None
    meta = {k: v for k, v in conn.execute("SELECT key, value FROM plan_meta")}
    if "plan_versions" in tables:
        row = conn.execute("SELECT plan_id, version, name, digest, text FROM plan_versions WHERE current = 1").fetchone()
        if row is not None:
            return Recorded(row[0], row[1], row[2], row[3], row[4])
    if not meta.get("plan_id"):
        return None
    return Recorded(str(meta["plan_id"]), str(meta.get("version", "")), str(meta.get("name", "")),
                    str(meta.get("digest", "")), None)


@rule(INTERNAL, why="the plan text a database keeps, for plan_for and bind")
def stored_plan(rec: Recorded | None, cache_dir: str | Path | None = None) -> Plan | None:
    """The database's own plan from the text it keeps (None when it keeps none)."""
    if rec is None or rec.text is None:
        return None
    from models.plan_load import load_plan_bytes
    return load_plan_bytes(rec.text.encode("utf-8"), f"数据库中保存的计划（{rec.plan_id}，版本 {rec.version}）",
                           cache_dir)


@rule(STARTUP, why="chooses the plan a database is opened with, before anyone signs in")
def plan_for(db_path: str | Path, plan_path: str | Path | None, cache_dir: str | Path | None = None) -> Plan:
    """The plan to open the database at ``db_path`` with: ``plan_path`` when given (the
    ``--plan`` file, or a unit's installed plan); else the plan the database keeps; else,
    for a new database (or one that recorded the built-in plan), the built-in plan.
    Raises PlanUnknown for a database of another plan that keeps no text, PlanMismatch
    when ``plan_path`` is a plan of another id (nothing read beyond the file's records)."""
    from models.plan_load import load_plan
    rec = peek(db_path)
    if plan_path:
        plan = load_plan(plan_path, cache_dir)
        if rec is not None and rec.plan_id != plan.plan_id:
            raise PlanMismatch(rec, plan, str(db_path))
        return plan
    own = stored_plan(rec, cache_dir)
    if own is not None:
        return own
    builtin = load_plan(None, cache_dir)
    if rec is not None and rec.plan_id != builtin.plan_id:
        raise PlanUnknown(f"数据库 {db_path} 属于{rec.label}，但其中没有保存计划文件（由旧版程序创建）。"
                          "请用 --plan 指定该计划的文件打开一次，之后数据库会记住它。数据库未作任何改动。")
    return builtin


@rule(STARTUP, why="checks and syncs the database's plan when it is opened, before anyone signs in")
def bind(store: Store, plan: Plan, *, accept_update: bool = False, actor: str = "") -> PlanChanges | None:
    """Make sure ``store`` may be opened with ``plan`` and bring its mirror up to date.
    Returns the changes adopted (None when there were none to adopt). Raises
    PlanMismatch or PlanUpdatePending without writing anything."""
    rec = recorded(store)
    if rec is None:
        adopt(store, plan, actor or "新建数据库")
        return None
    if rec.plan_id != plan.plan_id:
        raise PlanMismatch(rec, plan, str(store.path))
    if rec.digest == plan.digest:
        if rec.text is None and plan.source is not None:
            adopt(store, plan, actor or "记录计划文件")
        else:
            sync_catalog(store, plan)
        return None
    stored = stored_plan(rec)
    changes = changes_between(stored, plan, store) if stored is not None else changes_from_mirror(store, plan)
    if not accept_update and not (stored is None and changes.empty):
        raise PlanUpdatePending(rec, plan, changes, stored)
    adopt(store, plan, actor or "命令行", changes)
    return changes


@rule(PUBLIC)
def installed_plan_file(db_path: str | Path) -> Path:
    """Where a unit's PC keeps the plan installed with its database: ``<db name>.plan.toml``."""
    p = Path(db_path)
    return p.with_name(p.stem + ".plan.toml")


@rule(INTERNAL, why="whether a database is still empty, for installing a plan into it")
def has_entries(store: Store) -> bool:
    """Whether anything was entered in the database (a fresh one may still take a plan)."""
    return any(store.scalar(f"SELECT EXISTS(SELECT 1 FROM {table})")
               for table in ("task_reports", "milestone_values", "indicator_values", "projects"))


@rule(INTERNAL, why="records a plan as the database's own after bind or an installation checked who may")
def adopt(store: Store, plan: Plan, actor: str, changes: PlanChanges | None = None) -> None:
    """Record ``plan`` as the database's current plan (its text kept) and sync the mirror,
    in one transaction; the change is written to the event log."""
    with store.tx() as c:
        if plan.source is not None:
            c.execute("UPDATE plan_versions SET current = 0 WHERE current = 1")
            c.execute("INSERT INTO plan_versions(plan_id, version, digest, name, text, adopted_at, adopted_by, current) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                      (plan.plan_id, plan.version, plan.digest, plan.name, plan.source, now_iso(), actor))
        sync_catalog(store, plan, force=True)
        if changes is not None:
            c.execute("INSERT INTO event_log(at, actor, kind, detail) VALUES (?, ?, 'plan', ?)",
                      (now_iso(), actor, f"计划更新为版本 {plan.version}：{changes.summary()}"))
