"""Format 1 plan files read as format 2.

Format 1 numbered everything by position (actions ``no = 1, 2 …`` with a ``numeral``,
tasks ``no``, policies ``P1 …``, indicators ``I01 …``, parts ``I06a …``, milestones
``<task>-M<n>``) and required ``last_year`` and ``streets_unit``. ``upgrade`` checks
exactly that, with the messages format 1 always gave, and returns the same data in
format 2's shape (explicit codes and printed numbering), which ``plan_parse`` then
checks like any format 2 file. Nothing else changes meaning between the formats.
"""

from __future__ import annotations

from typing import Any

from models.authority import PUBLIC, module_rule
from models.plan_words import cn_number
from models.plan_checker import Checker

__authority__ = module_rule(PUBLIC, why="reads a format 1 plan file as format 2; no unit's data")


def upgrade(raw: dict[str, Any], c: Checker) -> dict[str, Any]:
    """Format 1 data (checked for its positional numbering) as format 2 data."""
    out = {k: v for k, v in raw.items() if k != "format"}
    out["format"] = 2
    meta = raw.get("plan")
    if isinstance(meta, dict):
        for key in ("streets_unit", "last_year"):
            if key not in meta:
                c.err("[plan]", key, "缺失")
    actions = raw.get("actions")
    if isinstance(actions, list):
        out["actions"] = [_action(a, ai, c) if isinstance(a, dict) else a
                          for ai, a in enumerate(actions, 1)]
    policies = raw.get("policies")
    if isinstance(policies, list):
        new = []
        for pi, p in enumerate(policies, 1):
            if isinstance(p, dict):
                code = p.get("code")
                if isinstance(code, str) and code and code != f"P{pi}":
                    c.err(f"政策保障第{pi}项", "code", f"应为 P{pi}")
                p = {**p, "code": f"P{pi}", "numbering": f"（{cn_number(pi)}）"}
            new.append(p)
        out["policies"] = new
    indicators = raw.get("indicators")
    if isinstance(indicators, list):
        out["indicators"] = [_indicator(ind, ii, c) if isinstance(ind, dict) else ind
                             for ii, ind in enumerate(indicators, 1)]
    milestones = raw.get("milestones")
    if isinstance(milestones, list):
        for mi, m in enumerate(milestones, 1):
            if not isinstance(m, dict):
                continue
            code, task = m.get("code"), m.get("task")
            if not isinstance(code, str) or not code:
                c.err(f"里程碑第{mi}项", "code", "缺失")
            elif isinstance(task, str) and task and not (
                    code.startswith(task + "-M") and code[len(task) + 2:].isdigit()):
                c.err(f"里程碑{code}", "code", f"应为“{task}-M<序号>”的形式")
    return out


def _action(a: dict[str, Any], ai: int, c: Checker) -> dict[str, Any]:
    where = f"行动第{ai}项"
    no = a.get("no")
    if "no" not in a:
        c.err(where, "no", "缺失")
    elif no != ai:
        c.err(where, "no", f"应为 {ai}（按顺序编号）")
    numeral = a.get("numeral")
    numbering = f"（{numeral}）" if isinstance(numeral, str) and numeral else ""
    new = {k: v for k, v in a.items() if k not in ("no", "numeral")}
    new.update(code=str(ai), numbering=numbering)
    tasks = a.get("tasks")
    if isinstance(tasks, list):
        new["tasks"] = [_task(t, ai, ti, c) if isinstance(t, dict) else t for ti, t in enumerate(tasks, 1)]
    return new


def _task(t: dict[str, Any], ai: int, ti: int, c: Checker) -> dict[str, Any]:
    tw = f"任务{ai}.{ti}"
    if "no" not in t:
        c.err(tw, "no", "缺失")
    elif t.get("no") != ti:
        c.err(tw, "no", f"应为 {ti}（按顺序编号）")
    new = {k: v for k, v in t.items() if k != "no"}
    new.update(code=f"{ai}.{ti}", numbering=f"{ti}.")
    return new


def _indicator(ind: dict[str, Any], ii: int, c: Checker) -> dict[str, Any]:
    where = f"附表第{ii}行"
    code = ind.get("code")
    expect = f"I{ii:02d}"
    if isinstance(code, str) and code and code != expect:
        c.err(where, "code", f"应为 {expect}（按附表顺序）")
    new = {**ind, "code": expect, "row": ind.get("row", ii)}
    parts = ind.get("parts")
    if isinstance(parts, list):
        fixed = []
        for pi, rp in enumerate(parts, 1):
            if isinstance(rp, dict):
                want = expect if len(parts) == 1 else f"{expect}{'abcdefgh'[(pi - 1) % 8]}"
                pcode = rp.get("code")
                if isinstance(pcode, str) and pcode and pcode != want:
                    c.err(f"指标分项{pcode}", "code", f"应为 {want}")
                rp = {**rp, "code": want}
            fixed.append(rp)
        new["parts"] = fixed
    return new
