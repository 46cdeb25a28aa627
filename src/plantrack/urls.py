from django.contrib import admin
from django.urls import include, path

from plantrack.api.urls import api

admin.site.site_header = "PlanTrack 资源节约与环境保护目标责任管理系统"
admin.site.site_title = "PlanTrack 管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reporting/", include("plantrack.reporting.urls")),
    path("progress/", include("plantrack.progress.urls")),
    path("assessment/", include("plantrack.assessment.urls")),
    path("dashboard/", include("plantrack.dashboard.urls")),
    path("reports/", include("plantrack.reports.urls")),
    path("projects/", include("plantrack.projects.urls")),
    path("supervision/", include("plantrack.supervision.urls")),
    path("annual-plans/", include("plantrack.annualplans.urls")),
    path("monitoring/", include("plantrack.monitoring.urls")),
    path("quality/", include("plantrack.quality.urls")),
    path("", include("plantrack.web.urls")),
]
