from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.index, name="quality"),
    path("<slug:code>/compute/", views.compute, name="quality-compute"),
    path("<slug:code>/rates/", views.rates, name="quality-rates"),
    path("<slug:code>/rates/<str:mn>/<str:pollutant>/", views.hours, name="quality-hours"),
    path("<slug:code>/exceedances/", views.exceedances, name="quality-exceedances"),
    path("<slug:code>/supervisory/", views.supervisory, name="quality-supervisory"),
    path(
        "<slug:code>/supervisory/template.xlsx",
        views.supervisory_template,
        name="quality-supervisory-template",
    ),
    path("<slug:code>/air/", views.air, name="quality-air"),
    path("<slug:code>/water/", views.water, name="quality-water"),
]
