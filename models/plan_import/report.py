"""What an import found, in plain Chinese: the draft's counts, the review items one by
one (kind, where, the quoted source, what was decided, what to check), as the command
line prints them and the program's review screen summarises them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.plan_import.review import ReviewItem

if TYPE_CHECKING:
    from models.plan_import import ImportResult
    from models.plan_import.draft import DraftPlan


def draft_counts(draft: DraftPlan) -> dict[str, int]:
    """How many of each kind of entry the draft holds."""
    tasks = [t for a in draft.actions for t in a.tasks]
    return {"units": len(draft.units), "actions": len(draft.actions), "tasks": len(tasks),
            "subtasks": sum(len(t.subtasks) for t in tasks), "policies": len(draft.policies),
            "indicators": len(draft.indicators), "parts": sum(len(i.parts) for i in draft.indicators),
            "milestones": len(draft.milestones)}


def counts_text(draft: DraftPlan) -> str:
    """“单位 21 个；行动 10 项、任务 35 项；…” for a draft."""
    n = draft_counts(draft)
    tasks = f"任务 {n['tasks']} 项" + (f"（另有子任务 {n['subtasks']} 项）" if n["subtasks"] else "")
    parts = f"（分项 {n['parts']} 个）" if n["parts"] != n["indicators"] else ""
    return (f"单位 {n['units']} 个；行动 {n['actions']} 项、{tasks}；政策保障 {n['policies']} 项；"
            f"指标 {n['indicators']} 项{parts}；里程碑 {n['milestones']} 个。")


def kinds_text(items: list[ReviewItem]) -> str:
    """“方案信息 2、续表合并 1、…” in the order the kinds first occur."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.title] = counts.get(item.title, 0) + 1
    return "、".join(f"{title} {n}" for title, n in counts.items())


def summary_lines(result: ImportResult) -> list[str]:
    """The head of the command line's report: what was read, what the draft holds and how
    many items need review."""
    meta = result.draft.meta
    out = [f"《{meta.name or '（未识别方案名称）'}》：{meta.district or '（未识别区县）'}，方案标识 {meta.id}，"
           f"版本 {meta.version}，首个填报月份 {meta.first_month}。",
           counts_text(result.draft)]
    items = result.review_items
    if items:
        out.append(f"需要核对 {len(items)} 项：{kinds_text(items)}。")
    else:
        out.append("没有需要核对的事项。")
    out += [f"原文类型的限制：{note}" for note in result.lost_notes]
    return out


def item_lines(number: int, item: ReviewItem) -> list[str]:
    """One review item as printed: a heading line, then the quote, the decision and the check."""
    head = f"[{number}] {item.title}"
    if item.where:
        head += f" · {item.where}"
    if item.ref:
        head += f" · {ref_label(item.ref)}"
    out = [head]
    if item.quote:
        out.append(f"    原文：“{_one_line(item.quote)}”")
    out.append(f"    处理：{item.decided}")
    out.append(f"    请核对：{item.check}")
    return out


def ref_label(ref: str) -> str:
    """How a review item's ``ref`` is named to a person: 单位“X” or 条目 1.2."""
    if ref.startswith("unit:"):
        return f"单位“{ref[5:]}”"
    return f"条目 {ref}"


def result_json(result: ImportResult, output: str) -> dict[str, Any]:
    """The command line's ``--json`` document: what was written and every review item."""
    meta = result.draft.meta
    return {"output": output, "source": result.source_name, "source_kind": result.source_kind,
            "plan": {"id": meta.id, "version": meta.version, "name": meta.name, "district": meta.district,
                     "first_month": meta.first_month},
            "counts": draft_counts(result.draft), "review_count": len(result.review_items),
            "review_items": [i.as_dict() for i in result.review_items], "lost_notes": list(result.lost_notes)}


def _one_line(text: str) -> str:
    return " ".join(text.split())
