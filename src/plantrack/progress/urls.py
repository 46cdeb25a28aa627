from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/warnings/", views.warnings, name="warnings"),
    path("<slug:code>/targets/<str:target>/", views.target_progress, name="target-progress"),
    path("<slug:code>/regions/<str:region>/", views.scorecard, name="scorecard"),
]
