"""The streaming .xlsx writer's workbook: the zip package and its parts besides the sheets.

The ledger of a whole plan period has hundreds of thousands of cells, so it is
written row by row straight into the zip file (one sheet open at a time, see
``exports.xlsx_sheet.StreamSheet``), with every style registered once and referred to
by index. The writer produces a minimal, valid SpreadsheetML package: inline strings,
typed numbers and dates, merged title rows, frozen panes, repeated print titles, A4
landscape page set-up fitted to one page wide and a 第 N 页 共 M 页 footer.

Here: the style registry that becomes ``xl/styles.xml``, and ``StreamBook``, which
opens the sheets in turn and, on closing, writes the content types, relationships,
document properties, ``xl/workbook.xml`` (sheet names, print titles) and the styles.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from models.authority import PUBLIC, rule
from exports.xlsx_sheet import StreamSheet
from exports.xlsx_style import BODY_FONT, CellStyle, safe_sheet_name


def _attr(s: str) -> str:
    return escape(s, {'"': "&quot;"})


class _Styles:
    def __init__(self) -> None:
        self.fonts: list[tuple[Any, ...]] = [(BODY_FONT, 11.0, False, "")]
        self.fills: list[str] = ["none", "gray125"]
        self.numfmts: dict[str, int] = {}
        self.xfs: list[tuple[int, int, int, int, CellStyle]] = [(0, 0, 0, 0, CellStyle(border=False))]
        self.index: dict[CellStyle, int] = {}
        self.wrap: list[bool] = [False]
        self.indent: list[int] = [0]
        self.breaks: list[bool] = [False]

    def add(self, st: CellStyle) -> int:
        if st in self.index:
            return self.index[st]
        fk = (st.font, float(st.size), st.bold, st.color)
        if fk not in self.fonts:
            self.fonts.append(fk)
        fill = st.fill or "none"
        if fill not in self.fills:
            self.fills.append(fill)
        numfmt = 0
        if st.numfmt:
            builtin = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}
            numfmt = builtin.get(st.numfmt) or self.numfmts.setdefault(st.numfmt, 164 + len(self.numfmts))
        self.xfs.append((self.fonts.index(fk), self.fills.index(fill), 1 if st.border else 0, numfmt, st))
        self.index[st] = len(self.xfs) - 1
        self.wrap.append(st.wrap)
        self.indent.append(st.indent)
        self.breaks.append(st.breaks)
        return self.index[st]

    def xml(self) -> str:
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
        if self.numfmts:
            out.append(f'<numFmts count="{len(self.numfmts)}">')
            out += [f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in self.numfmts.items()]
            out.append("</numFmts>")
        out.append(f'<fonts count="{len(self.fonts)}">')
        for name, size, bold, color in self.fonts:
            out.append("<font>" + ("<b/>" if bold else "") + f'<sz val="{size:g}"/>'
                       + (f'<color rgb="FF{color}"/>' if color else "")
                       + f'<name val="{_attr(name)}"/><charset val="134"/><family val="3"/></font>')
        out.append("</fonts>")
        out.append(f'<fills count="{len(self.fills)}">')
        for f in self.fills:
            if f in ("none", "gray125"):
                out.append(f'<fill><patternFill patternType="{f}"/></fill>')
            else:
                out.append(f'<fill><patternFill patternType="solid"><fgColor rgb="FF{f}"/>'
                           '<bgColor indexed="64"/></patternFill></fill>')
        out.append("</fills>")
        thin = '<{0} style="thin"><color rgb="FF000000"/></{0}>'
        out.append('<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
                   "<border>" + "".join(thin.format(s) for s in ("left", "right", "top", "bottom"))
                   + "<diagonal/></border></borders>")
        out.append('<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>')
        out.append(f'<cellXfs count="{len(self.xfs)}">')
        for font, fill, border, numfmt, st in self.xfs:
            attrs = (f'numFmtId="{numfmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
                     + (' applyNumberFormat="1"' if numfmt else "")
                     + (' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "")
                     + (' applyBorder="1"' if border else ""))
            al = ""
            if st.halign:
                al += f' horizontal="{st.halign}"'
            if st.valign:
                al += f' vertical="{st.valign}"'
            if st.wrap:
                al += ' wrapText="1"'
            if st.indent:
                al += f' indent="{st.indent}"'
            out.append(f'<xf {attrs} applyAlignment="1"><alignment{al}/></xf>' if al else f"<xf {attrs}/>")
        out.append("</cellXfs>")
        out.append('<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                   '<dxfs count="0"/><tableStyles count="0"/></styleSheet>')
        return "".join(out)


@rule(PUBLIC)
class StreamBook:
    """A workbook written sheet by sheet into ``path``. Use as a context manager or call
    ``close``; ``abort`` closes and deletes the partial file."""

    def __init__(self, path: str | Path, creator: str = "碳达峰调度系统"):
        self.path = Path(path)
        self.creator = creator  # the document's author: the plan's "<district>碳达峰调度系统"
        self.zf = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.styles = _Styles()
        self.sheets: list[StreamSheet] = []
        self._current: StreamSheet | None = None

    def style(self, st: CellStyle) -> int:
        return self.styles.add(st)

    def sheet(self, name: str, widths: Sequence[float], **kw: Any) -> StreamSheet:
        if self._current is not None:
            self._current.close()
        name = safe_sheet_name(name, [s.name for s in self.sheets])
        sh = StreamSheet(self, name, len(self.sheets), widths, **kw)
        self.sheets.append(sh)
        self._current = sh
        return sh

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        if not self.sheets:
            self.sheet("Sheet1", [10]).close()
        n = len(self.sheets)
        ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/styles.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
              + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for i in range(1, n + 1))
              + '<Override PartName="/docProps/core.xml" '
              'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
              '<Override PartName="/docProps/app.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
              "</Types>")
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                'metadata/core-properties" Target="docProps/core.xml"/>'
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>')
        now = datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f'<dc:creator>{escape(self.creator)}</dc:creator>'
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>')
        appx = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>Microsoft Excel</Application></Properties>")
        names = []
        for i, s in enumerate(self.sheets):
            if s.title_rows:
                a, b = s.title_rows
                q = s.name.replace("'", "''")
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                             f"{escape(chr(39) + q + chr(39))}!${a}:${b}</definedName>")
        wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
              '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
              + "".join(f'<sheet name="{_attr(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                        for i, s in enumerate(self.sheets, 1))
              + "</sheets>" + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
              + '<calcPr calcId="191029"/></workbook>')
        wrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                           f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                           for i in range(1, n + 1))
                 + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/styles" Target="styles.xml"/></Relationships>')
        self.zf.writestr("[Content_Types].xml", ct)
        self.zf.writestr("_rels/.rels", rels)
        self.zf.writestr("docProps/core.xml", core)
        self.zf.writestr("docProps/app.xml", appx)
        self.zf.writestr("xl/workbook.xml", wb)
        self.zf.writestr("xl/_rels/workbook.xml.rels", wrels)
        self.zf.writestr("xl/styles.xml", self.styles.xml())
        self.zf.close()

    def abort(self) -> None:
        try:
            if self._current is not None and self._current._fh is not None:
                self._current._fh.close()
            self.zf.close()
        except (OSError, ValueError):
            pass
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> StreamBook:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
