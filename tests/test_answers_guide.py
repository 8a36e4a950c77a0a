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

## 四、高校毕业生创业有补贴吗？

对毕业5年内首次创业且正常经营6个月以上的高校毕业生，给予一次性创业补贴8000元。
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    base = tmp_path_factory.mktemp("guide")
    corpus = make_corpus(base / "corpus", SEED, ROOT / "tests" / "fixtures" / "shapes" / "task_division.md")
    (corpus / "无锡市公共租赁住房申请办事指南.md").write_text(GUIDE, encoding="utf-8")
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
