"""Numbered headings and the outline they make.

Chinese official documents number four levels: 一、 / （一） / 1. / （1）, sometimes
a fifth (① or 1）). ``heading_of`` reads the number off a paragraph; ``outline``
builds the tree: each heading paragraph becomes a node with the paragraphs under it
(``body``) and its sub-headings (``children``). A paragraph that merely starts with a
number in running text (``2025年…``, ``1.5万千瓦``) is not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.plan_import.document import Para
from models.plan_import.vocabulary import cn_numeral

_LEVELS = [
    (1, re.compile(r"^([一二三四五六七八九十]{1,3})[、．.]\s*")),
    (2, re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*")),
    (3, re.compile(r"^(\d{1,2})(?:[.．、](?!\d)|\s+(?=\D))\s*")),
    (4, re.compile(r"^[（(](\d{1,2})[）)]\s*")),
    (5, re.compile(r"^(\d{1,2})[）)]\s*|^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")),
]
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass
class Heading:
    level: int
    number: int
    numbering: str  # as printed: "（一）", "1.", "（1）"
    rest: str  # the paragraph after the number


@dataclass
class Node:
    level: int
    number: int
    numbering: str
    head: str  # text after the number
    para: Para | None
    body: list[Para] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.para.where if self.para is not None else ""

    def all_paras(self) -> list[Para]:
        """The heading paragraph, its body and every descendant's, in document order."""
        out = [self.para] if self.para is not None else []
        out += self.body
        for c in self.children:
            out += c.all_paras()
        return out

    def full_text(self) -> str:
        return "\n\n".join(p.text for p in self.all_paras())


def heading_of(text: str) -> Heading | None:
    for level, rx in _LEVELS:
        m = rx.match(text)
        if not m:
            continue
        token = m.group(1) or (m.group(2) if m.lastindex and m.lastindex >= 2 else "")
        if level in (1, 2):
            number = cn_numeral(token)
        elif token and token in _CIRCLED:
            number = _CIRCLED.index(token) + 1
        else:
            number = int(token) if token and token.isdigit() else None
        rest = text[m.end():]
        if number is None or not rest.strip():
            if number is not None and level <= 2:
                return Heading(level, number, m.group(0).strip(), "")
            continue
        if level == 3 and re.match(r"^\d", rest):
            continue  # 1.5万…: a decimal, not a heading
        return Heading(level, number, m.group(0).strip(), rest.strip())
    return None


def starts_heading(text: str) -> bool:
    """Whether a line starts a heading (or the appendix): readers end a paragraph there."""
    text = text.strip()
    return heading_of(text) is not None or text.startswith(("附表", "附件"))


def outline(paras: list[Para]) -> Node:
    """The heading tree of ``paras`` under a root node (level 0)."""
    root = Node(0, 0, "", "", None)
    stack = [root]
    for p in paras:
        h = heading_of(p.text)
        if h is None:
            stack[-1].body.append(p)
            continue
        while stack[-1].level >= h.level:
            stack.pop()
        node = Node(h.level, h.number, h.numbering, h.rest, p)
        stack[-1].children.append(node)
        stack.append(node)
    return root
