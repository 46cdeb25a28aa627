from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/", views.overview, name="dashboard"),
    path("<slug:code>/tables/<slug:table>.xlsx", views.table_xlsx, name="dashboard-xlsx"),
]
