"""Milestones: the quantitative (and dated yes/no) targets written inside task text,
and the check of each against the appendix indicator it resembles.

A task's text is read with the wording parser in task mode (a number counts after a
year or a target verb; ``建设3000个…充电桩`` and ``争取创建3个…试点街道`` are targets,
``第39次`` is not). Consecutive targets about the same thing make one milestone
(``城镇生活垃圾资源化率提升至60%左右，到2030年提升至70%``: one milestone, two targets);
``其中…`` makes a milestone that is part of the one before.

When a milestone and an indicator part measure the same thing (similar names) and
state different values for the same year, both are kept as written and the
difference is a review item (never a silent choice): the indicator's
``discrepancy_with`` names the milestone and both carry a note.
"""

from __future__ import annotations

import re

from models.plan_import.draft import DraftIndicator, DraftMilestone, DraftTask
from models.plan_import.indicators import direction_of
from models.plan_import.review import Review
from models.plan_import.units import units_at_end, units_line
from models.plan_import.target import Target
from models.plan_import.undated import Undated, date_targets
from models.plan_import.sentences import normalise
from models.plan_import.wording import parse_targets

SAME_THING = 0.5  # similarity of names from which a milestone and an indicator are compared


def milestones_from_tasks(tasks: list[DraftTask], undated: Undated, review: Review,
                          intros: dict[str, str] | None = None) -> list[DraftMilestone]:
    """``intros``: task code → its action's introduction (a period named there dates the
    task's undated targets)."""
    out: list[DraftMilestone] = []
    for task in tasks:
        text = _without_units(task.text)
        parsed = parse_targets(text, default_year=undated.peak, carry_year=False, task_text=True)
        date_targets(parsed.targets, undated.named_period(text, "任务原文")
                     or undated.named_period((intros or {}).get(task.code, ""), "所属行动的导语")
                     or undated.default())
        made: list[DraftMilestone] = []
        for group in _groups(parsed.targets):
            first = group[0]
            code = f"{task.code}-M{len(made) + 1}"
            name = first.subject or first.label or first.text[:20]
            m = DraftMilestone(code, task.code, name, unit=first.unit if first.value is not None else "",
                               direction=direction_of(name, group), quote=_quote(text, group), targets=group,
                               where=task.where)
            if all(t.op in ("decrease", "increase") for t in group):
                review.add("milestone", task.where, first.text,
                           f"只规定方向的目标（{'下降' if first.op == 'decrease' else '上升'}）：列为里程碑 {code}，"
                           "按与上年同期的数值比较判断；计量单位原文未写明（留空）",
                           "请核对是否需要按月跟踪该数值，并填写计量单位。", ref=code)
            for t in group:
                if t.value is None and t.assigned_by:  # 煤炭消费量控制在省下达目标以内
                    review.add("target_pending", task.where, t.text,
                               f"目标值待{t.assigned_by}下达：列为里程碑 {code}（{t.year}年，"
                               f"{'不高于' if t.op == '<=' else '不低于'}下达值）"
                               + ("" if m.unit else "；计量单位原文未写明（留空）"),
                               "下达后由领导小组办公室录入目标值；请核对年份、方向和计量单位。", ref=code)
            if first.is_part and made:
                m.part_of = made[-1].code
                _same_period_as_whole(group, made[-1].targets)
            for t in group:
                if t.year_assumed:
                    m.note = f"原文未写年份，按 {t.year} 年（{t.year_from}）判断。"
                    review.add("target_assumed", task.where, t.text,
                               f"任务中的量化目标没有年份：按 {t.year} 年（{t.year_from}）",
                               "请核对该目标的期限。", ref=code)
                for note in t.notes:
                    review.add("target_assumed", task.where, t.text, note, "请核对。", ref=code)
            made.append(m)
        out += made
    return out


def _same_period_as_whole(part: list[Target], whole: list[Target]) -> None:
    """``“十四五”期间累计…40万平方米，其中…10万平方米``: a part of a cumulative (or
    increment) whole counts over the same period unless its own words say otherwise."""
    for t in part:
        w = next((x for x in whole if x.year == t.year and x.unit == t.unit), None)
        if w is not None and t.basis == "absolute" and w.basis in ("cumulative", "increment"):
            t.basis, t.since, t.baseline_year = w.basis, w.since, w.baseline_year


def _without_units(text: str) -> str:
    text = "\n".join(line for line in text.split("\n") if not units_line(line))
    found = units_at_end(text)
    if found:
        cut = max(text.rfind("（" + found.units_text), text.rfind("(" + found.units_text))
        return text[:cut] if cut > 0 else text
    return text


def _groups(targets: list[Target]) -> list[list[Target]]:
    groups: list[list[Target]] = []
    for t in targets:
        same = (groups and not t.is_part and t.op != "yes" and groups[-1][0].op != "yes"
                and (not t.subject or t.subject == groups[-1][0].subject)
                and t.unit == groups[-1][0].unit)
        if same:
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def _quote(text: str, group: list[Target]) -> str:
    """The task's words from the first target's to the last target's (sentence end kept)."""
    flat = normalise(text)
    a = flat.find(group[0].text)
    last = group[-1].text
    b = flat.find(last, max(a, 0))
    if a < 0 or b < 0:
        return "；".join(t.text for t in group)
    end = b + len(last)
    if flat[end:end + 1] in ("。", "；"):
        end += 1
    return flat[a:end]


def cross_check(milestones: list[DraftMilestone], indicators: list[DraftIndicator], review: Review) -> None:
    """Compare each milestone with the indicator part of the most similar name that states
    targets in the same unit."""
    by_unit: dict[str, list[tuple[set[str], DraftIndicator, list[Target]]]] = {}
    for ind in indicators:
        for part in ind.parts:
            units = {t.unit for t in part.targets if t.value is not None}
            for unit in units:
                by_unit.setdefault(unit, []).append((_pairs(part.name), ind, part.targets))
    for m in milestones:
        if m.part_of:
            continue  # 其中…: a part of the milestone before, not the indicator's whole
        units = {t.unit for t in m.targets if t.value is not None}
        pairs = _pairs(m.name)
        best: tuple[float, DraftIndicator, list[Target]] | None = None
        for unit in units:
            for other, ind, targets in by_unit.get(unit, []):
                score = 2 * len(pairs & other) / (len(pairs) + len(other)) if pairs and other else 0.0
                if score >= SAME_THING and (best is None or score > best[0]):
                    best = (score, ind, targets)
        if best is not None:
            _compare(m, best[1], best[2], review)


def _pairs(name: str) -> set[str]:
    core = re.sub(r"[、，,（）()]", "", name)
    return {core[i:i + 2] for i in range(len(core) - 1)}


def _compare(m: DraftMilestone, ind: DraftIndicator, targets: list[Target], review: Review) -> None:
    for mt in m.targets:
        for it in targets:
            if mt.year != it.year or mt.value is None or it.value is None or mt.unit != it.unit \
                    or mt.basis != it.basis:
                continue
            if mt.value != it.value or mt.op != it.op:
                text = (f"任务{m.task}“{mt.text}”与{ind.code}“{it.text}”不一致"
                        f"（{mt.year}年：{_fmt(mt)} 与 {_fmt(it)}）")
                if not ind.discrepancy_with:
                    ind.discrepancy_with = m.code
                ind.status_note = (ind.status_note + " " if ind.status_note else "") + text + "。两者按原文保留，请领导小组办公室核定。"
                m.note = (m.note + " " if m.note else "") + text + "。两者按原文保留。"
                review.add("discrepancy", ind.where, f"{mt.text}｜{it.text}",
                           f"两者都按原文保留：里程碑 {m.code} 与指标 {ind.code}，并互相注明",
                           "任务正文与附表对同一事项的目标不同：请领导小组办公室核定以哪个为准。", ref=ind.code)
            elif mt.kind != it.kind:
                words = {"binding": "约束性", "stretch": "力争"}
                m.note = (m.note + " " if m.note else "") + (
                    f"任务原文为{words[mt.kind]}目标（“{mt.text}”），{ind.code}为{words[it.kind]}目标（“{it.text}”）。")
                review.add("discrepancy", m.where, f"{mt.text}｜{it.text}",
                           f"两者都按原文保留：里程碑 {m.code} 为{words[mt.kind]}，指标 {ind.code} 为{words[it.kind]}",
                           "请核对该目标是约束性还是力争目标。", ref=m.code)


def _fmt(t: Target) -> str:
    op = {">=": "≥", "<=": "≤", "approx": "约", "range": ""}.get(t.op, "")
    value = f"{t.value:g}" + (f"–{t.value_high:g}" if t.value_high is not None else "")
    return f"{op}{value}{t.unit}"
