"""Sample projects (示例数据): each task's lead unit gets a few projects with monthly history.

``sample_projects`` draws projects whose names and contents follow the task's title
(solar, kilns, buildings, transport …), with a total investment, a planned period,
some running late, and for every month from creation to completion the investment
completed that year and the state of works. Rows match the ``projects`` and
``project_months`` tables; ``models/demo.py`` writes them.
"""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

from models.authority import INTERNAL, rule
from models.app import App, month_add

# Project name patterns by keyword of the task title.
PROJECT_KINDS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("光伏|能源|电", ("{p}屋顶分布式光伏发电项目", "{p}天然气管网改造工程", "{p}储能电站项目"),
     ("建设光伏组件{n}兆瓦及配套并网设施", "改造中低压燃气管网{n}公里", "建设储能系统{n}兆瓦时")),
    ("建材|工业|园区|能效|节能|设备|高耗能|制造", ("{p}窑炉节能技术改造项目", "{p}余热回收利用项目",
                                     "{p}电机能效提升项目"),
     ("改造梭式窑、辊道窑{n}座", "建设余热回收系统{n}套", "更新高效电机{n}台")),
    ("建筑|城乡|农村", ("{p}既有建筑节能改造项目", "{p}绿色建筑示范项目", "{p}农房节能改造项目"),
     ("改造建筑面积{n}万平方米", "建设绿色建筑{n}万平方米", "改造农房{n}户")),
    ("交通|运输|物流|充电", ("{p}公共充电站建设项目", "{p}新能源公交车购置项目", "{p}绿色物流配送中心"),
     ("建设充电桩{n}个", "购置新能源公交车{n}辆", "建设冷链及配送仓库{n}平方米")),
    ("循环|固废|垃圾|资源", ("{p}生活垃圾分类处理中心", "{p}建筑垃圾资源化利用项目", "{p}再生资源回收站点建设"),
     ("日处理能力{n}吨", "年处理建筑垃圾{n}万吨", "建设回收站点{n}个")),
    ("科技|技术|创新|碳捕集", ("{p}低碳技术研发平台", "{p}低碳工艺中试基地", "{p}碳排放监测平台"),
     ("建设研发实验室{n}平方米", "建设中试生产线{n}条", "接入重点企业{n}家")),
    ("碳汇|林|生态|农业", ("{p}森林质量精准提升工程", "{p}湿地保护修复项目", "{p}生态农业示范基地"),
     ("实施森林抚育{n}亩", "修复湿地{n}亩", "建设示范基地{n}亩")),
]
DEFAULT_KIND: tuple[tuple[str, ...], tuple[str, ...]] = (("{p}低碳示范项目", "{p}绿色低碳宣传教育基地"), ("实施低碳改造{n}处", "建设宣传展厅{n}平方米"))


@rule(INTERNAL, why="names for sample projects, for generate_demo, which holds the rule")
def places_of(app: App) -> list[str]:
    """Words that name sample projects: the plan's [demo] places, else its streets (or the
    sample streets' names), so that no district is named in code."""
    from models.demo_samples import sample_streets
    return list(app.plan.demo.get("places") or []) or app.streets() or sample_streets(app.plan, 6)


@rule(INTERNAL, why="draws sample rows for generate_demo, which holds the rule")
def sample_projects(app: App, rng: random.Random, months: list[str], missing: set[tuple[str, str]],
                    until: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows of ``projects`` and ``project_months`` for the months ``months`` up to ``until``;
    no project is created in a unit-month in ``missing`` (one that sent nothing)."""
    projects: list[tuple[Any, ...]] = []
    project_months: list[tuple[Any, ...]] = []
    places = places_of(app)
    for t in app.plan.tasks:
        units = app.task_units(t)
        if not units:
            continue
        lead = units[0]
        names, contents = DEFAULT_KIND
        for pat, ns, cs in PROJECT_KINDS:
            if re.search(pat, t.title):
                names, contents = ns, cs
                break
        for k in range(rng.randint(2, 6)):
            early = months[: max(1, len(months) * 2 // 3)]
            created = rng.choice(early) if k else months[0]
            if (lead, created) in missing:
                continue
            idx = rng.randrange(len(names))
            name = names[idx].format(p=rng.choice(places))
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
            closed = month_add(done_month, 1) if month_add(done_month, 1) <= until else ""
            pid = len(projects) + 1
            projects.append((pid, uid, t.code, lead, name, content, "前期", total, start,
                             plan_end, reduction, created, closed,
                             f"{created}-05T10:00:00", f"示例·{lead}"))
            spent_before = cum_year = 0.0
            actual = ""
            for m in months:
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
                project_months.append((pid, m, ptype, year_plan, cum,
                                       actual if actual and actual[:7] <= m else "", prog,
                                       f"{month_add(m, 1)}-03T10:00:00", f"示例·{lead}"))
                if mi == 12:
                    spent_before += cum
    return projects, project_months
