"""Streamlit page of the policy knowledge base: ask, browse facts, maintain the corpus.

Run with `streamlit run app.py`. Settings come from the environment (read here
and in cli.py only): KSPOLICY_INDEX (default "index"), KSPOLICY_MODEL (default:
the model the index was built with, else the offline default), KSPOLICY_CORPUS
(default "corpus"), KSPOLICY_MAINTAINER_TOKEN (uploading and rebuilding need it;
unset: both disabled), KSPOLICY_AUDIT_LOG (default INDEX/audit.log) and the limits
of kspolicy/read/limits.py. The page only lays out what the package computes:
answers from `kspolicy.answer`, answer cards grouped by document from
`kspolicy.views.present`, exports from `kspolicy.views.export`, tables from
`kspolicy.views.browse` and `kspolicy.views.matrix`, the document library from
`kspolicy.views.library`, uploads through `kspolicy.views.upload`. Text from
documents, file names and questions is data: escaped before any markdown.

The question and the document filter live in the URL (?q=…&doc=…): opening such a
link asks the question again. Only the open tab is computed on each run.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from kspolicy.views import browse, export, library as catalogue, maintain, matrix, present, upload
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
# Printing the page shows the answers only: sidebar, tabs, inputs and buttons are left out.
PRINT_CSS = """@media print { [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stChatInput"],
  [data-testid="stBottom"], [role="tablist"], [data-testid="stButtonGroup"], [data-testid="stDownloadButton"],
  [data-testid="stExpanderToggleIcon"], [data-testid="stToolbar"] { display: none !important; } }"""


# --------------------------------------------------------------------------- loading and building


@st.cache_resource(show_spinner="正在加载向量模型…")
def get_embedder(name: str):
    """The model, loaded once per process and warmed up (its first query is several seconds slower)."""
    embedder = load_embedder(name)
    embedder.encode_query("预热")
    return embedder


@st.cache_resource(max_entries=2, show_spinner="正在加载索引…")
def get_index(folder: str, model: str | None) -> Index:
    """The index of one build folder; a rebuild publishes a new folder, so it is loaded anew."""
    manifest = read_manifest(Path(folder)) or {}
    check_model(manifest, model)
    return load_index(Path(folder), model, embedder=get_embedder(manifest.get("model", "")))


@st.cache_resource(max_entries=2, show_spinner="正在读取文件库…")
def get_library(folder: str, today: str) -> browse.Library:
    """Documents, clauses, tables, facts and status of one build; status as of `today` (local date)."""
    from datetime import date

    return browse.load_library(Path(folder), date.fromisoformat(today))


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
    for name in outcome.get("unchanged", []):
        st.info(esc(f"“{name}”与语料库中已有的文件内容完全相同，没有任何改动。"))
    if outcome.get("error"):
        st.error(esc(f"索引未更新：{outcome['error']}"))
    report = outcome.get("report")
    if report:
        st.success(esc(maintain.report_text(report) + (f" {report.note}" if report.note else "")))
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


def save_files(files: list[tuple[str, bytes]], overwrite: bool) -> dict:
    """Save uploads into corpus/uploads: {'saved', 'unchanged', 'refused'} (file names and refusals)."""
    try:
        folder = upload.upload_folder(CORPUS)
    except upload.UploadError as exc:
        return {"saved": [], "refused": [upload.Refused(name, str(exc)) for name, _ in files]}
    done = upload.save_uploads(folder, files, overwrite, limits=limits(), root=CORPUS)
    return {"saved": [p.name for p in done.saved], "unchanged": [p.name for p in done.unchanged],
            "refused": done.refused}


def upload_section() -> None:
    st.subheader("上传文件并重建索引")
    st.caption(present.escape(f"支持 {SUPPORTED_NAMES}（网页请用浏览器“另存为”保存），单个文件不超过 {MAX_MB} MB；"
                              f"文件保存到 {CORPUS / upload.UPLOADS}（不纳入 git），然后增量重建索引（只处理有变化的文件），"
                              "完成后即可提问，无需重启。"))
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
            outcome.update(save_files([(f.name, f.getvalue()) for f in files], overwrite))
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


def read_url(index: Index) -> None:
    """Once per session: a question and a document filter given in the URL are asked and chosen."""
    if st.session_state.get("url_read"):
        return
    st.session_state.url_read = True
    doc = st.query_params.get("doc", "")
    if doc in index.documents:
        st.session_state.doc_filter = doc
    question = st.query_params.get("q", "")
    if question.strip():
        st.session_state.queued = question


def keep_filter_in_url() -> None:
    """The document filter changed: the URL says so, so the link shares it."""
    doc = st.session_state.get("doc_filter", "")
    if doc:
        st.query_params["doc"] = doc
    elif "doc" in st.query_params:
        del st.query_params["doc"]


def answer_entry(index: Index, library: browse.Library, question: str, doc_id: str) -> dict:
    """Ask, and keep what the card, the exports and the history need."""
    answer, hits = ask(index, question, k=5, doc_id=doc_id or None)
    q = analyse(question, index.places, index.departments, cut=index.tokenizer.words)
    terms = present.highlight_terms(q, index.places, index.departments, index.tokenizer.tokens(q.content))
    department = q.departments[-1] if q.departments else ""
    names = set(index.departments.get(department, [department])) | {department} if department else set()

    def clause_text(doc: str, label: str) -> str:
        return browse.label_text(library.clauses.get(doc, ()), index.chunks, doc, label, index.rows)

    scope = index.documents[doc_id].title if doc_id in index.documents else ""
    view = present.answer_view(question, answer, hits, index.documents, browse.statuses(library), clause_text,
                               names, scope)
    return {"view": view, "answer": answer, "terms": terms, "department": department, "doc_id": doc_id}


def show_card(entry: dict) -> None:
    """The exact answer first: departments as tags, numbers large, lists per kind."""
    answer, view, esc = entry["answer"], entry["view"], present.escape
    st.caption(f"答案类型：{present.KIND_NAMES.get(answer.kind, answer.kind)}")
    if answer.kind == "responsibility":
        st.markdown(f"**{esc(present.answer_task(answer))}** 的责任单位：")
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
        count = sum(len(g.items) for g in view.groups)
        st.markdown(f"**{esc(entry['department'])}** 负责的任务和指标（{count} 项，"
                    f"来自 {len(view.groups)} 个文件，按文件列出）：")
        cities = list(dict.fromkeys(g.city for g in view.groups if g.city))
        if len(cities) > 1:  # 市财政局 of 昆山 is not 市财政局 of 苏州
            st.caption(esc(f"“{entry['department']}”这一名称见于 {len(cities)} 个城市的文件（{'、'.join(cities)}），"
                           "各是不同的单位；下面每个文件都标明城市。"))
    elif answer.kind == "district_targets":
        district = answer.facts[0]["scope"] if answer.facts else ""
        st.markdown(f"**{esc(district)}** 的目标（{sum(len(g.items) for g in view.groups)} 项）：")
        missing = present.unassigned(answer)
        if missing:
            st.caption(f"未划分到{esc(district)}的指标：" + esc("、".join(missing)))
    elif answer.kind == "passage":
        st.markdown("> " + esc(answer.text))
    else:
        st.warning(esc(answer.text))


def show_groups(view: present.AnswerView) -> None:
    """Facts grouped by document: title, 文号, date (and city when several), status; each with its citation."""
    if not view.groups or view.kind == "passage":
        return
    st.markdown("**出处（按文件）**")
    for group in view.groups:
        with st.container(border=True):
            st.markdown(f"**{present.escape(group.heading)}** {present.status_badge(group.status)}")
            for n, item in enumerate(group.items, 1):
                st.markdown(f"{n}\\. {present.escape(item.text)}")
                st.code(item.citation, language=None, wrap_lines=True)


def show_citation(view: present.AnswerView) -> None:
    """One block holds the citation and the verbatim clause: its copy button copies both, as drafting needs."""
    if not view.citation:
        return
    st.markdown("**引用和条款原文**（右上角按钮一次复制两者）" + (f" {present.status_badge(view.status)}"
                                                         if view.status else ""))
    st.code(view.citation + (f"\n{view.clause_text}" if view.clause_text else ""), language=None, wrap_lines=True)


def show_passages(view: present.AnswerView, terms: list[str]) -> None:
    """Supporting passages by rank; relevance never rises down the list; weak ones carry no number."""
    if not view.passages:
        return
    if view.weak:
        st.markdown("**最接近的段落（弱相关，仅供参考）**")
    else:
        st.markdown("**支持段落**")
        st.caption("按相关程度排序，答案所依据的条款排在最前。相关度为检索分数（关键词与语义相似度融合，0–1），"
                   "逐条取不高于上一条的值，因此与排名一致。")
    for p in view.passages:
        with st.container(border=True):
            mark = " :gray-badge[弱相关]" if view.weak else ""
            st.markdown(f"**第 {p.rank} 名** · {present.escape(p.doc_title)} · {present.escape(p.clause)}{mark} "
                        f"{present.status_badge(p.status)}")
            st.code(p.citation, language=None, wrap_lines=True)
            st.markdown(present.highlight(p.text, terms))
            facts = [] if p.relevance is None else [f"相关度 {p.relevance:.2f}"]
            st.caption(" · ".join(facts + ([f"第 {p.page} 页"] if p.page else [])) or "弱相关，不给出相关度")


def show_answer(entry: dict) -> None:
    with st.container(border=True):
        show_card(entry)
    show_groups(entry["view"])
    show_citation(entry["view"])
    show_passages(entry["view"], entry["terms"])


def export_buttons(views: list[present.AnswerView], key: str) -> None:
    """Word, Markdown and a print-ready page of the given answers (made when clicked)."""
    stem = export.file_stem(views)
    row = st.container(horizontal=True)
    row.download_button("下载 Word", lambda: export.to_docx(views), f"{stem}.docx", key=f"{key}-docx",
                        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        on_click="ignore", icon=":material/description:")
    row.download_button("下载 Markdown", lambda: export.to_markdown(views), f"{stem}.md", "text/markdown",
                        key=f"{key}-md", on_click="ignore")
    row.download_button("打印版（HTML）", lambda: export.to_html(views), f"{stem}.html", "text/html",
                        key=f"{key}-html", on_click="ignore", help="在浏览器中打开后打印（Ctrl+P）")


def pick(views: list[present.AnswerView]) -> list[present.AnswerView]:
    """Answers of this session chosen for exporting or printing, oldest first (as asked)."""
    chosen = st.multiselect("选择问答（可多选）", range(len(views)), default=[0], key="export_pick",
                            format_func=lambda i: f"{views[i].asked_at[11:]} {views[i].question}")
    return [views[i] for i in sorted(chosen, reverse=True)]


def print_view(views: list[present.AnswerView]) -> None:
    """Only the chosen answers, as a plain document; printing leaves out the page's controls."""
    picked = pick(views)
    if picked:
        export_buttons(picked, "pick")
    st.html(f"<style>{PRINT_CSS}{export.ANSWER_CSS}</style>")
    st.html("\n".join(export.answer_html(v) for v in picked))


def history_section(history: list[dict]) -> None:
    """Earlier answers, a selection of them exported together, the whole session downloadable."""
    views = [e["view"] for e in history]
    if len(history) > 1:
        st.markdown("**本次会话的历史问答**")
        for entry in history[1:]:
            with st.expander(present.escape(f"{entry['view'].asked_at[11:]}　{entry['view'].question}")):
                show_answer(entry)
    with st.expander("导出多条问答与会话历史"):
        picked = pick(views)
        if picked:
            export_buttons(picked, "pick")
        st.download_button("下载本次会话全部问答（JSON）", lambda: export.history_json(views[::-1]),
                           "会话历史.json", "application/json", key="history-json", on_click="ignore")


def page_url() -> str:
    """The address the browser used (scheme, host, port, path), or '' outside a served page."""
    try:
        return st.context.url or ""
    except Exception:  # noqa: BLE001 - not available in tests without a browser
        return ""


def ask_page(index: Index, library: browse.Library, doc_id: str) -> None:
    most = limits().question_chars
    question = st.chat_input(f"输入问题（不超过 {most} 字），例如：人才引进由哪些部门负责？", key="question",
                             max_chars=most)
    st.pills("示例问题（点击即可提问）", present.EXAMPLES, key="example", on_change=queue_example)
    question, note = cut_question((question or st.session_state.pop("queued", None) or "").strip(), limits())
    history = st.session_state.setdefault("history", [])
    if note:
        st.caption(note)
    if question:
        history.insert(0, answer_entry(index, library, question, doc_id))
        del history[HISTORY:]
        st.query_params["q"] = question  # the URL now asks this question: reload or share it
        keep_filter_in_url()
    if not history:
        st.info("请在上方输入问题，或点击一个示例问题。答案会给出责任单位或目标数值，并附上可直接引用的条款。")
        return
    if st.toggle("打印视图（只显示所选问答，便于用浏览器打印）", key="print_view"):
        print_view([e["view"] for e in history])
        return
    latest = history[0]
    view = latest["view"]
    with st.chat_message("user"):
        st.markdown(present.escape(view.question) + (f"  \n:gray[限定文件：{present.escape(view.scope)}]"
                                                     if view.scope else ""))
    with st.chat_message("assistant"):
        show_answer(latest)
        export_buttons([view], "latest")
        st.caption("分享链接（地址栏中的网址也一样）：打开后显示同一问题的答案。")
        st.code(export.share_link(page_url(), view.question, latest["doc_id"]), language=None, wrap_lines=True)
    history_section(history)


# --------------------------------------------------------------------------- 责任分工 / 目标分解


def column_config(layout: matrix.Layout, columns: list[str], numbers: tuple[str, ...] = ()) -> dict:
    """Streamlit column settings from a layout: pinned first columns, narrow and wide ones, numbers as %g."""
    config = {}
    for name in columns:
        width = layout.widths.get(name)
        pinned = True if name in layout.pinned else None
        if name in numbers:
            config[name] = st.column_config.NumberColumn(name, format="%g", width=width, pinned=pinned)
        else:
            config[name] = st.column_config.TextColumn(name, width=width, pinned=pinned, help=present.escape(name))
    return config


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    left = right = st.container(horizontal=True)
    left.download_button("下载 CSV", browse.csv_bytes(frame), f"{name}.csv", "text/csv", key=f"{key}-csv",
                         on_click="ignore")
    right.download_button("下载 Excel", browse.excel_bytes(frame, name), f"{name}.xlsx", key=f"{key}-xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          on_click="ignore")


def document_names(library: browse.Library) -> dict[str, str]:
    return {d.doc_id: matrix.short_name(d.doc_number, d.title) for d in library.documents}


def responsibility_page(library: browse.Library, index: Index) -> None:
    facts = library.facts["responsibilities"]
    if not facts:
        st.info("索引中还没有责任分工（文件中没有“责任单位：…”或任务清单）。")
        return
    cities = {d.doc_id: d.city for d in library.documents}
    titles = {d.doc_id: d.title for d in library.documents}
    labels = matrix.unit_labels(facts, cities)
    left, middle, right = st.columns([2, 2, 1])
    docs = left.multiselect("文件", list(dict.fromkeys(r["doc_id"] for r in facts)), key="resp_docs",
                            format_func=lambda d: titles.get(d, d), placeholder="全部文件")
    in_docs = matrix.filter_responsibilities(facts, cities, tuple(docs))
    units = middle.multiselect("部门（可输入搜索；同名部门注明城市）",
                               list(dict.fromkeys(labels[(d, cities.get(r["doc_id"], ""))]
                                                  for r in in_docs for d in r["departments"])),
                               key="resp_units", placeholder="全部部门")
    text = right.text_input("搜索任务", key="resp_text", placeholder="任务名称或内容中的词")
    rows = matrix.filter_responsibilities(in_docs, cities, (), tuple(units), text)
    many = len({r["doc_id"] for r in rows}) > 1
    names = document_names(library) if many else None
    count = len({labels[(d, cities.get(r["doc_id"], ""))] for r in rows for d in r["departments"]})
    shape = st.segmented_control("显示方式", [matrix.MATRIX, matrix.LIST], key="resp_shape", required=True,
                                 default=matrix.MATRIX if count <= matrix.MATRIX_UNITS else matrix.LIST)
    frame = matrix.responsibility_matrix(rows, cities, names, labels) if shape == matrix.MATRIX else \
        matrix.responsibility_list(rows, names)
    layout = matrix.matrix_layout(frame) if shape == matrix.MATRIX else matrix.list_layout(frame)
    st.caption(f"共 {len(frame)} 项任务、{count} 个部门。“牵头”“配合”按文件所注；文件只列责任单位、未分牵头配合时"
               "标为“责任”。任务列固定在左侧，左右滚动查看各部门。")
    st.dataframe(frame, hide_index=True, key="resp_matrix", column_config=column_config(layout, list(frame.columns)),
                 column_order=layout.order(list(frame.columns)), height=min(38 + 35 * len(frame), 560))
    downloads(frame, "责任分工", "resp")
    show_task_clauses(rows, library, index)


def show_task_clauses(rows: list[dict], library: browse.Library, index: Index, most: int = 30) -> None:
    st.markdown("**逐项查看条款原文**（点击展开）")
    if len(rows) > most:
        st.caption(f"共 {len(rows)} 项，下面列出前 {most} 项；用上方的文件、部门或任务筛选缩小范围。")
    for r in rows[:most]:
        with st.expander(present.escape(f"{r['clause']}　{r['task']}　——　{'、'.join(r['departments'])}")):
            for label in r.get("sources") or (r["clause"],):
                text = browse.label_text(library.clauses.get(r["doc_id"], ()), index.chunks, r["doc_id"], label,
                                         index.rows)
                st.code(index.documents[r["doc_id"]].citation(label) + (f"\n{text}" if text else ""),
                        language=None, wrap_lines=True)


def target_page(library: browse.Library) -> None:
    targets = library.facts["targets"]
    titles = {d.doc_id: d.title for d in library.documents}
    docs = matrix.target_documents(targets)
    if not docs:
        st.info("索引中还没有目标分解表。")
    else:
        left, middle, right = st.columns([2, 2, 1])
        doc_id = left.selectbox("文件", docs, key="target_doc", format_func=lambda d: titles.get(d, d))
        groups = sorted({t.get("group", "") for t in targets if t["doc_id"] == doc_id and t["source"] == "table"} - {""})
        chosen = middle.multiselect("分组", groups, key="target_groups", placeholder="全部分组")
        text = right.text_input("搜索指标", key="target_text", placeholder="指标名称中的词")
        table = browse.target_table(matrix.filter_targets(targets, doc_id, text, tuple(chosen)))
        districts = browse.district_columns(matrix.filter_targets(targets, doc_id))
        districts = [d for d in districts if d in table.columns]
        layout = matrix.target_layout(table, districts)
        every = st.toggle("显示全部列（分组、年份、引用）", key="target_all")
        order = list(table.columns) if every else layout.order(list(table.columns))
        st.caption(f"共 {len(table)} 项指标。“--”表示该区镇未划分；点击列名可排序；指标列固定在左侧。")
        st.dataframe(table, hide_index=True, placeholder="--", key="target_table", column_order=order,
                     column_config=column_config(layout, list(table.columns), (browse.CITY, *districts)),
                     height=min(38 + 35 * len(table), 420))
        downloads(table, "目标分解", "target")
        if not table.empty:
            target_chart(table)
    text = browse.text_targets(targets)
    if not text.empty:
        with st.expander(f"正文中的目标（{len(text)} 项）"):
            st.dataframe(text, hide_index=True, column_config={"目标值": st.column_config.NumberColumn(format="%g")})
            downloads(text, "正文目标", "text-targets")
    findings(library)


def target_chart(table: pd.DataFrame) -> None:
    st.subheader("单项指标在各区镇的分布")
    labels = [browse.indicator_label(row) for _, row in table.iterrows()]
    position = st.selectbox("选择指标", range(len(table)), format_func=lambda i: labels[i], key="indicator")
    row, values = table.iloc[position], browse.district_values(table, position)
    left, right = st.columns([1, 3])
    left.metric("全市目标", present.value_text(None if pd.isna(row[browse.CITY]) else row[browse.CITY], row["单位"]))
    left.metric("各区镇合计", present.value_text(float(values["目标值"].sum()), row["单位"]))
    left.caption(present.escape(f"责任单位：{row['责任单位'] or '—'}"))
    if values.empty:
        right.info("该指标没有划分到区镇。")
    else:
        right.altair_chart(matrix.bar_chart(values, row["单位"]), key="district_chart")


def findings(library: browse.Library) -> None:
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
    frame = catalogue.document_frame(library)
    options = catalogue.filter_options(frame)
    text = st.text_input("搜索文件（标题、文号、发文机关）", key="lib_text")
    columns = st.columns(4)
    chosen = catalogue.DocumentFilter(
        tuple(columns[0].multiselect("发文机关", options["issuers"], key="lib_issuers", placeholder="全部")),
        tuple(columns[1].multiselect("年份", options["years"], key="lib_years", placeholder="全部")),
        tuple(columns[2].multiselect("类型", options["kinds"], key="lib_kinds", placeholder="全部")),
        tuple(columns[3].multiselect("状态", options["statuses"], key="lib_statuses", placeholder="全部")), text)
    shown = catalogue.filter_documents(frame, chosen)
    counts = frame["状态"].value_counts()
    st.caption(f"显示 {len(shown)} / {len(frame)} 个文件 · " + " · ".join(f"{s} {counts[s]}" for s in counts.index)
               + "。状态按施行日期、有效期和“同时废止”判断（与 docs --json 相同），文件未写明时为“未知”。")
    layout = matrix.catalogue_layout()
    st.dataframe(shown, hide_index=True, placeholder="—", key="documents", column_order=layout.order(list(shown.columns)),
                 column_config=column_config(layout, list(shown.columns), ("条款数", "事实数")),
                 height=min(38 + 35 * len(shown), 420))
    missing_section(library)
    if not shown.empty:
        clause_section(library, index, list(shown["doc_id"]))
    upload_section()


def missing_section(library: browse.Library) -> None:
    missing = browse.missing_references(library.documents)
    if missing:
        st.warning(f"有 {len(missing)} 个被引用的文件还不在语料库中：")
        st.markdown("\n".join(f"- {present.escape(m.reference)} — 缺失，被《{present.escape('》《'.join(m.cited_by))}》引用"
                              for m in missing))
    elif library.documents:
        st.success("被引用的文件都已收录。")


def clause_section(library: browse.Library, index: Index, doc_ids: list[str]) -> None:
    """A clickable clause tree; the chosen clause's citation, verbatim text and any table under it."""
    st.subheader("条款目录")
    titles = {d.doc_id: d.title for d in library.documents}
    doc_id = st.selectbox("选择文件", doc_ids, format_func=lambda d: titles.get(d, d), key="tree_doc")
    nodes = catalogue.clause_nodes(library.clauses.get(doc_id, ()))
    if not nodes:
        st.info("该文件没有识别出条款。")
        return
    left, right = st.columns([2, 3])
    with left.container(height=480):
        chosen = st.radio("点击条款查看原文", range(len(nodes)), key=f"tree-{doc_id}",
                          format_func=lambda i: present.escape(nodes[i].shown))
    node = nodes[chosen or 0]
    clause = next(c for c in library.clauses[doc_id] if c.clause_id == node.clause_id)
    with right.container(height=480, border=False):
        status = library.status.get(doc_id, {}).get("status", "")
        st.markdown(f"**{present.escape(node.label)}** {present.escape(node.title)} {present.status_badge(status)}")
        st.caption("引用和条款原文（右上角按钮一次复制两者）")
        st.code(index.documents[doc_id].citation(clause.label) + f"\n{clause.text}", language=None, wrap_lines=True)
    for n, table in enumerate(catalogue.tables_at(library.tables.get(doc_id, ()), clause.label)):
        st.markdown(f"**表格：{present.escape(table.title or clause.label)}**（{len(table.rows)} 行，按文件原样列出）")
        st.dataframe(catalogue.table_frame(table), hide_index=True, key=f"table-{doc_id}-{clause.label}-{n}")


# --------------------------------------------------------------------------- page


def sidebar(index: Index) -> str:
    """Index facts and the document filter of the ask page; returns the chosen doc_id ('' = all)."""
    manifest, docs = index.manifest, index.documents
    with st.sidebar:
        st.header("检索范围")
        doc_id = st.selectbox("问答只在此文件中检索", ["", *sorted(docs, key=lambda d: docs[d].title)],
                              key="doc_filter", format_func=lambda d: docs[d].title if d in docs else "全部文件",
                              on_change=keep_filter_in_url)
        st.header("索引")
        st.markdown(f"文件 **{len(docs)}** 个 · 片段 **{len(index.chunks)}** 个  \n"
                    f"责任分工 **{len(index.responsibilities)}** 项 · 目标 **{len(index.targets)}** 项")
        st.caption("  \n".join(present.escape(line) for line in (
            f"向量模型：{manifest.get('model', '')}", f"构建时间：{present.local_time(manifest.get('built_at', ''))}（北京时间）",
            f"索引目录：{INDEX_DIR}", f"语料目录：{CORPUS}")))
    return doc_id


def load() -> tuple[Index, browse.Library]:
    """The index and the library of the published build (built first when there is none)."""
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
        return get_index(folder, MODEL), get_library(folder, present.local_date().isoformat())
    except (IndexProblem, EmbedderError) as exc:
        st.error(present.escape(str(exc)))
    except (sqlite3.Error, OSError, ValueError) as exc:  # damaged after loading passed its checks
        st.error(present.escape(DAMAGED.format(cause=type(exc).__name__, index=INDEX_DIR)))
    upload_section()
    st.stop()


def main() -> None:
    st.set_page_config(page_title="政策知识库", page_icon="📑", layout="wide")
    st.title("政策知识库")
    st.caption("提问即得责任单位与目标数值，并附可直接引用的条款原文。全部离线运行。")
    index, library = load()
    read_url(index)
    doc_id = sidebar(index)
    ask_tab, resp_tab, target_tab, library_tab = st.tabs(list(PAGES), key="page", bind="query-params")
    if ask_tab.open:  # only the open tab is computed: a run stays fast however large the library
        with ask_tab:
            ask_page(index, library, doc_id)
    if resp_tab.open:
        with resp_tab:
            responsibility_page(library, index)
    if target_tab.open:
        with target_tab:
            target_page(library)
    if library_tab.open:
        with library_tab:
            library_page(library, index)


main()
