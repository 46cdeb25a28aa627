"""Pages of the plan browser and the admin, through Django's test client."""

import pytest
from django.apps import apps
from django.urls import reverse

from plantrack.plans.models import Plan, Target

pytestmark = pytest.mark.django_db


def test_pages_require_login(client):
    for url in [
        "/", "/plans/zhejiang-2011/", "/plans/zhejiang-2011/export.xlsx",
        "/dashboard/zhejiang-2011/", "/dashboard/zhejiang-2011/tables/headline.xlsx",
        "/plans/zhejiang-2011/targets/M-E-01/", "/progress/zhejiang-2011/regions/330100/",
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


def test_wrong_password_is_refused_in_chinese(client):
    response = client.post("/login/", {"username": "admin", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_plan_browser_shows_domains_programs_and_every_target(city_client):
    page = city_client.get("/plans/zhejiang-2011/").content.decode()
    for text in ["节能降耗", "节约集约用地", "环境保护", "千家重点企业节能推进工程", "演示数据"]:
        assert text in page
    plan = Plan.objects.get(code="zhejiang-2011")
    assert f'data-count="{plan.targets.count()}"' in page


def test_plan_browser_shows_the_energy_savings_consistency(city_client):
    page = city_client.get("/plans/zhejiang-2011/").content.decode()
    assert 'id="consistency"' in page
    assert "717" in page and "650" in page


def test_filters_narrow_the_targets_and_htmx_gets_the_fragment(city_client):
    response = city_client.get(
        "/plans/zhejiang-2011/", {"department": "hbt", "level": "binding"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" not in page
    expected = Target.objects.filter(
        plan__code="zhejiang-2011", departments__code="hbt", level="binding"
    ).count()
    assert f'data-count="{expected}"' in page


def test_search_finds_targets_by_their_text(city_client):
    page = city_client.get("/plans/zhejiang-2011/", {"q": "铅蓄电池"}).content.decode()
    assert "铅蓄电池" in page
    assert 'data-count="0"' not in page


def test_target_page_shows_clause_quote_and_levels(city_client):
    target = Target.objects.filter(plan__code="zhejiang-2011", level="stretch").first()
    page = city_client.get(reverse("target", args=["zhejiang-2011", target.code])).content.decode()
    assert target.clause in page and target.quote in page and "力争" in page


def test_admin_has_every_model_in_chinese(admin_client):
    index = admin_client.get("/admin/").content.decode()
    for model in apps.get_models():
        if model._meta.app_label in {"regions", "departments", "plans", "accounts"}:
            assert str(model._meta.verbose_name_plural) in index, model
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert admin_client.get(url).status_code == 200, url


def test_city_user_cannot_open_the_admin(city_client):
    assert city_client.get("/admin/").status_code == 302


def test_navigation_links_the_overview_and_the_apps_that_exist(city_client):
    page = city_client.get("/plans/zhejiang-2011/").content.decode()
    assert f'href="{reverse("dashboard", args=["zhejiang-2011"])}"' in page
    assert f'href="{reverse("warnings", args=["zhejiang-2011"])}"' in page
