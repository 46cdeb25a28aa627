from django.urls import path

from . import views
from .urls_excel import urlpatterns as excel_urlpatterns

urlpatterns = [
    path("", views.index, name="reporting"),
    path("submissions/<int:pk>/", views.submission_form, name="submission"),
    path("submissions/<int:pk>/save/", views.submission_save, name="submission-save"),
    path("submissions/<int:pk>/workflow/", views.submission_workflow, name="submission-workflow"),
    path("submissions/<int:pk>/history/", views.submission_history, name="submission-history"),
    path("sets/<slug:data_set>/<str:period>/", views.period_overview, name="reporting-period"),
    path("units/<str:unit_key>/history/", views.unit_history, name="unit-history"),
]

# Excel and CSV in and out live in their own module.
urlpatterns += excel_urlpatterns
