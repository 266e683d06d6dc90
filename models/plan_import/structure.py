"""The plan's sections, actions, tasks, sub-tasks and policies, from the outline.

Top-level sections are recognised by their words: 总体思路/总体要求 (→ ``overview``),
主要目标 (→ ``goals``), 重点任务 (its children are the actions), 保障措施/政策保障
(→ policies), 组织实施 (→ ``organisation``). A top-level section of none of these
kinds whose items carry responsible units is an action itself (plans that number
their actions 三、四、五… directly). Anything else is kept out and listed for review.

In an action, numbered children are tasks and their children sub-tasks. Without
numbers, a paragraph that starts in bold or ends with a units parenthesis starts a
task. A task's title is its bold lead-in, else its first sentence when that ends with
。 or ：, else the whole line when it is a short heading of its own.

Codes follow the printed numbering (docs/plan-format-v2.md): action （三） → ``3``,
its task 2. → ``3.2``, sub-task （1） → ``3.2.1``; unnumbered items count by position,
and a number printed twice falls back to the position (a review item).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.plan_import.document import Para
from models.plan_import.draft import DraftAction, DraftPolicy, DraftTask
from models.plan_import.headings import Node, heading_of
from models.plan_import.review import Review
from models.plan_import.units import units_at_end, units_line

SECTION_WORDS = [
    ("goals", re.compile(r"(主要目标|工作目标|总体目标|发展目标|目标任务)")),
    ("overview", re.compile(r"(总体思路|总体要求|指导思想|总体思想|基本原则|工作原则|总体考虑)")),
    ("actions", re.compile(r"(重点任务|主要任务|重点行动|主要行动|重点工作|工作任务|具体任务|任务举措|重点举措)")),
    ("policies", re.compile(r"(保障措施|政策保障|保障机制|支撑保障|政策措施|保障体系)")),
    ("organisation", re.compile(r"(组织实施|组织保障|组织领导|工作要求|实施保障)")),
]
_TITLE_END = re.compile(r"[。：:]")


@dataclass
class Sections:
    overview: list[Node] = field(default_factory=list)
    goals: list[Node] = field(default_factory=list)
    actions: list[Node] = field(default_factory=list)  # the action nodes themselves
    actions_intro: list[Para] = field(default_factory=list)
    policies: list[Node] = field(default_factory=list)  # the policy section nodes
    organisation: list[Node] = field(default_factory=list)


def section_kind(title: str) -> str:
    for kind, rx in SECTION_WORDS:
        if rx.search(title):
            return kind
    return ""


def sections(root: Node, review: Review) -> Sections:
    out = Sections()
    tops = root.children
    if tops and all(n.level >= 2 for n in tops) and not any(section_kind(n.head) for n in tops):
        out.actions = tops  # no 一、 sections: the outline is the list of actions
        return out
    for node in tops:
        kind = section_kind(node.head) if len(node.head) <= 30 else ""
        if kind == "overview":
            goals = [c for c in node.children if section_kind(c.head) == "goals"]
            out.goals += goals
            node.children = [c for c in node.children if c not in goals]
            out.overview.append(node)
        elif kind == "goals":
            out.goals.append(node)
        elif kind == "actions":
            out.actions_intro += node.body
            if node.children and all(c.level >= 3 for c in node.children):
                out.actions.append(node)  # tasks directly under 重点任务: one action
            else:
                out.actions += node.children
        elif kind == "policies":
            out.policies.append(node)
        elif kind == "organisation":
            out.organisation.append(node)
        elif _carries_units(node) or "行动" in node.head:
            out.actions.append(node)
        else:
            review.add("section_unplaced", node.where, node.head or node.full_text()[:60],
                       "未导入该章节（不是目标、任务、保障措施或组织实施）",
                       "如该章节含有需要调度的任务，请在计划编辑中补充。")
    return out


def _carries_units(node: Node) -> bool:
    return any(units_at_end(p.text) or units_line(p.text) for p in node.all_paras())


def section_text(nodes: list[Node]) -> str:
    """A section's words without its own heading line, paragraphs separated by a blank line."""
    parts: list[str] = []
    for n in nodes:
        paras = n.all_paras()[1:] if n.para is not None else n.all_paras()
        parts += [p.text for p in paras]
    return "\n\n".join(parts)


def build_actions(nodes: list[Node], review: Review) -> list[DraftAction]:
    actions: list[DraftAction] = []
    codes = _codes([n.number for n in nodes], "", [n.numbering for n in nodes], nodes[0].where if nodes else "",
                   review, "行动")
    for code, node in zip(codes, nodes, strict=True):
        title, intro_head = _split_heading(node.head)
        intro: list[str] = [intro_head] if intro_head else []
        action = DraftAction(code, node.numbering, title, where=node.where)
        if node.children:
            intro += [p.text for p in node.body]
            action.tasks = build_tasks(node.children, code, review)
        else:
            lead, tasks = _unnumbered(node.body)
            intro += [p.text for p in lead]
            action.tasks = [_task_from(f"{code}.{k}", "", paras, review)
                            for k, paras in enumerate(tasks, 1)]
        action.intro = "\n\n".join(intro)
        if not action.tasks:
            review.add("structure", node.where, node.head, "该行动下没有识别到任务",
                       "请核对原文：任务可能没有编号或加粗，需在计划编辑中补充。", ref=code)
        actions.append(action)
    return actions


def build_tasks(nodes: list[Node], parent: str, review: Review) -> list[DraftTask]:
    codes = _codes([n.number for n in nodes], parent, [n.numbering for n in nodes], nodes[0].where if nodes else "",
                   review, "任务")
    tasks = []
    for code, node in zip(codes, nodes, strict=True):
        task = _task_from(code, node.numbering, [node.para, *node.body] if node.para else node.body, review,
                          head=node.head)
        if node.children:
            task.subtasks = build_tasks(node.children, code, review)
        tasks.append(task)
    return tasks


def build_policies(nodes: list[Node], review: Review) -> list[DraftPolicy]:
    items: list[tuple[str, str, list[Para], str]] = []  # numbering, head, paragraphs, printed number
    for sec in nodes:
        if sec.children:
            for c in sec.children:
                items.append((c.numbering, c.head, [p for p in c.all_paras()], str(c.number)))
        else:
            for p in sec.body:
                items.append(("", p.text, [p], ""))
    numbers = [int(n) if n else 0 for *_x, n in items]
    where = items[0][2][0].where if items and items[0][2] else ""
    codes = ["P" + c for c in _codes(numbers, "", [it[0] for it in items], where, review, "保障措施")]
    out = []
    for code, (numbering, head, paras, _n) in zip(codes, items, strict=True):
        t = _task_from(code, numbering, paras, review, head=head)
        out.append(DraftPolicy(code, numbering, t.title, t.text, t.units_text, t.units, t.where))
    return out


def _codes(numbers: list[int], parent: str, printed: list[str], where: str, review: Review, what: str) -> list[str]:
    """Printed numbers as codes; positions where a number is missing or printed twice."""
    prefix = f"{parent}." if parent else ""
    shown = "、".join(x for x in printed if x)
    if numbers and all(n > 0 for n in numbers) and len(set(numbers)) == len(numbers):
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            review.add("numbering", where, shown, "编码按原文编号（编号不连续）", f"请核对{what}编号是否漏排或错排。",
                       ref=parent)
        return [f"{prefix}{n}" for n in numbers]
    if any(n > 0 for n in numbers):
        review.add("numbering", where, shown, "原文编号重复或缺失：编码按出现顺序重新编排", f"请核对{what}编号。",
                   ref=parent)
    return [f"{prefix}{k}" for k in range(1, len(numbers) + 1)]


def _split_heading(head: str) -> tuple[str, str]:
    """An action heading ``能源转型行动。加快构建…`` → (title, the rest as intro)."""
    m = re.search(r"[。]", head)
    if m and m.end() < len(head):
        return head[:m.start()], head[m.end():].strip()
    return head.rstrip("。；;：:"), ""


def _unnumbered(body: list[Para]) -> tuple[list[Para], list[list[Para]]]:
    """Split an action's unnumbered body into its intro and its tasks: a bold lead-in
    starts a task, a units statement ends one."""
    idx = next((i for i, p in enumerate(body) if _starts_task(p) or _ends_task(p)), None)
    if idx is None:
        return body, []
    tasks: list[list[Para]] = []
    cur: list[Para] = []
    for p in body[idx:]:
        if cur and (_starts_task(p) or _ends_task(cur[-1])):
            tasks.append(cur)
            cur = []
        cur.append(p)
    if cur:
        tasks.append(cur)
    return body[:idx], tasks


def _starts_task(p: Para) -> bool:
    return bool(p.bold_prefix) and len(p.bold_prefix) <= 60


def _ends_task(p: Para) -> bool:
    return bool(units_at_end(p.text) or units_line(p.text))


def _task_from(code: str, numbering: str, paras: list[Para], review: Review, head: str = "") -> DraftTask:
    first = paras[0]
    head = head or first.text
    body = paras[1:]
    title = _title(first, head, numbering, code, review)
    text = "\n".join([head, *(p.text for p in body)]).strip()
    task = DraftTask(code, numbering, title, text, where=first.where)
    found = None
    for p in reversed(body):  # a units line or parenthesis after the first paragraph
        found = units_line(p.text) or units_at_end(p.text)
        if found:
            break
    found = found or units_at_end(head)
    if found:
        task.units_text = found.units_text
        task.units = list(found.names)
    return task


def _title(first: Para, head: str, numbering: str, code: str, review: Review) -> str:
    bold = first.bold_prefix
    if bold:
        h = heading_of(bold)
        bold = h.rest if h is not None and h.rest else bold
        if numbering and bold.startswith(numbering):
            bold = bold[len(numbering):]
        bold = bold.strip().rstrip("。：:；;，,")
        if bold:
            return bold
    units = units_at_end(head)
    bare = head[: max(head.rfind("（" + units.units_text), head.rfind("(" + units.units_text))] if units else head
    m = _TITLE_END.search(bare)
    if m and m.start() <= 60:
        return bare[:m.start()].strip()
    if len(bare) <= 40 and "，" not in bare:
        return bare.strip().rstrip("。；;")
    guess = re.split(r"[，,；;]", bare, maxsplit=1)[0][:40]
    review.add("title_guess", first.where, head[:80], f"标题取为“{guess}”",
               "原文的标题没有以句号、冒号或加粗标出：请核对标题。", ref=code)
    return guess
