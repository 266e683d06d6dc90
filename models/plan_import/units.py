"""Responsible units: reading them off the text, and the plan's unit list.

Forms read (the first unit named is the lead):

- a closing parenthesis ``（县发改委、县经信局等按职责分工负责）`` or ``（…负责）``;
- ``（责任单位：县发改委、县经信局）`` (also 责任部门, 主要责任单位);
- ``（牵头单位：县发改委；配合单位：县经信局、县住建局）`` (leads first, then the others),
  also ``（县发改委牵头，县经信局、县住建局配合）``;
- the same without parentheses as a paragraph of its own after the task
  (``责任单位：县发改委、县经信局。``).

A parenthesis that is not one of these (``（BIPV）``, ``（企业）``) is not a unit list.

The unit list is built in order of first mention. Near-duplicates are resolved to one
unit with the other spelling as an alias, and every such decision is a review item:
a doubled last character (…分局局), one character different from a unit named more
often, “X领导小组” beside “X领导小组办公室”, or the same name with other brackets
or blanks. A unit named only once is listed for checking too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.plan_import.draft import DraftUnit
from models.plan_import.review import Review

_LABELS = r"(?:主要)?(?:责任单位|责任部门|牵头单位|牵头部门|责任主体|实施单位)"
_CO_LABELS = r"(?:配合单位|配合部门|协同单位|参与单位|协办单位)"
_PAREN_AT_END = re.compile(r"[（(]((?:[^（）()]|[（(][^（）()]*[）)])*)[）)]\s*[。.；;]?\s*$")
_LINE = re.compile(rf"^\s*[（(]?\s*({_LABELS}\s*[:：].*?)[）)]?\s*[。.；;]?\s*$")
_DUTY_TAIL = re.compile(r"(?:等)?(?:相关)?(?:部门|单位)?(?:按照?职责|根据职责)?(?:分工)?(?:分别)?(?:负责|落实)$")
_SPLIT = re.compile(r"[、，,；;/]")
_GENERIC = re.compile(r"^(各|其他)?(相关|有关)?(部门|单位|成员单位)?$")
# “X牵头，Y配合” / “X牵头负责”: the units before 牵头 lead, those after cooperate
_LEAD_VERB = re.compile(r"^(?:由)?([^（）()：:]{2,60}?)牵头(?:负责|落实|实施)?[，,；;、]?\s*(.*)$")
_STREETS = re.compile(r"^各.*(街道|乡镇|镇|街镇|乡|苏木)")
_STREET = re.compile(r"(街道|镇|乡|街道办事处|镇人民政府|乡人民政府|苏木)$")
# 各镇人民政府、街道办事处: a name with no place of its own, the 各 of the one before applies to it
_GENERIC_STREETS = re.compile(r"^(街道办事处|街道|乡镇人民政府|镇人民政府|乡人民政府|乡镇|街镇|镇街|苏木)$")


@dataclass
class UnitsFound:
    units_text: str  # the words as printed, without the brackets
    names: list[str]  # as written, in order (leads first)


def parse_units_text(content: str) -> list[str] | None:
    """The unit names of a units parenthesis or line, or None when ``content`` is not one."""
    content = content.strip().rstrip("。.；;")
    labelled = re.match(rf"^{_LABELS}\s*[:：]", content)
    lead_verb = _LEAD_VERB.match(content)
    if not labelled and not lead_verb and not _DUTY_TAIL.search(content):
        return None
    leads: list[str] = []
    others: list[str] = []
    co = re.search(rf"[；;，,。\s]*{_CO_LABELS}\s*[:：]", content)
    if lead_verb and not labelled:  # 县发改委牵头，县经信局、县住建局配合
        leads = _names(lead_verb.group(1))
        others = _names(re.sub(r"(等)?(单位|部门)?(配合|参与|协助|协同)(落实|实施)?$", "", lead_verb.group(2)))
    elif co:
        leads = _names(re.sub(rf"^{_LABELS}\s*[:：]", "", content[:co.start()]))
        others = _names(content[co.end():])
    else:
        leads = _names(re.sub(rf"^{_LABELS}\s*[:：]", "", content))
    names = leads + [n for n in others if n not in leads]
    return names if names else None


def _names(text: str) -> list[str]:
    text = _DUTY_TAIL.sub("", text.strip().rstrip("。.；;"))
    out = []
    for raw in _SPLIT.split(text):
        name = re.sub(r"\s+", "", raw).strip("等 ")
        name = re.sub(r"^(由|及|和)", "", name)
        name = re.sub(r"(等(相关)?(部门|单位)?)$", "", name)
        if _GENERIC.match(name):
            continue  # 各相关单位, 有关部门: not a unit of its own
        if name and name not in out and len(name) <= 40:
            out.append(name)
    return out


def units_at_end(text: str) -> UnitsFound | None:
    """A units parenthesis closing ``text`` (a task or policy paragraph)."""
    m = _PAREN_AT_END.search(text)
    if not m:
        return None
    names = parse_units_text(m.group(1))
    return UnitsFound(m.group(1).strip(), names) if names else None


def units_line(text: str) -> UnitsFound | None:
    """A paragraph that is only a units statement (``责任单位：…``)."""
    m = _LINE.match(text)
    if not m:
        return None
    names = parse_units_text(m.group(1))
    return UnitsFound(m.group(1).strip().rstrip("。.；;"), names) if names else None


def unit_kind(name: str) -> str:
    if _STREETS.match(name) or _GENERIC_STREETS.match(name):
        return "streets"
    if "领导小组" in name:
        return "office"
    if _STREET.search(name) and not name.startswith("各"):
        return "street"
    return "bureau"


class UnitRegistry:
    """Units in order of first mention, with how often and where each was named."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.count: dict[str, int] = {}
        self.where: dict[str, str] = {}
        self.alias: dict[str, str] = {}  # spelling → canonical name

    def mention(self, name: str, where: str) -> None:
        if name not in self.count:
            self.order.append(name)
            self.count[name] = 0
            self.where[name] = where
        self.count[name] += 1

    def canonical(self, name: str) -> str:
        return self.alias.get(name, name)

    def resolve(self, review: Review) -> list[DraftUnit]:
        """Decide aliases (each one a review item) and return the unit list."""
        names = list(self.order)
        for name in names:
            target = self._near(name)
            if target is None:
                continue
            why, kind = target[1], target[2]
            self.alias[name] = target[0]
            review.add(kind, self.where[name], name,
                       f"按“{target[0]}”处理，原写法“{name}”记为其别名（{why}）",
                       f"请确认“{name}”就是“{target[0]}”；如是两个不同单位，请在单位列表中分开。",
                       ref=f"unit:{target[0]}")
        units: dict[str, DraftUnit] = {}
        for name in names:
            canon = self.canonical(name)
            u = units.get(canon)
            if u is None:
                u = units[canon] = DraftUnit(canon, unit_kind(canon), first_where=self.where[name])
            if canon != name:
                u.aliases.append(name)
                u.note = (u.note + "；" if u.note else "") + f"原文亦作“{name}”（{self.where[name]}）"
            u.mentions += self.count[name]
        for u in units.values():
            if u.mentions == 1 and u.kind != "streets":
                near = self.similar(u.name)
                hint = f"（与“{near}”只差一个字）" if near else ""
                review.add("unit_once", u.first_where, u.name, "作为单位列入单位列表",
                           f"该单位在方案中只出现一次{hint}：请确认名称无误（不是其他单位的笔误或简称）。",
                           ref=f"unit:{u.name}")
        return list(units.values())

    def _near(self, name: str) -> tuple[str, str, str] | None:
        """The unit ``name`` is most likely another spelling of, with the reason and the
        review kind; None when it is a unit of its own."""
        others = [n for n in self.order if n != name and n not in self.alias]
        if _GENERIC_STREETS.match(name):
            placeholder = next((o for o in others if _STREETS.match(o)), None)
            if placeholder:
                return placeholder, f"没有具体名称，与“{placeholder}”同指各{name}", "unit_alias"
        norm = _normal(name)
        for other in others:
            if _normal(other) == norm and self.count[other] >= self.count[name]:
                return other, "仅括号或空格不同", "unit_alias"
        if len(name) >= 3 and name[-1] == name[-2] and name[:-1] in others:
            return name[:-1], "末字重复，疑似笔误", "unit_typo"
        if name.endswith("领导小组") and name + "办公室" in others:
            return name + "办公室", "领导小组的日常工作由其办公室承担", "unit_alias"
        if self.count[name] == 1 and len(name) >= 5:
            for other in others:
                if self.count[other] >= 2 and _one_inserted(name, other):
                    return other, "与多次出现的单位只多或只少一个字，疑似笔误", "unit_typo"
        return None

    def similar(self, name: str) -> str:
        """Another unit differing from ``name`` by one character (a hint for checking)."""
        for other in self.order:
            if other != name and len(other) == len(name) and \
                    sum(x != y for x, y in zip(other, name, strict=True)) == 1:
                return other
        return ""


def _normal(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")


def _one_inserted(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one inserted or deleted character. (One replaced
    character is not taken for a typo: 县税务局 and 县商务局 are two units.)"""
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1:] == short:
            return True
    return False
