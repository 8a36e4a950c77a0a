"""A borderless two-page district target table as a PDF (fixture 8), with its expected facts.

Written independently, as `make_borderless_pdf.py`, by another engineer who had not seen
the parser; its content and text are kept as written. Moved here as a generator: it writes
into a folder given by a test fixture and converts with docgen's LibreOffice runner. The
facts its author expects are in tests/fixtures/borderless_nantong.tsv (the original JSON as
a TSV); `expected_facts()` rebuilds them from the same data.

The document is a Nantong-style 指标分解表 in landscape A4:
  * no cell borders and no rules anywhere (the table is pure aligned text);
  * 14 columns: 序号 | 指标名称 | 单位 | 南通市 (the total column, named after the
    city) | 10 districts/parks; the park names (南通经济技术开发区, 苏锡通科技产业园区,
    通州湾示范区 …) wrap over two lines in the header;
  * long indicator names and values such as "同口径增长5%" wrap inside their cells;
  * the table is split in two (as when someone splits a Word table): part 1 spans
    page 1 -> page 2 with its header row repeated at the top of page 2, and part 2
    starts in the middle of page 2 with its own copy of the header row;
  * "—", "/" and one blank cell mean "not assigned" (value null);
  * a "— N —" page-number footer sits under each page.

Run `python tests/nantong.py OUTDIR` to write the .fodt, the PDF and the expected JSON.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

try:
    from tests import docgen
except ImportError:  # tests/ itself is on sys.path
    import docgen

YEAR = 2024
TITLE = "2024年南通市高质量发展主要指标分解表"
TOTAL = "南通市"  # the total column is named after the city
AREAS = ["海安市", "如皋市", "如东县", "启东市", "崇川区", "通州区", "海门区",
         "南通经济技术开发区", "苏锡通科技产业园区", "通州湾示范区"]
COLUMNS = [TOTAL] + AREAS  # printed order of the value columns

# (indicator as printed, unit, [南通市, 海安市, 如皋市, 如东县, 启东市, 崇川区, 通州区,
#   海门区, 南通经济技术开发区, 苏锡通科技产业园区, 通州湾示范区])
ROWS = [
    ("地区生产总值增速", "%",
     ["6左右", "6", "6", "5.5", "6", "5.5左右", "6", "6以上", "7", "8", "10以上"]),
    ("一般公共预算收入增速", "%",
     ["同口径增长5%", "5", "5", "4.5", "5", "4", "5", "5", "6", "同口径增长8%", "10"]),
    ("规模以上工业增加值增速", "%",
     ["8左右", "8", "8", "8", "8.5", "—", "8", "8", "9", "10", "12"]),
    ("固定资产投资增速", "%",
     ["5", "5", "5", "5", "5", "3", "5", "5", "6", "8", "15"]),
    ("工业投资增速", "%",
     ["10", "10", "10", "10", "10", "—", "10", "10", "12", "15", "20以上"]),
    ("社会消费品零售总额增速", "%",
     ["6.5左右", "6.5", "6.5", "6", "6.5", "7", "6.5", "6.5", "6", "6", "/"]),
    ("进出口总额", "亿元",
     ["3700", "420", "380", "260", "330", "600", "310", "380", "620", "260", "130"]),
    ("实际使用外资", "亿美元",
     ["27", "2.8", "2.6", "2.2", "2.6", "2", "2.3", "2.6", "6.5", "2.6", "1.8"]),
    ("高新技术产业产值占规模以上工业产值比重", "%",
     ["51", "48", "49", "45", "50", "—", "48", "50", "60", "58", "40"]),
    ("全社会研究与试验发展经费支出占地区生产总值比重", "%",
     ["2.7", "2.6", "2.6", "2.4", "2.6", "2.8", "2.6", "2.7", "3.3", "3.1", "2"]),
    ("新增国家高新技术企业", "家",
     ["500", "60", "55", "40", "50", "45", "45", "55", "80", "45", "25"]),
    ("新增省级以上专精特新中小企业", "家",
     ["300", "35", "35", "25", "30", "20", "30", "35", "50", "30", ""]),
    ("每万人口高价值发明专利拥有量", "件",
     ["16", "13", "12", "9", "12", "25", "12", "14", "35", "20", "6"]),
    ("数字经济核心产业增加值占地区生产总值比重", "%",
     ["11", "9", "9", "7", "9", "15", "9", "10", "18", "14", "6"]),
    ("城镇新增就业", "万人",
     ["11.5", "1.3", "1.4", "1.1", "1.1", "2", "1.5", "1.2", "0.9", "0.6", "0.4"]),
    ("城镇调查失业率", "%",
     ["≤5", "≤5", "≤5", "≤5", "≤5", "≤5", "≤5", "≤5", "/", "/", "/"]),
    ("居民人均可支配收入增速", "%",
     ["与经济增长同步", "6", "6", "6", "6", "5.5", "6", "6", "6", "6", "6"]),
    ("新增普惠性托位", "个",
     ["2900", "300", "350", "250", "250", "500", "400", "300", "250", "200", "100"]),
    ("新建、改扩建中小学和幼儿园", "所",
     ["60", "6", "7", "5", "5", "9", "7", "6", "6", "5", "4"]),
    ("每千人口执业（助理）医师数", "人",
     ["3.6", "3.3", "3.2", "3", "3.2", "4.8", "3.3", "3.4", "3", "2.8", "2.5"]),
    ("农村生活污水治理率", "%",
     ["88以上", "90", "88", "85", "87", "—", "92", "90", "—", "85", "80"]),
    ("细颗粒物（PM2.5）平均浓度", "微克/立方米",
     ["≤28", "≤28", "≤28", "≤27", "≤27", "≤29", "≤28", "≤28", "≤29", "≤28", "≤27"]),
    ("空气质量优良天数比率", "%",
     ["85以上", "85", "85", "86", "86", "83", "85", "85", "83", "84", "86"]),
    ("地表水国考断面水质优Ⅲ类比例", "%",
     ["100", "100", "100", "100", "100", "100", "100", "100", "—", "—", "100"]),
    ("单位地区生产总值能耗下降", "%",
     ["完成省下达任务", "3", "3", "3", "3", "2.5", "3", "3", "3.5", "3.5", "3"]),
    ("农村公路提档升级", "公里",
     ["260", "40", "45", "45", "40", "—", "35", "40", "—", "5", "10"]),
    ("粮食播种面积", "万亩",
     ["535", "95", "110", "120", "95", "—", "55", "60", "—", "—", "—"]),
    ("新开工改造城镇老旧小区", "个",
     ["120", "10", "12", "8", "10", "45", "15", "12", "4", "2", "2"]),
]
SPLIT_AFTER = 18  # rows 1..18 in part 1, 19..28 in part 2 (starts mid-page 2)

NULL_CELLS = {"", "—", "--", "-", "/"}
QUALIFIERS = ["≥", "≤", "左右", "以上", "以下", "不少于", "不低于", "不超过", "力争"]


def cell_value(text):
    t = text.strip()
    if t in NULL_CELLS:
        return None
    m = re.search(r"\d+(?:\.\d+)?", t)
    if not m:
        return None  # e.g. 与经济增长同步, 完成省下达任务
    v = float(m.group())
    return int(v) if v.is_integer() else v


def cell_qualifier(text):
    for q in QUALIFIERS:
        if q in text:
            return q
    return None


def expected_facts():
    targets = []
    for i, (ind, unit, vals) in enumerate(ROWS, 1):
        assert len(vals) == len(COLUMNS), ind
        for col, vt in zip(COLUMNS, vals):
            targets.append({
                "indicator": ind, "unit": unit, "year": YEAR,
                "scope": "全市" if col == TOTAL else col,
                "value": cell_value(vt), "value_text": vt,
                "qualifier": cell_qualifier(vt), "period": None,
                "kind": "target", "clause": f"{TITLE} 序号{i}",
            })
    return {"responsibilities": [], "targets": targets}


# ---------------------------------------------------------------- ODF output
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')

FONT = "Noto Serif CJK SC"
# column widths in mm: 序号, 指标名称, 单位, 南通市 + 7 counties/districts, 3 parks
WIDTHS = [9, 48, 17] + [17] * 7 + [17, 19, 19, 19]
HEADER = ["序号", "指标名称", "单位"] + COLUMNS


def text_props(size, bold=False):
    b = ' fo:font-weight="bold" style:font-weight-asian="bold"' if bold else ""
    return (f'<style:text-properties style:font-name="{FONT}" style:font-name-asian="{FONT}" '
            f'fo:font-size="{size}pt" style:font-size-asian="{size}pt"{b}/>')


def para_style(name, align, size, bold=False, top="0mm", bottom="0mm"):
    return (f'<style:style style:name="{name}" style:family="paragraph">'
            f'<style:paragraph-properties fo:text-align="{align}" fo:margin-top="{top}" '
            f'fo:margin-bottom="{bottom}" fo:line-height="115%"/>'
            f'{text_props(size, bold)}</style:style>')


def styles():
    s = [
        '<style:page-layout style:name="pm1"><style:page-layout-properties '
        'fo:page-width="297mm" fo:page-height="210mm" style:print-orientation="landscape" '
        'fo:margin-top="14mm" fo:margin-bottom="10mm" fo:margin-left="18mm" '
        'fo:margin-right="18mm"/><style:footer-style><style:header-footer-properties '
        'fo:min-height="6mm" fo:margin-top="3mm"/></style:footer-style></style:page-layout>',
        '<style:style style:name="Tbl" style:family="table"><style:table-properties '
        f'style:width="{sum(WIDTHS)}mm" table:align="center" fo:margin-top="0mm" '
        'fo:margin-bottom="0mm"/></style:style>',
        '<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties '
        'fo:border="none" fo:padding-top="1.2mm" fo:padding-bottom="1.2mm" '
        'fo:padding-left="0.8mm" fo:padding-right="0.8mm" style:vertical-align="middle"/>'
        '</style:style>',
        '<style:style style:name="Row" style:family="table-row"><style:table-row-properties '
        'fo:keep-together="always"/></style:style>',
        para_style("PTitle", "center", 16, True, bottom="3mm"),
        para_style("PSub", "center", 10.5, False, bottom="3mm"),
        para_style("PHead", "center", 9, True),
        para_style("PCell", "center", 9.5),
        para_style("PLeft", "start", 9.5),
        para_style("PNote", "justify", 10, False, top="2mm"),
        para_style("PFoot", "center", 10),
        para_style("PEmpty", "start", 6),
    ]
    for i, w in enumerate(WIDTHS):
        s.append(f'<style:style style:name="Col{i}" style:family="table-column">'
                 f'<style:table-column-properties style:column-width="{w}mm"/></style:style>')
    return "\n".join(s)


def p(style, text):
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>'


def row(cells, header=False):
    out = ['<table:table-row table:style-name="Row">']
    for j, c in enumerate(cells):
        st = "PHead" if header else ("PLeft" if j == 1 else "PCell")
        out.append(f'<table:table-cell table:style-name="Cell" office:value-type="string">'
                   f'{p(st, c)}</table:table-cell>')
    out.append("</table:table-row>")
    return "".join(out)


def table(name, numbered_rows):
    cols = "".join(f'<table:table-column table:style-name="Col{i}"/>' for i in range(len(WIDTHS)))
    body = "".join(row([str(n), ind, unit] + vals) for n, (ind, unit, vals) in numbered_rows)
    return (f'<table:table table:name="{name}" table:style-name="Tbl">{cols}'
            f'<table:table-header-rows>{row(HEADER, header=True)}</table:table-header-rows>'
            f'{body}</table:table>')


def fodt():
    numbered = list(enumerate(ROWS, 1))
    body = [
        p("PTitle", TITLE),
        p("PSub", "（各县（市、区）、各园区分解计划）"),
        table("指标表1", numbered[:SPLIT_AFTER]),
        p("PEmpty", ""),  # what remains between the two halves of a split Word table
        table("指标表2", numbered[SPLIT_AFTER:]),
        p("PNote", "注：1.“—”“/”或空白表示不下达该项指标。2.增速类指标按可比价格或同口径计算。"
                   "3.南通经济技术开发区、苏锡通科技产业园区、通州湾示范区指标单列，不重复计入所在县（市、区）。"),
    ]
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="{FONT}" svg:font-family="&apos;{FONT}&apos;"/></office:font-face-decls>
<office:styles><style:default-style style:family="paragraph">{text_props(10)}</style:default-style></office:styles>
<office:automatic-styles>
{styles()}
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"><style:footer><text:p text:style-name="PFoot">— <text:page-number text:select-page="current">1</text:page-number> —</text:p></style:footer></style:master-page></office:master-styles>
<office:body><office:text>
{"".join(body)}
</office:text></office:body></office:document>
'''


def nantong_pdf(out_dir: Path, repeat_header: bool = True) -> Path:
    """Write out_dir/borderless_nantong.fodt and convert it with LibreOffice: out_dir/borderless_nantong.pdf.

    With `repeat_header=False` (a variant added with the move) the header rows are ordinary first
    rows, so page 2 starts with rows 15-18 under no header and the header is printed only where
    each part starts: out_dir/borderless_nantong_unrepeated.pdf. The expected facts are the same.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = fodt()
    if not repeat_header:
        text = text.replace("<table:table-header-rows>", "").replace("</table:table-header-rows>", "")
    src = out_dir / f"borderless_nantong{'' if repeat_header else '_unrepeated'}.fodt"
    src.write_text(text, encoding="utf-8")
    return docgen.soffice_to_pdf(src, out_dir)


def main(argv: list[str] | None = None) -> int:
    """CLI: python tests/nantong.py OUTDIR (the PDF, its source and the expected facts as JSON)."""
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0] if args else "/tmp/borderless_fixture")
    pdf = nantong_pdf(out_dir)
    pdf.with_suffix(".expected.json").write_text(json.dumps(expected_facts(), ensure_ascii=False, indent=1),
                                                  encoding="utf-8")
    print(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
