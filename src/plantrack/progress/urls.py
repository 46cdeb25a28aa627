from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/warnings/", views.warnings, name="warnings"),
    path("<slug:code>/targets/<str:target>/", views.target_progress, name="target-progress"),
    path("<slug:code>/regions/<str:region>/", views.scorecard, name="scorecard"),
    path("<slug:code>/follow-ups/", views.follow_ups, name="follow-ups"),
    path("<slug:code>/follow-ups/<int:pk>/close/", views.close, name="follow-up-close"),
    path(
        "<slug:code>/targets/<str:target>/decomposition/",
        views.target_decomposition,
        name="target-decomposition",
    ),
]
