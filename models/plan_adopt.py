"""Taking a plan reviewed or edited in the program into use (no Qt).

The screens (first run, 导入实施方案…, 编辑实施方案…) work on a ``PlanDraft``; these
services check it, show what it changes and adopt it:

- ``read_plan_file``: a plan file (.toml) chosen by the user, bounded and checked before
  it becomes a draft (a hostile file gives a Chinese message, nothing else);
- ``check_draft``: the draft written with the importer's TOML writer and read back by the
  program's own plan loader: the text and the ``Plan``, or ``PlanError`` naming every
  problem (the screens select the entry a problem names, ``plan_draft.problem_ref``);
- ``plan_changes`` (the office): what the checked plan changes against the database's
  plan, by code; a plan of another id is refused, naming both;
- ``adopt_plan`` (the office's administrator only): the plan file beside the database is
  written, then the database adopts the new version (its text kept, the catalog synced
  by code, the change logged); entered data keeps its codes;
- ``start_with_plan`` (first run, before any account exists): a new, empty database takes
  the plan the office imported instead of the built-in one.

The plan file beside the database is ``plan_binding.installed_plan_file`` (``<db>.plan.toml``):
the start-up opens the database with it, so that the next start uses the adopted plan.
"""

from __future__ import annotations

from pathlib import Path

from models.authority import OFFICE, OFFICE_ADMIN, PUBLIC, STARTUP, rule
from models.app import Actor, App
from models.atomic_write import WriteFailed, write_text
from models.errors import DomainError
from models.os_reasons import os_reason
from models.plan import Plan, PlanError
from models.plan_binding import adopt, installed_plan_file
from models.plan_changes import PlanChanges, changes_between
from models.plan_draft import PlanDraft
from models.settings import Settings, plan_defaults

MAX_PLAN_FILE = 2 * 1024 * 1024  # bytes of a plan file chosen in the program
# Tables that hold anything entered or set up by people: a database with any of it keeps its plan.
_DATA_TABLES = ("users", "task_reports", "milestone_values", "indicator_values", "projects", "baselines",
                "submissions", "attachments", "review_events", "briefing_issues", "packages")


@rule(PUBLIC)
def read_plan_file(path: str | Path) -> PlanDraft:
    """A plan file chosen by the user, as a draft to review: bounded in size, UTF-8, TOML,
    a ``[plan]`` table (format 1 is read as format 2). Raises PlanError with a Chinese
    message naming the file otherwise."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_PLAN_FILE:
            raise PlanError(p.name, [f"文件有 {size // 1024} KB，超过计划文件的上限 {MAX_PLAN_FILE // 1048576} MB"])
        data = p.read_bytes()
    except OSError as exc:
        raise PlanError(p.name, [f"无法读取文件：{os_reason(exc)}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError(p.name, [f"不是 UTF-8 编码的文本（第 {exc.start} 字节附近）"]) from None
    try:
        return PlanDraft.from_text(text, p.name)
    except (RecursionError, ValueError) as exc:
        if isinstance(exc, PlanError):
            raise
        raise PlanError(p.name, ["格式错误：表或数组嵌套层次过深或内容无法识别"]) from None


@rule(PUBLIC)
def check_draft(draft: PlanDraft) -> tuple[str, Plan]:
    """The plan file of ``draft`` and the plan the program's loader reads from it.
    Raises PlanError naming every problem (entry and field)."""
    from models.plan_load import load_plan_bytes
    text = draft.to_text()
    data = text.encode("utf-8")
    if len(data) > MAX_PLAN_FILE:
        raise PlanError(draft.source_name or "计划", [f"计划文件超过 {MAX_PLAN_FILE // 1048576} MB"])
    try:
        return text, load_plan_bytes(data, draft.source_name or "核对中的计划")
    except RecursionError:
        raise PlanError(draft.source_name or "计划", ["格式错误：表或数组嵌套层次过深"]) from None


def _same_plan(app: App, plan: Plan) -> None:
    if plan.plan_id != app.plan.plan_id:
        raise DomainError(
            f"这份计划是{plan.label}，本数据库属于{app.plan.label}：方案标识不同，不能作为本数据库计划的新版本。"
            "如果这是同一方案的修订版，请在“方案信息”中把方案标识改为“"
            f"{app.plan.plan_id}”；如果是另一个方案，请为它另建数据库。数据库未作任何改动。")


@rule(OFFICE, what="查看实施方案的改动")
def plan_changes(app: App, actor: Actor, plan: Plan) -> PlanChanges:
    """What ``plan`` changes against the database's plan, by code (data of removed items counted)."""
    _same_plan(app, plan)
    return changes_between(app.plan, plan, app.store)


@rule(OFFICE_ADMIN, what="采用新的实施方案")
def adopt_plan(app: App, actor: Actor, plan: Plan) -> PlanChanges:
    """Make ``plan`` (a new version of the database's plan, checked by ``check_draft``) the
    database's plan: the plan file beside the database first, then the database (text
    kept, catalog synced by code, logged). Returns the changes adopted."""
    _same_plan(app, plan)
    if plan.source is None:
        raise DomainError("计划没有文件内容，不能采用。")
    changes = changes_between(app.plan, plan, app.store)
    if plan.digest == app.plan.digest:
        return changes
    _write_beside(app, plan)
    adopt(app.store, plan, actor.username, changes)
    _use(app, plan)
    return changes


@rule(STARTUP, why="first run: a new, empty database takes the office's imported plan before any account exists")
def start_with_plan(app: App, plan: Plan) -> None:
    """The first run's “用本地的实施方案开始”: the new database (no account, nothing entered)
    drops the plan it was created with and takes ``plan``; the plan file is written beside
    it. Refused (DomainError, nothing changed) once anything is in the database."""
    if plan.source is None:
        raise DomainError("计划没有文件内容，不能使用。")
    used = [t for t in _DATA_TABLES if app.store.scalar(f"SELECT EXISTS(SELECT 1 FROM {t})")]
    if used:
        raise DomainError("本数据库已经有账户或数据，不能再换用另一个计划。请为新的计划另建数据库。数据库未作任何改动。")
    _write_beside(app, plan)
    with app.store.tx() as c:
        for table in ("assignments", "catalog_items", "plan_versions", "plan_meta"):
            c.execute(f"DELETE FROM {table}")
        c.execute("DELETE FROM units WHERE from_plan = 1")
        adopt(app.store, plan, "首次使用")
    _use(app, plan)


def _write_beside(app: App, plan: Plan) -> None:
    target = installed_plan_file(app.store.path)
    try:
        write_text(target, plan.source or "")
    except WriteFailed as exc:
        raise DomainError(f"计划文件 {target} 无法写入：{exc}。数据库未作任何改动。") from None


def _use(app: App, plan: Plan) -> None:
    app.plan = plan
    app.settings = Settings(app.store, plan_defaults(plan.briefing))
    app.invalidate()
