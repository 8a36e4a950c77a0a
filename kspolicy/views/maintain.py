"""Who may change the corpus from the page, and the audit log of what they did.

Reading and asking need nothing. Uploading and rebuilding need the maintainer
token the operator configured (app.py reads KSPOLICY_MAINTAINER_TOKEN); without
one configured they are disabled. Every attempt, allowed or refused, is one JSON
line in the audit log: when, who (session id and client address), what, outcome.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

DISABLED = ("上传和重建索引已停用：需要由运维人员设置维护口令（环境变量 KSPOLICY_MAINTAINER_TOKEN）"
            "后重启页面。提问和浏览不受影响。")


@dataclass(frozen=True)
class Actor:
    """The client behind a page session, as far as the server can tell."""

    session: str
    address: str


def token_ok(given: str, expected: str | None) -> bool:
    """Constant-time comparison; no token configured means nobody is a maintainer."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def audit_line(actor: Actor, action: str, what: list[str], outcome: str, when: datetime | None = None) -> str:
    """One JSON line (names stay data: JSON escapes newlines and quotes in file names)."""
    when = when or datetime.now(timezone.utc)
    return json.dumps({"time": when.isoformat(timespec="seconds"), "session": actor.session,
                       "address": actor.address, "action": action, "what": what, "outcome": outcome},
                      ensure_ascii=False)


def record(log: Path, actor: Actor, action: str, what: list[str], outcome: str) -> str:
    """Append an audit line to `log`; returns '' or a Chinese warning when the log cannot be written."""
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(audit_line(actor, action, what, outcome) + "\n")
    except OSError as exc:
        return f"审计日志无法写入（{exc.strerror or exc}）"
    return ""


def outcome_text(outcome: dict) -> str:
    """A short outcome for the audit log: saved/refused files, the build result or its error."""
    parts = []
    if outcome.get("saved"):
        parts.append("已保存 " + "、".join(outcome["saved"]))
    if outcome.get("unchanged"):
        parts.append("内容相同、未改动 " + "、".join(outcome["unchanged"]))
    for refused in outcome.get("refused", []):
        parts.append(f"拒绝 {refused.name}：{refused.reason}")
    if outcome.get("error"):
        parts.append("索引未更新：" + outcome["error"])
    report = outcome.get("report")
    if report is not None:
        parts.append(f"索引已更新：新增 {len(report.added)}，变更 {len(report.changed)}，删除 {len(report.removed)}，"
                     f"跳过 {len(report.skipped)}")
    return "；".join(parts) or "无变化"


def report_text(report) -> str:
    """One Chinese line summarising a BuildReport (as the CLI prints it)."""
    return (f"索引已更新（{report.seconds:.1f} 秒）：新增 {len(report.added)}，变更 {len(report.changed)}，"
            f"删除 {len(report.removed)}，未变 {len(report.unchanged)}，跳过 {len(report.skipped)}；"
            f"本次向量化 {report.chunks_embedded} 个片段。")
