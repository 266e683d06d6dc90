"""Assessment (考核) of the reporting units over a period (a list of months).

Each unit gets five component scores from 0 to 100:

- timeliness (及时性): share of the counted months first submitted by the due day;
- completeness (完整性): filled items ÷ expected items over the counted months;
- approval (审核通过): per counted month 1 when submitted and never returned, 0.5 when
  submitted after one or more returns, 0 when not submitted; averaged;
- task_status (任务进度): the latest 完成状态 of each of the unit's tasks in the period:
  已完成 and 推进中 100, 未启动 60, 滞后 0; a task whose 完成时限 has passed by the end
  of the period without 已完成 scores 0; averaged over the tasks reported in the period;
- indicators (指标达标): the target engine's verdict, as of the period's last month, of
  the indicator parts the unit is responsible for and the milestones of the tasks it
  leads: green 100, yellow 60, red 0 (no data, monitor-only and pending targets are
  left out).

Counted months are the months whose due day has passed by ``today`` or that were
submitted. A component with nothing to measure (no counted month, no task reported, no
judged indicator) does not apply: the total is the weighted mean of the components that
apply, with the weights of setting ``assessment_weights`` (default 20/20/15/25/20)
rescaled to those components. Units flagged for 通报 are those whose total is below
setting ``assessment_flag_below`` (default 60). Ranks use standard competition ranking
(1, 2, 2, 4). Units with nothing to report are not assessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from models.app import Actor, App
from models.authority import OFFICE, PUBLIC, rule
from models.scoring import (COMPONENT_NAMES, COMPONENTS, TASK_STATUS_SCORE, VERDICT_SCORE, UnitScore,
                            flag_below_of, score_views, weights_of)

if TYPE_CHECKING:
    from models.month_view import MonthView

__all__ = ["COMPONENTS", "COMPONENT_NAMES", "TASK_STATUS_SCORE", "VERDICT_SCORE", "UnitScore", "assess",
           "assess_views", "assessment_html", "assessment_html_of", "period_label", "weights"]


@rule(PUBLIC, why="the office's assessment weights (a setting every PC shares), no unit's data")
def weights(app: App) -> dict[str, float]:
    return weights_of(app.settings.all())


@rule(OFFICE, what="查看考核结果")
def assess(app: App, actor: Actor, months: list[str], today: date | None = None) -> list[UnitScore]:
    """Scores of every unit with something to report over ``months``, sorted by rank
    (the months' views read once, ``models.month_read.month_views``)."""
    from models.month_read import month_views
    return score_views(month_views(app, actor, months, today=today))


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def assess_views(views: Sequence[MonthView]) -> list[UnitScore]:
    """Scores over the months of ``views`` (one view per month of the period)."""
    return score_views(views)


@rule(PUBLIC)
def period_label(months: list[str]) -> str:
    ms = sorted(months)
    if not ms:
        return ""
    a, b = ms[0], ms[-1]
    fa = f"{int(a[:4])}年{int(a[5:])}月"
    if a == b:
        return fa
    fb = f"{int(b[5:])}月" if a[:4] == b[:4] else f"{int(b[:4])}年{int(b[5:])}月"
    return f"{fa}至{fb}"


@rule(OFFICE, what="查看考核结果")
def assessment_html(app: App, actor: Actor, months: list[str], scores: list[UnitScore] | None = None) -> str:
    """The ranking over ``months`` as a printable HTML table (reads the months' views)."""
    from models.month_read import month_views
    return assessment_html_of(month_views(app, actor, months), scores)


@rule(PUBLIC, why="works on month views already read under month_view's rule")
def assessment_html_of(views: Sequence[MonthView], scores: list[UnitScore] | None = None) -> str:
    """The ranking as a printable HTML table (考核结果), with the 通报 list and the rule;
    ``scores`` default to ``assess_views(views)``."""
    import html as _html
    e = _html.escape
    if not views:
        return "<html><body><p>没有考核期间。</p></body></html>"
    months = [v.month for v in views]
    scores = score_views(views) if scores is None else scores
    settings = views[-1].settings_dict
    w = weights_of(settings)
    flag = flag_below_of(settings)
    issuer = settings.get("briefing_issuer") or ""
    head = "".join(f"<th>{e(h)}</th>" for h in ("排名", "单位", "总分", *(COMPONENT_NAMES[k] for k in COMPONENTS),
                                                  "通报", "说明"))
    rows = []
    for sc in scores:
        comps = "".join(f"<td align='right'>{getattr(sc, k):.1f}</td>" if k in sc.applicable
                        else "<td align='center'>—</td>" for k in COMPONENTS)
        style = " style='color:#b91c1c'" if sc.flagged else ""
        rows.append(f"<tr{style}><td align='center'>{sc.rank}</td><td>{e(sc.unit)}</td>"
                    f"<td align='right'><b>{sc.total:.1f}</b></td>{comps}"
                    f"<td align='center'>{'通报' if sc.flagged else ''}</td><td>{e(sc.notes)}</td></tr>")
    flagged = [sc.unit for sc in scores if sc.flagged]
    rule = ("、".join(f"{COMPONENT_NAMES[k]}{w[k]:g}" for k in COMPONENTS))
    return (f"<html><body><h2 style='text-align:center'>{e(period_label(months))}碳达峰工作考核结果</h2>"
            f"<p>参加考核单位{len(scores)}个；总分低于{flag:g}分需通报的单位{len(flagged)}个"
            + (f"：{e('、'.join(flagged))}" if flagged else "") + "。</p>"
            f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p style='font-size:small'>计分方法：各项0–100分，权重为{e(rule)}；不适用的项目（—）不计，"
            "总分按其余各项的权重折算。</p>"
            f"<p style='text-align:right'>{e(str(issuer))}</p></body></html>")
