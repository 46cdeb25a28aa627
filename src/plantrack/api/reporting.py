"""Reporting through the API: systems that push data use bearer tokens and the same rules."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from plantrack.accounts.access import scope_of
from plantrack.reporting import actions
from plantrack.reporting.access import access_submission, visible_submissions
from plantrack.reporting.models import Submission, Vintage

router = Router(tags=["reporting"])


class SubmissionOut(Schema):
    id: int
    data_set: str
    unit: str
    period: str
    status: str
    due: str
    version: int
    values: dict[str, dict[str, float | None]]


class ValuesIn(Schema):
    version: int
    values: dict[str, Decimal | str | None]
    explanations: dict[str, str] = {}
    submit: bool = False


class ProblemOut(Schema):
    field: str
    message: str
    kind: str


class ErrorOut(Schema):
    detail: str
    problems: list[ProblemOut] = []


def _out(submission: Submission) -> dict:
    values: dict[str, dict[str, float | None]] = {}
    for vintage in Vintage.values:
        for code, value in actions.values_of(submission, vintage).items():
            values.setdefault(code, {})[vintage] = float(value) if value is not None else None
    return {
        "id": submission.pk,
        "data_set": submission.data_set.code,
        "unit": submission.unit_key,
        "period": submission.period,
        "status": submission.status,
        "due": submission.due.isoformat(),
        "version": submission.version,
        "values": values,
    }


@router.get("/submissions", response=list[SubmissionOut], summary="可见的填报")
def list_submissions(request: HttpRequest, data_set: str, period: str) -> list[dict]:
    submissions = visible_submissions(scope_of(request.user)).filter(
        data_set__code=data_set, period=period
    )
    return [_out(s) for s in submissions.prefetch_related("values__element")]


@router.get("/submissions/{pk}", response=SubmissionOut, summary="一份填报及其各口径数值")
def get_submission(request: HttpRequest, pk: int) -> dict:
    return _out(access_submission(scope_of(request.user), pk))


@router.put(
    "/submissions/{pk}/values",
    response={200: SubmissionOut, 409: ErrorOut, 422: ErrorOut},
    summary="报送数值（草稿或报送）",
)
def put_values(request: HttpRequest, pk: int, payload: ValuesIn) -> Status:
    submission = access_submission(scope_of(request.user), pk, "edit")
    try:
        result = actions.save_values(
            submission,
            request.user,  # type: ignore[arg-type]
            payload.values,
            version=payload.version,
            explanations=payload.explanations,
            channel="api",
            submit=payload.submit,
        )
    except actions.Invalid as error:
        problems = [
            {"field": p.field, "message": p.message, "kind": p.kind} for p in error.problems
        ]
        return Status(422, {"detail": "数据未通过校验，未保存", "problems": problems})
    except (actions.Conflict, actions.WorkflowError) as error:
        return Status(409, {"detail": str(error)})
    return Status(200, _out(result.submission))
