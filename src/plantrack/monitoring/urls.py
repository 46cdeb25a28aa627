from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.index, name="monitoring"),
    path("<slug:code>/sources/<str:mn>/", views.source_detail, name="monitoring-source"),
    path(
        "<slug:code>/sources/<str:mn>/commands/",
        views.source_commands,
        name="monitoring-commands",
    ),
    path("<slug:code>/events/", views.events, name="monitoring-events"),
]
