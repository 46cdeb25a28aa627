from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/<int:year>/", views.results, name="assessment"),
    path("<slug:code>/<int:year>/<str:region>/score/", views.score_city, name="assessment-score"),
]
