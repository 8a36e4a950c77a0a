"""Saved web pages (.html/.htm): article body, tables with merged cells, page metadata.

The real pages are read from ../shared/realdocs (never copied into the repository);
the small pages written here cover one behaviour each.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kspolicy.index.chunk import document_chunks
from kspolicy.read.html import html_lines
from kspolicy.read.ingest import IngestError, load_lines
from kspolicy.read.repair import join_lines
from kspolicy.understand.parse import parse_file
from kspolicy.views.upload import UploadError, check_type

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
GUANGZHOU = REALDOCS / "guangzhou"
real = pytest.mark.skipif(not GUANGZHOU.is_dir(), reason=f"需要 {REALDOCS}（共享的真实文件）")

# Lines that belong to the site, not to the document.
BOILERPLATE = ("分享到", "网站地图", "主办单位", "ICP备", "【打印】", "打印本页", "打印页面", "字体：", "【字号",
               "浏览次数", "浏览量", "当前位置", "扫一扫", "版权所有", "返回顶部", "关闭窗口", "公网安备",
               "网站标识码", "关注 ·", "相关新闻", "无障碍", "长者助手", "上一页", "下一页", "发表时间")


def page(prefix: str) -> Path:
    matches = sorted(GUANGZHOU.glob(f"{prefix}*.htm*"))
    assert len(matches) == 1, (prefix, matches)
    return matches[0]


def texts(path: Path) -> list[str]:
    return [line.text for line in html_lines(path).lines]


def write(tmp_path: Path, body: str, name: str = "page.html", head: str = "", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode(encoding))
    return path


# --------------------------------------------------------------------------- real pages


@real
@pytest.mark.parametrize("prefix, title, number, issuer, date", [
    ("08_", "广州市卫生健康委等4部门关于印发推进广州市家庭医生签约服务高质量发展实施方案的通知",
     "穗卫函〔2023〕1930号", "广州市卫生健康委员会", "2023-10-19"),
    # a reprint: the page's 发布机构 is the street office that reprinted it, not the issuer
    ("11_", "广州市人民政府办公厅关于印发广州市公共租赁住房管理办法的通知",
     "穗府办规〔2024〕13号", "广州市人民政府办公厅", "2024-07-26"),
    ("10b_", "广州市医疗保障局广州市财政局广州市卫生健康委员会关于印发广州市社会医疗保险统筹基金支付门诊特定病种费用范围及标准的通知",
     "穗医保规字〔2019〕4号", "广州市医疗保障局、广州市财政局、广州市卫生健康委员会", "2019-06-14"),
    ("17_", "广州市天河区深化支持港澳青年创新创业高质量发展实施办法",
     "穗天科工信规字〔2023〕1号", "天河区科技工业和信息化局", "2023-08-09"),
    ("27b_", "广州市残疾人联合会关于印发广州市残疾人辅助器具适配工作管理办法的通知",
     "穗残联规字〔2019〕2号", "广州市残疾人联合会", "2019-01-17"),
    # 35_ and 35c_ hold each other's document: the page decides, not the file name
    ("35_", "广州市人力资源和社会保障局广州市公安局关于印发广州市引进人才入户管理办法实施细则的通知",
     "穗人社规字〔2022〕2号", "广州市人力资源和社会保障局 广州市公安局", "2022-07-07"),
    ("35c_", "广州市人民政府办公厅关于印发广州市引进人才入户管理办法的通知",
     "穗府办规〔2020〕10号", "广州市人民政府办公厅", "2020-06-29"),
    # <title> is the column ("通知公告 - 广州市人民政府门户网站"); ArticleTitle is the document's
    ("06_", "广州市医疗保险服务中心关于开展2026年度广州市城乡居民基本医疗保险集中参保缴费工作的通告",
     "", "广州市医疗保险服务中心", "2025-10-14"),
    ("35b_", "学历型人才引进入户申报指南", "", "市人力资源社会保障局 人力资源流动管理处", "2026-05-18"),  # 【关注】
    ("20_", "广州市劳动人事争议仲裁网上申请流程", "", "广州市人力资源和社会保障局", "2022-05-06"),  # 【人社】
    ("09_", "本月起，这笔钱直接发放至个人！", "", "广州市政务服务和数据管理局、广州市医疗保障局", "2025-12-03"),
])
def test_real_page_metadata(prefix, title, number, issuer, date):
    hints = html_lines(page(prefix)).hints
    assert hints.get("title") == title
    assert hints.get("doc_number", "") == number
    assert hints.get("issuer") == issuer
    assert hints.get("date") == date


@real
@pytest.mark.parametrize("prefix, title, number", [
    ("08_", "推进广州市家庭医生签约服务高质量发展实施方案", "穗卫函〔2023〕1930号"),
    ("05_", "2026年广州市天河区幼儿园招生工作方案", ""),
    ("11_", "广州市公共租赁住房管理办法", "穗府办规〔2024〕13号"),
    ("28_", "广州市人民政府办公厅关于进一步加强特困人员救助供养工作的通知", "穗府办规〔2021〕7号"),
    ("35_", "广州市引进人才入户管理办法实施细则", "穗人社规字〔2022〕2号"),
    ("35c_", "广州市引进人才入户管理办法", "穗府办规〔2020〕10号"),
])
def test_real_page_citation_title(prefix, title, number):
    """A page titled "…关于印发X的通知" is cited as 《X》（文号）, like a text file."""
    path = page(prefix)
    document = parse_file(path, path.stem, "0").document
    assert (document.title, document.doc_number) == (title, number)


@real
def test_every_real_file_is_read():
    """All of realdocs/guangzhou parses into something searchable (what `build` needs)."""
    files = sorted(p for p in GUANGZHOU.iterdir() if p.is_file())
    assert len(files) == 38
    for path in files:
        parsed = parse_file(path, path.stem, "0")
        assert document_chunks(parsed.clauses, parsed.tables), path.name


@real
def test_real_pages_have_no_boilerplate():
    for path in sorted(GUANGZHOU.glob("*.htm*")):
        lines = texts(path)
        assert lines, path.name
        for text in lines:
            assert not [b for b in BOILERPLATE if b in text], (path.name, text)


@real
@pytest.mark.parametrize("prefix, first, last", [
    ("08_", "穗卫函〔2023〕1930号", "24\t加强宣传引导。"),
    ("11_", "穗府办规〔2024〕13号", "广州市人民政府办公厅秘书处 2024年7月29日印发"),
    ("35c_", "穗府办规〔2020〕10号", "公开方式：主动公开"),
    ("02_", "一、申请资格及学位情况", "附件3 2026年天河区民办中小学积分入学招生计划.xlsx"),  # attachment links stay
    ("07_", "广州市现已开通省内及跨省异地就医住院", "（4）异地就医备案人员在备案地和广州市可双向享受医保结算待遇"),
])
def test_real_page_body_is_complete(prefix, first, last):
    lines = texts(page(prefix))
    assert lines[0].startswith(first)
    assert lines[-1].startswith(last)


@real
def test_regulation_attachment_tables_in_their_own_boxes_are_kept():
    """穗人社规字〔2019〕6号 puts each 附表 in a box beside the article box."""
    lines = texts(page("18_"))
    for n in range(1, 7):
        assert f"附表{n}" in lines
    assert lines[-1].startswith("序号\t姓名\t身份证号码")


@real
def test_family_doctor_clause_lines():
    lines = texts(page("08_"))
    for heading in ("一、主要目标", "二、主要任务", "（一）扩大签约服务供给", "三、组织实施", "附件1", "附件2",
                    "关于推进广州市家庭医生签约服务高质量发展工作的任务分工表"):
        assert heading in lines
    assert any(t.startswith("1.有序扩大家庭医生来源。") for t in lines)
    labels = [c.label for c in parse_file(page("08_"), "gz08", "0").clauses]
    assert {"二（一）1", "二（四）4", "三（三）", "附件1", "附件2"} <= set(labels)


@real
def test_family_doctor_task_table_rows_with_merged_cells_filled():
    rows = [line.text.split("\t") for line in html_lines(page("08_")).lines if line.table]
    header = ["序号", "工作事项", "主要内容", "牵头单位", "配合单位", "市卫健委内牵头处室", "市卫健委内配合处室"]
    start = rows.index(header)
    tasks = rows[start + 1:]
    assert all(len(r) == 7 for r in tasks)
    long_prescription = next(r for r in tasks if "处方用药量最长放宽至3个月" in r[2])
    assert long_prescription[:2] == ["6", "保障合理用药。"]  # 序号 and 工作事项 are merged over item 6's rows
    assert long_prescription[3:5] == ["市医保局、市卫生健康委、各区政府", "/"]
    assert [r[0] for r in tasks].count("6") == 4
    item3 = [r for r in tasks if r[0] == "3"]
    assert item3[0][3:5] == ["各区政府、市卫生健康委", "/"]
    assert [r[0] for r in tasks][-1] == "24"
    indicators = rows[:start]
    assert indicators[0] == ["一级指标", "二级指标", "评价标准", "指标含义", "数据来源"]
    coverage = next(r for r in indicators if r[1] == "1.重点人群签约服务覆盖率")
    assert coverage[0] == "签约数量指标" and "2023年达到80%，力争2035年达到95%" in coverage[2]
    assert next(r for r in indicators if r[1] == "2.签约服务覆盖率")[0] == "签约数量指标"  # rowspan


@real
def test_page_of_links_gives_its_list():
    """20b is a column page (a list of notices), not an article: the list is its text, the pager is not."""
    loaded = html_lines(page("20b_"))
    lines = [line.text for line in loaded.lines]
    assert loaded.hints["title"] == "仲裁公告"
    assert lines[0].startswith("广州市劳动人事争议仲裁机构收案地址及各区联系方式")
    assert not any("下一页" in t or "网站地图" in t for t in lines)


# --------------------------------------------------------------------------- written pages


def test_rowspan_and_colspan_are_copied_into_every_slot(tmp_path):
    path = write(tmp_path, """
        <p>附件2</p>
        <table>
          <tr><th rowspan="2">序号</th><th rowspan="2">任务</th><th colspan="2">责任单位</th></tr>
          <tr><th>牵头单位</th><th>配合单位</th></tr>
          <tr><td rowspan="2">1</td><td>建设平台</td><td rowspan="2">市科技局</td><td>市财政局</td></tr>
          <tr><td>培育人才</td><td>市人社局</td></tr>
          <tr><td>2</td><td colspan="3">（略）</td></tr>
        </table>""")
    rows = [line.text.split("\t") for line in html_lines(path).lines if line.table]
    assert rows == [
        ["序号", "任务", "责任单位", "责任单位"],
        ["序号", "任务", "牵头单位", "配合单位"],
        ["1", "建设平台", "市科技局", "市财政局"],
        ["1", "培育人才", "市科技局", "市人社局"],
        ["2", "（略）", "（略）", "（略）"],
    ]


def test_caption_row_across_the_table_becomes_lines(tmp_path):
    path = write(tmp_path, """
        <table>
          <tr><td colspan="3"><p>附件1</p><p>重点任务分解表</p></td></tr>
          <tr><td>序号</td><td>任务</td><td>责任单位</td></tr>
          <tr><td>1</td><td>建设平台</td><td>市科技局</td></tr>
        </table>""")
    lines = html_lines(path).lines
    assert [(line.text, line.table) for line in lines] == [
        ("附件1", False), ("重点任务分解表", False),
        ("序号\t任务\t责任单位", True), ("1\t建设平台\t市科技局", True)]


def test_nested_tables(tmp_path):
    """A layout table (one column) holding a data table: the data table comes out as rows;
    a table inside a data cell becomes that cell's text."""
    path = write(tmp_path, """
        <table><tr><td>
          <p>一、工作目标</p>
          <p>到2025年，全市建成一批示范项目，具体如下表所示。</p>
          <table>
            <tr><td>指标</td><td>目标</td></tr>
            <tr><td>示范项目（个）</td><td><table><tr><td>2024年</td><td>5</td></tr>
                                              <tr><td>2025年</td><td>10左右</td></tr></table></td></tr>
          </table>
        </td></tr></table>""")
    lines = html_lines(path).lines
    assert [(line.text, line.table) for line in lines] == [
        ("一、工作目标", False), ("到2025年，全市建成一批示范项目，具体如下表所示。", False),
        ("指标\t目标", True), ("示范项目（个）\t2024年 5；2025年 10左右", True)]


def test_article_without_scripts_navigation_and_footer(tmp_path):
    path = write(tmp_path, head="<title>关于做好2024年就业工作的通知 - 某市人民政府门户网站</title>"
                                "<style>p { color: red }</style><script>var 标题 = '脚本里的字';</script>", body="""
        <div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/a">政务公开</a></li>
          <li><a href="/b">政务服务</a></li><li><a href="/c">互动交流</a></li></ul></div>
        <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/z">通知公告</a></div>
        <div class="main">
          <h1>关于做好2024年就业工作的通知</h1>
          <div class="share">【打印】【字体：大 中 小】 分享到：<a href="#">微信</a></div>
          <div class="article-content">
            <p>&nbsp;&nbsp;各区人民政府，市政府各部门：</p>
            <p>\u3000\u3000为做好今年就业工作，经市人民政府同意，现就有关事项通知如下。</p>
            <p><strong>一、</strong><strong>总体要求</strong></p>
            <p>坚持就业优先，稳定和扩大就业，确保全年城镇新增就业&gt;10万人。</p>
            <!-- 注释不是正文 -->
            <div style="display:none">隐藏的重复正文，隐藏的重复正文，隐藏的重复正文。</div>
            <p>二、工作措施</p>
            <p>（一）加大政策支持力度，落实各项补贴，提高补贴发放效率。</p>
            <script>document.write("脚本写的字");</script>
          </div>
          <ul class="related"><li><a href="/1">关于印发某某办法的通知，某某办法</a></li>
            <li><a href="/2">某某局关于某某工作的通知，某某工作</a></li></ul>
        </div>
        <div class="footer">网站地图 | 联系我们 主办单位：某市人民政府办公厅 粤ICP备12345678号</div>""")
    loaded = html_lines(path)
    assert [line.text for line in loaded.lines] == [
        "各区人民政府，市政府各部门：",
        "为做好今年就业工作，经市人民政府同意，现就有关事项通知如下。",
        "一、总体要求",
        "坚持就业优先，稳定和扩大就业，确保全年城镇新增就业>10万人。",
        "二、工作措施",
        "（一）加大政策支持力度，落实各项补贴，提高补贴发放效率。",
    ]
    assert loaded.hints["title"] == "关于做好2024年就业工作的通知"


def test_gbk_page_with_and_without_declared_charset(tmp_path):
    body = "<div><p>一、总体要求</p><p>到2025年，全市高新技术企业达到3000家，研发投入占比达到3.5%。</p></div>"
    for name, head in (("declared.html", '<meta charset="gb2312">'),
                       ("http-equiv.htm", '<meta http-equiv="Content-Type" content="text/html; charset=GBK">'),
                       ("undeclared.html", "")):
        path = write(tmp_path, body, name=name, head=head + "<title>某市科技创新行动方案</title>", encoding="gbk")
        loaded = load_lines(path)
        assert [line.text for line in loaded.lines] == [
            "一、总体要求", "到2025年，全市高新技术企业达到3000家，研发投入占比达到3.5%。"], name
        assert loaded.hints["title"] == "某市科技创新行动方案"


def test_information_table_and_doc_number_line(tmp_path):
    head = '<meta name="ArticleTitle" content="【转发】某市工信局关于印发某市智能制造行动计划的通知">' \
           '<meta name="PubDate" content="2024-03-08 10:00"><meta name="ContentSource" content="本网">'
    path = write(tmp_path, head=head, body="""
        <table class="info">
          <tr><td>索 引 号：</td><td>123/2024-001</td><td>分类：</td><td></td></tr>
          <tr><td>发布机构：</td><td>某市工业和信息化局</td><td>成文日期：</td><td>2024年3月1日</td></tr>
        </table>
        <div class="content"><p>某工信〔2024〕12号</p><p>各区工信部门：</p>
          <p>现将《某市智能制造行动计划》印发给你们，请认真贯彻执行，抓好工作落实。</p></div>""")
    assert html_lines(path).hints == {
        "title": "某市工信局关于印发某市智能制造行动计划的通知", "doc_number": "某工信〔2024〕12号",
        "issuer": "某市工业和信息化局", "date": "2024-03-01"}
    document = parse_file(path, "p", "0").document
    assert (document.title, document.doc_number) == ("某市智能制造行动计划", "某工信〔2024〕12号")


def test_block_lines_are_never_joined_but_br_lines_may_be(tmp_path):
    """A heading without punctuation stays apart from the paragraph after it; a title broken by <br>
    is one line again."""
    path = write(tmp_path, """<div class="content">
        <p>关于印发某市人才引进<br>实施办法的通知</p>
        <p>对口直升为主，电脑派位为补充</p>
        <p>细则明确，公办初中按免试就近入学原则招生，采用单校划片对口直升为主。</p></div>""")
    paras = [p.text for p in join_lines(html_lines(path).lines)]
    assert paras == ["关于印发某市人才引进实施办法的通知", "对口直升为主，电脑派位为补充",
                     "细则明确，公办初中按免试就近入学原则招生，采用单校划片对口直升为主。"]


def test_empty_and_textless_pages_are_refused(tmp_path):
    (tmp_path / "empty.html").write_bytes(b"")
    with pytest.raises(IngestError, match="文件为空"):
        load_lines(tmp_path / "empty.html")
    with pytest.raises(IngestError, match="没有正文"):
        load_lines(write(tmp_path, "<script>var a = 1;</script><img src='x.png'>", name="images.html"))


def test_upload_checks_html_content():
    check_type("通知.html", "<!DOCTYPE html><html><body><p>正文</p></body></html>".encode("gbk"))
    check_type("通知.htm", b"<p>text</p>")
    for data in (b"%PDF-1.7 ...", b"\x00\x01binary<html>", "只是一段文字，没有标签。".encode()):
        with pytest.raises(UploadError, match="不是网页"):
            check_type("通知.html", data)
