"""Project pages: the registry with filters, a program's roll-up, a project, updates, approval."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plantrack.accounts.access import scope_of
from plantrack.accounts.models import Role
from plantrack.plans.models import Plan
from plantrack.regions.models import Region

from . import actions, rollup
from .access import access_project, can_approve, can_update, visible_programs, visible_projects
from .declarations import declaration_of
from .models import Evidence, Status, Update, UpdateState
from .queries import ProjectFilter, filter_projects

PAGE_SIZE = 50


def _plan(code: str) -> Plan:
    return get_object_or_404(Plan, code=code)


def _regions(request: HttpRequest) -> list[Region]:
    scope = scope_of(request.user)
    cities = Region.objects.filter(level__in=["city", "county"]).select_related("parent")
    if scope.role in (Role.CITY, Role.COUNTY):
        cities = cities.filter(code__startswith=(scope.region_code or "")[:4])
    return list(cities.order_by("code"))


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    scope = scope_of(request.user)
    filters = ProjectFilter.of(request.GET)
    projects = filter_projects(scope, plan, filters)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "filters": filters,
        "page": page,
        "total": page.paginator.count,
        "query": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "projects/_list.html", context)
    declaration = declaration_of(plan)
    visible = visible_projects(scope, plan)
    counts = dict(visible.values("list_code").annotate(n=Count("pk")).values_list("list_code", "n"))
    context |= {
        "programs": visible_programs(scope, plan),
        "lists": [(pl, counts.get(pl.code, 0)) for pl in declaration.project_lists]
        if declaration
        else [],
        "regions": _regions(request),
        "statuses": Status.choices,
        "types": sorted({pl.project_type for pl in declaration.project_lists})
        if declaration
        else [],
        "pending": Update.objects.filter(project__in=visible, state=UpdateState.SUBMITTED).count(),
        "counts": rollup.counts(visible, timezone.localdate()),
    }
    return render(request, "projects/index.html", context)


@login_required
def program_page(request: HttpRequest, code: str, program: str) -> HttpResponse:
    plan = _plan(code)
    scope = scope_of(request.user)
    program_obj = get_object_or_404(visible_programs(scope, plan), code=program)
    region = None
    if request.GET.get("region"):
        region = get_object_or_404(Region, code=request.GET["region"])
    visible = visible_projects(scope, plan)
    progress = rollup.program_progress(plan, program_obj, region, projects=visible)
    declaration = declaration_of(plan)
    breakdowns = []
    for project_list in declaration.lists_of_program(program_obj.code) if declaration else []:
        link = project_list.targets[0]
        rows = rollup.region_breakdown(
            plan, project_list, link, visible.filter(program=program_obj)
        )
        breakdowns.append((project_list, link, rows))
    return render(
        request,
        "projects/program.html",
        {
            "plan": plan,
            "program": program_obj,
            "progress": progress,
            "breakdowns": breakdowns,
            "region": region,
            "regions": _regions(request),
        },
    )


@login_required
def detail(request: HttpRequest, code: str, project: str) -> HttpResponse:
    plan = _plan(code)
    project_obj = access_project(request.user, plan, project)
    scope = scope_of(request.user)
    return render(
        request,
        "projects/detail.html",
        {
            "plan": plan,
            "project": project_obj,
            "contributions": project_obj.contributions.all(),
            "milestones": project_obj.milestones.all(),
            "updates": project_obj.updates.select_related("author", "reviewer").prefetch_related(
                "evidence"
            ),
            "changes": project_obj.changes.select_related("user")[:200],
            "can_update": can_update(scope, project_obj),
            "can_approve": can_approve(scope, project_obj),
            "statuses": Status.choices,
        },
    )


@login_required
def update_form(request: HttpRequest, code: str, project: str) -> HttpResponse:
    plan = _plan(code)
    project_obj = access_project(request.user, plan, project)
    if not can_update(scope_of(request.user), project_obj):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            actions.create_update(
                request.user,  # type: ignore[arg-type]
                project_obj,
                request.POST.get("note", ""),
                {
                    k: v
                    for k, v in request.POST.items()
                    if k not in ("note", "submit", "csrfmiddlewaretoken")
                },
                request.FILES.getlist("evidence"),
                submit=request.POST.get("submit") == "1",
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        else:
            messages.success(request, _("进展已保存"))
            return redirect("projects-detail", code=code, project=project)
    return render(
        request,
        "projects/update_form.html",
        {
            "plan": plan,
            "project": project_obj,
            "contributions": project_obj.contributions.all(),
            "milestones": project_obj.milestones.all(),
            "statuses": Status.choices,
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


def _update(request: HttpRequest, plan: Plan, project: str, pk: int) -> Update:
    project_obj = access_project(request.user, plan, project)
    return get_object_or_404(project_obj.updates.select_related("project"), pk=pk)


@login_required
@require_POST
def update_submit(request: HttpRequest, code: str, project: str, pk: int) -> HttpResponse:
    update = _update(request, _plan(code), project, pk)
    try:
        actions.submit_update(request.user, update)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("projects-detail", code=code, project=project)


@login_required
@require_POST
def update_review(request: HttpRequest, code: str, project: str, pk: int) -> HttpResponse:
    update = _update(request, _plan(code), project, pk)
    try:
        actions.review_update(
            request.user,  # type: ignore[arg-type]
            update,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("review_note", ""),
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    if request.POST.get("next") == "approvals":
        return redirect("projects-approvals", code=code)
    return redirect("projects-detail", code=code, project=project)


@login_required
def approvals(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan(code)
    scope = scope_of(request.user)
    pending = [
        u
        for u in Update.objects.filter(
            project__in=visible_projects(scope, plan), state=UpdateState.SUBMITTED
        ).select_related("project", "project__program", "project__region", "author")
        if can_approve(scope, u.project)
    ]
    return render(request, "projects/approvals.html", {"plan": plan, "pending": pending})


@login_required
def evidence(request: HttpRequest, code: str, project: str, pk: int) -> FileResponse:
    project_obj = access_project(request.user, _plan(code), project)
    item = Evidence.objects.filter(update__project=project_obj, pk=pk).first()
    if item is None:
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
