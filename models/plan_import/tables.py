"""The appendix indicator table(s): columns by their meaning, parts joined, rows read.

Columns are found by their header words, whatever the plan calls them: 序号; 指标 /
指标名称; 市规划目标 / 市级目标; 区拟定目标值 / 本区目标 / 目标值; 指标测算说明 / 测算依据;
责任单位 / 牵头单位; and, in tables laid out by year, 单位 (of measure), 属性, 基期 and
2025年 / 2030年 columns (a two-row header such as 目标值 over 2025年 | 2030年 is read
as one). A table without an indicator-name column is not an indicator table (listed
for review, not imported).

A table split over pages comes as several tables, or with its header row repeated
inside: a part that repeats the header, or that has no header but the same columns and
goes on numbering, is joined to the part before it. Empty cells under a merged
责任单位 take the unit above and are marked inherited; a row with fewer cells than the
header is marked cut off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.plan_import.document import Cell, Table, flat
from models.plan_import.review import Review

COLUMN_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("no", re.compile(r"^(序号|编号|序|No\.?)$")),
    ("explanation", re.compile(r"(测算说明|测算依据|说明|依据|备注|计算方法)")),
    ("responsible", re.compile(r"(责任单位|牵头单位|责任部门|牵头部门|责任主体)")),
    ("measure_unit", re.compile(r"^(指标)?(计量)?单位$")),
    ("kind", re.compile(r"^(指标)?(属性|性质|类型)$")),
    ("category", re.compile(r"^(类别|领域|分类|序列|方面)$")),
    ("baseline", re.compile(r"(基期|基准|现状|基数)")),
    ("city", re.compile(r"(市规划目标|市级目标|市目标|全市目标|省级目标|上级目标|市规划|省下达|市下达)")),
    ("year", re.compile(r"^(\d{4})\s*年?(目标值?|末)?$")),
    ("district", re.compile(r"(拟定目标|本区目标|本县目标|区目标|县目标|目标值|目标|预期值)")),
    ("name", re.compile(r"(指标|名称|内容)")),
]
_CONTINUED = re.compile(r"(续表|[（(]续[）)])")
_NOTE = re.compile(r"^\s*(注|备注|说明|附注|资料来源|数据来源)\s*\d*\s*[：:．.、]")


@dataclass
class Row:
    number: str
    cells: dict[str, str]  # column key → text as printed
    years: dict[int, str] = field(default_factory=dict)
    where: str = ""
    responsible_inherited: bool = False
    cut_off: bool = False


@dataclass
class IndicatorTable:
    caption: str
    labels: dict[str, str]  # column key → the header words
    rows: list[Row]
    where: str


def column_of(label: str) -> str:
    text = flat(label).replace(" ", "")
    for key, rx in COLUMN_WORDS:
        if rx.search(text):
            return key
    return ""


def _header(table: Table) -> tuple[int, list[str], list[str]] | None:
    """(number of header rows, column keys, header words) or None when no row of the first
    three names an indicator column."""
    for r, row in enumerate(table.rows[:3]):
        keys = [column_of(c.text) for c in row]
        if "name" in keys and sum(1 for k in keys if k) >= 2:
            labels = [flat(c.text) for c in row]
            n = 1
            nxt = table.rows[r + 1] if r + 1 < len(table.rows) else None
            if nxt and any(column_of(c.text) == "year" for c in nxt) and not nxt[0].text.strip().isdigit():
                for i, c in enumerate(nxt):
                    if i < len(keys) and column_of(c.text) == "year":
                        keys[i], labels[i] = "year", flat(c.text)
                n = 2
            return r + n, keys, labels
    return None


def indicator_tables(tables: list[tuple[str, Table]], appendix: str, review: Review) -> list[IndicatorTable]:
    out: list[IndicatorTable] = []
    last: tuple[IndicatorTable, list[str], list[str]] | None = None
    for caption, table in tables:
        head = _header(table)
        if head is None:
            if last is not None and _continues(last, caption, table):
                _rows(last[0], table.rows, last[1], 0, appendix, review, merges_known=table.merges_known)
                review.add("table_split", table.where, caption or _first_text(table),
                           "没有表头的表格按上一张表的续表合并", "请核对续表的各行是否完整。")
                continue
            review.add("table_unused", table.where, caption or _first_text(table),
                       "不是指标表（没有“指标”列），未导入", "如该表含有需要调度的指标或任务，请在计划编辑中补充。")
            last = None
            continue
        skip, keys, labels = head
        if last is not None and keys == last[1] and (not caption or _CONTINUED.search(caption)):
            _rows(last[0], table.rows[skip:], keys, 0, appendix, review, labels, table.merges_known)
            review.add("table_split", table.where, "、".join(labels), "重复表头的续表已与上一部分合并，重复的表头不作为指标",
                       "请核对跨页处的行是否完整。")
            continue
        it = IndicatorTable(caption, {k: lab for k, lab in zip(keys, labels, strict=False) if k}, [], table.where)
        _rows(it, table.rows[skip:], keys, len(out), appendix, review, labels, table.merges_known)
        out.append(it)
        last = (it, keys, labels)
    return out


def _first_text(table: Table) -> str:
    return " | ".join(c.text for c in table.rows[0])[:80] if table.rows else ""


def _continues(last: tuple[IndicatorTable, list[str], list[str]], caption: str, table: Table) -> bool:
    if caption and not _CONTINUED.search(caption):
        return False
    if not table.rows or len(table.rows[0]) != len(last[1]):
        return False
    if "no" in last[1] and last[0].rows:
        first = table.rows[0][last[1].index("no")].text.strip()
        prev = last[0].rows[-1].number
        return first.isdigit() and prev.isdigit() and int(first) == int(prev) + 1
    return True


def _rows(it: IndicatorTable, rows: list[list[Cell]], keys: list[str], table_no: int, appendix: str,
          review: Review, labels: list[str] | None = None, merges_known: bool = True) -> None:
    header_text = [flat(lab) for lab in (labels or [])]
    name = appendix or "附表"
    for row in rows:
        texts = [c.text.strip() for c in row]
        if labels and [flat(t) for t in texts] == header_text[:len(texts)]:
            review.add("table_split", it.where, "、".join(header_text), "表格中重复的表头行已跳过",
                       "请核对跨页处的行是否完整。")
            continue
        if not any(texts):
            continue
        if len({t for t in texts if t}) == 1 and len(texts) > 2 and (row[-1].merged_right or not texts[-1]) \
                and "no" in keys and not texts[keys.index("no")].isdigit():
            only = next(t for t in texts if t)
            if _NOTE.match(only):  # 注：… spanning the table: not an indicator, but said, not dropped
                review.add("table_note", it.where, only, "表注不是指标：未作为指标导入（原文保留在核对清单中）",
                           "如注中说明了指标的口径或目标，请在计划编辑中写入相应指标的说明。")
            continue  # a group heading spanning the row (一、能源结构)
        cells: dict[str, str] = {}
        years: dict[int, str] = {}
        for i, key in enumerate(keys):
            text = texts[i] if i < len(texts) else ""
            if key == "year":
                m = re.match(r"(\d{4})", flat(header_text[i]) if i < len(header_text) else "")
                if m and text:
                    years[int(m.group(1))] = text
            elif key and text:
                cells[key] = (cells[key] + "\n" + text) if key in cells and text != cells[key] else text
        number = cells.get("no", "").strip() or str(len(it.rows) + 1)
        where = f"{name}第{number}行" + (f"（第{table_no + 1}张表）" if table_no else "")
        r = Row(number, cells, years, where, cut_off=len(texts) < len(keys))
        if "responsible" in keys:
            idx = keys.index("responsible")
            merged = idx < len(row) and row[idx].merged_down
            # an empty cell is a merged one where the file cannot say (text) or the row is cut off
            empty_merged = not cells.get("responsible") and (not merges_known or r.cut_off)
            if (merged or empty_merged) and it.rows:
                r.cells["responsible"] = it.rows[-1].cells.get("responsible", "")
                r.responsible_inherited = bool(r.cells["responsible"])
        if not cells.get("name") and not years and not cells.get("district"):
            review.add("row_unplaced", where, " | ".join(texts), "该行没有指标名称和目标，未导入",
                       "请核对该行是否为指标；如是，请在计划编辑中补充。")
            continue
        it.rows.append(r)
