"""A plan being reviewed or edited in the program, before it takes effect.

``PlanDraft`` holds a format-2 plan file as data (the dict ``tomllib`` reads, so that
every table the editor does not show, such as ``[plan.briefing]`` or ``[demo]``, is
written back unchanged), and for an imported document the place and the words of the
source each entry came from (``sources``) and the review items with the ones the
office has confirmed. Edits are methods (``models/plan_draft_edit.py``), each checked
with the plan editor's fields (``forms/plan_form.py``); the whole draft is checked by
the program's own plan loader before it is saved (``models/plan_adopt.py``).

``to_text()`` writes the plan file with the importer's TOML writer
(``models/plan_import/toml_writer.py``); review items not yet confirmed stay as
``# 核对`` comments above their entries.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from models.authority import PUBLIC, rule
from models.plan import PlanError
from models.plan_draft_edit import PlanEdits
from models.plan_import.review import ReviewItem
from models.plan_import.toml_writer import write_toml

if TYPE_CHECKING:
    from models.plan_import import ImportResult


@rule(PUBLIC)
class Source(NamedTuple):
    """Where in the document an entry came from, and the document's words for it."""

    where: str
    words: str


@rule(PUBLIC)
@dataclass
class PlanDraft(PlanEdits):
    raw: dict[str, Any]
    sources: dict[str, Source] = field(default_factory=dict)
    review: list[ReviewItem] = field(default_factory=list)
    confirmed: set[int] = field(default_factory=set)  # indexes into ``review``
    header: list[str] = field(default_factory=list)
    source_name: str = ""  # the document or file it came from
    lost_notes: list[str] = field(default_factory=list)
    changed: bool = False

    # -- making one ------------------------------------------------------------------------
    @classmethod
    def from_import(cls, result: ImportResult) -> PlanDraft:
        """The draft of an imported document, with its sources and review items."""
        draft = result.draft
        sources: dict[str, Source] = {}
        for u in draft.units:
            sources[f"unit:{u.name}"] = Source(u.first_where, "、".join([u.name, *u.aliases]))
        for a in draft.actions:
            sources[a.code] = Source(a.where, "\n".join(x for x in (a.numbering + a.title, a.intro) if x))
        for t in [*draft.tasks(), *draft.policies]:
            sources[t.code] = Source(t.where, t.text)
        for i in draft.indicators:
            cells = [("市规划目标", i.city_target), ("本级目标", i.district_target), ("测算说明", i.explanation)]
            words = "\n".join([f"{i.row}. {i.name}", *(f"{k}：{v}" for k, v in cells if v)])
            sources[i.code] = Source(i.where, words)
            for p in i.parts:
                sources.setdefault(p.code, Source(i.where, words))
        for m in draft.milestones:
            task = draft.entry(m.task)
            sources[m.code] = Source(m.where, m.quote + (f"\n（任务{m.task}原文）{task.text}"
                                                          if task is not None and hasattr(task, "text") else ""))
        header = [f"{draft.meta.name}（计划文件，格式 2），由《{result.source_name}》导入并在程序中核对。"]
        return cls(draft.to_raw(), sources, list(result.review_items), set(), header, result.source_name,
                   list(result.lost_notes))

    @classmethod
    def from_text(cls, text: str, name: str) -> PlanDraft:
        """A draft of a plan file's text (format 1 is read as format 2). Raises PlanError
        when the text is not TOML or not a plan file at all."""
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PlanError(name, [f"格式错误：{exc}"]) from None
        if not isinstance(raw.get("plan"), dict):
            raise PlanError(name, ["不是计划文件：没有 [plan] 表"])
        if raw.get("format", 1) == 1:
            from models.plan_checker import Checker
            from models.plan_format1 import upgrade
            checker = Checker()
            raw = upgrade(raw, checker)
            if checker.problems:
                raise PlanError(name, checker.problems)
        return cls(raw, header=_leading_comments(text), source_name=name)

    def source(self, ref: str) -> Source | None:
        return self.sources.get(ref)

    # -- review ---------------------------------------------------------------------------------
    def review_for(self, ref: str) -> list[tuple[int, ReviewItem]]:
        """The review items about ``ref`` (an indicator's items also belong to its parts)."""
        refs = {ref}
        ind = self.indicator(ref)
        if ind is not None:
            refs.add(str(ind.get("code", "")))
        return [(n, item) for n, item in enumerate(self.review) if item.ref in refs]

    def open_items(self, ref: str | None = None) -> int:
        """How many review items (about ``ref``, or all) are not yet confirmed."""
        items = self.review_for(ref) if ref is not None else list(enumerate(self.review))
        return sum(1 for n, _item in items if n not in self.confirmed)

    def confirm(self, index: int, done: bool = True) -> None:
        if not 0 <= index < len(self.review):
            raise IndexError(index)
        if done:
            self.confirmed.add(index)
        else:
            self.confirmed.discard(index)

    # -- writing ----------------------------------------------------------------------------------
    def to_text(self) -> str:
        """The plan file: the header, then the plan; open review items as comments."""
        comments: dict[str, list[str]] = {}
        for n, item in enumerate(self.review):
            if n not in self.confirmed and item.ref:
                comments.setdefault(item.ref, []).append(f"核对（{item.title}）：{item.decided}。{item.check}")
        header = list(self.header)
        left = self.open_items()
        if left:
            header.append(f"尚有 {left} 项未核对：与条目有关的写在该条目上方（“核对”）。")
        return write_toml(self.raw, header=header, comments=comments)


def _leading_comments(text: str) -> list[str]:
    """The comment block at the top of a plan file (kept when it is written again)."""
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            out.append(stripped[1:].strip())
        elif stripped:
            break
    return out


_PROBLEM_REF = re.compile(r"(?:子任务|任务|行动|政策保障|指标|分项|里程碑)\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@rule(PUBLIC)
def problem_ref(draft: PlanDraft, problem: str) -> str:
    """The entry a loader problem names (“里程碑6.4-M2 的第1个目标：…” → 6.4-M2), or ""."""
    for m in _PROBLEM_REF.finditer(problem):
        code = m.group(1).rstrip(".-_")
        if draft.row(code) or draft.part(code) or draft.milestone(code) or draft.indicator(code):
            return code
    m2 = re.search(r"单位第(\d+)项", problem)
    if m2 and 0 < int(m2.group(1)) <= len(draft.units):
        return f"unit:{draft.units[int(m2.group(1)) - 1].get('name', '')}"
    return ""
