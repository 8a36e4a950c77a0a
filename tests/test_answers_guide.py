"""Issue 8: a service guide in question-and-answer form, written for this test (a city the real
documents do not cover), with the short forms and everyday questions its readers use, beside the
seed and a provincial task table (tests/fixtures/shapes/task_division.md)."""

from __future__ import annotations

import pytest
from conftest import ROOT, SEED, make_corpus

from kspolicy.answer.compose import ask
from kspolicy.answer.passages import holds
from kspolicy.answer.search import load_index
from kspolicy.index.build import build

GUIDE = """# 无锡市公共租赁住房申请办事指南（常见问题解答）

发布单位：无锡市住房保障服务中心

## 一、哪些人可以申请公租房？

1. 本市城镇户籍低收入住房困难家庭：家庭人均月收入低于本市最低生活保障标准的2.5倍，人均住房建筑面积低于15平方米。
2. 新就业无房职工：全日制大专及以上学历，毕业未满5年，与本市用人单位签订劳动合同并在本市连续缴纳社会保险满6个月，本人及配偶在本市无住房；
3. 外来务工人员：年满18周岁，在本市连续缴纳社会保险满12个月，本人及配偶在本市无住房。

## 二、到哪里咨询？

现场咨询地点：无锡市住房保障服务中心，办公时间为工作日上午9:00—12:00。咨询电话：0510-81823456。

## 三、申请公租房要收费吗？

答：申请公租房不收取任何费用，任何单位和个人代办收费的均属违规行为。

## 四、申请要带哪些材料？

申请时应当提交以下材料：

（一）本人居民身份证；

（二）住址证明：租住房屋的，提供房屋租赁合同；居住自有房屋的，提供不动产权证书；

（三）劳动合同或者营业执照。

## 五、到哪里申请？

答：本市户籍家庭向户籍所在地街道办事处（镇人民政府）住房保障窗口提出申请；外来务工人员可以由用人单位集中申请。

## 六、高校毕业生创业有补贴吗？

对毕业5年内首次创业且正常经营6个月以上的高校毕业生，给予一次性创业补贴8000元。
"""


TARGETS = """# 关于下达2025年全市就业工作目标任务的通知

常人社发〔2025〕12号

各辖市、区人力资源和社会保障局：

现将2025年就业工作目标任务下达给你们，请认真组织实施。对未完成年度目标任务的地区，由市人社局进行约谈。

附件：2025年就业工作目标任务分解表

| 地区 | 城镇新增就业（人） | 城镇调查失业率（%） | 新增技能人才（人） |
| --- | --- | --- | --- |
| 天宁区 | 12000 | 5以内 | 6000 |
| 武进区 | 32000 | 4.5 | 14000 |
| 合计 | 44000 | 5以内 | 20000 |
"""


OPINION = """# 青山区关于促进青年就业创业的实施意见

青山政办发〔2026〕8号

一、主要措施

1. 发放一次性求职创业补贴。对困难家庭高校毕业生按每人1500元标准发放一次性求职创业补贴，申请截止时间为每年10月31日。

2. 有下列情形之一的，不予发放一次性求职创业补贴：

（1）已享受同类求职补贴的；

（2）提供虚假申请材料的。

3. 申请一次性求职创业补贴的，到区人社局窗口提出申请，并提交下列证件：（一）居民身份证；（二）毕业证书；（三）困难家庭证明。

附件：重点任务分工表

| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |
|---|---|---|---|---|
| 1 | 发放一次性求职创业补贴 | 区人社局 | 区教育局、区财政局 | 2026年11月底 |
"""

STREETS = """# 青山区2026年就业工作要点

青山人社发〔2026〕5号

一、全年新增城镇就业2.8万人，各街道目标任务见附表。（区人社局牵头，区统计局配合）

附表：2026年各街道就业工作主要目标任务

| 街道 | 新增就业人数（人） | 农村劳动力转移就业（人） |
|---|---|---|
| 东山街道 | 6200 | 300 |
| 秣陵街道 | 5100 | 400 |
| 麒麟街道 | 3100 | — |
| 全区合计 | 14400 | 700 |
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("guide")
    corpus = make_corpus(base / "corpus", SEED, ROOT / "tests" / "fixtures" / "shapes" / "task_division.md")
    (corpus / "无锡市公共租赁住房申请办事指南.md").write_text(GUIDE, encoding="utf-8")
    (corpus / "常州市2025年就业工作目标任务.md").write_text(TARGETS, encoding="utf-8")
    (corpus / "青山区青年就业创业实施意见.md").write_text(OPINION, encoding="utf-8")
    (corpus / "青山区2026年就业工作要点.md").write_text(STREETS, encoding="utf-8")
    build(corpus, base / "index", embedder)
    return load_index(base / "index", embedder=embedder)


def test_a_short_form_the_document_uses_is_matched_after_expansion(index):
    """"公租房" is expanded to 公共租赁住房 for matching, yet a guide that only writes 公租房 still answers;
    "要交钱吗" is answered by the sentence that names the fee (不收取任何费用), not by one naming a
    payment of another kind (社会保险)."""
    answer, _ = ask(index, "申请公租房要交钱吗？")
    assert "不收取任何费用" in answer.text


def test_a_telephone_number_asked_is_answered_by_the_sentence_that_states_it(index):
    """"电话是多少" asks a telephone number, which no quantity rule would accept (it is masked as a
    number that is no quantity)."""
    assert "0510-81823456" in ask(index, "公租房的咨询电话是多少？")[0].text


def test_everyday_names_of_groups(index):
    """外地来打工的 = 外来务工人员; 大学生 = 高校毕业生."""
    assert "满12个月" in ask(index, "外地来打工的，社保要交满多久才能申请公租房？")[0].text
    assert "8000元" in ask(index, "大学生第一次创业，一次性创业补贴给多少钱？")[0].text


def test_a_marginal_kind_is_another_kind():
    """"低保边缘家庭" are not 低保 families; "低保对象" are."""
    assert not holds("低保边缘家庭中的失能老年人", "低保") and holds("低保对象中的失能老年人", "低保")


def test_when_a_task_is_due_is_answered_by_its_完成时限(index):
    """"…什么时候前完成" about a task of a task table is answered by the row's 完成时限, with its units."""
    answer, _ = ask(index, "充电设施安全隐患排查整治专项行动要在什么时候前完成？")
    assert "2024年9月底前" in answer.text and "省应急管理厅" in answer.text


def test_an_items_full_sentence_is_listed(index):
    """An item holding "；" ("住址证明：租住房屋的，提供…合同；居住自有房屋的，提供不动产权证书；") is listed
    to its end, not cut at its first "；"."""
    answer, _ = ask(index, "申请公租房要带哪些材料？")
    assert "房屋租赁合同" in answer.text and "不动产权证书" in answer.text and "营业执照" in answer.text


def test_this_year_is_no_topic(index):
    """"今年" names no year a document could hold: "武进今年新增就业目标" is answered from the 2025 table."""
    assert "32000" in ask(index, "武进今年新增就业目标是多少人？")[0].text


def test_lead_with_other_responsible_units():
    """"（X牵头，A、B配合）" is a note like "（牵头单位：X；配合单位：A、B）"; "牵头单位：X；责任单位：A、B" names no
    partners, so the answer says 其他责任单位, never "配合：无"."""
    from kspolicy.answer.fromfacts import roles_text
    from kspolicy.models import Responsibility
    from kspolicy.understand.roles import note_spans, parse_note
    from kspolicy.understand.vocab import load_vocabulary
    vocab = load_vocabulary()
    note = note_spans("推进网上零售。（市商务局牵头，市财政局、各辖市区配合）", vocab)[0].group(0)
    roles = parse_note(note, vocab)
    assert roles.lead == ("市商务局",) and roles.partners == ("市财政局", "各辖市区")
    assert not parse_note("（市发改委牵头，做好统筹配合）", vocab)
    roles = parse_note("（牵头单位：市发改委；责任单位：市工信局、市科技局）", vocab)
    text = roles_text(Responsibility("t", roles.departments, "一", "d", lead=roles.lead, partners=roles.partners))
    assert "牵头：市发改委；其他责任单位：市工信局、市科技局" in text and "配合" not in text


def test_a_period_of_validity_is_the_documents_own():
    """"居住证有效期为1年" on a Q&A page is no period of the page; "本办法…有效期5年" and a sentence that
    opens with 有效期 are."""
    from kspolicy.understand.validity import read_validity
    assert read_validity("三、居住证有效期为1年，期满前30日内申请签注。", "2025-04-15").expires == ""
    assert read_validity("本办法自印发之日起施行，有效期5年。", "2019-06-01").expires == "2024-05-31"
    assert read_validity("本方案自印发之日起实施。有效期3年。", "2024-12-01").expires == "2027-11-30"
    about = read_validity("答：《江宁区灵活就业人员社会保险补贴实施细则》自2026年4月1日起施行，有效期至2030年3月31日。",
                          "2026-03-18", "江宁区灵活就业人员社会保险补贴政策问答")
    assert (about.effective, about.expires) == ("", "")  # a page of questions about another document
    own = read_validity("《江宁区灵活就业人员社会保险补贴实施细则》自2026年4月1日起施行。", "2026-03-18",
                        "江宁区灵活就业人员社会保险补贴实施细则")
    assert own.effective == "2026-04-01"


def test_a_district_named_must_be_in_the_quotes_context(index):
    """"武进区完成年度就业目标有什么奖励" is not answered by the notice's sentence on 约谈, which names no
    district; asked about the district's target, the table row answers."""
    assert ask(index, "武进区完成年度就业目标有什么奖励？")[0].kind == "none"
    assert "12000" in ask(index, "天宁新增就业目标多少人")[0].text


def test_a_time_asked_needs_a_date_or_period():
    """"什么时候截止" is not answered by a sentence that names no date, period or time limit, however well
    it covers the question's words."""
    from kspolicy.answer.evidence import Evidence, Thresholds, judge
    from kspolicy.answer.query import analyse
    q = analyse("数字经济专项资金项目申报什么时候截止？", {}, {})
    limits = Thresholds(coverage=0.25, missing=0.5, dense=0.31, floor=0.15)
    amount = "市级财政安排数字经济发展专项资金3亿元，单个项目补助最高不超过500万元。"
    assert not judge(q, Evidence(1.0, 0.0, 0.9, True, amount, quote=amount), limits)
    dated = "专项资金项目申报截止时间为每年6月30日前。"
    assert judge(q, Evidence(1.0, 0.0, 0.9, True, dated, quote=dated), limits)


def test_a_longer_kind_is_not_the_shorter_one():
    """博士后 is a kind of its own: a sentence on 博士研究生 does not answer a question about 博士后."""
    from kspolicy.answer.evidence import other_kind
    assert other_kind("博士后来常州工作有没有安家补贴", "其中博士研究生最高不超过20万元", "")
    assert not other_kind("博士来常州工作有没有购房补贴", "其中博士研究生最高不超过20万元", "")


def test_where_to_apply_is_answered_by_the_sentence_naming_the_place(index):
    """"到哪里去申请" is answered by "向…住房保障窗口提出申请", not by an item of the materials list that
    covers the question's words as well (the document's title holds them all)."""
    assert "住房保障窗口" in ask(index, "公租房到哪里去申请？")[0].text


def test_an_attachments_file_name_is_never_quoted():
    """"附件2 2026年天河区公办初中积分入学招生计划.xls" names a file; it answers nothing."""
    from kspolicy.answer.passages import quote
    from kspolicy.answer.query import analyse
    from kspolicy.models import Chunk
    chunk = Chunk("c", "d", "L", "附件列表", "", "附件2 2026年天河区公办初中积分入学招生计划.xls\n积分入学的积分按指标体系计算。")
    q = analyse("积分入学的积分怎么算", {}, {})
    found = quote(chunk, 0, q, [(("积分",), 3.0), (("入学",), 2.0)])
    assert found is not None and ".xls" not in found.text


def test_a_form_two_kinds_share_names_both():
    """"中学" is 初中 or 高中: a question about 初中 is answered by a context that says 公办中学."""
    from kspolicy.answer.evidence import other_kind
    assert not other_kind("孩子想读天河公办初中，租赁备案证明有啥要求", "申请入读天河区公办中学，须提供…；小学招生…", "")
    assert other_kind("孩子想读天河公办初中，租赁备案证明有啥要求", "小学招生，须提供…", "")


def test_an_applicants_deadline_is_not_a_tasks_完成时限(index):
    """"申请截止到什么时候" is answered by the rule (每年10月31日); "这项工作什么时候前完成" by the task
    table's 完成时限 (2026年11月底)."""
    assert "每年10月31日" in ask(index, "一次性求职创业补贴申请截止到什么时候？")[0].text
    assert "2026年11月底" in ask(index, "发放一次性求职创业补贴这项工作什么时候前完成？")[0].text


def test_a_street_asked_is_answered_from_its_row(index):
    """Streets as rows under a "街道" header: the street's own value, and "—" as not assigned."""
    assert "6200" in ask(index, "东山街道今年新增就业要完成多少人？")[0].text
    assert "未划分" in ask(index, "麒麟街道农村劳动力转移就业目标是多少？")[0].text


def test_a_yes_no_question_answered_by_an_item_gets_its_lead_in(index):
    """"已经领过…还能领吗" is answered by an item ("（1）已享受同类求职补贴的；") that says nothing alone:
    the sentence announcing the items ("有下列情形之一的，不予发放…：") is quoted with it."""
    answer, _ = ask(index, "已经享受过同类求职补贴的，还能领一次性求职创业补贴吗？")
    assert "不予发放一次性求职创业补贴：（1）已享受同类求职补贴的" in answer.text


CARE = """# 青山区居家养老服务补贴管理办法

第一条 为规范居家养老服务补贴发放，制定本办法。

第二条 居家养老服务补贴以电子服务券形式发放。

第三条 居家养老服务补贴由区民政局审定。

第四条 特困供养老年人的居家养老服务补贴为每人每月800元。

第五条 区民政局应当自收到审核材料之日起10个工作日内完成审定。
"""

GRANT = """# 青山区新引进高校毕业生生活补贴申领办事指南

一、办理对象：新引进的全日制高校毕业生。

二、咨询电话：区人才服务热线0571-12333。
"""


def test_a_telephone_asked_for_one_matter_is_not_anothers_and_how_long_is_asked(tmp_path, embedder):
    """"居家养老服务补贴的咨询电话" is not answered by the graduate grant guide's number: the matter asked
    about (居家养老, rare words in no other document here) must be in the quote's context, not only the
    words asking for a number (咨询电话, rarer in this library than the matter itself)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "居家养老服务补贴管理办法.md").write_text(CARE, encoding="utf-8")
    (corpus / "生活补贴申领办事指南.md").write_text(GRANT, encoding="utf-8")
    build(corpus, tmp_path / "index", embedder)
    small = load_index(tmp_path / "index", embedder=embedder)
    assert "0571-12333" in ask(small, "高校毕业生生活补贴的咨询电话是多少？")[0].text
    assert ask(small, "居家养老服务补贴的咨询电话是多少？")[0].kind == "none"
    # "多长时间" asks a time (it is no word the corpus lacks), and "10个工作日内" states one
    assert "10个工作日内" in ask(small, "区民政局审定养老补贴要多长时间？")[0].text


def test_a_first_item_printed_with_its_lead_in_is_listed(index):
    """"并提交下列材料：（一）居民身份证；（二）…": the first item shares its sentence with the lead-in
    and is listed with the others (it was left out)."""
    answer, _ = ask(index, "青山区申请一次性求职创业补贴要带哪些证件？")
    assert "居民身份证" in answer.text and "困难家庭证明" in answer.text


def test_a_year_no_table_sets_is_not_answered_by_another_years_target(index):
    """The street table is for 2026: "东山街道2027年…" is not answered by it, nor by the district's 2026
    target as "未单列"."""
    assert "6200" in ask(index, "东山街道2026年新增就业人数目标是多少？")[0].text
    assert ask(index, "东山街道2027年新增就业人数目标是多少？")[0].kind == "none"
