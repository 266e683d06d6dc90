"""The data of a plan draft, read: the format-2 plan file as the dict ``tomllib`` reads,
with the editor's views of it (units, the task table's rows, indicator parts, milestones,
targets). Edits are in ``models/plan_draft_edit.py``, the draft itself (sources, review,
writing) in ``models/plan_draft.py``."""

from __future__ import annotations

from typing import Any, NamedTuple

from models.authority import PUBLIC, rule


@rule(PUBLIC)
class Row(NamedTuple):
    """One row of the editor's task table: an action, a task, a sub-task or a policy."""

    kind: str  # action | task | subtask | policy
    ref: str  # the entry's code (codes are unique across a plan)
    item: dict[str, Any]
    parent: dict[str, Any] | None  # the task of a sub-task


@rule(PUBLIC)
class DraftData:
    """Reading a plan file's data (``raw``) the way the editor shows it."""

    raw: dict[str, Any]
    changed: bool

    # -- reading ------------------------------------------------------------------------------
    @property
    def meta(self) -> dict[str, Any]:
        return self.raw.setdefault("plan", {})

    @property
    def words(self) -> dict[str, Any]:
        words = self.meta.get("words")
        return words if isinstance(words, dict) else {}

    @property
    def units(self) -> list[dict[str, Any]]:
        return dicts(self.raw.get("units"))

    def unit_names(self) -> list[str]:
        return [str(u.get("name", "")) for u in self.units]

    def canonical_unit(self, name: str) -> str | None:
        """The unit ``name`` names (itself or one of its other spellings), or None."""
        name = name.strip()
        for u in self.units:
            if u.get("name") == name or name in (u.get("aliases") or []):
                return str(u.get("name"))
        return None

    def rows(self) -> list[Row]:
        """Actions, their tasks and sub-tasks, then the policies, in plan order."""
        out: list[Row] = []
        for a in dicts(self.raw.get("actions")):
            out.append(Row("action", str(a.get("code", "")), a, None))
            for t in dicts(a.get("tasks")):
                out.append(Row("task", str(t.get("code", "")), t, None))
                for s in dicts(t.get("subtasks")):
                    out.append(Row("subtask", str(s.get("code", "")), s, t))
        out += [Row("policy", str(p.get("code", "")), p, None) for p in dicts(self.raw.get("policies"))]
        return out

    def parts(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(indicator, part) for every part of every indicator, in plan order."""
        return [(i, p) for i in dicts(self.raw.get("indicators")) for p in dicts(i.get("parts"))]

    @property
    def milestones(self) -> list[dict[str, Any]]:
        return dicts(self.raw.get("milestones"))

    def row(self, ref: str) -> Row | None:
        return next((r for r in self.rows() if r.ref == ref), None)

    def indicator(self, ref: str) -> dict[str, Any] | None:
        """The indicator with code ``ref``, or the indicator of the part ``ref``."""
        for ind, part in self.parts():
            if ind.get("code") == ref or part.get("code") == ref:
                return ind
        return next((i for i in dicts(self.raw.get("indicators")) if i.get("code") == ref), None)

    def part(self, ref: str) -> dict[str, Any] | None:
        return next((p for _i, p in self.parts() if p.get("code") == ref), None)

    def milestone(self, ref: str) -> dict[str, Any] | None:
        return next((m for m in self.milestones if m.get("code") == ref), None)

    def unit(self, name: str) -> dict[str, Any] | None:
        return next((u for u in self.units if u.get("name") == name), None)

    def targets(self, ref: str) -> list[dict[str, Any]]:
        """The targets of the part or milestone ``ref`` (the list itself: edits change it)."""
        owner = self.part(ref) or self.milestone(ref)
        if owner is None:
            return []
        targets = owner.setdefault("targets", [])
        return targets if isinstance(targets, list) else []



@rule(PUBLIC)
def dicts(value: Any) -> list[dict[str, Any]]:
    """The tables of an array of tables (anything else left out)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@rule(PUBLIC)
def target_text(t: dict[str, Any]) -> str:
    """A target in a few words, as the editor's tables summarise it: “2025年 ≥17.5%（力争）”."""
    from forms.values import number_text
    unit = str(t.get("unit", ""))

    def num(key: str) -> str:
        v = t.get(key)
        return number_text(v) if isinstance(v, int | float) and not isinstance(v, bool) else "？"

    op, basis = t.get("op"), t.get("basis", "absolute")
    if op == "yes":
        body = str(t.get("label") or "定性目标")
    elif op in ("decrease", "increase"):
        body = "进一步下降" if op == "decrease" else "进一步提高"
    elif "value" not in t:
        body = f"待{t.get('assigned_by') or '上级'}下达"
    elif op == "range":
        body = f"{num('value')}–{num('value_high')}{unit}"
    else:
        sign = {">=": "≥", "<=": "≤", "approx": "约"}.get(str(op), str(op))
        body = f"{sign}{num('value')}{unit}"
    if basis == "reduction_vs_baseline":
        value = num("value") if "value" in t else f"待{t.get('assigned_by') or '上级'}下达的"
        body = (f"比{t.get('baseline_year', '？')}年下降{'约' if op == 'approx' else ''}{value}%"
                + ("以上" if op in ("<=", ">=") else ""))
    elif basis == "cumulative":
        body = f"累计{body}（自{t.get('since') or '方案首年'}）"
    elif basis == "increment":
        body = f"比{t.get('baseline_year', '？')}年新增{body}"
    extras = [w for w, on in (("力争", t.get("kind") == "stretch"), ("稳定在", t.get("stable"))) if on]
    return f"{t.get('year', '？')}年 {body}" + (f"（{'、'.join(extras)}）" if extras else "")
