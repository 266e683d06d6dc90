"""One import, step by step: layout → sections → actions and policies → units →
appendix indicators → milestones → cross-checks → header and words → TOML."""

from __future__ import annotations

from pathlib import Path

from models.plan_import.document import SourceDoc
from models.plan_import.draft import DraftIndicator, DraftPlan, DraftTask, DraftUnit
from models.plan_import.indicators import from_goals, goal_targets, indicators_from_tables
from models.plan_import.layout import appendix_name, layout
from models.plan_import.meta import cited_city, office, peak_year, plan_meta, words
from models.plan_import.milestones import cross_check, milestones_from_tasks
from models.plan_import.review import Review
from models.plan_import.structure import build_actions, build_policies, section_text, sections
from models.plan_import.tables import IndicatorTable, indicator_tables
from models.plan_import.toml_writer import write_toml
from models.plan_import.undated import Undated, plan_base_year
from models.plan_import.units import UnitRegistry, parse_units_text

NATIONAL_PEAK_YEAR = 2030  # 2030年前碳达峰: the national plan's peak year


def assemble(doc: SourceDoc, plan_id: str | None = None) -> tuple[DraftPlan, str, Review]:
    review = Review()
    lay = layout(doc)
    meta, level = plan_meta(lay.title, lay.notice, Path(doc.name).stem, review, plan_id)
    secs = sections(lay.root, review)
    meta.overview = section_text(secs.overview)
    meta.goals = section_text(secs.goals)
    meta.organisation = section_text(secs.organisation)
    preamble = "\n".join(p.text for p in lay.root.body)
    cited_city(meta, preamble, lay.root.body[0].where if lay.root.body else "", review)
    body_text = "\n".join(p.text for p in lay.root.all_paras())
    peak = peak_year(meta.goals) or peak_year(meta.overview) or peak_year(body_text)
    # A target without a year is read for the peak year the plan names, else for 2030 (every
    # county's plan peaks “2030年前” by the national plan); either way it is a review item.
    year_of_undated = peak or NATIONAL_PEAK_YEAR

    draft = DraftPlan(meta=meta)
    draft.actions = build_actions(secs.actions, review)
    draft.policies = build_policies(secs.policies, review)
    if not draft.actions:
        review.add("structure", lay.title.where if lay.title else "", meta.name, "没有识别到重点任务（行动和任务）",
                   "请核对原文的章节编号（一、/（一）/1.）；未识别的内容需在计划编辑中补充。")

    registry = UnitRegistry()
    for task in draft.tasks():
        for name in task.units:
            registry.mention(name, task.where)
    for policy in draft.policies:
        for name in policy.units:
            registry.mention(name, policy.where)
    tables = indicator_tables(lay.tables, appendix_name(lay), review)
    for table in tables:
        for row in table.rows:
            if not row.responsible_inherited:
                for name in _responsible_names(row.cells.get("responsible", "")):
                    registry.mention(name, row.where)
    draft.units = registry.resolve(review)

    for task in draft.tasks():
        task.units = _canonical(task.units, registry)
    for policy in draft.policies:
        policy.units = _canonical(policy.units, registry)
    _check_assigned(draft, review)

    undated = Undated(year_of_undated, plan_base_year("\n".join([meta.goals, meta.overview]), meta.adopted),
                      goal_targets(meta.goals))
    if tables:
        first_year = int(meta.first_month[:4]) if meta.adopted else 2021
        draft.indicators = indicators_from_tables(tables, undated, review, first_year)
        _responsible(draft.indicators, tables, registry, review)
    elif meta.goals:
        draft.indicators = from_goals(meta.goals, secs.goals[0].where if secs.goals else "", undated, review)
    intros = {t.code: a.intro for a in draft.actions for top in a.tasks for t in (top, *top.subtasks)}
    draft.milestones = milestones_from_tasks(draft.tasks(), undated, review, intros)
    cross_check(draft.milestones, draft.indicators, review)

    years = [t.year for i in draft.indicators for p in i.parts for t in p.targets] + \
        [t.year for m in draft.milestones for t in m.targets]
    meta.last_year = peak or (max(years) if years else None)
    if meta.last_year is not None and meta.first_month and meta.last_year < int(meta.first_month[:4]):
        meta.last_year = int(meta.first_month[:4])  # an undated plan starts this year: still loadable
    office_text = "\n".join([meta.organisation, *(p.text for p in draft.policies)])
    meta.office_unit, meta.office_host = office(draft.units, office_text, level)
    if meta.office_unit not in {u.name for u in draft.units}:
        draft.units.append(DraftUnit(meta.office_unit, "office", note="据“组织实施”或“保障措施”补充（任务的责任单位中未出现）"))
        review.add("plan_info", secs.organisation[0].where if secs.organisation else "", meta.office_unit,
                   f"领导小组办公室记为“{meta.office_unit}”并加入单位列表", "请核对办公室名称。",
                   ref=f"unit:{meta.office_unit}")
    meta.streets_unit = next((u.name for u in draft.units if u.kind == "streets"), "")
    labels = {}
    if tables:
        labels = {"district_target_label": tables[0].labels.get("district", ""),
                  "city_target_label": tables[0].labels.get("city", "")}
    draft.words = words("\n".join([meta.overview, meta.goals, preamble, body_text]), level, meta.streets_unit,
                        (appendix_name(lay) or "附表") if tables else "", labels, len(draft.actions))
    return draft, _toml(draft, doc, review), review


def _responsible_names(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    return parse_units_text(f"责任单位：{text}") or []


def _canonical(names: list[str], registry: UnitRegistry) -> list[str]:
    out: list[str] = []
    for n in names:
        c = registry.canonical(n)
        if c not in out:
            out.append(c)
    return out


def _check_assigned(draft: DraftPlan, review: Review) -> None:
    """Tasks (and policies) without units load as 未分工: each one is a review item."""
    def check(task: DraftTask, parent_units: list[str]) -> None:
        if task.units or task.subtasks or parent_units:
            return
        review.add("units_missing", task.where, task.text[:120], "没有写明责任单位：按“未分工”导入",
                   "请领导小组办公室在程序中为该任务指定牵头单位和配合单位。", ref=task.code)

    for action in draft.actions:
        for task in action.tasks:
            check(task, [])
            for sub in task.subtasks:
                check(sub, task.units)
    for policy in draft.policies:
        if not policy.units:
            review.add("units_missing", policy.where, policy.text[:120], "保障措施没有写明责任单位（留空）",
                       "如需调度该项保障措施，请指定责任单位。", ref=policy.code)


def _responsible(indicators: list[DraftIndicator], tables: list[IndicatorTable], registry: UnitRegistry,
                 review: Review) -> None:
    rows = [r for t in tables for r in t.rows]
    for ind, row in zip(indicators, rows, strict=True):
        names = _responsible_names(row.cells.get("responsible", ""))
        ind.responsible_unit = registry.canonical(names[0]) if names else ""
        if len(names) > 1:
            review.add("unit_unknown", row.where, row.cells.get("responsible", ""),
                       f"责任单位取第一个：“{ind.responsible_unit}”", "附表一行有多个责任单位：请核对牵头单位。",
                       ref=ind.code)
        if row.responsible_inherited:
            review.add("unit_inherited", row.where, ind.name,
                       f"责任单位为空（合并单元格）：取上一行的“{ind.responsible_unit}”",
                       "请核对该指标的责任单位。", ref=ind.code)
        elif not names:
            review.add("units_missing", row.where, ind.name, "没有责任单位：按“未分工”导入",
                       "请指定该指标的责任单位。", ref=ind.code)


def _toml(draft: DraftPlan, doc: SourceDoc, review: Review) -> str:
    comments: dict[str, list[str]] = {}
    for item in review.items:
        if item.ref:
            comments.setdefault(item.ref, []).append(f"核对（{item.title}）：{item.decided}。{item.check}")
    header = [f"{draft.meta.name}：由《{doc.name}》导入生成的计划文件草稿（格式 2）。",
              f"导入时有 {len(review.items)} 项需要核对；与条目有关的写在该条目上方（“核对”）。",
              "核对、修改无误后再用于 --plan。文字字段逐字引自原文。"]
    header += [f"原文类型的限制：{note}" for note in doc.lost]
    return write_toml(draft.to_raw(), header=header, comments=comments)
