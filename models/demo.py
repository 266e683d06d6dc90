"""Sample data (示例数据) for demonstrations, screenshots and benchmarks.

``generate_demo`` fills a new database with every unit's months from the plan's
first month to ``until``: task reports with plausible text, cumulative milestone
figures growing toward their targets, projects with monthly investment history,
yearly indicator values (most on track, a few behind), baselines, and submissions
that are mostly approved with a few returned, late or missing. The setting
``demo`` is switched on so that the window title, status bar and exports say
示例数据.

For speed the rows are written directly, in one transaction with executemany,
into the same tables and columns the entries service uses. No per-value audit
rows are written (``value_audit`` stays empty; one ``event_log`` line records the
run); the data are not anyone's entries. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from forms import task_form
from models.app import ADMIN, Actor, App, month_add, months_between
from models.errors import DomainError, InvalidInput
from models.plan import Part, Task
from forms.values import ValueProblem, fmt_number, parse_month

DEMO_ACTOR = Actor("示例数据", ADMIN, None, "示例数据生成")
STREET_NAMES = ("珠山街道", "新村街道", "新厂街道", "里村街道", "石狮埠街道", "周路口街道",
                "太白园街道", "昌河街道")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国红志文斌海波宁晨欣怡浩宇"

# Baselines (基期值) so that the engine can interpolate 序时 values. Sample figures.
BASELINES: dict[str, tuple[int, float, str]] = {
    "I01": (2020, 12.0, "2020年全区能源平衡表"),
    "I02": (2020, 8.5, "区发改委新能源装机统计"),
    "I03": (2020, 1.05, "2020年碳排放核算"),
    "I04": (2020, 57.9, "2019年森林资源二类调查"),
    "I05": (2020, 86.0, "2019年森林资源二类调查"),
    "I06a": (2020, 38.0, "区城管局生活垃圾处理统计"),
    "I07": (2020, 3.5, "区住建局建筑能耗统计"),
    "I09": (2020, 12.0, "区住建局光伏建筑统计"),
    "I10a": (2020, 48.0, "区工信局车辆登记统计"),
    "I10b": (2020, 9.0, "区工信局车辆登记统计"),
    "I11a": (2020, 5.6, "2020年营运车辆能耗监测"),
    "I11b": (2020, 9.2, "2020年船舶能耗监测"),
    "I12": (2020, 56.0, "居民出行调查"),
    "I13": (2020, 90.5, "区农业农村和水利局统计"),
    "I14": (2020, 40.2, "区农业农村和水利局统计"),
    "I15": (2020, 76.0, "区农业农村和水利局统计"),
    "1.2-M1": (2020, 6.0, "区发改委新能源装机统计"),
    "3.3-M1": (2020, 3.5, "区住建局建筑能耗统计"),
    "3.3-M2": (2020, 12.0, "区住建局光伏建筑统计"),
    "4.2-M1": (2020, 56.0, "居民出行调查"),
    "6.4-M2": (2020, 38.0, "区城管局生活垃圾处理统计"),
    "8.2-M1": (2020, 57.9, "2019年森林资源二类调查"),
}
# Parts deliberately behind their trajectory (a sample needs some red and yellow).
LAGGING = {"I10b": 0.55, "I12": 0.7, "I14": 0.85, "3.3-M2": 0.6, "10.2-M1": 0.5}

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

# Project name patterns by keyword of the task title.
PROJECT_KINDS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("光伏|能源|电", ("{p}屋顶分布式光伏发电项目", "{p}天然气管网改造工程", "{p}储能电站项目"),
     ("建设光伏组件{n}兆瓦及配套并网设施", "改造中低压燃气管网{n}公里", "建设储能系统{n}兆瓦时")),
    ("陶瓷|建材|工业|园区|能效|节能|设备|高耗能", ("{p}陶瓷窑炉节能技术改造项目", "{p}余热回收利用项目",
                                     "{p}电机能效提升项目"),
     ("改造梭式窑、辊道窑{n}座", "建设余热回收系统{n}套", "更新高效电机{n}台")),
    ("建筑|城乡|农村", ("{p}既有建筑节能改造项目", "{p}绿色建筑示范项目", "{p}农房节能改造项目"),
     ("改造建筑面积{n}万平方米", "建设绿色建筑{n}万平方米", "改造农房{n}户")),
    ("交通|运输|物流|充电", ("{p}公共充电站建设项目", "{p}新能源公交车购置项目", "{p}绿色物流配送中心"),
     ("建设充电桩{n}个", "购置新能源公交车{n}辆", "建设冷链及配送仓库{n}平方米")),
    ("循环|固废|垃圾|资源", ("{p}生活垃圾分类处理中心", "{p}建筑垃圾资源化利用项目", "{p}再生资源回收站点建设"),
     ("日处理能力{n}吨", "年处理建筑垃圾{n}万吨", "建设回收站点{n}个")),
    ("科技|技术|创新|碳捕集", ("{p}低碳技术研发平台", "{p}陶瓷低碳工艺中试基地", "{p}碳排放监测平台"),
     ("建设研发实验室{n}平方米", "建设中试生产线{n}条", "接入重点企业{n}家")),
    ("碳汇|林|生态|农业", ("{p}森林质量精准提升工程", "{p}湿地保护修复项目", "{p}生态农业示范基地"),
     ("实施森林抚育{n}亩", "修复湿地{n}亩", "建设示范基地{n}亩")),
]
DEFAULT_KIND = (("{p}低碳示范项目", "{p}绿色低碳宣传教育基地"), ("实施低碳改造{n}处", "建设宣传展厅{n}平方米"))
PLACES = ("昌江大道", "陶溪川", "金岭", "新厂", "里村", "太白园", "珠山中路", "戴家弄", "三宝", "西市区",
          "珠山工业园", "东郊", "瓷都大道", "浙江路", "新华")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _clauses(task: Task) -> list[str]:
    """Short measure phrases from the task text (without its title and units)."""
    text = re.sub(r"（[^（）]*负责）\s*$", "", task.text.strip())
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


def _progress_text(rng: random.Random, task: Task, clauses: list[str], month: str, status: str) -> str:
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


def _trajectory(part: Part, base: tuple[int, float] | None, t: float, factor: float) -> float | None:
    """A plausible value at fractional year ``t`` moving from the baseline to the first
    numeric target (scaled by ``factor``: 1 on track, < 1 behind)."""
    targets = [x for x in part.targets if x.value is not None and x.kind == "binding"] or \
              [x for x in part.targets if x.value is not None]
    if part.monitor or (not targets and base):
        y0, v0 = base or (2020, 100.0)
        return v0 * (1 + 0.012 * (t - y0))
    if not targets:
        return None
    tg = targets[0]
    if tg.basis == "reduction_vs_baseline":
        y0, v0 = base or (tg.baseline_year or 2020, 100.0)
        goal = v0 * (1 - (tg.value or 0) / 100)
    else:
        y0, v0 = base or (2023, 0.0)
        goal = tg.value or 0.0
    span = max(tg.year - y0, 1)
    frac = min(max((t - y0) / span, 0.0), 1.15)
    v = v0 + (goal - v0) * frac * factor
    if tg.stable and part.direction == "higher":
        v = max(v, goal + 0.05 * factor) if factor >= 1 else v0 - 0.3
    return v


def _round(part: Part, v: float) -> float:
    if part.unit in ("个", "家", "座", "项", "辆"):
        return float(round(v))
    return round(v, 2)


class _Gen:
    def __init__(self, app: App, until: str, seed: int):
        self.app = app
        self.plan = app.plan
        self.until = until
        self.rng = random.Random(seed)
        self.months = months_between(self.plan.first_month, until)
        self.rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in (
            "task_reports", "milestone_values", "projects", "project_months", "indicator_values",
            "submissions", "review_events", "baselines")}
        self.persons: dict[tuple[str, str], str] = {}
        self.missing: set[tuple[str, str]] = set()
        self.drafts: set[tuple[str, str]] = set()  # unit-months still being filled in

    # -- submissions decide which unit-months have data --------------------------------------
    def submissions(self) -> None:
        rng = self.rng
        last = self.months[-1]
        prev = self.months[-2] if len(self.months) > 1 else ""
        due_day = int(self.app.settings.get("due_day") or 5)
        for unit in self.app.reporting_units():
            if not self.app.tasks_of(unit) and not self.app.parts_of(unit):
                continue
            for m in self.months:
                x = rng.random()
                sub_day = min(28, max(1, due_day - rng.randint(0, 4)))
                late = x > 0.92
                if late:
                    sub_day = min(28, due_day + rng.randint(2, 12))
                ny, nm = int(month_add(m, 1)[:4]), int(month_add(m, 1)[5:7])
                hh, mm = rng.randint(8, 17), rng.randint(0, 59)
                sub_at = f"{date(ny, nm, sub_day).isoformat()}T{hh:02d}:{mm:02d}:00"
                dec_at = f"{date(ny, nm, min(28, sub_day + rng.randint(1, 3))).isoformat()}T10:00:00"
                if m == last:
                    state = "draft" if x < 0.45 else ("submitted" if x < 0.85 else "")
                elif m == prev:
                    state = "approved" if x < 0.75 else ("submitted" if x < 0.9 else "returned")
                else:
                    state = "" if x < 0.02 else "approved"
                if not state:
                    self.missing.add((unit, m))
                    continue
                user = f"示例·{unit}"
                returns = 1 if (state == "returned" or (state == "approved" and rng.random() < 0.06)) else 0
                comment = rng.choice(RETURN_COMMENTS) if returns else ""
                if state == "draft":
                    self.drafts.add((unit, m))
                    row = (unit, m, "draft", "", "", "", "", "", 0, sub_at)
                elif state == "submitted":
                    row = (unit, m, "submitted", sub_at, user, "", "", "", 0, sub_at)
                    self.rows["review_events"].append((sub_at, user, unit, m, "submit", ""))
                else:
                    kept = comment if state == "returned" else ""
                    row = (unit, m, state, sub_at, user, dec_at, "办公室审核员", kept, returns, dec_at)
                    self.rows["review_events"].append((sub_at, user, unit, m, "submit", ""))
                    if returns:
                        self.rows["review_events"].append((dec_at, "办公室审核员", unit, m, "return", comment))
                    if state == "approved":
                        self.rows["review_events"].append((dec_at, "办公室审核员", unit, m, "approve", ""))
                self.rows["submissions"].append(row)

    # -- task reports and milestones ----------------------------------------------------------
    def tasks(self, progress: Callable[[int, int], None] | None) -> None:
        rng = self.rng
        pairs = [(t, u) for u in self.app.reporting_units() for t, _ in self.app.tasks_of(u)]
        clauses = {t.code: _clauses(t) for t in self.plan.tasks}
        lag = {t.code: rng.random() < 0.15 for t in self.plan.tasks}
        late_half = self.months[len(self.months) // 2:]
        finish = {t.code: (rng.choice(late_half) if rng.random() < 0.2 else "9999") for t in self.plan.tasks}
        factors = {m.code: LAGGING.get(m.code, rng.uniform(0.95, 1.12)) for m in self.plan.milestones}
        total = len(self.months)
        for i, month in enumerate(self.months):
            stamp = f"{month_add(month, 1)}-0{rng.randint(1, 4)}T09:30:00"
            t_frac = int(month[:4]) + (int(month[5:7]) - 0.5) / 12
            for t, unit in pairs:
                if (unit, month) in self.missing:
                    continue
                first = i < rng.choice((1, 1, 2, 3))
                if month >= finish[t.code]:
                    status = "已完成"
                elif first:
                    status = "未启动"
                elif lag[t.code] and rng.random() < 0.6:
                    status = "滞后"
                else:
                    status = "推进中"
                # only a month still in draft may have gaps: a submitted month passed the checks
                draft_gap = (unit, month) in self.drafts and rng.random() < 0.1
                person = self.persons.setdefault((t.code, unit), _name(rng))
                c = rng.choice(clauses[t.code])
                vals = {
                    "status": "" if draft_gap else status,
                    "progress": _progress_text(rng, t, clauses[t.code], month, status),
                    "measures": "；".join(rng.sample(clauses[t.code], min(2, len(clauses[t.code])))) + "。",
                    "problems": rng.choice(PROBLEMS),
                    "next_plan": rng.choice(NEXT).format(c=c) + "。",
                    "person": person,
                    "deadline": f"{max(int(month[:4]), 2025)}-12-31",
                }
                self.rows["task_reports"].append(
                    (t.code, unit, month, *[vals[f.key] for f in task_form.FIELDS], stamp, f"示例·{unit}"))
            for ms in self.plan.milestones:
                units = self.app.task_units(self.plan.task(ms.task))
                if not units or (units[0], month) in self.missing:
                    continue
                part = ms.part
                if part.qualitative:
                    year = part.targets[0].year if part.targets else 2025
                    yes = t_frac >= year - 0.4
                    value, raw = (1.0 if yes else 0.0), ("是" if yes else "否")
                else:
                    base = BASELINES.get(ms.code)
                    start = (base[0], base[1]) if base else (2023, 0.0)
                    v = _trajectory(part, start, t_frac, factors[ms.code])
                    if v is None:
                        continue
                    value = _round(part, max(v * rng.uniform(0.985, 1.015), 0.0))
                    raw = fmt_number(value)
                self.rows["milestone_values"].append((ms.code, units[0], month, value, raw, "", stamp,
                                                      f"示例·{units[0]}"))
            if progress is not None:
                progress(i + 1, total)

    def fix_cumulative(self) -> None:
        """Cumulative figures never go down (noise is smoothed away)."""
        best: dict[tuple[str, str], float] = {}
        out = []
        for row in sorted(self.rows["milestone_values"], key=lambda r: (r[0], r[1], r[2])):
            code, unit, month, value, raw, *rest = row
            part = self.plan.part(code)
            if not part.qualitative and part.unit in ("个", "万千瓦"):
                value = max(value, best.get((code, unit), 0.0))
                best[(code, unit)] = value
                raw = fmt_number(value)
            out.append((code, unit, month, value, raw, *rest))
        self.rows["milestone_values"] = out

    # -- projects --------------------------------------------------------------------------------
    def projects(self) -> None:
        rng = self.rng
        for t in self.plan.tasks:
            units = self.app.task_units(t)
            if not units:
                continue
            lead = units[0]
            names, contents = DEFAULT_KIND
            for pat, ns, cs in PROJECT_KINDS:
                if re.search(pat, t.title):
                    names, contents = ns, cs
                    break
            for k in range(rng.randint(2, 6)):
                early = self.months[: max(1, len(self.months) * 2 // 3)]
                created = rng.choice(early) if k else self.months[0]
                if (lead, created) in self.missing:
                    continue
                idx = rng.randrange(len(names))
                name = names[idx].format(p=rng.choice(PLACES))
                content = contents[idx % len(contents)].format(n=rng.randint(2, 60))
                total = float(rng.choice((800, 1200, 2500, 3600, 5000, 8000, 12000, 20000, 35000)))
                years = rng.randint(1, 3)
                cy = int(created[:4])
                start = f"{cy}-{rng.randint(int(created[5:7]), 12):02d}-{rng.randint(1, 28):02d}"
                end_year = cy + years
                plan_end = f"{end_year}-{rng.randint(6, 12):02d}-30"
                late = rng.random() < 0.15
                reduction = float(rng.randint(200, 20000)) if rng.random() < 0.7 else None
                uid = uuid.UUID(int=rng.getrandbits(128)).hex
                done_month = f"{end_year + (1 if late else 0)}-{plan_end[5:7]}"
                closed = month_add(done_month, 1) if month_add(done_month, 1) <= self.until else ""
                pid = len(self.rows["projects"]) + 1
                self.rows["projects"].append((pid, uid, t.code, lead, name, content, "前期", total, start,
                                              plan_end, reduction, created, closed,
                                              f"{created}-05T10:00:00", f"示例·{lead}"))
                spent_before = cum_year = 0.0
                actual = ""
                for m in self.months:
                    if m < created or (closed and m >= closed):
                        continue
                    y = int(m[:4])
                    remaining = max(total - spent_before, 0.0)
                    year_plan = round(min(remaining, total / (years + 0.5)), 1)
                    mi = int(m[5:7])
                    if mi == 1:
                        cum_year = 0.0
                    first_mi = int(start[5:7]) if y == int(start[:4]) else 1
                    pace = (0.55 if late else 1.0) * rng.uniform(0.92, 1.05)
                    frac = (mi - first_mi + 1) / (13 - first_mi)
                    cum = round(min(year_plan, year_plan * frac * pace), 1) if m >= start[:7] else 0.0
                    cum = cum_year = max(cum, cum_year)
                    if m >= start[:7] and not actual:
                        actual = f"{m}-{rng.randint(1, 28):02d}" if not late else f"{month_add(m, 2)}-15"
                    if m < start[:7]:
                        ptype, prog = "前期", "开展项目前期工作，办理立项、用地等手续"
                    elif m >= done_month:
                        ptype, prog = "竣工", "项目已竣工，进入验收和试运行"
                    else:
                        share = min(99, int((spent_before + cum) / total * 100))
                        ptype = "新建" if y == int(start[:4]) else "续建"
                        prog = f"完成主体工程约{share}%，{rng.choice(('设备安装有序推进', '施工正常', '加快推进中'))}"
                    self.rows["project_months"].append((pid, m, ptype, year_plan, cum,
                                                        actual if actual and actual[:7] <= m else "", prog,
                                                        f"{month_add(m, 1)}-03T10:00:00", f"示例·{lead}"))
                    if mi == 12:
                        spent_before += cum

    # -- indicators and baselines ------------------------------------------------------------
    def indicators(self) -> None:
        rng = self.rng
        for code, (year, value, source) in BASELINES.items():
            if code in self.plan.parts_by_code:
                self.rows["baselines"].append((code, year, value, source))
        last_year = int(self.until[:4])
        first_year = int(self.months[0][:4])
        for ind in self.plan.indicators:
            unit = ind.responsible_unit
            for part in ind.parts:
                factor = LAGGING.get(part.code, rng.uniform(0.97, 1.1))
                base = BASELINES.get(part.code)
                for year in range(first_year, last_year + 1):
                    month = f"{year}-12" if year < last_year else self.until
                    if (unit, month) in self.missing:
                        month = month_add(month, -1)
                    if part.qualitative:
                        tyear = min((t.year for t in part.targets), default=2025)
                        value: float | None = 1.0 if year >= tyear else 0.0
                        raw = "是" if value else "否"
                    else:
                        v = _trajectory(part, (base[0], base[1]) if base else None, year + 0.95, factor)
                        if v is None:
                            continue
                        value = _round(part, v * rng.uniform(0.99, 1.01))
                        if part.unit == "%":
                            value = min(value, 99.5)
                        raw = fmt_number(value)
                    src = base[2] if base else "部门统计报表"
                    note = "年度预计值" if year == last_year and self.until[5:] != "12" else ""
                    self.rows["indicator_values"].append((part.code, str(year), unit, month, value, raw, src, note,
                                                          f"{month_add(month, 1)}-04T10:00:00", f"示例·{unit}"))

    # -- writing -----------------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        cols = ", ".join(f.key for f in task_form.FIELDS)
        marks = ", ".join("?" for _ in task_form.FIELDS)
        sql = {
            "task_reports": f"INSERT INTO task_reports(task_code, unit, month, {cols}, updated_at, updated_by) "
                            f"VALUES (?, ?, ?, {marks}, ?, ?)",
            "milestone_values": "INSERT INTO milestone_values(milestone_code, unit, month, value, raw, note, "
                                "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            "projects": "INSERT INTO projects(id, uid, task_code, unit, name, content, ptype, total_invest, "
                        "plan_start, plan_end, reduction, created_month, closed_month, updated_at, updated_by) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "project_months": "INSERT INTO project_months(project_id, month, ptype, year_plan_invest, cum_invest, "
                              "actual_start, progress, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "indicator_values": "INSERT INTO indicator_values(part_code, period, unit, month, value, raw, source, "
                                "note, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "submissions": "INSERT INTO submissions(unit, month, state, submitted_at, submitted_by, decided_at, "
                           "decided_by, comment, returns, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            "review_events": "INSERT INTO review_events(at, actor, unit, month, action, comment) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
            "baselines": "INSERT INTO baselines(part_code, year, value, source) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT(part_code) DO UPDATE SET year = excluded.year, value = excluded.value, "
                         "source = excluded.source",
        }
        with self.app.store.tx() as c:
            for key, stmt in sql.items():
                c.executemany(stmt, self.rows[key])
        return {k: len(v) for k, v in self.rows.items()}


def _has_entries(app: App) -> bool:
    return bool(app.store.scalar(
        "SELECT (SELECT COUNT(*) FROM task_reports) + (SELECT COUNT(*) FROM projects) "
        "+ (SELECT COUNT(*) FROM indicator_values) + (SELECT COUNT(*) FROM submissions)"))


def generate_demo(app: App, until: str, streets: int = 6, seed: int = 1,
                  progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Fill an empty database with sample data up to ``until`` ('YYYY-MM'); returns row counts.
    Refuses (DomainError) a database that already holds entries."""
    try:
        until = parse_month(until)
    except ValueProblem as exc:
        raise InvalidInput(str(exc)) from None
    if until < app.plan.first_month:
        raise InvalidInput(f"示例数据截止月份不能早于方案的第一个填报月份{app.plan.first_month}。")
    if _has_entries(app):
        raise DomainError("该数据库中已有填报数据，示例数据只能写入新的（空的）数据库。")
    existing = set(app.streets())
    for i in range(max(0, streets)):
        name = STREET_NAMES[i] if i < len(STREET_NAMES) else f"第{i + 1}街道"
        if name not in existing:
            app.add_street(DEMO_ACTOR, name)
    gen = _Gen(app, until, seed)
    gen.submissions()
    gen.tasks(progress)
    gen.fix_cumulative()
    gen.projects()
    gen.indicators()
    counts = gen.write()
    app.settings.set("demo", True)
    app.invalidate()
    app.log(DEMO_ACTOR, "demo", f"生成示例数据：{app.plan.first_month}至{until}，街道{streets}个，"
            f"任务填报{counts['task_reports']}条，项目{counts['projects']}个")
    counts.update(units=len(app.reporting_units()), months=len(gen.months), until=until)
    return counts


