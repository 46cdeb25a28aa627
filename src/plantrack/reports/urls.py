"""报告与通报."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.index, name="reports"),
    path("<slug:code>/city/<str:region>/<int:year>/", views.city, name="report-city"),
    path("<slug:code>/province/<int:year>/", views.province, name="report-province"),
    path("<slug:code>/bulletin/<str:region>/<str:month>/", views.bulletin, name="report-bulletin"),
    path("<slug:code>/workbook/<str:region>/<str:month>/", views.workbook, name="report-workbook"),
]
