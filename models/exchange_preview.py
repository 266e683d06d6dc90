"""A checked package: what importing it would change (the preview) and the statements that do it.

``PackagePreview`` counts and lists the items (new, updated, unchanged, older, conflict)
and the refused rows (``models.exchange_rows.Refusal``);
``Work`` holds it with the SQL statements that apply it. The steps both directions of
exchange share are here: the rejection message, the plan check, the value-by-value
comparison (where newer wins: a row older than what this PC already holds for the same item
is "older" and not applied), the review events appended without duplicates, and the final
marking of conflicts (an approved month, a stale package) under which nothing applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.authority import PUBLIC, rule
from models.app import App
from models.entries_base import month_cn
from models.exchange_common import EVENT_KEYS, MONTH_RE, SUB_KEYS
from models.exchange_rows import Refusal, RowCheck
from models.package_format import KIND_NAMES, PackageRejected, RawPackage, need_list
from models.plan import Plan

# The shape of a submission row and the states a submission can have.
S = (str,)
SUB_SPEC = {"unit": S, "month": S, **{k: S for k in SUB_KEYS if k != "returns"}, "returns": (int,)}
STATES = ("", "draft", "submitted", "approved", "returned", "reopened")
FIELD_LABELS = {"value": "数值", "raw": "填报值", "note": "说明", "source": "数据来源",
                "closed_month": "结束月份", "task_code": "所属任务", "state": "状态",
                "decided_at": "审核时间", "decided_by": "审核人", "comment": "审核意见", "returns": "退回次数"}

STATUS_NAMES = {"new": "新增", "updated": "更新", "unchanged": "未变", "older": "较旧未采用", "conflict": "冲突",
                "refused": "拒绝"}
ACTION_NAMES = {"submit": "报送", "approve": "审核通过", "return": "退回", "reopen": "解锁"}


@rule(PUBLIC)
@dataclass
class PreviewItem:
    status: str  # new | updated | unchanged | older | conflict
    entity: str  # Chinese name of what the item is
    key: str
    detail: str = ""


@rule(PUBLIC)
@dataclass
class PackagePreview:
    """What importing a package does (or did): counts and one line per item."""

    path: Path
    kind: str
    unit: str
    month: str
    created_at: str
    digest: str
    items: list[PreviewItem] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)  # rows refused by the row checks
    history_new: int = 0  # audit and review records to append
    already_imported: str = ""  # when the same package was imported before
    conflict_reason: str = ""
    applied: bool = False
    dry_run: bool = True

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def conflicts(self) -> int:
        return self.count("conflict")

    @property
    def older(self) -> int:
        return self.count("older")

    @property
    def changes(self) -> bool:
        return bool(self.new or self.updated or self.history_new)

    @property
    def name(self) -> str:
        return self.path.name

    def summary(self) -> str:
        what = KIND_NAMES.get(self.kind, "文件")
        head = f"{what} {self.name}（{self.unit}{' ' + month_cn(self.month) if self.month else ''}）"
        text = (f"{head}：新增 {self.new} 项，更新 {self.updated} 项，未变 {self.unchanged} 项，"
                f"冲突 {self.conflicts} 项；历史记录新增 {self.history_new} 条。")
        if self.older:
            text += f"较旧未采用 {self.older} 项（本机已有更新的数据）。"
        if self.refused:
            text += f"拒绝 {len(self.refused)} 行（未通过检查，未写入，见下）。"
        if self.already_imported:
            text += f"该包已于{self.already_imported[:16].replace('T', ' ')}导入过，不再重复写入。"
        if self.conflict_reason:
            text += self.conflict_reason
        if self.applied:
            text += "已导入。"
        elif self.dry_run:
            text += "（预览，未写入）"
        else:
            text += "未写入任何数据。"
        return text


@rule(PUBLIC)
@dataclass
class Work:
    """A checked package: its preview and the statements that apply it."""

    raw: RawPackage
    preview: PackagePreview
    ops: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    new_plan: Plan | None = None
    plan_text: str = ""
    files: list[str] = field(default_factory=list)  # SHA-256 of evidence files to store first (models.exchange_files)


@rule(PUBLIC)
def reject(raw: RawPackage, why: str) -> PackageRejected:
    return PackageRejected(f"{KIND_NAMES.get(raw.kind, '文件')} {raw.name} {why}，已拒绝，数据库未作任何修改。")


def _compare(status_items: list[PreviewItem], entity: str, key: str, old: dict[str, Any] | None,
             new: dict[str, Any], keys: Iterable[str], labels: dict[str, str] = FIELD_LABELS) -> str:
    """new | unchanged | updated | older (newer wins: a row saved before the one this PC
    holds for the same item is not applied, whatever month its package is for)."""
    if old is None:
        status_items.append(PreviewItem("new", entity, key))
        return "new"
    changed = [k for k in keys if old.get(k) != new.get(k)]
    if not changed:
        status_items.append(PreviewItem("unchanged", entity, key))
        return "unchanged"
    mine, theirs = str(old.get("updated_at") or ""), str(new.get("updated_at") or "")
    if mine and theirs and theirs < mine:
        status_items.append(PreviewItem("older", entity, key,
                                        f"包中的数据保存于{_hm(theirs)}，早于本机已有的（{_hm(mine)}），未采用"))
        return "older"
    status_items.append(PreviewItem("updated", entity, key,
                                    "变更：" + "、".join(labels.get(k, k) for k in changed)))
    return "updated"


@rule(PUBLIC)
def check_plan(app: App, raw: RawPackage, allow_update: bool = False) -> None:
    m = raw.manifest
    mine = f"“{app.plan.plan_id}” 版本 {app.plan.version}（校验值 {app.plan.digest[:12]}）"
    theirs = f"“{m['plan_id']}” 版本 {m['plan_version']}（校验值 {m['plan_digest'][:12]}）"
    if m["plan_id"] != app.plan.plan_id:
        raise reject(raw, f"使用的计划是{theirs}，本机使用的计划是{mine}，两者不是同一个计划")
    known = app.settings.get("exchange_known_plans") or {}
    if m["plan_digest"] != app.plan.digest and m["plan_digest"] not in known and not allow_update:
        raise reject(raw, f"使用的计划版本{theirs}本机不认识，本机使用的计划版本为{mine}；"
                      "请先统一计划版本")


def _hm(stamp: str) -> str:
    return stamp[:16].replace("T", " ")


def _merge_events(app: App, raw: RawPackage, pv: PackagePreview, ops: list[tuple[str, tuple[Any, ...]]],
                  unit: str, months: list[str] | None, c: dict[str, Any], check: RowCheck,
                  only_submit: bool = False) -> None:
    """Review events appended without duplicates. From a unit's package (``only_submit``) only
    its own submitting is taken; a decision the office does not already hold is refused."""
    seen = {(e["month"], *[e[k] for k in EVENT_KEYS]) for e in app.store.query(
        "SELECT * FROM review_events WHERE unit = ?", (unit,))}
    for e in need_list(c, "review_events", raw.name):
        if e.get("unit") != unit:
            raise reject(raw, f"中含有其他单位（{str(e.get('unit'))[:30]}）的审核记录")
        m = e.get("month")
        if not isinstance(m, str) or (months is not None and m not in months) or not MONTH_RE.match(m):
            raise reject(raw, f"中含有其他月份（{str(m)[:20]}）的审核记录")
        row = check.event(e)
        if row is None:
            continue
        k = (row["month"], *[row[x] for x in EVENT_KEYS])
        if k in seen:
            continue
        if only_submit and row["action"] != "submit":
            pv.refused.append(Refusal(unit, m, "审核记录", "动作",
                                      f"“{ACTION_NAMES.get(row['action'], row['action'])}”只能由领导小组办公室作出，"
                                      "单位报送包中的这条审核记录未采用"))
            continue
        seen.add(k)
        pv.history_new += 1
        ops.append(("INSERT INTO review_events(at, actor, unit, month, action, comment) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (row["at"], row["actor"], unit, m, row["action"], row["comment"])))


def _finish(app: App, work: Work) -> None:
    """Mark conflicts (nothing then applies) and whether the package was imported before."""
    pv = work.preview
    row = app.store.one("SELECT imported_at FROM packages WHERE digest = ?", (pv.digest,))
    if row:
        pv.already_imported = row["imported_at"]
    if pv.conflict_reason and not (pv.new or pv.updated or pv.history_new or pv.older):
        pv.conflict_reason = ""  # nothing would change: the package is simply unchanged
    if pv.conflict_reason:
        if not (pv.new or pv.updated):
            pv.items.append(PreviewItem("conflict", "历史记录", f"{pv.history_new} 条"))
        for it in pv.items:
            if it.status in ("new", "updated"):
                it.status = "conflict"
                it.detail = (it.detail + "；" if it.detail else "") + "未覆盖"
        pv.history_new = 0
        work.ops.clear()
        work.new_plan = None
