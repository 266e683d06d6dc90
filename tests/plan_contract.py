"""docs/plan-format-v2.md as a checker for plan files the importer writes.

``problems(raw)`` lists every way a parsed plan file departs from the contract: unknown
keys (the format is strict), missing required fields, values outside their choices,
codes that are not unique or not of the allowed characters, references (units,
milestone tasks, part_of, discrepancy_with) that lead nowhere, targets without what
their kind needs.
"""

from __future__ import annotations

import re
from typing import Any

TOP = {"format", "plan", "units", "actions", "policies", "indicators", "milestones"}
PLAN = {"id", "version", "name", "district", "city", "province", "issuer", "adopted", "first_month", "last_year",
        "office_unit", "office_host", "streets_unit", "overview", "goals", "organisation", "words", "briefing"}
PLAN_REQUIRED = {"id", "version", "name", "district", "first_month", "office_unit"}
WORDS = {"level", "street_word", "assigned_by", "actions_word", "appendix_name", "district_target_label",
         "city_target_label"}
UNIT = {"name", "kind", "aliases", "note"}
ACTION = {"code", "numbering", "title", "intro", "tasks"}
TASK = {"code", "numbering", "title", "text", "units_text", "units", "subtasks"}
POLICY = {"code", "numbering", "title", "text", "units_text", "units"}
INDICATOR = {"code", "row", "name", "city_target", "district_target", "explanation", "responsible_unit",
             "responsible_unit_inherited", "status_note", "discrepancy_with", "parts"}
PART = {"code", "name", "unit", "direction", "frequency", "pending", "assigned_by", "monitor", "part_of",
        "entered_as", "targets"}
MILESTONE = {"code", "task", "name", "unit", "direction", "quote", "note", "part_of", "targets"}
TARGET = {"year", "op", "value", "value_high", "unit", "kind", "basis", "baseline_year", "since", "stable",
          "tolerance", "label", "assigned_by", "text"}
OPS = {">=", "<=", "approx", "range", "yes", "decrease", "increase"}
CODE = re.compile(r"[A-Za-z0-9._-]+")


def problems(raw: dict[str, Any]) -> list[str]:
    out: list[str] = []

    def keys(obj: dict[str, Any], allowed: set[str], where: str) -> None:
        out.extend(f"{where}: unknown key {k!r}" for k in obj if k not in allowed)

    keys(raw, TOP, "top")
    if raw.get("format") != 2:
        out.append("format is not 2")
    plan = raw.get("plan", {})
    keys(plan, PLAN, "[plan]")
    out.extend(f"[plan]: missing {k}" for k in PLAN_REQUIRED if not plan.get(k))
    keys(plan.get("words", {}), WORDS, "[plan.words]")
    if not re.fullmatch(r"\d{4}-\d{2}", str(plan.get("first_month", ""))):
        out.append("[plan]: first_month is not YYYY-MM")
    if plan.get("adopted") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", plan["adopted"]):
        out.append("[plan]: adopted is not YYYY-MM-DD")

    names: set[str] = set()
    for u in raw.get("units", []):
        keys(u, UNIT, f"unit {u.get('name')}")
        if u.get("kind") not in ("bureau", "office", "streets", "street"):
            out.append(f"unit {u.get('name')}: kind {u.get('kind')!r}")
        for n in [u["name"], *u.get("aliases", [])]:
            if n in names:
                out.append(f"unit name {n!r} twice")
            names.add(n)
    for key in ("office_unit", "streets_unit", "office_host"):
        if plan.get(key) and plan[key] not in names:
            out.append(f"[plan]: {key} {plan[key]!r} is not a unit")

    codes: list[str] = []
    task_codes: set[str] = set()

    def item(obj: dict[str, Any], allowed: set[str], where: str) -> None:
        keys(obj, allowed, where)
        codes.append(str(obj.get("code", "")))
        for k in ("title", "text"):
            if not isinstance(obj.get(k), str) or not obj.get(k):
                out.append(f"{where}: {k} missing")
        for n in obj.get("units", []):
            if n not in names:
                out.append(f"{where}: unit {n!r} not in [[units]]")
        if len(set(obj.get("units", []))) != len(obj.get("units", [])):
            out.append(f"{where}: a unit twice")

    for a in raw.get("actions", []):
        keys(a, ACTION, f"action {a.get('code')}")
        codes.append(str(a.get("code", "")))
        for t in a.get("tasks", []):
            item(t, TASK, f"task {t.get('code')}")
            task_codes.add(t["code"])
            for s in t.get("subtasks", []):
                item(s, TASK - {"subtasks"}, f"sub-task {s.get('code')}")
                task_codes.add(s["code"])
    for p in raw.get("policies", []):
        item(p, POLICY, f"policy {p.get('code')}")

    part_codes: set[str] = set()
    rows: set[Any] = set()
    for ind in raw.get("indicators", []):
        keys(ind, INDICATOR, f"indicator {ind.get('code')}")
        if "row" in ind and ind["row"] in rows:
            out.append(f"indicator {ind.get('code')}: row {ind['row']} twice")
        rows.add(ind.get("row"))
        if ind.get("responsible_unit") and ind["responsible_unit"] not in names:
            out.append(f"indicator {ind.get('code')}: responsible unit not in [[units]]")
        parts = ind.get("parts", [])
        if not parts:
            out.append(f"indicator {ind.get('code')}: no parts")
        for p in parts:
            _part(p, PART, f"part {p.get('code')}", out)
            codes.append(p["code"])
            part_codes.add(p["code"])
    milestone_codes = set()
    for m in raw.get("milestones", []):
        _part(m, MILESTONE, f"milestone {m.get('code')}", out)
        codes.append(m["code"])
        milestone_codes.add(m["code"])
        if m.get("task") not in task_codes:
            out.append(f"milestone {m.get('code')}: task {m.get('task')!r} does not exist")
    for group in (raw.get("indicators", []), raw.get("milestones", [])):
        for obj in group:
            for p in obj.get("parts", [obj]):
                if p.get("part_of") and p["part_of"] not in part_codes | milestone_codes:
                    out.append(f"{p.get('code')}: part_of {p['part_of']!r} does not exist")
    for ind in raw.get("indicators", []):
        if ind.get("discrepancy_with") and ind["discrepancy_with"] not in milestone_codes:
            out.append(f"indicator {ind.get('code')}: discrepancy_with {ind['discrepancy_with']!r} does not exist")
    seen: set[str] = set()
    for c in codes:
        if not CODE.fullmatch(c):
            out.append(f"code {c!r} has other characters than letters, digits, . - _")
        if c in seen:
            out.append(f"code {c!r} twice")
        seen.add(c)
    return out


def _part(p: dict[str, Any], allowed: set[str], where: str, out: list[str]) -> None:
    if set(p) - allowed:
        out.append(f"{where}: unknown keys {sorted(set(p) - allowed)}")
    direction = p.get("direction")
    if direction not in ("higher", "lower", "qualitative"):
        out.append(f"{where}: direction {direction!r}")
    if p.get("frequency", "year") not in ("year", "month"):
        out.append(f"{where}: frequency")
    if p.get("entered_as", "value") not in ("value", "reduction_rate"):
        out.append(f"{where}: entered_as")
    if p.get("assigned_by", "省") not in ("省", "市"):
        out.append(f"{where}: assigned_by")
    targets = p.get("targets", [])
    if not targets and not p.get("monitor"):
        out.append(f"{where}: no targets and not monitor")
    for k, t in enumerate(targets, 1):
        _target(t, f"{where} target {k}", bool(p.get("pending")), direction, out)


def _target(t: dict[str, Any], where: str, pending: bool, direction: Any, out: list[str]) -> None:
    if set(t) - TARGET:
        out.append(f"{where}: unknown keys {sorted(set(t) - TARGET)}")
    if not isinstance(t.get("year"), int) or not 1990 <= t["year"] <= 2100:
        out.append(f"{where}: year")
    op = t.get("op")
    if op not in OPS:
        out.append(f"{where}: op {op!r}")
    if op in (">=", "<=", "approx", "range") and "value" not in t and not (pending or t.get("assigned_by")):
        out.append(f"{where}: value missing")
    if op in ("yes", "decrease", "increase") and "value" in t:
        out.append(f"{where}: value with op {op}")
    if op == "range" and not t.get("value_high", -1) >= t.get("value", 0):
        out.append(f"{where}: range without value_high ≥ value")
    if (op == "yes") != (direction == "qualitative") and op == "yes":
        out.append(f"{where}: yes target on a part that is not qualitative")
    if t.get("kind", "binding") not in ("binding", "stretch"):
        out.append(f"{where}: kind")
    basis = t.get("basis", "absolute")
    if basis not in ("absolute", "reduction_vs_baseline", "cumulative", "increment"):
        out.append(f"{where}: basis {basis!r}")
    if basis in ("reduction_vs_baseline", "increment") and not isinstance(t.get("baseline_year"), int):
        out.append(f"{where}: {basis} without baseline_year")
    if t.get("since") and not re.fullmatch(r"\d{4}-\d{2}", t["since"]):
        out.append(f"{where}: since is not YYYY-MM")
    if t.get("assigned_by", "省") not in ("省", "市"):
        out.append(f"{where}: assigned_by")
    if not t.get("text"):
        out.append(f"{where}: the words it came from (text) missing")
