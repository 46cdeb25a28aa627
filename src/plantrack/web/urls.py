from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("plans/<slug:code>/", views.plan_browser, name="plan"),
    path("plans/<slug:code>/export.xlsx", views.plan_workbook, name="plan-workbook"),
    path("plans/<slug:code>/targets/<str:target>/", views.target_detail, name="target"),
]
