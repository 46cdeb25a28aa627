"""重点项目."""

from django.urls import path

from . import views, views_excel

urlpatterns = [
    path("<slug:code>/", views.index, name="projects"),
    path("<slug:code>/approvals/", views.approvals, name="projects-approvals"),
    path("<slug:code>/excel/template/", views_excel.template, name="projects-template"),
    path("<slug:code>/excel/upload/", views_excel.upload, name="projects-upload"),
    path("<slug:code>/excel/export/", views_excel.export, name="projects-export"),
    path("<slug:code>/programs/<slug:program>/", views.program_page, name="projects-program"),
    path("<slug:code>/p/<str:project>/", views.detail, name="projects-detail"),
    path("<slug:code>/p/<str:project>/update/", views.update_form, name="projects-update"),
    path(
        "<slug:code>/p/<str:project>/updates/<int:pk>/submit/",
        views.update_submit,
        name="projects-update-submit",
    ),
    path(
        "<slug:code>/p/<str:project>/updates/<int:pk>/review/",
        views.update_review,
        name="projects-update-review",
    ),
    path(
        "<slug:code>/p/<str:project>/evidence/<int:pk>/",
        views.evidence,
        name="projects-evidence",
    ),
]
