"""年度实施计划与责任报告."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.index, name="annualplans"),
    path("<slug:code>/export/", views.export, name="annualplans-export"),
    path("<slug:code>/open/", views.open_obligations, name="annualplans-open"),
    path("<slug:code>/o/<int:pk>/", views.detail, name="annualplans-detail"),
    path("<slug:code>/o/<int:pk>/upload/", views.upload, name="annualplans-upload"),
    path("<slug:code>/o/<int:pk>/template/", views.template, name="annualplans-template"),
    path("<slug:code>/o/<int:pk>/targets/", views.import_view, name="annualplans-import"),
    path("<slug:code>/o/<int:pk>/submit/", views.submit, name="annualplans-submit"),
    path("<slug:code>/o/<int:pk>/review/", views.review, name="annualplans-review"),
    path(
        "<slug:code>/o/<int:pk>/documents/<int:doc>/",
        views.document,
        name="annualplans-document",
    ),
]
