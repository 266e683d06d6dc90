"""Review items: everything the import was unsure of, never a silent guess.

Each item says what kind of doubt it is, where in the document, the source words,
what the import decided, and what the office should check. ``ref`` names the draft
entry it concerns (a code such as ``1.2``, ``I02``, ``4.3-M1``, or ``unit:<name>``),
so a review table can put the draft item beside its quoted source text.
"""

from __future__ import annotations

from dataclasses import dataclass

# kind → short Chinese title (the column a review table shows)
KINDS = {
    "plan_info": "方案信息",
    "structure": "结构识别",
    "section_unplaced": "未归类的章节",
    "title_guess": "标题识别",
    "numbering": "编号",
    "units_missing": "未分工",
    "unit_once": "只出现一次的单位",
    "unit_typo": "疑似笔误的单位",
    "unit_alias": "单位的其他写法",
    "unit_inherited": "承上行的责任单位",
    "unit_unknown": "不在单位列表中的单位",
    "table_unused": "未使用的表格",
    "table_header": "表头识别",
    "table_split": "续表合并",
    "table_note": "附表的注",
    "row_unplaced": "无法归入的行",
    "row_cut": "不完整的行",
    "row_split": "一行含多个指标",
    "target_unparsed": "无法解读的目标",
    "target_assumed": "推定的目标要素",
    "target_pending": "待下达的目标",
    "monitor_only": "仅监测的指标",
    "measure_unit": "计量单位",
    "discrepancy": "前后不一致",
    "milestone": "任务中的量化目标",
}


@dataclass(frozen=True)
class ReviewItem:
    kind: str  # a key of KINDS
    where: str  # place in the document: 第31行 / 第12段 / 第3页 / 附表第2行“责任单位”
    quote: str  # the source words
    decided: str  # what the import did
    check: str  # what the office should check
    ref: str = ""  # the draft entry concerned

    @property
    def title(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "title": self.title, "where": self.where, "quote": self.quote,
                "decided": self.decided, "check": self.check, "ref": self.ref}


class Review:
    """Collects review items in the order they are found (one per kind, place and ref)."""

    def __init__(self) -> None:
        self.items: list[ReviewItem] = []
        self._seen: set[tuple[str, str, str, str]] = set()

    def add(self, kind: str, where: str, quote: str, decided: str, check: str, ref: str = "") -> None:
        assert kind in KINDS, kind
        key = (kind, where, ref, decided)
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append(ReviewItem(kind, where, _short(quote), decided, check, ref))

    def for_ref(self, ref: str) -> list[ReviewItem]:
        return [i for i in self.items if i.ref == ref]


def _short(text: str, limit: int = 300) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"
