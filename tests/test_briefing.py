"""The PDF work briefing: composition, layout geometry, fonts, issue numbers, CLI."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from exports.briefing import BriefingOptions, build_briefing, build_briefing_ex, compose
from exports.briefing_compose import NO_DATA, SECTION_KEYS, compose_all, trim
from exports.pdf_fonts import MISSING_MARK, font_set
from models import briefing_data as bd
from models.app import CLI_ACTOR, App
from models.entries import Entries
from models.errors import InvalidInput, PermissionDenied
from models.review import approve
from tests.conftest import clerk

MONTH = "2026-10"
TODAY = dt.date(2026, 11, 5)
MM = 72 / 25.4
RARE = "堃喆赟昇犇淼"  # outside GB2312 except 淼: drawn with the wide fallback font
EXT_A = "䶮"  # CJK Extension A (刘䶮)


def ext_b_char() -> str | None:
    """A CJK Extension B character some available font has (None if none has one)."""
    fs = font_set()
    for ch in "𠀋𠕇𡒄𤭢𠮷":
        if fs.font_for(ch, "fangsong"):
            return ch
    return None


def pdf_text(path: Path) -> str:
    with pdfplumber.open(str(path)) as pdf:
        return "".join(p.extract_text() or "" for p in pdf.pages)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def build_month(app: App, month: str = MONTH, *, approve_units: int = 1, reviewer=None) -> dict:
    """A small deterministic month: lead reports on the first task of every action
    (the first one with rare characters), one lagging task with a problem, two
    indicator values, a submitted and an approved unit."""
    ent = Entries(app)
    plan = app.plan
    written: dict[str, str] = {}
    for a in plan.actions:
        t = a.tasks[0]
        lead = app.task_units(t)[0]
        progress = (f"本月召开{a.no}次专题推进会，王{RARE}、刘{EXT_A}同志牵头督导。"
                    if a.no == 1 else f"本月召开{a.no}次专题推进会，完成年度计划的{50 + a.no}%。")
        progress += "其他情况另行报告。" * 30  # long: trimmed in the briefing
        ent.save_task_report(clerk(lead), t.code, lead, month,
                             {"status": "推进中", "progress": progress,
                              "next_plan": f"下月继续推进{t.title}相关工作。", "person": "张三"})
        written[t.code] = progress
    t = plan.actions[1].tasks[1]
    lead = app.task_units(t)[0]
    ent.save_task_report(clerk(lead), t.code, lead, month,
                         {"status": "滞后", "progress": "前期手续尚未办结。", "person": "李四",
                          "problems": "项目资金缺口较大，需协调解决。"})
    i01 = plan.indicators[0]
    ent.save_indicator_value(clerk(i01.responsible_unit), i01.parts[0].code, i01.responsible_unit,
                             "2024-12", "12.5")
    ent.save_indicator_value(clerk(i01.responsible_unit), i01.parts[0].code, i01.responsible_unit,
                             "2025-12", "14.1")
    unit = i01.responsible_unit
    for t, _role in app.tasks_of(unit):  # complete the unit's month so that it can submit
        if not ent.task_report(CLI_ACTOR, t.code, unit, month)["status"]:
            ent.save_task_report(clerk(unit), t.code, unit, month,
                                 {"status": "推进中", "progress": "按计划推进。", "person": "王五"})
    assert ent.month_problems(CLI_ACTOR, unit, month) == []
    ent.submit(clerk(unit), unit, month)
    if approve_units and reviewer is not None:
        approve(app, reviewer, unit, month)
    return written


@pytest.fixture
def month_app(app: App, reviewer) -> App:
    build_month(app, reviewer=reviewer)
    return app


# -- composition ------------------------------------------------------------------------------

def test_trim_keeps_whole_sentences_within_limit() -> None:
    s = "第一句话。第二句话比较长一些；第三句" + "很长" * 100 + "。"
    assert trim(s, 20) == "第一句话。第二句话比较长一些。"
    assert trim("无标点" * 60, 20).endswith("…") and len(trim("无标点" * 60, 20)) == 20
    assert trim("") == ""
    assert trim("完成 LNG  储备站\n建设；") == "完成 LNG 储备站建设。"


def test_compose_sections_from_data(month_app: App) -> None:
    sec = compose(month_app, CLI_ACTOR, MONTH, TODAY)
    assert set(SECTION_KEYS) <= set(sec)
    assert "已报送1个" in sec["overview"] and "审核通过1个" in sec["overview"]
    assert re.search(r"推进中\d+项", sec["overview"])
    assert "附表" in sec["overview"] and "%" in sec["overview"]
    plan = month_app.plan
    # one heading per action with progress, items trimmed to at most ~120 characters
    assert sec["tasks"].count("（一）") == 1 and plan.actions[0].title in sec["tasks"]
    items = [ln for ln in sec["tasks"].splitlines() if re.match(r"\d+\. ", ln)]
    assert len(items) >= 10
    for ln in items:
        body = ln.split("：", 1)[1]
        assert len(body) <= 120 + 20  # text plus the unit in brackets
    assert f"王{RARE}" in sec["tasks"]
    lag = plan.actions[1].tasks[1]
    # the lagging task was entered but not submitted (a draft): the default, approved basis
    # neither counts nor lists it, and says so; the "all" basis does both
    assert lag.title not in sec["problems"]
    assert "尚未审核通过，未计入" in sec["overview"]
    every = compose_all(month_app, CLI_ACTOR, MONTH, TODAY, basis="all").sections
    assert lag.title in every["problems"] and "资金缺口" in every["problems"]
    assert "滞后1项" in every["overview"] and "含尚未审核通过" in every["overview"]
    assert "下月继续推进" in sec["next"]
    assert "逾期未报" in sec["notice"] and "2026年11月5日" in sec["notice"]
    # quoted progress that is not approved is marked with its state
    unapproved = [ln for ln in items if "，草稿）" in ln or "，待审）" in ln]
    assert unapproved and all(ln.endswith("）") for ln in unapproved)


def test_empty_month_says_so(app: App, tmp_path: Path) -> None:
    sec = compose(app, CLI_ACTOR, "2026-03", TODAY)
    assert sec["overview"].startswith(NO_DATA)
    assert NO_DATA in sec["tasks"]
    out = build_briefing(app, CLI_ACTOR, "2026-03", tmp_path / "空.pdf", BriefingOptions(date=TODAY))
    text = squash(pdf_text(out))
    assert NO_DATA in text and "一、总体情况" in text and "三、指标监测" in text
    assert "报：" in text and "（共印30份）" in text


# -- the PDF ------------------------------------------------------------------------------------

def test_text_round_trip_with_rare_characters(month_app: App, tmp_path: Path) -> None:
    extb = ext_b_char()
    note = f"本期重点关注{RARE}{EXT_A}" + (extb or "") + "等同志的工作。"
    out = tmp_path / "简报.pdf"
    res = build_briefing_ex(month_app, CLI_ACTOR, MONTH, out, BriefingOptions(date=TODAY, editor_note=note))
    assert res.missing_glyphs == []
    text = squash(pdf_text(out))
    assert squash(note) in text
    assert f"王{RARE}、刘{EXT_A}同志牵头督导" in text
    assert MISSING_MARK not in text
    for title in ("一、总体情况", "二、重点任务进展", "三、指标监测", "四、存在问题", "五、下步工作",
                  "六、情况通报"):
        assert title in text
    assert "珠山区碳达峰碳中和工作简报" in text and "第1期" in text
    assert "区碳达峰碳中和工作领导小组办公室" in text and "2026年11月5日" in text
    s = month_app.settings
    for key in ("briefing_to", "briefing_cc", "briefing_send"):
        assert squash(s.get(key)) in text
    # every indicator part appears in the monitoring table
    for p in month_app.plan.parts:
        assert p.code in text


def test_missing_glyph_is_marked_and_reported(app: App, tmp_path: Path) -> None:
    fs = font_set()
    unknown = "\U000f0001"  # private use, in no font
    assert fs.font_for(unknown, "fangsong") is None
    res = build_briefing_ex(app, CLI_ACTOR, "2026-03", tmp_path / "m.pdf",
                            BriefingOptions(date=TODAY, editor_note=f"测试{unknown}字"))
    assert res.missing_glyphs == [unknown]
    assert f"测试{MISSING_MARK}字" in squash(pdf_text(res.path))


def _fonts_of(reader: PdfReader) -> dict[str, object]:
    out = {}
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font") or {}
        for f in fonts.values():
            f = f.get_object()
            out[str(f["/BaseFont"])] = f
    return out


def test_every_font_embedded_no_base14(month_app: App, tmp_path: Path) -> None:
    out = build_briefing(month_app, CLI_ACTOR, MONTH, tmp_path / "f.pdf",
                         BriefingOptions(date=TODAY, editor_note=f"{RARE}{EXT_A}"))
    fonts = _fonts_of(PdfReader(str(out)))
    assert fonts
    base14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")
    for name, f in fonts.items():
        assert not any(b in name for b in base14), name
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset"
        desc = f["/FontDescriptor"].get_object()
        assert "/FontFile2" in desc, name
    names = " ".join(fonts)
    assert "WenQuanYi" in names  # the wide fallback font was used for the rare characters
    assert "Droid" in names  # and the Extension A one


def test_page_geometry_numbers_and_red_masthead(month_app: App, tmp_path: Path) -> None:
    long = "\n".join("这是用于检验版心位置的正文段落，内容较长，需要跨越多行并延续到后续页面。" * 3
                     for _ in range(12))
    out = build_briefing(month_app, CLI_ACTOR, MONTH, tmp_path / "g.pdf",
                         BriefingOptions(date=TODAY, sections={"overview": long}))
    with pdfplumber.open(str(out)) as pdf:
        assert len(pdf.pages) >= 3
        for p in pdf.pages:
            assert p.width == pytest.approx(595.28, abs=0.1)
            assert p.height == pytest.approx(841.89, abs=0.1)
        # 报头: the title's characters are red, its top on the top of the text block
        p1 = pdf.pages[0]
        title = [c for c in p1.chars if c["size"] > 20]
        assert "".join(c["text"] for c in title) == "珠山区碳达峰碳中和工作简报"
        for c in title:
            assert tuple(c["non_stroking_color"]) == (1, 0, 0)
        assert min(c["top"] for c in title) == pytest.approx(37 * MM, abs=2)
        # nothing else on the page is red except the 报头 and its rule
        body_chars = [c for c in p1.chars if c["size"] <= 20]
        assert all(tuple(c["non_stroking_color"] or (0,)) in ((0,), (0, 0, 0), (0.0,))
                   for c in body_chars if c["text"] != "●")
        red_lines = [ln for ln in p1.lines + p1.rects
                     if tuple(ln.get("stroking_color") or ()) == (1, 0, 0)]
        assert red_lines and red_lines[0]["x0"] == pytest.approx(28 * MM, abs=1)
        assert red_lines[0]["x1"] == pytest.approx((28 + 156) * MM, abs=1)
        # page 2: body starts at the top of the text block, lines start at 28 mm
        p2 = pdf.pages[1]
        body = [c for c in p2.chars if abs(c["size"] - 16) < 0.5]
        assert min(c["top"] for c in body) == pytest.approx(37 * MM, abs=2)
        assert min(c["x0"] for c in body) == pytest.approx(28 * MM, abs=2)
        assert max(c["x1"] for c in body) <= (28 + 156) * MM + 1
        assert max(c["bottom"] for c in body) <= (37 + 225) * MM + 2
        # page numbers: 14 pt, 7 mm below the text block, odd right, even left
        for i, p in enumerate(pdf.pages[:3], 1):
            nums = [c for c in p.chars if abs(c["size"] - 14) < 0.5 and c["top"] > 262 * MM]
            assert squash("".join(c["text"] for c in nums)) == f"—{i}—"
            assert min(c["top"] for c in nums) == pytest.approx((37 + 225 + 7) * MM, abs=2)
            if i % 2:
                assert max(c["x1"] for c in nums) == pytest.approx((28 + 156) * MM - 14, abs=2)
            else:
                assert min(c["x0"] for c in nums) == pytest.approx(28 * MM + 14, abs=2)


def test_long_table_splits_with_repeated_header(month_app: App, tmp_path: Path) -> None:
    # push the indicator table down so that it has to break across pages
    filler = "\n".join("占位段落。" * 20 for _ in range(11))
    out = build_briefing(month_app, CLI_ACTOR, MONTH, tmp_path / "t.pdf",
                         BriefingOptions(date=TODAY, sections={"indicators": filler}))
    with pdfplumber.open(str(out)) as pdf:
        pages_with_header = 0
        for p in pdf.pages:
            words = squash(p.extract_text() or "")
            if re.search(r"指标目标最新值(序时应达)?值?判断", words):
                pages_with_header += 1
            for c in p.chars:  # nothing off the text block
                assert c["x0"] >= 28 * MM - 1 and c["top"] >= 37 * MM - 2
                # closing punctuation may hang into the margin (标点悬挂), nothing else
                limit = (28 + 156) * MM + (c["size"] if c["text"] in "。，、；：？！）”" else 1)
                assert c["x1"] <= limit, c["text"]
        assert pages_with_header >= 2


def test_issue_numbers_run_per_year_and_are_remembered(app: App, tmp_path: Path, clerk_of) -> None:
    later = dt.date(2027, 4, 10)  # so that the months up to 2027-03 have happened

    def build(month: str, issue: int | None = None) -> int:
        return build_briefing_ex(app, CLI_ACTOR, month, tmp_path / f"{month}.pdf",
                                 BriefingOptions(date=TODAY, issue=issue, charts=False, as_of=later)).issue

    assert build("2026-09") == 1
    assert build("2026-10") == 2
    assert build("2026-09") == 1  # the same month reuses its number
    assert build("2026-11", issue=7) == 7  # an explicit number overrides
    assert build("2026-12") == 8
    assert build("2027-01") == 1  # numbers run per year
    with pytest.raises(InvalidInput, match="第7期已用于2026年11月"):
        build("2026-10", issue=7)
    assert build("2026-10", issue=3) == 3  # renumbered and remembered
    assert build("2026-10") == 3
    assert [(r["number"], r["month"]) for r in bd.issues(app, CLI_ACTOR, 2026)] == [
        (1, "2026-09"), (3, "2026-10"), (7, "2026-11"), (8, "2026-12")]
    # a preview does not take a number
    res = build_briefing_ex(app, CLI_ACTOR, "2027-02", tmp_path / "p.pdf",
                            BriefingOptions(date=TODAY, record_issue=False, charts=False, as_of=later))
    assert res.issue == 2 and bd.issue_of_month(app, CLI_ACTOR, "2027-02") is None
    assert "第2期" in squash(pdf_text(res.path))
    with pytest.raises(PermissionDenied):
        build_briefing(app, clerk_of("区发改委"), "2027-03", tmp_path / "x.pdf",
                       BriefingOptions(charts=False, as_of=later))
    with pytest.raises(InvalidInput):
        build_briefing(app, CLI_ACTOR, "2026-13", tmp_path / "y.pdf")


def test_edited_sections_and_title_used(month_app: App, tmp_path: Path) -> None:
    sec = compose(month_app, CLI_ACTOR, MONTH, TODAY)
    sec["overview"] = "（一）报送情况\n编辑后的总体情况文字。"
    out = build_briefing(month_app, CLI_ACTOR, MONTH, tmp_path / "e.pdf",
                         BriefingOptions(date=TODAY, title="珠山区双碳工作简报", sections=sec,
                                         editor_note="请各单位认真阅读。"))
    text = squash(pdf_text(out))
    assert "编辑后的总体情况文字。" in text and "（一）报送情况" in text
    assert "珠山区双碳工作简报" in text and "编者按：请各单位认真阅读。" in text
    with pdfplumber.open(str(out)) as pdf:
        fonts = {c["fontname"] for c in pdf.pages[0].chars if c["text"] in "报送情况"}
    assert any("Kai" in f for f in fonts)  # the （一） heading is set in 楷体


def test_demo_data_marked(app: App, tmp_path: Path) -> None:
    app.settings.set("demo", True)
    out = build_briefing(app, CLI_ACTOR, "2026-03", tmp_path / "d.pdf", BriefingOptions(date=TODAY))
    assert "示例数据" in squash(pdf_text(out))
    with pdfplumber.open(str(out)) as pdf:
        first = squash(pdf.pages[0].extract_text())
    assert first.index("示例数据") < first.index("一、总体情况")


def test_cli_briefing(month_app: App, db_path: Path, tmp_path: Path, capsys) -> None:
    import main
    month_app.close()
    out = tmp_path / "cli.pdf"
    rc = main.main(["--db", str(db_path), "briefing", "--month", MONTH, "-o", str(out)])
    assert rc == 0
    assert "第1期" in capsys.readouterr().out
    assert out.exists() and PdfReader(str(out)).pages
    rc = main.main(["--db", str(db_path), "briefing", "--month", MONTH, "--issue", "4",
                    "-o", str(tmp_path / "cli4.pdf")])
    assert rc == 0 and "第4期" in squash(pdf_text(tmp_path / "cli4.pdf"))
    rc = main.main(["--db", str(db_path), "briefing", "--month", "2026年13月", "-o", str(out)])
    assert rc == 1 and "月份" in capsys.readouterr().err
    rc = main.main(["--db", str(db_path), "briefing", "--month", MONTH, "-o",
                    str(tmp_path / "没有" / "x.pdf")])
    assert rc == 1 and "文件夹不存在" in capsys.readouterr().err


def test_windows_fonts_preferred_when_present(tmp_path: Path) -> None:
    from exports.pdf_fonts import FANGSONG, HEI, KAI, SONG, resource_fonts_dir
    win = tmp_path / "Fonts"
    win.mkdir()
    src = resource_fonts_dir()
    # stand-ins with the Windows file names
    (win / "simfang.ttf").symlink_to(src / "gkai00mp.ttf")
    (win / "simhei.ttf").symlink_to(src / "gbsn00lp.ttf")
    fs = font_set(windows_dir=win, use_system=False)
    assert "simfang.ttf" in fs.describe()[FANGSONG] and "仿宋" in fs.describe()[FANGSONG]
    assert "simhei.ttf" in fs.describe()[HEI]
    assert "gkai00mp.ttf" in fs.describe()[KAI]  # no simkai.ttf: the shipped 楷体
    assert "gbsn00lp.ttf" in fs.describe()[SONG]
    assert font_set(windows_dir=win, use_system=False) is fs  # loaded once per process
    # a character the Windows stand-in lacks still falls back to a wide font
    assert fs.font_for("堃", FANGSONG) != fs.primary[FANGSONG]


def test_hostile_text_is_printed_literally(app: App, tmp_path: Path) -> None:
    sections = {"overview": "<b>加粗</b> & <font name='Helvetica'>x</font>\x00\x07控制字符",
                "tasks": "A" * 3000, "extra": "七、经验做法\n" + "长段落。" * 400}
    title = "超长标题" * 12
    res = build_briefing_ex(app, CLI_ACTOR, "2026-03", tmp_path / "h.pdf",
                            BriefingOptions(date=TODAY, title=title, sections=sections, charts=False))
    assert res.missing_glyphs == []
    text = squash(pdf_text(res.path))
    assert "<b>加粗</b>&<fontname='Helvetica'>x</font>控制字符" in text
    assert text.count("A") == 3000 and "七、经验做法" in text and title in text
    assert "Helvetica" not in " ".join(_fonts_of(PdfReader(str(res.path))))
    with pdfplumber.open(str(res.path)) as pdf:
        for p in pdf.pages:
            for c in p.chars:
                assert 28 * MM - 1 <= c["x0"] and c["x1"] <= (28 + 156) * MM + c["size"]
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_briefing_of_generated_demo_month(app: App, tmp_path: Path) -> None:
    from models.demo import generate_demo
    generate_demo(app, CLI_ACTOR, until=MONTH, streets=3, seed=1)
    res = build_briefing_ex(app, CLI_ACTOR, MONTH, tmp_path / "demo.pdf", BriefingOptions(date=TODAY))
    assert res.pages >= 6 and res.missing_glyphs == []
    text = squash(pdf_text(res.path))
    assert "示例数据" in text and NO_DATA not in text
    sec = compose(app, CLI_ACTOR, MONTH, TODAY)
    headings = [ln for ln in sec["tasks"].splitlines() if ln.startswith("（")]
    assert len(headings) >= 8  # most actions have progress to report
    for ln in sec["tasks"].splitlines():
        if ln.startswith("（"):
            assert squash(ln) in text
    for p in app.plan.parts:
        assert p.code in text
    with pdfplumber.open(str(res.path)) as pdf:  # the charts are drawn (axis labels in the PDF)
        small = [c for p in pdf.pages for c in p.chars if c["size"] < 8]
    assert len(small) > 100


def test_cli_date_option_when_declared() -> None:
    import argparse

    from ui.cli.briefing_cmd import _cli_date
    assert _cli_date(argparse.Namespace()) is None
    assert _cli_date(argparse.Namespace(date="2026-11-05")) == dt.date(2026, 11, 5)
    with pytest.raises(InvalidInput, match="日期格式不对"):
        _cli_date(argparse.Namespace(date="11/5"))


def test_overview_counts_add_up_with_a_returned_report(app: App, clerk_of) -> None:
    """A report returned after an on-time submission is neither 已报送 nor 按时 among them:
    the overview's counts are parts of their whole."""
    from models.review import return_submission
    from tests.office_data import fill_and_submit, this_month
    month = this_month()  # its due day is ahead: every submission made now is on time
    units = [u for u in app.reporting_units() if app.tasks_of(u)][:3]
    for u in units:
        fill_and_submit(app, clerk_of(u), u, month)
    approve(app, CLI_ACTOR, units[0], month)
    return_submission(app, CLI_ACTOR, units[1], month, "请补充进展")
    text = compose(app, CLI_ACTOR, month)["overview"]
    m = re.search(r"单位(\d+)个，已报送(\d+)个.*其中按时报送(\d+)个.*审核通过(\d+)个.*"
                  r"退回修改尚未重新报送(\d+)个，尚未报送(\d+)个", text)
    assert m, text
    total, submitted, on_time, approved, returned, missing = map(int, m.groups())
    assert (submitted, on_time, approved, returned) == (2, 2, 1, 1)
    assert submitted + returned + missing == total
