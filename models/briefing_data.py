"""The work briefing's (工作简报) issue numbers and the issued briefings, kept whole (what
a briefing shows comes from the month's view, ``models.month_view``).

Every numbered issue is archived in ``briefing_archive`` (append-only): the options
and edited texts it was printed with, the month view it was made from (JSON) and the
PDF bytes, so it can be reprinted identically at any later time. A number once issued
for a month is never given to another month.

Issue numbers (期号) run per year of the reported month and are remembered in
``briefing_issues``: the first briefing of a month takes the next free number of
that year; generating the same month again reuses its number; an explicit number
overrides (and is remembered) unless another month of the year already has it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from models.app import Actor, App
from models.authority import OFFICE, PUBLIC, rule
from models.errors import InvalidInput, NotFound
from models.store import now_iso


# -- issue numbers ----------------------------------------------------------------------

@rule(OFFICE, what="编发工作简报")
def issue_of_month(app: App, actor: Actor, month: str) -> int | None:
    v = app.store.scalar("SELECT number FROM briefing_issues WHERE year = ? AND month = ? "
                         "ORDER BY created_at DESC LIMIT 1", (int(month[:4]), month))
    return int(v) if v is not None else None


@rule(OFFICE, what="编发工作简报")
def next_issue(app: App, actor: Actor, year: int) -> int:
    return int(app.store.scalar("SELECT COALESCE(MAX(number), 0) FROM briefing_issues WHERE year = ?",
                                (year,)) or 0) + 1


@rule(OFFICE, what="编发工作简报")
def issue_for(app: App, actor: Actor, month: str, requested: int | None = None) -> int:
    """The number a briefing of ``month`` gets, without recording it."""
    if requested is not None:
        _check_requested(app, month, requested)
        return requested
    return issue_of_month(app, actor, month) or next_issue(app, actor, int(month[:4]))


def _check_requested(app: App, month: str, requested: int) -> None:
    if requested < 1 or requested > 9999:
        raise InvalidInput(f"期号应为1到9999之间的整数，实为{requested}。", [("期号", str(requested))])
    other = app.store.scalar("SELECT month FROM briefing_issues WHERE year = ? AND number = ? UNION ALL "
                             "SELECT month FROM briefing_archive WHERE year = ? AND number = ? AND month <> ?",
                             (int(month[:4]), requested, int(month[:4]), requested, month))
    if other and other != month:
        raise InvalidInput(
            f"{month[:4]}年第{requested}期已用于{int(other[:4])}年{int(other[5:7])}月的简报，请换一个期号。",
            [("期号", str(requested))])


@rule(OFFICE, what="编发工作简报")
def record_issue(app: App, actor: Actor, month: str, requested: int | None = None) -> int:
    """Assign (or reuse) and remember the issue number of ``month``'s briefing."""
    year = int(month[:4])
    with app.store.tx() as c:
        number = issue_for(app, actor, month, requested)
        c.execute("DELETE FROM briefing_issues WHERE year = ? AND month = ? AND number <> ?",
                  (year, month, number))
        c.execute("INSERT INTO briefing_issues(year, number, month, created_at) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT(year, number) DO NOTHING", (year, number, month, now_iso()))
    return number


@rule(OFFICE, what="编发工作简报")
def issues(app: App, actor: Actor, year: int) -> list[dict[str, Any]]:
    return app.store.query("SELECT * FROM briefing_issues WHERE year = ? ORDER BY number", (year,))


# -- issued briefings, kept whole ------------------------------------------------------------

@rule(PUBLIC)
@dataclass(frozen=True)
class IssuedBriefing:
    """A numbered briefing as it was issued: what it was made from and the PDF itself."""

    id: int
    year: int
    number: int
    month: str
    issued_at: str
    issued_by: str
    pages: int
    pdf_sha256: str
    versions: int  # how many times this number was issued (the latest is kept here)

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期"


@rule(OFFICE, what="编发工作简报")
def archive_issue(app: App, actor: Actor, month: str, number: int, options: dict[str, Any], view_json: str,
                  pdf: bytes, pages: int) -> int:
    """Keep an issued briefing whole (append-only): its options and texts, the month view
    it was made from and the PDF bytes. Returns the record's id."""
    with app.store.tx() as c:
        cur = c.execute(
            "INSERT INTO briefing_archive(year, number, month, issued_at, issued_by, options, view, pdf, "
            "pdf_sha256, pages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (int(month[:4]), number, month, now_iso(), actor.username,
             json.dumps(options, ensure_ascii=False, sort_keys=True), view_json, pdf,
             hashlib.sha256(pdf).hexdigest(), pages))
        return int(cur.lastrowid or 0)


@rule(OFFICE, what="查看已编发的工作简报")
def issued(app: App, actor: Actor, year: int | None = None) -> list[IssuedBriefing]:
    """Every issued number (its latest version), newest year first, then by number."""
    sql = ("SELECT a.id, a.year, a.number, a.month, a.issued_at, a.issued_by, a.pages, a.pdf_sha256, "
           "(SELECT COUNT(*) FROM briefing_archive b WHERE b.year = a.year AND b.number = a.number) "
           "FROM briefing_archive a WHERE a.id = (SELECT MAX(id) FROM briefing_archive b "
           "WHERE b.year = a.year AND b.number = a.number)")
    params: list[Any] = []
    if year is not None:
        sql += " AND a.year = ?"
        params.append(year)
    rows = app.store.execute(sql + " ORDER BY a.year DESC, a.number", params).fetchall()
    return [IssuedBriefing(int(r[0]), int(r[1]), int(r[2]), r[3], r[4], r[5], int(r[6]), r[7], int(r[8]))
            for r in rows]


@rule(OFFICE, what="查看已编发的工作简报")
def stored_issue(app: App, actor: Actor, year: int, number: int,
                 version: int | None = None) -> tuple[IssuedBriefing, dict[str, Any], str, bytes]:
    """An issue of ``year``/``number`` as it was issued: (record, options, view JSON, PDF
    bytes). ``version``: the K-th time the number was issued (1 = the first); default the last."""
    found = [b for b in issued(app, actor, year) if b.number == number]
    if not found:
        have = "、".join(b.label for b in issued(app, actor, year)) or "（无）"
        raise NotFound(f"没有{year}年第{number}期工作简报的编发记录。{year}年已编发：{have}")
    rec = found[0]
    if version is not None:
        ids = [int(r[0]) for r in app.store.execute(
            "SELECT id FROM briefing_archive WHERE year = ? AND number = ? ORDER BY id", (year, number))]
        if not 1 <= version <= len(ids):
            raise NotFound(f"{rec.label}工作简报共编发{len(ids)}次，没有第{version}次（可用 1–{len(ids)}）。")
        row = app.store.execute("SELECT month, issued_at, issued_by, pages, pdf_sha256 FROM briefing_archive "
                                "WHERE id = ?", (ids[version - 1],)).fetchone()
        rec = IssuedBriefing(ids[version - 1], rec.year, rec.number, row[0], row[1], row[2], int(row[3]), row[4],
                             rec.versions)
    row = app.store.execute("SELECT options, view, pdf FROM briefing_archive WHERE id = ?", (rec.id,)).fetchone()
    return rec, json.loads(row[0]), row[1], bytes(row[2])


@rule(OFFICE, what="查看已编发的工作简报")
def issue_of_month_stored(app: App, actor: Actor, month: str) -> IssuedBriefing | None:
    """The latest issued briefing of ``month``, if any."""
    row = app.store.execute("SELECT year, number FROM briefing_archive WHERE month = ? ORDER BY id DESC LIMIT 1",
                            (month,)).fetchone()
    if row is None:
        return None
    return next((b for b in issued(app, actor, int(row[0])) if b.number == int(row[1])), None)


@rule(PUBLIC)
def parse_issue_ref(text: str) -> tuple[int, int]:
    """'2026-3', '2026/3', '2026年第3期' → (2026, 3)."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-/.]|年第?)\s*(\d{1,4})\s*期?\s*", str(text))
    if not m:
        raise InvalidInput(f"期号“{str(text)[:20]}”的格式不对，应为“年份-期号”，例如 2026-3 或 2026年第3期。",
                           [("期号", str(text)[:20])])
    return int(m.group(1)), int(m.group(2))
