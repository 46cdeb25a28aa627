"""督查整改与联席会议."""

from django.urls import path

from . import pages, views, views_excel

urlpatterns = [
    path("<slug:code>/", views.ledger, name="supervision"),
    path("<slug:code>/export/", views_excel.ledger_export, name="supervision-export"),
    path("<slug:code>/items/<int:pk>/", views.item_page, name="supervision-item"),
    path("<slug:code>/items/<int:pk>/submit/", views.submit, name="supervision-submit"),
    path("<slug:code>/items/<int:pk>/review/", views.review, name="supervision-review"),
    path(
        "<slug:code>/items/<int:pk>/evidence/<int:file>/",
        views.evidence,
        name="supervision-evidence",
    ),
    path(
        "<slug:code>/items/<int:pk>/dossier/", views_excel.item_dossier, name="supervision-dossier"
    ),
    path("<slug:code>/campaigns/", pages.campaigns, name="supervision-campaigns"),
    path("<slug:code>/campaigns/new/", pages.campaign_new, name="supervision-campaign-new"),
    path("<slug:code>/campaigns/<int:pk>/", pages.campaign, name="supervision-campaign"),
    path("<slug:code>/campaigns/<int:pk>/teams/", pages.team_new, name="supervision-team-new"),
    path(
        "<slug:code>/campaigns/<int:pk>/template/",
        views_excel.findings_template,
        name="supervision-template",
    ),
    path(
        "<slug:code>/campaigns/<int:pk>/upload/",
        views_excel.findings_upload,
        name="supervision-upload",
    ),
    path("<slug:code>/meetings/", pages.meetings, name="supervision-meetings"),
    path(
        "<slug:code>/meetings/export/",
        views_excel.meetings_export,
        name="supervision-meetings-export",
    ),
    path("<slug:code>/meetings/new/", pages.meeting_new, name="supervision-meeting-new"),
    path("<slug:code>/meetings/<int:number>/", pages.meeting, name="supervision-meeting"),
    path(
        "<slug:code>/meetings/<int:number>/decisions/",
        pages.decision_new,
        name="supervision-decision-new",
    ),
]
