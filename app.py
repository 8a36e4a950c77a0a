"""Streamlit page of the policy knowledge base: ask, browse facts, maintain the corpus.

Run with `streamlit run app.py`. Settings come from the environment (read here
and in cli.py only): KSPOLICY_INDEX (default "index"), KSPOLICY_MODEL (default:
the model the index was built with, else the offline default), KSPOLICY_CORPUS
(default "corpus"), KSPOLICY_MAINTAINER_TOKEN (uploading and rebuilding need it;
unset: both disabled), KSPOLICY_AUDIT_LOG (default INDEX/audit.log) and the limits
of kspolicy/read/limits.py. The page only lays out what the package computes:
answers from `kspolicy.answer`, tables from `kspolicy.views.browse`, answer cards
from `kspolicy.views.present`, uploads through `kspolicy.views.upload`. Text from
documents, file names and questions is data: escaped before any markdown.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from kspolicy.views import browse, maintain, present, upload
from kspolicy.answer.compose import ask
from kspolicy.index.embed import EmbedderError, canonical_name, load_embedder
from kspolicy.index.build import IndexProblem, WriteFailed, build, read_manifest, resolve
from kspolicy.index.verify import DAMAGED
from kspolicy.read.limits import Limits, cut_question
from kspolicy.answer.query import analyse
from kspolicy.answer.search import Index, check_model, load_index
from kspolicy.read.ingest import SUPPORTED_NAMES

INDEX_DIR = Path(os.environ.get("KSPOLICY_INDEX") or "index")
MODEL = os.environ.get("KSPOLICY_MODEL") or None
CORPUS = Path(os.environ.get("KSPOLICY_CORPUS") or "corpus")
TOKEN = os.environ.get("KSPOLICY_MAINTAINER_TOKEN") or None
AUDIT_LOG = Path(os.environ.get("KSPOLICY_AUDIT_LOG") or INDEX_DIR / "audit.log")
STAGES = ("解析", "向量化", "写入索引")
MAX_MB = upload.MAX_BYTES // (1024 * 1024)
HISTORY = 20
PAGES = ("问答", "责任分工", "目标分解", "文件库")


# --------------------------------------------------------------------------- loading and building


@st.cache_resource(show_spinner="正在加载向量模型…")
def get_embedder(name: str):
    return load_embedder(name)


@st.cache_resource(max_entries=2, show_spinner="正在加载索引…")
def get_index(folder: str, model: str | None) -> Index:
    """The index of one build folder; a rebuild publishes a new folder, so it is loaded anew."""
    manifest = read_manifest(Path(folder)) or {}
    check_model(manifest, model)
    return load_index(Path(folder), model, embedder=get_embedder(manifest.get("model", "")))


@st.cache_resource(max_entries=2, show_spinner="正在读取事实表…")
def get_library(folder: str) -> browse.Library:
    return browse.load_library(Path(folder))


def limits() -> Limits:
    """Limits from the environment; a bad setting stops the page with one message."""
    try:
        return Limits.from_env(os.environ)
    except ValueError as exc:
        st.error(present.escape(str(exc)))
        st.stop()


def actor() -> maintain.Actor:
    """Who is behind this session, for the audit log: session id and client address."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    session = getattr(get_script_run_ctx(), "session_id", "")
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - not available outside a served page (tests)
        address = ""
    return maintain.Actor(session if isinstance(session, str) else "", address if isinstance(address, str) else "")


def audit(action: str, what: list[str], outcome: str) -> None:
    problem = maintain.record(AUDIT_LOG, actor(), action, what, outcome)
    if problem:
        st.warning(present.escape(f"{problem}：{AUDIT_LOG}"))


def run_build() -> dict:
    """Build or update the index with a progress bar per stage; returns {'report'} or {'error'}.

    Parsing happens in the build's worker process, never in the page's process: a
    hostile file costs a skipped file, not the page.
    """
    bars = {stage: st.progress(0.0, text=f"{stage}：等待") for stage in STAGES}

    def progress(stage: str, done: int, total: int) -> None:
        if stage in bars:
            bars[stage].progress(min(done / total, 1.0) if total else 1.0, text=f"{stage}：{done}/{total}")

    manifest = read_manifest(INDEX_DIR) or {}
    model = MODEL or manifest.get("model")  # keep the model the index was built with
    try:
        report = build(CORPUS, INDEX_DIR, get_embedder(canonical_name(model)), progress=progress,
                       limits=limits())
    except (IndexProblem, EmbedderError, WriteFailed) as exc:
        return {"error": str(exc)}
    for stage, bar in bars.items():
        bar.progress(1.0, text=f"{stage}：完成")
    if (read_manifest(INDEX_DIR) or {}).get("built_at") != manifest.get("built_at"):
        get_index.clear()  # a new build was published: free the old one; the next run loads the new
        get_library.clear()
    return {"report": report}


def show_outcome(outcome: dict | None) -> None:
    """What the last upload or rebuild did: saved and refused files, the build report, skipped files."""
    if not outcome:
        return
    esc = present.escape
    for refused in outcome.get("refused", []):
        st.error(esc(f"未保存“{refused.name}”：{refused.reason}"))
    if outcome.get("saved"):
        st.success(esc("已保存到语料目录：" + "、".join(outcome["saved"])))
    if outcome.get("error"):
        st.error(esc(f"索引未更新：{outcome['error']}"))
    report = outcome.get("report")
    if report:
        st.success(esc(upload.report_text(report) + (f" {report.note}" if report.note else "")))
        for title, ids in (("新增", report.added), ("变更", report.changed), ("删除", report.removed)):
            if ids:
                st.markdown(f"{title}：" + "、".join(present.escape(i) for i in ids))
        if report.skipped:
            st.warning(f"以下 {len(report.skipped)} 个文件未收录：")
            st.dataframe(pd.DataFrame([(s.path, s.reason) for s in report.skipped], columns=["文件", "原因"]),
                         hide_index=True)


def check_token() -> None:
    """The maintainer token was entered: compare it once, clear the field, log the attempt."""
    given = st.session_state.get("maintainer_token", "")
    st.session_state.maintainer_token = ""  # the token never stays in the page
    ok = maintain.token_ok(given, TOKEN)
    st.session_state.maintainer = ok
    st.session_state.token_refused = not ok
    audit("口令验证", [], "通过" if ok else "口令错误，已拒绝")
    if not ok:
        time.sleep(1)  # slows down guessing


def maintainer_gate() -> bool:
    """Whether this session may upload and rebuild; shows how to get there when it may not."""
    if not TOKEN:
        st.info(maintain.DISABLED)
        return False
    if st.session_state.get("maintainer"):
        return True
    st.text_input("维护口令（上传文件和重建索引需要；提问和浏览不需要）", type="password", key="maintainer_token",
                  on_change=check_token)
    if st.session_state.get("token_refused"):
        st.error("维护口令不正确，上传和重建索引未开放。")
    return False


def upload_section() -> None:
    st.subheader("上传文件并重建索引")
    st.caption(present.escape(f"支持 {SUPPORTED_NAMES}（网页请用浏览器“另存为”保存），单个文件不超过 {MAX_MB} MB；"
                              f"文件保存到语料目录 {CORPUS}，然后增量重建索引（只处理有变化的文件），完成后即可提问，无需重启。"))
    allowed = maintainer_gate()
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader("选择文件", accept_multiple_files=True, key=f"uploader-{round_}",
                             max_upload_size=MAX_MB, disabled=not allowed)
    overwrite = st.checkbox("覆盖同名文件", key="overwrite", disabled=not allowed)
    left, right = st.columns(2)
    save = left.button("保存并重建索引", type="primary", disabled=not (allowed and files), key="save_upload")
    rebuild = right.button("仅重建索引", key="rebuild", disabled=not allowed,
                           help="语料目录中的文件被直接增删改后，用它更新索引")
    if (save or rebuild) and not allowed:  # a disabled control cannot be clicked; a forged request is refused
        audit("上传" if save else "重建索引", [f.name for f in files or []], "没有维护口令，已拒绝")
        st.error("需要维护口令才能上传文件和重建索引。")
    elif save or rebuild:
        outcome: dict = {}
        if save:
            saved, refused = upload.save_uploads(CORPUS, [(f.name, f.getvalue()) for f in files], overwrite,
                                                 limits=limits())
            outcome.update(saved=[p.name for p in saved], refused=refused)
            st.session_state.upload_round = round_ + 1  # a fresh, empty uploader after the rerun
        if rebuild or outcome.get("saved"):
            outcome.update(run_build())
        audit("上传" if save else "重建索引", [f.name for f in files] if save else [],
              maintain.outcome_text(outcome))
        st.session_state.outcome = outcome
        st.rerun()
    show_outcome(st.session_state.get("outcome"))


# --------------------------------------------------------------------------- 问答


def queue_example() -> None:
    """An example question was clicked: ask it, and leave the pills unselected again."""
    st.session_state.queued = st.session_state.example
    st.session_state.example = None


def show_answer(entry: dict) -> None:
    """Answer card first, then citation and verbatim clause, then the supporting passages."""
    answer, hits, esc = entry["answer"], entry["hits"], present.escape
    with st.container(border=True):
        st.caption(f"答案类型：{present.KIND_NAMES.get(answer.kind, answer.kind)}")
        if answer.kind == "responsibility":
            st.markdown(f"**{esc(present.answer_task(answer))}** 的责任单位（首位为牵头单位）：")
            st.markdown(present.tags(present.answer_departments(answer)))
            st.caption(esc(answer.text))
        elif answer.kind == "target":
            metrics = present.target_metrics(answer)
            columns = st.columns(min(len(metrics), 3) or 1)
            for n, metric in enumerate(metrics):
                with columns[n % len(columns)]:
                    st.metric(esc(metric.label), metric.value)
                    st.caption(esc(metric.note))
            st.markdown(esc(answer.text))
        elif answer.kind == "department_tasks":
            tasks, indicators = present.department_lines(answer, entry["department"])
            if tasks:
                st.markdown(f"**{esc(entry['department'])}** 负责的任务（{len(tasks)} 项）：")
                st.markdown("\n".join(f"{n}. {line}" for n, line in enumerate(tasks, 1)))
            if indicators:
                st.markdown(f"负责的分解指标（{len(indicators)} 项）：")
                st.markdown("\n".join(f"- {line}" for line in indicators))
        elif answer.kind == "district_targets":
            given, unassigned = present.district_lines(answer)
            district, clause = (answer.facts[0]["scope"], answer.facts[0]["clause"]) if answer.facts else ("", "")
            st.markdown(f"**{esc(district)}** 的目标（{len(given)} 项，出处：{esc(clause)}）：")
            st.markdown("\n".join(f"- {line}" for line in given))
            if unassigned:
                st.caption(f"未划分到{esc(district)}的指标：" + "、".join(unassigned))
        elif answer.kind == "passage":
            st.markdown("> " + esc(answer.text))
        else:
            st.warning(esc(answer.text))
    if answer.citation:
        st.markdown("**引用**（右上角可复制）")
        st.code(answer.citation, language=None)
        if answer.clause_text:
            st.markdown("**条款原文**")
            st.code(answer.clause_text, language=None, wrap_lines=True)
    weak = answer.kind == "none"
    if hits:
        st.markdown("**最接近的段落（相关度弱，仅供参考）**" if weak else "**支持段落**")
    for n, hit in enumerate(hits, 1):
        with st.container(border=True):
            st.markdown(f"**[{n}]** {esc(hit.doc_title)} · {esc(hit.clause)}" + (" :gray-badge[弱相关]" if weak else ""))
            st.code(hit.citation, language=None)
            st.markdown(present.highlight(hit.text, entry["terms"]))
            st.caption(f"相关度 {hit.score:.2f}" + (f" · 第 {hit.page} 页" if hit.page else ""))


def ask_page(index: Index, doc_id: str) -> None:
    docs = index.documents
    most = limits().question_chars
    question = st.chat_input(f"输入问题（不超过 {most} 字），例如：人才引进由哪些部门负责？", key="question",
                             max_chars=most)
    st.pills("示例问题（点击即可提问）", present.EXAMPLES, key="example", on_change=queue_example)
    question, note = cut_question((question or st.session_state.pop("queued", None) or "").strip(), limits())
    history = st.session_state.setdefault("history", [])
    if note:
        st.caption(note)
    if question:
        answer, hits = ask(index, question, k=5, doc_id=doc_id or None)
        q = analyse(question, index.places, index.departments)
        terms = present.highlight_terms(q, index.places, index.departments, index.tokenizer.tokens(q.content))
        history.insert(0, {"question": question, "answer": answer, "hits": hits, "terms": terms,
                           "department": q.departments[0] if q.departments else "",
                           "scope": docs[doc_id].title if doc_id in docs else ""})
        del history[HISTORY:]
    if not history:
        st.info("请在上方输入问题，或点击一个示例问题。答案会给出责任单位或目标数值，并附上可直接引用的条款。")
        return
    latest = history[0]
    with st.chat_message("user"):
        st.markdown(present.escape(latest["question"]) + (f"  \n:gray[限定文件：{present.escape(latest['scope'])}]"
                                                          if latest["scope"] else ""))
    with st.chat_message("assistant"):
        show_answer(latest)
    if len(history) > 1:
        st.markdown("**本次会话的历史问答**")
        for entry in history[1:]:
            with st.expander(present.escape(entry["question"])):
                show_answer(entry)


# --------------------------------------------------------------------------- 责任分工 / 目标分解


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("下载 CSV", browse.csv_bytes(frame), f"{name}.csv", "text/csv", key=f"{key}-csv",
                         on_click="ignore")
    right.download_button("下载 Excel", browse.excel_bytes(frame, name), f"{name}.xlsx", key=f"{key}-xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          on_click="ignore")


def responsibility_page(library: browse.Library, index: Index) -> None:
    facts = library.facts["responsibilities"]
    if not facts:
        st.info("索引中还没有责任分工（文件中没有“责任单位：…”或任务清单）。")
        return
    department = st.selectbox("按部门筛选", ["", *browse.departments_of(facts)], key="resp_department",
                              format_func=lambda d: d or "全部部门")
    matrix = browse.responsibility_matrix(facts, department or None)
    st.caption(f"共 {len(matrix)} 项任务。“牵头”“配合”按文件所注；文件只列责任单位、未分牵头配合时标为“责任”。")
    st.dataframe(matrix, hide_index=True, key="resp_matrix")
    downloads(matrix, "责任分工", "resp")
    st.markdown("**逐项查看条款原文**（点击展开）")
    for r in facts:
        if department and department not in r["departments"]:
            continue
        with st.expander(present.escape(f"{r['clause']}　{r['task']}　——　{'、'.join(r['departments'])}")):
            for label in r.get("sources") or (r["clause"],):
                st.code(index.documents[r["doc_id"]].citation(label), language=None)
                text = browse.label_text(library.clauses.get(r["doc_id"], ()), index.chunks, r["doc_id"], label)
                st.markdown(present.escape(text))


def target_page(library: browse.Library) -> None:
    targets = library.facts["targets"]
    table = browse.target_table(targets)
    if table.empty:
        st.info("索引中还没有目标分解表。")
    else:
        st.caption("“--”表示该区镇未划分；点击列名可排序。")
        numbers = {c: st.column_config.NumberColumn(c, format="%g")
                   for c in table.columns[table.columns.get_loc(browse.CITY):table.columns.get_loc("责任单位")]}
        st.dataframe(table, hide_index=True, column_config=numbers, placeholder="--", key="target_table", height=360)
        downloads(table, "目标分解", "target")
        st.subheader("单项指标在各区镇的分布")
        labels = [browse.indicator_label(row) for _, row in table.iterrows()]
        position = st.selectbox("选择指标", range(len(table)), format_func=lambda i: labels[i], key="indicator")
        row, values = table.iloc[position], browse.district_values(table, position)
        left, right = st.columns([1, 3])
        left.metric("全市目标", present.value_text(None if pd.isna(row[browse.CITY]) else row[browse.CITY],
                                                 row["单位"]))
        left.metric("各区镇合计", present.value_text(float(values["目标值"].sum()), row["单位"]))
        left.caption(present.escape(f"责任单位：{row['责任单位'] or '—'}"))
        if values.empty:
            right.info("该指标没有划分到区镇。")
        else:
            right.bar_chart(values, x="区镇", y="目标值", sort=False, y_label=row["单位"] or "目标值")
    text = browse.text_targets(targets)
    if not text.empty:
        with st.expander(f"正文中的目标（{len(text)} 项）"):
            st.dataframe(text, hide_index=True, column_config={"目标值": st.column_config.NumberColumn(format="%g")})
            downloads(text, "正文目标", "text-targets")
    st.subheader("一致性检查")
    rows = browse.finding_rows(library.findings)
    if not rows:
        st.success("一致性检查通过：没有发现问题。")
        return
    st.warning(f"发现 {len(rows)} 处需要核对（分解值之和、正文与附件的数值和单位）：")
    st.markdown("\n".join(f"- **{kind}**：{present.escape(message)}  \n  :gray[{present.escape(cites)}]"
                          for kind, message, cites in rows))


# --------------------------------------------------------------------------- 文件库


def library_page(library: browse.Library, index: Index) -> None:
    rows = browse.document_rows(library)
    st.dataframe(rows.drop(columns="doc_id"), hide_index=True, placeholder="—", key="documents")
    missing = browse.missing_references(library.documents)
    if missing:
        st.warning(f"有 {len(missing)} 个被引用的文件还不在语料库中：")
        st.markdown("\n".join(f"- {present.escape(m.reference)} — 缺失，被《{present.escape('》《'.join(m.cited_by))}》引用"
                              for m in missing))
    elif library.documents:
        st.success("被引用的文件都已收录。")
    if library.documents:
        st.subheader("条款目录")
        titles = {d.doc_id: d.title for d in library.documents}
        doc_id = st.selectbox("选择文件", list(titles), format_func=titles.get, key="tree_doc")
        clauses = [c for c in library.clauses.get(doc_id, ()) if c.kind not in browse.HIDDEN_KINDS]
        left, right = st.columns(2)
        left.markdown("\n".join(f"{'  ' * depth}- **{present.escape(label)}** {present.escape(title)}"
                                for depth, label, title in browse.clause_tree(tuple(clauses))))
        with right:
            chosen = st.selectbox("查看条款原文", range(len(clauses)), key=f"clause-{doc_id}",
                                  format_func=lambda i: f"{clauses[i].label} {browse.clause_title(clauses[i])}")
            if clauses:
                st.code(index.documents[doc_id].citation(clauses[chosen].label), language=None, wrap_lines=True)
                st.code(clauses[chosen].text, language=None, wrap_lines=True)
    upload_section()


# --------------------------------------------------------------------------- page


def sidebar(index: Index) -> str:
    """Index facts and the document filter of the ask page; returns the chosen doc_id ('' = all)."""
    manifest, docs = index.manifest, index.documents
    with st.sidebar:
        st.header("检索范围")
        doc_id = st.selectbox("问答只在此文件中检索", ["", *sorted(docs, key=lambda d: docs[d].title)],
                              key="doc_filter", format_func=lambda d: docs[d].title if d in docs else "全部文件")
        st.header("索引")
        st.markdown(f"文件 **{len(docs)}** 个 · 片段 **{len(index.chunks)}** 个  \n"
                    f"责任分工 **{len(index.responsibilities)}** 项 · 目标 **{len(index.targets)}** 项")
        st.caption("  \n".join(present.escape(line) for line in (
            f"向量模型：{manifest.get('model', '')}", f"构建时间：{manifest.get('built_at', '')}",
            f"索引目录：{INDEX_DIR}", f"语料目录：{CORPUS}")))
    return doc_id


def main() -> None:
    st.set_page_config(page_title="政策知识库", page_icon="📑", layout="wide")
    st.title("政策知识库")
    st.caption("提问即得责任单位与目标数值，并附可直接引用的条款原文。全部离线运行。")
    if read_manifest(INDEX_DIR) is None:
        with st.status("首次启动：还没有索引，正在从语料目录建立索引…", expanded=True) as status:
            outcome = run_build()
            audit("首次建立索引", [], maintain.outcome_text(outcome))
            status.update(label="索引建立失败" if "error" in outcome else "索引已建立",
                          state="error" if "error" in outcome else "complete", expanded="error" in outcome)
        if "error" in outcome:
            st.error(present.escape(outcome["error"]))
            upload_section()
            st.stop()
    try:
        folder = str(resolve(INDEX_DIR))
        index = get_index(folder, MODEL)
        library = get_library(folder)
    except (IndexProblem, EmbedderError) as exc:
        st.error(present.escape(str(exc)))
        upload_section()
        st.stop()
    except (sqlite3.Error, OSError, ValueError) as exc:  # damaged after loading passed its checks
        st.error(present.escape(DAMAGED.format(cause=type(exc).__name__, index=INDEX_DIR)))
        upload_section()
        st.stop()
    doc_id = sidebar(index)
    ask_tab, resp_tab, target_tab, library_tab = st.tabs(list(PAGES), key="page", bind="query-params")
    with ask_tab:
        ask_page(index, doc_id)
    with resp_tab:
        responsibility_page(library, index)
    with target_tab:
        target_page(library)
    with library_tab:
        library_page(library, index)


main()
