"""Reminders to units that have not reported (Django's mail backend; console in the demo)."""

from django.core.mail import send_mass_mail
from django.db.models import QuerySet

from plantrack.accounts.models import Profile

from .models import Status, Submission


def recipients(submission: Submission) -> list[str]:
    """E-mail addresses of the users who report for the submission's unit."""
    profiles = Profile.objects.filter(
        region=submission.region, department=submission.department, enterprise=submission.enterprise
    ).select_related("user")
    return [p.user.email for p in profiles if p.user.email and p.user.is_active]


def send_reminders(submissions: QuerySet[Submission]) -> int:
    """Remind every unit whose submission is still a draft; return how many were reminded."""
    messages = []
    for submission in submissions.filter(status__in=[Status.DRAFT, Status.RETURNED]):
        to = recipients(submission)
        if not to:
            continue
        subject = f"【催报】{submission.data_set.name} {submission.period}"
        body = (
            f"{submission.unit_name}：\n\n《{submission.data_set.name}》{submission.period} "
            f"的填报截止日期为 {submission.due:%Y年%m月%d日}，系统中尚未收到报送，请尽快填报。\n\n"
            "—— PlanTrack 资源节约与环境保护目标责任管理系统"
        )
        messages.append((subject, body, None, to))
    send_mass_mail(messages, fail_silently=False)
    return len(messages)
