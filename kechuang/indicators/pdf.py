"""The yearly and monthly indicator report as PDF (reportlab), the same rows as the printable report page.

Chinese text is set in Adobe's STSong-Light, one of the CJK CID fonts every PDF reader is required to supply
(Adobe's Asian font pack, poppler/pdf.js/PDFium substitute a system Song or Hei face): reportlab writes no font
file into the PDF, so the platform ships none and the file stays small. Table cells are Paragraphs with CJK
line breaking, so long indicator names and rules wrap inside their column.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

FONT = "STSong-Light"
STATUS_COLOURS = {"ok": colors.HexColor("#d8f0dc"), "warn": colors.HexColor("#fff1c7"),
                  "bad": colors.HexColor("#f8d7d4"), "none": colors.HexColor("#eeeeee")}


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontSize=8, leading=10, textColor=colors.white),
    }


def _escape(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(header: list[str], rows: list[list[str]], widths: list[float], styles: dict[str, ParagraphStyle],
           backgrounds: list[tuple[int, int, Any]] | None = None) -> Table:
    data = [[Paragraph(_escape(h), styles["head"]) for h in header]]
    data += [[Paragraph(_escape(c), styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e79")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for col, row, colour in backgrounds or []:
        commands.append(("BACKGROUND", (col, row), (col, row), colour))
    table.setStyle(TableStyle(commands))
    return table


def report_pdf(context: dict[str, Any]) -> bytes:
    """The report whose context ``selectors.report_context`` built, as PDF bytes."""
    styles = _styles()
    title = f"{context['title']}创新驱动发展评价指标报告"
    as_of = context["as_of"]
    story: list[Flowable] = [
        Paragraph(_escape(title), styles["title"]),
        Paragraph(f"数据截至 {as_of.year}年{as_of.month}月{as_of.day}日（只计该日及以前的观测值）。"
                  + "　".join(f"{label} {n} 项" for label, n, _ in context["counts"]), styles["body"]),
        Paragraph("目标进度", styles["h2"]),
    ]
    rows, backgrounds = [], []
    for n, r in enumerate(context["rows"], start=1):
        latest = r["latest"]
        rows.append([r["indicator"].name, r["region"], f"{r['target'].year}年{r['target_text']}",
                     f"{r['latest_text']}{r['indicator'].unit}" if latest else "—",
                     latest.date.isoformat() if latest else "—", r["share_text"], r["needed_text"],
                     r["forecast_text"], r["result"].status, r["result"].reason])
        backgrounds.append((8, n, STATUS_COLOURS[r["css"]]))
    story.append(_table(["指标", "地区", "目标", "最新值", "统计日期", "完成比例", "年均需增长", "预测", "状态",
                         "判定依据"], rows,
                        [48 * mm, 18 * mm, 30 * mm, 28 * mm, 20 * mm, 17 * mm, 20 * mm, 20 * mm, 17 * mm, 49 * mm],
                        styles, backgrounds))
    story.append(Paragraph("监测指标（无数值目标）", styles["h2"]))
    others = [[i.name, f"{o.value.normalize():f}{i.unit}" if o else "—", o.date.isoformat() if o else "—"]
              for i, o in context["others"]]
    story.append(_table(["指标", "全市最新值", "统计日期"], others or [["（无）", "", ""]],
                        [120 * mm, 50 * mm, 30 * mm], styles))
    story.append(Paragraph("状态判定规则", styles["h2"]))
    for label, rule in context["status_rules"]:
        story.append(Paragraph(_escape(f"{label}：{rule}"), styles["body"]))
    story.append(Spacer(1, 4))
    story.append(Paragraph(_escape(f"预测方法：{context['forecast_method']}"), styles["body"]))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawRightString(doc.pagesize[0] - 12 * mm, 8 * mm, f"{title}　第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=14 * mm, title=title, author="科创服务平台")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
