"""One item's file (一案一档) as a Word document: what it is, who owns it, its evidence with
checksums, every step of its workflow and every audited change."""

import io

from django.utils import timezone
from docx import Document

from .constants import level_label
from .models import Item


def _when(value: object) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""  # type: ignore[arg-type]


def _table(doc: Document, headers: list[str], rows: list[list[str]]) -> None:  # type: ignore[valid-type]
    table = doc.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def document(item: Item, *, demo: bool) -> bytes:
    doc = Document()
    if demo:
        doc.add_paragraph("演示数据（生成的数据，不是官方数据）")
    doc.add_heading(f"整改事项档案 {item.number}", level=1)
    facts = [
        ("整改事项", item.title),
        ("来源", item.get_source_display()),
        ("责任地区", item.region.name if item.region else ""),
        ("责任部门", item.department.name if item.department else ""),
        ("工程", item.program.name if item.program else ""),
        ("整改时限", f"{item.get_term_display()}，{item.deadline:%Y-%m-%d} 前"),
        ("应提交的佐证材料", item.required_evidence),
        ("状态", item.get_status_display()),
        ("督办等级", level_label(item.escalation) or "无"),
    ]
    if item.finding_id:
        finding = item.finding
        assert finding is not None
        facts.append(("督查活动", finding.campaign.name))
        facts.append(("问题描述", finding.description))
    _table(doc, ["项目", "内容"], [[k, v] for k, v in facts])
    doc.add_heading("整改佐证材料", level=2)
    _table(
        doc, ["文件名", "SHA-256", "上传人", "上传时间"],
        [[e.name, e.sha256, e.uploaded_by.get_username() if e.uploaded_by else "", _when(e.uploaded)]
         for e in item.evidence.select_related("uploaded_by")],
    )  # fmt: skip
    doc.add_heading("办理过程", level=2)
    _table(
        doc, ["时间", "环节", "办理人", "说明"],
        [[_when(e.at), e.get_kind_display(), e.user.get_username() if e.user else "系统", e.note]
         for e in item.events.select_related("user")],
    )  # fmt: skip
    doc.add_heading("变更记录", level=2)
    _table(
        doc, ["时间", "字段", "原值", "新值", "原因", "途径", "操作人"],
        [[_when(c.at), c.field, c.old, c.new, c.reason, c.channel,
          c.user.get_username() if c.user else "系统"]
         for c in item.changes.select_related("user").order_by("at", "pk")],
    )  # fmt: skip
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
