"""Indicator rows → indicators with parts and structured targets.

The targets come from the district's column (区拟定目标值 or what the plan calls it),
else from the year columns, else — when the table has one target column only — from
that. A row whose district cell is empty is recorded for monitoring only.

A row holding two indicators becomes parts ``a``/``b``: its name joins them with & (a
part each), or its target says 分别 X、Y (``公交车、出租汽车新能源汽车分别达到72%、35%``):
the name's items get the shared tail (公交车 + 新能源汽车占比). Targets go to the part
whose name they resemble most (character pairs in common). Every split is a review
item, as are pending targets (完成省下达指标), rows without a district target, and
units of measure the document does not state.

Plans without an appendix table state their indicators in 主要目标: ``from_goals``
makes one indicator per measured thing named there.
"""

from __future__ import annotations

import re
from dataclasses import replace

from models.plan_import.draft import DraftIndicator, DraftPart
from models.plan_import.review import Review
from models.plan_import.tables import IndicatorTable, Row
from models.plan_import.target import Target
from models.plan_import.undated import Undated, date_targets, similarity
from models.plan_import.vocabulary import UNIT_RE
from models.plan_import.wording import parse_targets

_TAIL_STARTERS = ("新能源", "单位", "碳排放", "二氧化碳", "能源", "能耗", "占比", "比重", "比例", "覆盖率",
                  "利用率", "使用率", "替代率", "渗透率", "资源化", "综合利用", "装机", "面积", "总量", "强度")
_LOWER = re.compile(r"(能耗|排放|强度|消耗|浓度|碳排|煤炭消费)")
# A name that is itself a reduction (单位地区生产总值能耗下降, …降低率, 降幅): what is entered is
# the reduction in %, and more of it is better.
RATE_NAME = re.compile(r"(下降|降低)(率|幅度)?$|降幅$")


def direction_of(name: str, targets: list[Target]) -> str:
    if targets and all(t.op == "yes" for t in targets):
        return "qualitative"
    if RATE_NAME.search(name):
        return "higher"
    if any(t.basis == "reduction_vs_baseline" or t.op in ("<=", "decrease") for t in targets):
        return "lower"
    if not targets and _LOWER.search(name):
        return "lower"
    return "higher"


def indicators_from_tables(tables: list[IndicatorTable], undated: Undated, review: Review,
                           first_year: int = 2021) -> list[DraftIndicator]:
    """``first_year``: the plan's first year; a year column before it (2020年) holds base
    values, not targets."""
    out: list[DraftIndicator] = []
    used: set[str] = set()
    rows: dict[int, int] = {}  # 序号 → the table it was first printed in
    for t_no, table in enumerate(tables):
        for row in table.rows:
            row.years, base = ({y: t for y, t in row.years.items() if y >= first_year},
                               {y: t for y, t in row.years.items() if y < first_year})
            for y, t in sorted(base.items()):
                row.cells["baseline"] = "\n".join(x for x in (row.cells.get("baseline", ""), f"{y}年：{t}") if x)
            ind = _indicator(row, table, len(out) + 1, undated, review)
            code = ind.code
            k = 2
            while code in used:  # a number printed twice (two tables numbered from 1)
                code = f"{ind.code}-{k}"
                k += 1
            if code != ind.code or ind.row in rows:
                restarted = rows.get(ind.row, t_no) != t_no
                ind.row = max(rows) + 1  # the file's 序号 must be unique: the position in the whole appendix
                review.add("numbering", row.where, row.cells.get("name", ""),
                           (f"第{t_no + 1}张表的序号从头编起" if restarted else "序号重复")
                           + (f"：编码改为 {code}" if code != ind.code else f"：编码 {code}") + f"，序号记为 {ind.row}",
                           "请核对附表序号。", ref=code)
                _recode(ind, code)
            used.add(code)
            rows.setdefault(ind.row, t_no)
            out.append(ind)
    return out


def _recode(ind: DraftIndicator, code: str) -> None:
    old = ind.code
    ind.code = code
    for p in ind.parts:
        p.code = code + p.code[len(old):]


def _indicator(row: Row, table: IndicatorTable, position: int, undated: Undated,
               review: Review) -> DraftIndicator:
    c = row.cells
    number = int(row.number) if row.number.isdigit() else position
    code = f"I{number:02d}"
    name = _oneline(c.get("name", ""))
    ind = DraftIndicator(code, number, name, city_target=c.get("city", ""), district_target=c.get("district", ""),
                         explanation=c.get("explanation", ""), where=row.where,
                         responsible_unit_inherited=row.responsible_inherited)
    if row.years and not ind.district_target:  # a table laid out by year: its cells, verbatim
        ind.district_target = "；".join(f"{y}年：{t}" for y, t in sorted(row.years.items()))
    extra = [f"{table.labels[k]}：{c[k]}" if k in table.labels else c[k]
             for k in ("baseline", "kind") if c.get(k) and not _is_dash(c[k])]
    if extra:
        ind.explanation = "\n".join([ind.explanation, *extra]).strip()
    source, words = _target_words(row, table)
    hint = "lower" if _LOWER.search(name) else ""
    targets: list[Target] = []
    default_year = undated.peak
    for year, text in words:
        parsed = parse_targets(text, default_year=year or default_year, direction_hint=hint)
        if not year:
            named = undated.caption(" ".join([table.caption, table.labels.get("district", "")]))
            for t in parsed.targets:
                date_targets([t], named or undated.goal_of(name, t) or undated.default())
        targets += parsed.targets
        for bad in parsed.unparsed:
            review.add("target_unparsed", row.where, bad, "未能解读为结构化目标（原文已保留）",
                       "请在计划编辑中按字段填写该目标。", ref=code)
        if text and not parsed.targets and not parsed.unparsed:
            review.add("target_unparsed", row.where, text, "未能解读为结构化目标（原文已保留）",
                       "请在计划编辑中按字段填写该目标。", ref=code)
    ind.parts = _parts(ind, targets, row, review)
    measure = c.get("measure_unit", "")
    for part in ind.parts:
        _finish_part(part, measure, c.get("city", ""), row, review, default_year)
    if row.cut_off:
        ind.status_note = "原表此行不完整（在来源中被截断）。"
        review.add("row_cut", row.where, " | ".join(v for v in c.values()),
                   "按现有的单元格导入，缺少的列留空" + ("，责任单位承上行" if row.responsible_inherited else ""),
                   "请对照原件补全该行（测算说明、责任单位等）。", ref=code)
    if source == "":
        ind.status_note = (ind.status_note + "仅监测：没有本级目标值，只记录数值。").strip()
    return ind


def _oneline(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text).strip()


def _target_words(row: Row, table: IndicatorTable) -> tuple[str, list[tuple[int | None, str]]]:
    """Which column the targets come from, and its words (with the year of a year column)."""
    c = row.cells
    if c.get("district"):
        return "district", [(None, c["district"])]
    years = {y: t for y, t in row.years.items() if not _is_dash(t)}
    if years:
        return "years", [(y, _year_words(y, t, c.get("measure_unit", ""))) for y, t in sorted(years.items())]
    if "district" not in table.labels and c.get("city"):
        return "city", [(None, c["city"])]
    return "", []


def _is_dash(text: str) -> bool:
    """An empty-looking cell: —, -, /, 无."""
    return not text.strip(" —－-–/／\\无\n")


def _year_words(year: int, text: str, measure: str) -> str:
    """A year column's cell as a sentence; numbers without a unit get the 单位 column's."""
    t = text.strip()
    if re.fullmatch(r"[≥≤>＞<＜]?\s*\d+(?:\.\d+)?", t):
        sign = {"≥": "不低于", ">": "不低于", "＞": "不低于", "≤": "不高于", "<": "不高于", "＜": "不高于"}.get(t[0], "达到")
        t = sign + t.lstrip("≥≤>＞<＜ ")
    if measure and not re.search(rf"\d\s*(?:{UNIT_RE})", t):
        t = re.sub(r"(\d+(?:\.\d+)?)(?![\d.年])", lambda m: m.group(1) + measure, t)
    return f"到{year}年，{t}"


def _split_names(name: str, k: int) -> list[str] | None:
    """``公交车、出租汽车（含网约车）新能源汽车占比`` split into k names sharing the tail."""
    if re.search(r"[&＆]", name):
        items = [x.strip() for x in re.split(r"[&＆]", name) if x.strip()]
        return items if len(items) == k or k == 0 else None
    items = name.split("、")
    if len(items) != k or k < 2:
        return None
    last = items[-1]
    depth, cut = 0, -1
    for i, ch in enumerate(last):
        depth += ch in "（(" and 1 or 0
        depth -= ch in "）)" and 1 or 0
        if depth == 0 and i > 0 and last.startswith(_TAIL_STARTERS, i):
            cut = i
            break
    if cut < 0:
        return None
    tail = last[cut:]
    # 绿色建筑面积占比、星级绿色建筑占比: an item that already ends with the tail's last word keeps its name
    word = re.search(r"(占比|比重|比例|比率|率|量|数|面积|容量|强度)$", tail)
    return [x if word and x.endswith(word.group(1)) else x + tail for x in items[:-1]] + [last]


def _parts(ind: DraftIndicator, targets: list[Target], row: Row, review: Review) -> list[DraftPart]:
    separately = [t for t in targets if "分别" in t.text]
    sep_ids = {id(t) for t in separately}
    k = 0
    if re.search(r"[&＆]", ind.name):
        k = len([x for x in re.split(r"[&＆]", ind.name) if x.strip()])
    elif separately:
        years = {(t.year, t.text) for t in separately}
        k = len(separately) // max(1, len(years))
    names = _split_names(ind.name, k) if k >= 2 else None
    if not names:
        if k >= 2:
            review.add("row_split", row.where, ind.name, f"原文一行含 {k} 个目标值，但名称无法拆分：按一个指标导入",
                       "请在计划编辑中把该行拆为多个分项并命名。", ref=ind.code)
        return [DraftPart(ind.code, ind.name, targets=list(targets))]
    parts = [DraftPart(f"{ind.code}{'abcdefgh'[i]}", n) for i, n in enumerate(names)]
    groups: dict[tuple[int, str], int] = {}
    prev = 0
    for t in targets:
        if id(t) in sep_ids:
            key = (t.year, t.text)
            idx = groups.get(key, 0)
            groups[key] = idx + 1
            target_part = min(idx, len(parts) - 1)
        elif t.subject:
            scores = [similarity(t.subject, p.name) + (0.01 if (t.op == "yes") == _looks_qualitative(p.name) else 0)
                      for p in parts]
            target_part = scores.index(max(scores))
        else:
            target_part = prev
        parts[target_part].targets.append(t)
        prev = target_part
    review.add("row_split", row.where, ind.name,
               "拆为分项：" + "；".join(f"{p.code} {p.name}" for p in parts),
               "请核对分项名称以及每个目标值归入的分项。", ref=ind.code)
    return parts


def _looks_qualitative(name: str) -> bool:
    return not re.search(r"(率|比|量|数|面积|容量|强度|比重|比例)$", name)


def _finish_part(part: DraftPart, measure: str, city: str, row: Row, review: Review, default_year: int | None) -> None:
    ts = part.targets
    part.direction = direction_of(part.name, ts)
    numeric = [t for t in ts if t.value is not None]
    pending = [t for t in ts if t.assigned_by]
    if not ts:
        part.monitor = True
        units = [t.unit for t in parse_targets(city, default_year=default_year).targets if t.unit] if city else []
        part.unit = measure or (units[0] if units else "")
        unread = bool(row.cells.get("district", "").strip()) and not _is_dash(row.cells.get("district", ""))
        review.add("monitor_only", row.where, city or part.name,
                   ("本级目标未能解读" if unread else "本级目标值为空") + "：按“仅监测”导入（只记录数值，不判断）",
                   "如本级另有目标，请在计划编辑中补充。", ref=part.code)
        if not measure:
            review.add("measure_unit", row.where, part.name,
                       f"计量单位取为“{part.unit}”（据上级目标）" if part.unit else "计量单位未写明（留空）",
                       "请核对该指标填报时使用的计量单位。", ref=part.code)
        return
    rate_named = bool(RATE_NAME.search(part.name))
    if rate_named:
        _as_rate_named(part, measure, row, review)
    if pending:
        part.pending = True
        part.assigned_by = pending[0].assigned_by
        review.add("target_pending", row.where, pending[0].text,
                   f"目标值待{part.assigned_by}下达：按待定指标导入（{pending[0].year}年，"
                   + (f"比{pending[0].baseline_year}年下降不少于下达的百分数）"
                      if pending[0].basis == "reduction_vs_baseline" else
                      f"{'不高于' if pending[0].op == '<=' else '不低于'}下达值）"),
                   "下达后由领导小组办公室录入目标值；请核对年份和方向。", ref=part.code)
    reductions = [t for t in numeric if t.basis == "reduction_vs_baseline"]
    if reductions and len(reductions) == len(numeric) and not measure and not rate_named:
        _pending_as_reductions(part, reductions[0].baseline_year, row, review)
    if rate_named:
        pass
    elif measure:
        part.unit = measure
    elif reductions and len(reductions) == len(numeric):
        part.unit = "%"
        part.entered_as = "reduction_rate"
        review.add("measure_unit", row.where, reductions[0].text,
                   "目标是“比基期下降X%”：按下降率填报（单位 %）",
                   "如各单位填报的是强度本身，请填写其计量单位并改为按数值填报。", ref=part.code)
    elif numeric:
        part.unit = numeric[0].unit
    elif part.direction != "qualitative":
        review.add("measure_unit", row.where, part.name, "计量单位未写明（留空）",
                   "请核对该指标填报时使用的计量单位。", ref=part.code)
    for t in ts:
        if t.year_assumed:
            review.add("target_assumed", row.where, t.text,
                       f"原文没有年份：按 {t.year} 年" + (f"（{t.year_from}）" if t.year_from else ""),
                       "请核对目标年份。", ref=part.code)
        for note in t.notes:
            review.add("target_assumed", row.where, t.text, note, "请核对。", ref=part.code)


def _as_rate_named(part: DraftPart, measure: str, row: Row, review: Review) -> None:
    """A part named as a reduction (…能耗下降, …降低率): clerks enter the reduction in %
    against a base year, judged like any reduction rate (0 at the base year, rising in
    proportion to time toward the target). A target that names its base year keeps it
    (比2005年下降65%以上); one that does not (完成市下达目标, 下降14%) counts from the end of
    the five-year period before its deadline (2025 → 2020), a review item."""
    part.unit = measure or "%"
    part.direction = "lower"
    part.entered_as = "reduction_rate"
    stated = {t.year: t.baseline_year for t in part.targets if t.basis == "reduction_vs_baseline"}
    for t in part.targets:
        if t.op in ("yes", "decrease", "increase"):
            continue
        t.op = "<="  # a floor on the reduction (下降X%以上) whichever way the words put it
        if t.basis != "reduction_vs_baseline":
            base = stated.get(t.year) if t.value is None else None  # 完成市下达目标；到2030年比2005年…
            t.basis, t.baseline_year = "reduction_vs_baseline", base or t.year - ((t.year - 2021) % 5) - 1
            review.add("target_assumed", row.where, t.text,
                       f"下降率没有写明比哪一年：按比{t.baseline_year}年下降记录（{t.year}年所在五年规划期的基期）",
                       "请核对基期年份。", ref=part.code)
    review.add("measure_unit", row.where, part.name,
               "指标名称是下降率：按比基期下降的百分数填报（单位 %），按序时进度判断",
               "如各单位填报的是强度本身，请改名称、计量单位和目标。", ref=part.code)


def _pending_as_reductions(part: DraftPart, base: int | None, row: Row, review: Review) -> None:
    """A part entered as its reduction rate whose other targets await the city's value:
    the assigned value is a reduction against the same base year."""
    for t in part.targets:
        if t.value is None and t.assigned_by:
            t.basis, t.baseline_year = "reduction_vs_baseline", base
            review.add("target_pending", row.where, t.text,
                       f"下达的目标按“比{base}年下降X%”记录（与该指标其他目标的基期相同）",
                       "请核对下达目标的基期年份。", ref=part.code)


# 单位地区生产总值能耗和二氧化碳排放: two measures sharing their “per unit of GDP” head
_PER_HEAD = re.compile(r"^(单位(?:地区)?(?:生产总值|GDP|国内生产总值)|万元(?:地区)?(?:生产总值|GDP)"
                       r"|规模以上工业单位增加值|单位工业增加值|万元工业增加值)(.+?)(?:和|及|与|、)(.+)$")
_MEASURE = re.compile(r"^(?:能耗|能源消耗|二氧化碳排放|碳排放|用水量|水耗|用地|建设用地)$")


def split_joined(subject: str) -> list[str] | None:
    """``单位地区生产总值能耗和二氧化碳排放`` → [单位地区生产总值能耗, 单位地区生产总值二氧化碳排放];
    None when the subject is one measure."""
    m = _PER_HEAD.match(subject)
    if not m or not (_MEASURE.match(m.group(2)) and _MEASURE.match(m.group(3))):
        return None
    return [m.group(1) + m.group(2), m.group(1) + m.group(3)]


def goal_targets(goals: str) -> list[Target]:
    """主要目标's targets, a statement about two measures counted for each."""
    out = []
    for t in parse_targets(goals).targets:
        out += [replace(t, subject=n) for n in split_joined(t.subject) or [t.subject]]
    return out


def from_goals(goals: str, where: str, undated: Undated, review: Review) -> list[DraftIndicator]:
    """Indicators stated only in 主要目标 (plans without an appendix table): one per
    measured thing; a statement about two measures (…能耗和二氧化碳排放完成市下达目标) is
    one indicator with a part for each, and later targets of either measure join its part."""
    default_year = undated.peak
    parsed = parse_targets(goals, default_year=default_year)
    date_targets(parsed.targets, undated.named_period(goals, "“主要目标”") or undated.default())
    groups: list[tuple[str, dict[str, list[Target]]]] = []  # (indicator name, part name → targets)
    home: dict[str, dict[str, list[Target]]] = {}
    for t in parsed.targets:
        if t.op == "yes" or not t.subject:
            continue
        names = split_joined(t.subject)
        if names and not any(n in home for n in names):
            group: dict[str, list[Target]] = {m: [] for m in names}
            groups.append((t.subject, group))
            home.update({m: group for m in names})
        for measure in names or [t.subject]:
            if measure not in home:
                home[measure] = {measure: []}
                groups.append((measure, home[measure]))
            home[measure][measure].append(t if not names else replace(t, subject=measure, notes=list(t.notes)))
    out = []
    for n, (name, group) in enumerate(groups, 1):
        code = f"I{n:02d}"
        every = [t for ts in group.values() for t in ts]
        ind = DraftIndicator(code, n, name, district_target="；".join(dict.fromkeys(t.text for t in every)),
                             where=where)
        single = len(group) == 1
        ind.parts = [DraftPart(code if single else f"{code}{'abcdefgh'[k]}", pname, targets=ts)
                     for k, (pname, ts) in enumerate(group.items())]
        row = Row(str(n), {"name": name}, where=where)
        for part in ind.parts:
            _finish_part(part, "", "", row, review, default_year)
        review.add("structure", where, ind.district_target,
                   f"方案没有指标附表：据“主要目标”列为指标 {code}“{name}”"
                   + ("" if single else "，拆为分项：" + "；".join(f"{p.code} {p.name}" for p in ind.parts)),
                   "请核对指标名称、目标和责任单位（留空）。", ref=code)
        out.append(ind)
    return out
