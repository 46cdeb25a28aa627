"""Chinese names of progress statuses and warning severities, for pages and reports."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plantrack.core.messages import Message

STATUS = {
    "achieved": _("已完成"),
    "on_track": _("进度正常"),
    "lagging": _("进度滞后"),
    "seriously_lagging": _("严重滞后"),
    "deteriorating": _("不降反升"),
    "no_data": _("无数据"),
    "due_later": _("未到期"),
    "overdue": _("逾期未完成"),
    "done": _("已完成"),
}

SEVERITY = {"red": _("红色"), "orange": _("橙色"), "yellow": _("黄色"), "green": _("绿色")}


def localized(text: str) -> str:
    """A text from the core in the active language: core messages keep template and values."""
    return text.in_language(gettext) if isinstance(text, Message) else text
