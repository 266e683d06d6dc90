"""Months that cannot be asked for, tried from the command line as a user would: the month
after the current reporting month, a month years ahead, and malformed months (“2026-13”,
“2026-1”, “二〇二六年”). Each command says why in Chinese, exits with its documented code,
leaves no file and takes no briefing issue number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from exports.ledger import build_ledger
from exports.template import build_template
from models import briefing_data as bd
from models.app import CLI_ACTOR, App, current_month, month_add
from models.errors import InvalidInput
from models.excel_import import import_excel

NEXT = month_add(current_month(), 1)
FUTURE = [NEXT, "2099-12"]
MALFORMED = ["2026-13", "2026-1", "二〇二六年", "2026-1..2026-03"]


def _commands(month: str, out: Path) -> dict[str, list[str]]:
    return {
        "briefing": ["briefing", "--month", month, "-o", str(out.with_suffix(".pdf"))],
        "template": ["export-template", "--month", month, "--unit", "区发改委", "-o", str(out)],
        "ledger": ["export-ledger", "--month", month, "-o", str(out)],
        "compact": ["export-ledger", "--month", month, "--compact", "-o", str(out)],
    }


@pytest.mark.parametrize("month", FUTURE + MALFORMED)
def test_cli_refuses_the_month_and_leaves_nothing(app: App, db_path: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture, month: str) -> None:
    app.close()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for name, argv in _commands(month, out_dir / "x.xlsx").items():
        rc = main.main(["--db", str(db_path), *argv])
        err = capsys.readouterr().err
        malformed = month in MALFORMED
        # documented: a malformed month is a usage error (2) except for the briefing, whose
        # section says 1; a month not yet reported is a business error (1)
        assert rc == (2 if malformed and name != "briefing" else 1), (name, month, rc, err)
        assert ("月份格式不对" if malformed else "还没有到填报的时候") in err, (name, err)
        assert "Traceback" not in err and "Error" not in err
        assert list(out_dir.iterdir()) == [], (name, month)
    again = App.open(db_path)
    try:
        assert bd.issued(again, CLI_ACTOR) == []  # no issue number was taken
    finally:
        again.close()


def test_ledger_refuses_months_not_yet_reported(app: App, tmp_path: Path) -> None:
    for months in ([NEXT], ["2099-12"], [current_month(), NEXT]):
        with pytest.raises(InvalidInput, match="还没有到填报的时候"):
            build_ledger(app, CLI_ACTOR, months[-1], tmp_path / "l.xlsx", months=months)
        with pytest.raises(InvalidInput, match="还没有到填报的时候"):
            build_ledger(app, CLI_ACTOR, months[-1], tmp_path / "l.xlsx", months=months, compact=True)
    assert not (tmp_path / "l.xlsx").exists() and not list(tmp_path.glob("l.xlsx*"))
    # the same month is a ledger once it is reported (asked a month later)
    later = month_add(NEXT, 1)
    ok = build_ledger(app, CLI_ACTOR, NEXT, tmp_path / "l.xlsx",
                      today=dt.date(int(later[:4]), int(later[5:7]), 1))
    assert "任务推进台账" in load_workbook(ok).sheetnames


def test_future_template_import_says_nothing_was_imported(app: App, tmp_path: Path) -> None:
    path = build_template(app, CLI_ACTOR, current_month(), "区发改委", tmp_path / "t.xlsx")
    wb = load_workbook(path)
    meta = wb["模板信息"]
    for row in meta.iter_rows():
        if row[0].value == "填报月份":
            row[1].value = "2099-12"
    wb.save(path)
    summary = import_excel(app, CLI_ACTOR, path)
    assert not summary.ok and summary.refused_whole
    text = summary.text()
    assert "整个文件不能导入，没有写入任何内容" in text and "2099年12月还没有到填报的时候" in text
    assert "其余正确的行已写入" not in text
