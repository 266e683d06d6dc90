"""The sample data's words and figures, and how a plausible report or value is made.

Names for sample streets and people, baselines and lagging parts made from the plan,
phrases for monthly task reports and review comments; ``task_clauses`` and
``progress_text`` make a report's text from the task's own words, ``trajectory`` a
value on its way from the baseline to the target. Used by ``models/demo.py``.
"""

from __future__ import annotations

import random
import re

from models.authority import PUBLIC, rule
from models.plan import Part, Plan, Task

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国红志文斌海波宁晨欣怡浩宇"
SAMPLE_SOURCE = "示例数据（按目标推算）"


@rule(PUBLIC)
def sample_streets(plan: Plan, n: int) -> list[str]:
    """Names of ``n`` sample streets: the plan's [demo] streets, then "示例街道1" … in the
    plan's own word for them (示例乡镇1 …)."""
    named = list(plan.demo.get("streets") or [])
    return [named[i] if i < len(named) else f"示例{plan.words.street_word}{i + 1}" for i in range(n)]


@rule(PUBLIC)
def sample_baselines(plan: Plan) -> dict[str, tuple[int, float, str]]:
    """Baselines (year, value, source) so that the engine can interpolate 序时 values: the
    plan's [demo] baselines, else figures made from each part's first target (a level
    short of it on the side it must improve). Parts entered as their 下降率 and
    cumulative totals need none. Sample figures, not statistics."""
    given = plan.demo.get("baselines")
    if given:
        return dict(given)
    out: dict[str, tuple[int, float, str]] = {}
    first_year = int(plan.first_month[:4])
    for part in plan.parts_by_code.values():
        if part.qualitative or part.as_rate:
            continue
        targets = [t for t in part.targets if t.value is not None and not t.direction_only]
        if not targets:
            if part.monitor or part.targets:  # recorded only, or judged year on year
                out[part.code] = (min(2020, first_year - 1), 100.0, SAMPLE_SOURCE)
            continue
        t = targets[0]
        if t.basis == "cumulative":
            continue
        year = t.baseline_year or min(2020, first_year - 1)
        value = float(t.value or 0.0)
        if t.basis == "reduction_vs_baseline":
            level = 1.0
        elif t.basis == "increment":
            level = round(value * 1.5, 2)
        elif part.direction == "lower" or t.op == "<=":
            level = round(value * 1.2, 2)
        else:
            level = round(value * 0.7, 2)
        out[part.code] = (year, level, SAMPLE_SOURCE)
    return out


@rule(PUBLIC)
def sample_lagging(plan: Plan) -> dict[str, float]:
    """Parts deliberately behind their trajectory (a sample needs some red and yellow): the
    plan's [demo] lagging, else every fourth part with a numeric target."""
    given = plan.demo.get("lagging")
    if given:
        return dict(given)
    codes = [p.code for p in plan.parts_by_code.values()
             if any(t.value is not None for t in p.targets) and not p.qualitative]
    return {c: 0.6 for c in codes[3::4]}


ACTIVITIES = ("召开专题推进会{n}次", "组织重点企业座谈会{n}场", "开展现场督导检查{n}次",
              "赴重点项目调研{n}次", "印发工作方案{n}份", "召开部门联席会议{n}次",
              "组织业务培训{n}场，培训{m}人次", "走访企业{m}家", "梳理问题清单{n}项")
RESULTS = ("各项工作按计划推进", "完成阶段性目标", "相关工作取得积极进展", "推进情况总体符合序时进度",
           "形成工作台账并按月更新", "协调解决问题{n}个")
PROBLEMS = ("无", "无", "无", "部分项目资金到位较慢", "企业参与积极性有待提高", "专业技术人员不足",
            "用地、审批等前期手续办理周期较长", "统计口径与市级部门尚需进一步对接", "配套政策尚未出台")
NEXT = ("继续推进{c}", "加强与相关部门沟通协调，推动{c}", "督促重点企业落实{c}",
        "做好{c}的跟踪调度", "总结经验做法，深化{c}")
RETURN_COMMENTS = ("本月进展情况过于简略，请补充具体数据。", "项目累计完成投资与上月相比减少，请核实。",
                   "责任人信息缺失，请补充。", "请补充存在问题和下步计划。")


@rule(PUBLIC)
def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@rule(PUBLIC)
def task_clauses(task: Task) -> list[str]:
    """Short measure phrases from the task text (without its title and units)."""
    text = task.text.strip()
    if task.units_text:  # （…按职责分工负责） / （牵头单位：…；配合单位：…） / a 责任单位：… line
        text = text.replace(f"（{task.units_text}）", "").replace(task.units_text, "")
    text = re.sub(r"（[^（）]*负责）\s*$", "", text)
    out = []
    for sent in re.split(r"[。；]", text):
        sent = sent.strip()
        if not sent or sent.startswith(task.title) and len(sent) <= len(task.title) + 1:
            continue
        for part in re.split(r"[，、]", sent):
            if part.count("“") != part.count("”"):
                part = part.replace("“", "").replace("”", "")
            if 6 <= len(part) <= 30 and not re.search(r"\d{4}年", part):
                out.append(part)
    return out or [task.title]


@rule(PUBLIC)
def progress_text(rng: random.Random, task: Task, clauses: list[str], month: str, status: str) -> str:
    m = int(month[5:7])
    a = rng.choice(ACTIVITIES).format(n=rng.randint(1, 4), m=rng.randint(20, 150))
    c = rng.choice(clauses)
    r = rng.choice(RESULTS).format(n=rng.randint(1, 6))
    if status == "未启动":
        return f"{m}月，{task.title}相关工作正在做前期准备，已{a}，拟于下月启动“{c}”相关工作。"
    if status == "滞后":
        return f"{m}月，围绕“{c}”{a}，但受前期手续和资金影响，进度慢于计划。"
    if status == "已完成":
        return f"{m}月，{task.title}年度任务已完成，“{c}”等工作全部落实，转入常态化管理。"
    return f"{m}月，围绕“{c}”，{a}，{r}。"


@rule(PUBLIC)
def trajectory(part: Part, base: tuple[int, float] | None, t: float, factor: float) -> float | None:
    """A plausible value at fractional year ``t`` moving from the baseline to the first
    numeric target (scaled by ``factor``: 1 on track, < 1 behind). A part entered as its
    下降率 moves from 0 at the base year; a cumulative total from 0 at its start."""
    targets = [x for x in part.targets if x.value is not None and x.kind == "binding"] or \
              [x for x in part.targets if x.value is not None]
    if part.monitor or (not targets and base):
        by, bv = base or (2020, 100.0)
        down = any(x.op == "decrease" for x in part.targets)
        return bv * (1 + (-0.02 if down else 0.012) * (t - by) * (factor if down else 1))
    if not targets:
        return None
    tg = targets[0]
    start: tuple[float, float]
    if tg.basis == "reduction_vs_baseline" and part.as_rate:
        start = (tg.baseline_year or 2020, 0.0)
        goal = tg.value or 0.0
    elif tg.basis == "reduction_vs_baseline":
        start = base or (tg.baseline_year or 2020, 100.0)
        goal = start[1] * (1 - (tg.value or 0) / 100)
    elif tg.basis == "cumulative" and tg.since:
        start = (int(tg.since[:4]) - 1 + (int(tg.since[5:7]) - 1) / 12, 0.0)
        goal = tg.value or 0.0
    elif tg.basis == "increment":
        start = base or (tg.baseline_year or 2020, 0.0)
        goal = start[1] + (tg.value or 0.0)
    else:
        start = base or (2023, 0.0)
        goal = tg.value or 0.0
    y0, v0 = start
    span = max(tg.year - y0, 1)
    frac = min(max((t - y0) / span, 0.0), 1.15)
    v = v0 + (goal - v0) * frac * factor
    if tg.stable and part.direction == "higher":
        v = max(v, goal + 0.05 * factor) if factor >= 1 else v0 - 0.3
    return v


@rule(PUBLIC)
def round_value(part: Part, v: float) -> float:
    if part.unit in ("个", "家", "座", "项", "辆"):
        return float(round(v))
    return round(v, 2)
