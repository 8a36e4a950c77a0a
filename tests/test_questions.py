"""How people actually type questions: colloquial cues, abbreviations, superlatives, two districts."""

from __future__ import annotations

import pytest

from kspolicy.answer.compose import ask
from kspolicy.answer.query import analyse, expand_abbreviations


@pytest.fixture(scope="module")
def index(seed_index):
    return seed_index[1]


@pytest.mark.parametrize("question, kind, expected", [
    ("绿色低碳标杆这块谁来抓", "responsibility", ["市工信局", "市发改委", "昆山生态环境局"]),
    ("高价值专利项目 主责部门是哪几个", "responsibility", ["市市场监管局", "市科技局"]),
    ("市市场监管局要干哪些事", "department_tasks", ["打响一批昆山制造品牌", "实施一批高价值专利项目"]),
    ("市监局负责哪些任务", "department_tasks", ["市市场监管局"]),
    ("昆山高新区 任务分解 指标汇总一下", "district_targets", ["910", "385"]),
    ("张浦镇的目标", "district_targets", ["170"]),
    ("巴城 充电站", "target", ["巴城：累计新能源汽车充电站新建数 5 座"]),
    ("花桥镇高企目标是多少？", "target", ["12 家"]),
    ("花桥经济开发区 超50亿企业新增几家", "target", ["1 家"]),
    ("张浦镇创新集群数指标是几个", "target", ["1 个"]),
    ("全市装备制造产业规模2025年要到多少", "target", ["4000 亿元"]),
    ("开发区和高新区的装备制造产业规模分别是多少", "target", ["开发区：装备制造产业规模 1800", "高新区：装备制造产业规模 910"]),
    ("哪个区镇的高新技术企业新增目标最多", "target", ["最多的是开发区：135 家"]),
    ("充电站建设任务最少的是哪个镇", "target", ["最少的是花桥、张浦、陆家、千灯：4 座"]),
    ("花桥和旅游度假区的一流领军人才和创新团队新增目标各是多少人？", "target",
     ["花桥：累计装备制造领域一流领军人才和创新团队新增数 15 人", "旅度区：累计装备制造领域一流领军人才和创新团队新增数 23 人"]),
    ("周市、陆家两镇装备制造产业规模目标分别是多少亿元？", "target", ["周市：装备制造产业规模 180", "陆家：装备制造产业规模 155"]),
    ("除开发区、高新区外，哪个区镇的高新技术企业新增目标最多？", "target", ["最多的是旅度区：19 家"]),
    ("东接嘉定串联了哪几个区镇", "passage", ["陆家镇、千灯镇"]),
    ("哪个区镇的上市装备制造企业数最多？", "target", ["累计上市装备制造企业数未划分到各区镇（全市 10 家）"]),
    ("哪个区镇的装备制造产业规模最小", "target", ["最小的是千灯：150 亿元"]),
    ("花桥要提高企业技术中心的目标是多少？", "target", ["花桥：累计省级以上企业技术中心新增数 1 家"]),
    ("千灯的高新技术企业数量目标", "target", ["千灯：累计高新技术企业新增数 11 家"]),
    ("张浦和巴城培育什么企业？", "passage", ["精密模具制造骨干企业"]),
    ("市场监管局在乡镇有哪些职责？", "department_tasks", ["打响一批昆山制造品牌"]),
    ("十个一批行动具体是哪十个", "passage", ["一批领军企业", "一批科技金融产品"]),
])
def test_phrasings(index, question, kind, expected):
    answer, _ = ask(index, question)
    assert answer.kind == kind, answer.text
    for text in expected:
        assert text in answer.text


@pytest.mark.parametrize("question", ["太仓市汽车零部件产业规模的2025年目标是多少？", "集成电路产业规模到2025年要达到多少亿元？",
                                      "周庄镇要新建多少座新能源汽车充电站？", "锦溪镇 充电站"])
def test_close_but_not_in_the_corpus(index, question):
    assert ask(index, question)[0].kind == "none"


def test_apostrophes_are_not_quotes(index):
    from kspolicy.answer.search import search

    assert search(index, "What's Kunshan's target for new high-tech enterprises?", k=3)


def test_query_analysis(index):
    q = analyse("昆山旅游度假区2025年汽车产业规模目标是多少？", index.places, index.departments)
    assert (q.intent, q.districts, q.year, q.topic) == ("target", ("旅度区",), 2025, "汽车产业规模")
    assert analyse("淀山湖镇的高企目标", index.places, index.departments).unknown_place == "淀山湖镇"
    assert analyse("东接嘉定串联了哪几个区镇", index.places, index.departments).unknown_place == ""
    assert expand_abbreviations("超50亿企业") == "超50亿元企业"


def test_what_a_question_asks_for():
    """"哪些措施" asks for a list of measures; any other "哪些X" for the things named; "哪些部门"
    for units, which the facts answer."""
    from kspolicy.answer.query import asked

    assert asked("有哪些支持措施？")[0] == "list"
    assert asked("智能电梯主攻哪些技术？")[0] == "items"
    assert asked("见习单位不能安排见习人员干哪些活")[0] == "items"
    assert asked("人才引进由哪些部门负责？")[0] == ""
    assert asked("小学网上报名是哪几天？")[0] == "time" and asked("串联了哪几个区镇")[0] == ""
    assert asked("哪些单位配合？") == ("", "partner", "")


def test_a_list_answer_spans_its_items():
    """An item may run over several sentences ("a.…；…。b.…"); the answer runs from the item that
    holds the best sentence to the last item, and a sentence that enumerates stands alone."""
    from kspolicy.answer.passages import list_span, split_sentences

    text = ("申请时提交以下材料。a.病历资料：住院的，提供出院记录；门诊的，提供门诊病历。"
            "未满4个月的，提供休假意见。b.《信息采集表》。另行通知的事项，以通知为准。")
    sentences = split_sentences(text)
    span = list_span(sentences, sentences.index("未满4个月的，提供休假意见。"))
    quoted = "".join(sentences[j] for j in span)
    assert quoted.startswith("a.病历资料") and quoted.endswith("b.《信息采集表》。")
    lone = ["重点发展智能电梯，主攻PLC技术、传感技术、人工神经网络。", "支持张浦培育模具企业。"]
    assert list_span(lone, 0, paragraph=False) == [0]
    assert list_span(lone, 0) == [0, 1]


def test_one_character_fillers_go_only_where_they_stand_alone():
    """"本" of "本文件" carries no topic; "本" of "基本养老保险" and "本市户籍" does."""
    from kspolicy.answer.query import strip_question

    assert "基本养老保险" in strip_question("灵活就业人员基本养老保险怎么交？")
    assert "本市户籍" in strip_question("本市户籍孩子上小学是哪几天报名？")
    assert strip_question("这个文件里本单位负责什么？") == ""


def test_a_negated_word_is_not_the_word():
    from kspolicy.answer.passages import covered, holds

    assert not holds("非本市户籍适龄儿童", "本市户籍") and holds("非本市户籍适龄儿童", "非本市户籍")
    assert holds("非本市户籍的，或具有本市户籍的", "本市户籍")
    terms = [(("本市",), 2.0), (("户籍",), 2.0)]
    assert covered(terms, "具有本市户籍的适龄儿童") == 1.0 and covered(terms, "非本市户籍适龄儿童") == 0.5


def test_a_question_that_asks_two_things():
    """Two parts by "？" or, when each clause asks for something else, by "，"; a part without a
    subject of its own is asked about the first part's subject."""
    from kspolicy.answer.compose import split_question

    assert split_question("推进会是哪天开的，来了多少人") == ["推进会是哪天开的", "推进会是来了多少人"]
    assert split_question("花桥的高企目标是多少？远期目标呢") == ["花桥的高企目标是多少", "花桥的高企目标是多少，远期目标呢"]
    assert split_question("如果是外地户籍，需要哪些材料") == ["如果是外地户籍，需要哪些材料"]
    assert split_question("高企目标是多少，科技型中小企业是多少") == ["高企目标是多少，科技型中小企业是多少"]
    assert len(split_question("学位补贴是发给家长还是给学校？什么时候发？")) == 2  # "A还是B" asks too
    assert split_question("申报见习基地，先由哪家初核，再由哪家复核") == [  # who does each step
        "申报见习基地，先由哪家初核", "申报见习基地，再由哪家复核"]
    assert split_question("这项任务谁牵头，谁配合") == ["这项任务谁牵头，谁配合"]  # roles: one responsibility
    assert split_question("灵活就业交养老保险，什么时候开始交，每月交多少") == [  # the first clause is the subject
        "灵活就业交养老保险，什么时候开始交", "灵活就业交养老保险，每月交多少"]


def test_an_amount_asked_beside_money_is_money():
    """"缴费基数是多少钱，一个月最少交多少": 交多少 (money or a share) is of money here."""
    from kspolicy.answer.query import asked

    assert asked("缴费基数是多少钱，一个月最少交多少")[2] == "money"
    assert asked("一个月最少交多少")[2] == "amount"


def test_a_continued_sentence_brings_its_subject():
    from kspolicy.answer.passages import with_subject

    sentences = ["甲局负责规划；", "制定预算，组织开展调查。", "丙局负责宣传；", "（二）乙局负责监督；", "开展检查。"]
    assert with_subject(sentences, [1]) == [0, 1]
    assert with_subject(sentences, [2]) == [2]  # after "。" a sentence starts afresh
    assert with_subject(sentences, [3]) == [3]  # so does a numbered item
    assert with_subject(sentences, [4, 5]) == [3, 4, 5]


def test_spoken_forms_are_read_as_written():
    from kspolicy.answer.query import asked, expand_abbreviations

    assert expand_abbreviations("第一次办社保卡要带啥") == "第一次办社保卡要带什么"
    assert asked(expand_abbreviations("申请要交啥材料"))[::2] == ("list", "material")


def test_questions_are_cut_with_the_index_jieba(index):
    """analyse uses the jieba it is given (the index's, Tokenizer.words), not a second dictionary."""
    calls = []

    def cut(text):
        calls.append(text)
        return index.tokenizer.words(text)

    q = analyse("本市户籍孩子上小学是哪几天报名？", index.places, index.departments, cut=cut)
    assert calls and "本市户籍" in q.content


def test_a_district_that_is_also_a_documents_city_does_not_filter_a_citys_table():
    """"余杭区2027年…目标" names 余杭区, a district of the 杭州 table and the city of other documents: the
    杭州 table's 余杭区 row is in scope (for a unit's duties the city still narrows)."""
    from types import SimpleNamespace

    from kspolicy.answer.fromfacts import in_scope
    from kspolicy.answer.query import Query

    index = SimpleNamespace(documents={"notice": SimpleNamespace(city="杭州")})
    fact = SimpleNamespace(doc_id="notice")
    q = Query("余杭区2027年新增普惠性托位目标是多少", "target", ("余杭区",), (), 2027, "新增普惠性托位", "", "",
              cities=("余杭区",))
    assert in_scope(index, q, fact)
    assert not in_scope(index, Query(q.text, "responsibility", ("余杭区",), (), None, "", "", "", cities=("余杭区",)), fact)
