"""Commands from the source page and the API: who may send them, what the history shows."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from plantrack.monitoring.models import CommandEvent, LoggerCommand

from ..conftest import PASSWORD
from .conftest import HZ_MN, NB_MN

pytestmark = pytest.mark.django_db


def login(client, username: str):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def api(mn: str) -> str:
    return f"/api/monitoring/sources/{mn}/commands"


def test_city_user_queues_a_command_from_the_source_page(client, outlets) -> None:
    login(client, "hangzhou")
    page = client.get(reverse("monitoring-source", args=["zhejiang-2011", HZ_MN])).content.decode()
    assert 'data-table="commands"' in page and 'name="cn"' in page
    url = reverse("monitoring-commands", args=["zhejiang-2011", HZ_MN])
    form = {"cn": "2061", "reason": "补传缺失小时数据", "BeginTime": "20110601000000",
            "EndTime": "20110601230000", "NewPW": "ignored"}  # fmt: skip
    fragment = client.post(url, form, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text
    assert 'data-command="2061" data-status="queued"' in text and 'data-polling="1"' in text
    command = LoggerCommand.objects.get()
    assert command.requested_by.username == "hangzhou" and command.reason == "补传缺失小时数据"
    # Only the parameters 2061 takes are sent.
    assert command.parameters == {"BeginTime": "20110601000000", "EndTime": "20110601230000"}
    assert CommandEvent.objects.get(command=command).user == command.requested_by


def test_bad_input_on_the_page_names_the_parameter(client, outlets) -> None:
    login(client, "hangzhou")
    url = reverse("monitoring-commands", args=["zhejiang-2011", HZ_MN])
    response = client.post(url, {"cn": "1064", "reason": "调整", "MinInterval": "7"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 422
    assert 'data-error="MinInterval"' in response.content.decode()
    assert not LoggerCommand.objects.exists()


def test_the_page_has_htmx_swap_the_refused_commands_answer(client, outlets) -> None:
    """htmx swaps no 4xx answer by default, so the 422 above would leave the form as it was
    and the user without the error; the page configures 422 to be swapped before the rule
    that drops every 4xx."""
    login(client, "hangzhou")
    page = client.get(reverse("monitoring-source", args=["zhejiang-2011", HZ_MN])).content.decode()
    found = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert found is not None
    rules = [rule["code"] for rule in json.loads(found.group(1))["responseHandling"]]
    assert rules.index("422") < rules.index("[45]..")
    assert json.loads(found.group(1))["responseHandling"][rules.index("422")]["swap"] is True


def test_city_user_cannot_command_or_read_another_citys_logger(client, outlets) -> None:
    login(client, "hangzhou")
    url = reverse("monitoring-commands", args=["zhejiang-2011", NB_MN])
    assert client.post(url, {"cn": "1011", "reason": "x"}).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(api(NB_MN), {"cn": "1011", "reason": "x"},
                       content_type="application/json").status_code == 404  # fmt: skip
    assert not LoggerCommand.objects.exists()


def test_county_user_sees_the_history_but_may_not_send(client, outlets) -> None:
    login(client, "hangzhou")
    client.post(api(HZ_MN), {"cn": "1011", "reason": "对时"}, content_type="application/json")
    login(client, "xihu")
    page = client.get(reverse("monitoring-source", args=["zhejiang-2011", HZ_MN])).content.decode()
    assert 'data-command="1011"' in page and 'name="cn"' not in page
    url = reverse("monitoring-commands", args=["zhejiang-2011", HZ_MN])
    assert client.post(url, {"cn": "1011", "reason": "x"}).status_code == 403
    refused = client.post(api(HZ_MN), {"cn": "1011", "reason": "x"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    assert LoggerCommand.objects.count() == 1


def test_api_queues_lists_and_reads_a_command(client, outlets) -> None:
    login(client, "hbt")  # 省环保厅 owns the monitoring data sets
    created = client.post(
        api(NB_MN),
        {"cn": "3011", "parameters": {"PolId": "a21026"}, "reason": "零点校准", "timeout": 20},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["parameters"], body["requested_by"]) == (
        "queued", {"PolId": "a21026"}, "hbt",
    )  # fmt: skip
    assert len(body["qn"]) == 17 and body["qn"].isdigit()
    listed = client.get(api(NB_MN)).json()
    assert [c["id"] for c in listed] == [body["id"]]
    assert client.get(f"{api(NB_MN)}/{body['id']}").json()["cn"] == "3011"
    login(client, "hangzhou")
    assert client.get(f"{api(NB_MN)}/{body['id']}").status_code == 404
    assert client.get(f"{api(HZ_MN)}/{body['id']}").status_code == 404


def test_api_says_which_parameter_is_wrong(client, outlets) -> None:
    login(client, "admin")
    response = client.post(api(HZ_MN), {"cn": "2061", "reason": "补传",
                           "parameters": {"BeginTime": "2011-13-01", "EndTime": "20110603000000"}},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and "BeginTime" in response.json()["detail"]
    for who in ("leader", "ningbo"):
        login(client, who)
        status = client.post(api(HZ_MN), {"cn": "1011", "reason": "x"},
                             content_type="application/json").status_code  # fmt: skip
        assert status in (403, 404)
