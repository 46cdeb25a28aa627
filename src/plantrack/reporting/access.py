"""Access to submissions: the one place that decides who reads, edits and approves what."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from plantrack.accounts.access import Scope, region_filter
from plantrack.accounts.models import Role

from .models import Status, Submission


def visible_submissions(scope: Scope) -> QuerySet[Submission]:
    submissions = Submission.objects.select_related(
        "data_set", "data_set__owner", "region", "region__parent", "department", "enterprise"
    )
    if scope.sees_everything:
        return submissions
    if scope.role == Role.ENTERPRISE:
        return submissions.filter(enterprise__code=scope.enterprise_code or "-")
    return submissions.filter(
        region_filter(scope, "region") | region_filter(scope, "enterprise__region")
    )


def can_edit(scope: Scope, submission: Submission) -> bool:
    if scope.read_only or submission.status not in (Status.DRAFT, Status.RETURNED):
        return False
    if scope.is_admin:
        return True
    if submission.region_id:
        region_code = submission.region.code if submission.region else None
        return scope.role in (Role.CITY, Role.COUNTY) and scope.region_code == region_code
    if submission.department_id:
        department = submission.department.code if submission.department else None
        return scope.role == Role.DEPARTMENT and scope.department_code == department
    enterprise = submission.enterprise.code if submission.enterprise else None
    return scope.role == Role.ENTERPRISE and scope.enterprise_code == enterprise


def next_approval_level(submission: Submission) -> str | None:
    levels = submission.data_set.approval_levels
    if submission.status != Status.SUBMITTED or submission.approvals >= len(levels):
        return None
    return levels[submission.approvals]


def can_approve(scope: Scope, submission: Submission) -> bool:
    level = next_approval_level(submission)
    if level is None or scope.read_only:
        return False
    if level == "city":
        return scope.role == Role.CITY and scope.region_code == _city_of(submission)
    if level == "department":
        return is_owner(scope, submission)
    return scope.is_admin or is_owner(scope, submission)


def is_owner(scope: Scope, submission: Submission) -> bool:
    """The department that owns the data set verifies, approves at province level and reopens."""
    return scope.role == Role.DEPARTMENT and scope.department_code == submission.data_set.owner.code


def can_manage(scope: Scope, submission: Submission) -> bool:
    """Verify (核定), revise and reopen: the province administrator or the owning department."""
    return scope.is_admin or is_owner(scope, submission)


def _city_of(submission: Submission) -> str | None:
    region = submission.region or (submission.enterprise.region if submission.enterprise else None)
    if region is None:
        return None
    if region.level == "county" and region.parent:
        return region.parent.code
    return region.code


def access_submission(scope: Scope, pk: int, action: str = "read") -> Submission:
    """Fetch a submission the scope may see, and check it may do ``action`` with it.

    A submission the user may not see is "not found" (404), so its existence does not leak;
    one it may see but not change is "forbidden" (403).
    """
    submission = visible_submissions(scope).filter(pk=pk).first()
    if submission is None:
        raise Http404("填报不存在或无权查看")
    allowed = {
        "read": True,
        "edit": can_edit(scope, submission),
        "approve": can_approve(scope, submission),
        "manage": can_manage(scope, submission),
    }[action]
    if not allowed:
        raise PermissionDenied("无权执行此操作")
    return submission
