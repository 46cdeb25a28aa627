from django.urls import path

from . import coverage_views, emission_views, views

urlpatterns = [
    path("<slug:code>/", views.index, name="monitoring"),
    path("<slug:code>/sources/<str:mn>/", views.source_detail, name="monitoring-source"),
    path(
        "<slug:code>/sources/<str:mn>/commands/",
        views.source_commands,
        name="monitoring-commands",
    ),
    path("<slug:code>/events/", views.events, name="monitoring-events"),
    path("<slug:code>/coverage/", coverage_views.coverage_page, name="monitoring-coverage"),
    path(
        "<slug:code>/coverage/emissions.xlsx",
        coverage_views.loads_template,
        name="monitoring-loads-template",
    ),
    path(
        "<slug:code>/coverage/import/", coverage_views.loads_import, name="monitoring-loads-import"
    ),
    path(
        "<slug:code>/coverage/enterprises/<str:enterprise>/",
        emission_views.enterprise_emissions,
        name="monitoring-enterprise-emissions",
    ),
]
