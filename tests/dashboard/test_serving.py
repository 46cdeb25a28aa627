"""Serving the pages cheaply: the request's scope read with the user, the plan state reused
for a second, the progress cache's separate store for big results, and the deployment server
(gunicorn) keeping connections."""

import datetime as dt
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.accounts.models import Profile
from plantrack.dashboard import progress
from plantrack.plans.models import Plan, Target
from plantrack.progress.models import FollowUp
from plantrack.regions.models import Region

PASSWORD = "demo2011"
OVERVIEW = "/dashboard/zhejiang-2011/"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_a_page_reads_the_profile_with_the_user_in_one_query():
    client = client_for("hangzhou")
    assert client.get(OVERVIEW).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(OVERVIEW).status_code == 200
    profile_table = Profile._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if profile_table in q["sql"]]
    assert len(reads) == 1, reads
    assert "auth_user" in reads[0]


@pytest.mark.django_db
def test_a_changed_profile_applies_on_the_next_request():
    client = client_for("hangzhou")
    assert client.get(f"{OVERVIEW}?region=330200").status_code == 404
    Profile.objects.filter(user__username="hangzhou").update(
        region=Region.objects.get(code="330200", valid_to__isnull=True)
    )
    assert client.get(f"{OVERVIEW}?region=330200").status_code == 200
    assert client.get(f"{OVERVIEW}?region=330100").status_code == 404


@pytest.mark.django_db
def test_logout_ends_the_session_for_a_copied_cookie():
    client = client_for("admin")
    cookie = client.cookies["sessionid"].value
    assert client.get(OVERVIEW).status_code == 200
    client.post("/logout/")
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(OVERVIEW)
    assert response.status_code == 302 and "/login/" in response["Location"]


def _follow_up(plan: Plan, month: str) -> FollowUp:
    return FollowUp(
        plan=plan, target=Target.objects.get(plan=plan, code="M-E-01"),
        region=Region.objects.get(code="330100"), rule="interview", name="约谈",
        scheme="ndrc-2021-h1", opened_for=month, periods=month,
        opened_at=timezone.now(), due=dt.date(2011, 8, 31),
    )  # fmt: skip


@pytest.mark.django_db
def test_plan_state_is_reused_for_its_interval_and_dropped_on_a_change_made_here(settings):
    settings.PLANTRACK_STATE_SECONDS = 3600
    plan, state = progress.plan_state("zhejiang-2011")
    assert plan is not None and plan.code == "zhejiang-2011"
    with CaptureQueriesContext(connection) as queries:
        assert progress.plan_state("zhejiang-2011") == (plan, state)
    assert len(queries) == 0
    # Rows written without model signals stand for a change made by another server process:
    # this one keeps its state until the interval ends.
    FollowUp.objects.bulk_create([_follow_up(plan, "2011-07")])
    assert progress.plan_state("zhejiang-2011")[1] == state
    settings.PLANTRACK_STATE_SECONDS = 0
    newer = progress.plan_state("zhejiang-2011")[1]
    assert newer != state
    # A change saved in this process is seen on the next request, whatever the interval.
    settings.PLANTRACK_STATE_SECONDS = 3600
    _follow_up(plan, "2011-08").save()
    assert progress.plan_state("zhejiang-2011")[1] not in (state, newer)
    assert progress.plan_state("no-such-plan") == (None, ())
    assert Client().get("/dashboard/no-such-plan/").status_code in (302, 404)


def test_big_results_are_kept_in_a_small_store_of_their_own():
    progress.clear()
    try:
        for n in range(progress._BIG_SIZE + 3):
            progress.cached(("big", n), lambda n=n: [n] * 1000, big=True)
            progress.cached(("small", n), lambda n=n: n)
        assert len(progress._BIG) == progress._BIG_SIZE
        assert ("big", 0) not in progress._BIG and ("big", progress._BIG_SIZE + 2) in progress._BIG
        assert len(progress._CACHE) == progress._BIG_SIZE + 3
        # A hit is the stored object, not a new one.
        last = progress._BIG[("big", progress._BIG_SIZE + 2)]
        assert progress.cached(("big", progress._BIG_SIZE + 2), list, big=True) is last
    finally:
        progress.clear()


def test_serve_runs_gunicorn_and_keeps_a_connection_alive(tmp_path: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PLANTRACK_DATA_DIR": str(tmp_path), "PLANTRACK_DEBUG": "0"}
    command = [str(Path(sys.executable).parent / "plantrack"), "serve"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        connection = None
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.connect()
                break
            except OSError:
                time.sleep(0.2)
        assert connection is not None and connection.sock is not None
        peers = set()
        for _ in range(3):
            # The login page needs no database rows: the throwaway data folder has none.
            connection.request("GET", "/login/")
            response = connection.getresponse()
            body = response.read().decode()
            assert response.status == 200 and "csrfmiddlewaretoken" in body
            assert not response.will_close
            peers.add(connection.sock.getsockname())
        assert len(peers) == 1
        connection.close()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=20)
    assert b"gthread" in errors or b"Booting worker" in errors, errors.decode()


@pytest.mark.django_db
def test_a_page_reads_the_session_from_the_cache_not_the_database():
    client = client_for("admin")
    assert client.get(OVERVIEW).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(OVERVIEW).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
