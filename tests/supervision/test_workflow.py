"""The ledger's workflow: submit with evidence, verify by a non-owner (销号), return, audit."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.supervision import actions
from plantrack.supervision.models import Item, ItemChange

from .conftest import client_for, upload, user

pytestmark = pytest.mark.django_db


def test_a_finding_opens_an_item_owned_by_its_region_with_an_event_and_audit(ledger):
    item = ledger["xihu"]
    assert item.source == "finding" and item.status == "open" and item.region.code == "330106"
    assert list(item.events.values_list("kind", flat=True)) == ["created"]
    created = item.changes.get(field="created")
    assert created.user.username == "admin" and created.new == item.title


def test_owner_submits_with_evidence_and_province_verifies_and_closes(ledger):
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已完成提标改造", [upload()])
    item.refresh_from_db()
    assert item.status == "submitted" and item.submitted_by.username == "xihu"
    evidence = item.evidence.get()
    assert evidence.sha256 == hashlib.sha256(b"%PDF-1.4 rectified").hexdigest()
    actions.verify(user("admin"), item, "现场核查属实，同意销号")
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_by.username == "admin"
    assert [e for e in item.events.values_list("kind", flat=True)] == [
        "created", "submitted", "closed",
    ]  # fmt: skip
    statuses = list(
        ItemChange.objects.filter(item=item, field="status")
        .order_by("pk")
        .values_list("old", "new")
    )
    assert statuses == [("open", "submitted"), ("submitted", "closed")]
    assert ItemChange.objects.filter(item=item, field="status", user__username="admin").exists()
    submitted_by = item.changes.get(field="submitted_by")
    assert (submitted_by.old, submitted_by.new, submitted_by.reason) == (
        "",
        "xihu",
        "已完成提标改造",
    )
    assert item.changes.get(field="closed_by").new == "admin"


def test_the_owner_can_never_verify_its_own_item(ledger):
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    for owner in ("xihu", "hangzhou"):
        with pytest.raises(PermissionDenied):
            actions.verify(user(owner), item, "自己核验")
    assert Item.objects.get(pk=item.pk).status == "submitted"


def test_the_submitter_cannot_verify_even_as_province_admin(ledger):
    item = ledger["xihu"]
    actions.submit(user("admin"), item, "代为提交", [upload()])
    with pytest.raises(PermissionDenied):
        actions.verify(user("admin"), item, "同意")


def test_lead_department_verifies_its_programs_items_but_not_others(ledger):
    item = ledger["xihu"]  # program V01, led by hbt
    actions.submit(user("xihu"), item, "已整改", [upload()])
    with pytest.raises(PermissionDenied):
        actions.verify(user("fgw"), item, "同意")  # fgw only supports V01
    actions.verify(user("hbt"), item, "同意销号")
    assert Item.objects.get(pk=item.pk).status == "closed"


def test_returned_item_goes_back_to_open_with_the_reason_and_can_be_resubmitted(ledger):
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    with pytest.raises(ValidationError):
        actions.send_back(user("admin"), item, "  ")
    actions.send_back(user("admin"), item, "缺少第三方监测报告")
    item.refresh_from_db()
    assert item.status == "open"
    returned = item.events.get(kind="returned")
    assert returned.note == "缺少第三方监测报告" and returned.user.username == "admin"
    # Evidence already given counts; the resubmission can add a note only.
    actions.submit(user("xihu"), item, "补充监测报告说明")
    assert Item.objects.get(pk=item.pk).status == "submitted"


def test_submission_needs_a_note_and_evidence_and_an_owner(ledger):
    item = ledger["xihu"]
    with pytest.raises(ValidationError):
        actions.submit(user("xihu"), item, "已整改")  # no file
    with pytest.raises(ValidationError):
        actions.submit(user("xihu"), item, " ", [upload()])
    with pytest.raises(PermissionDenied):
        actions.submit(user("ningbo"), item, "已整改", [upload()])
    with pytest.raises(PermissionDenied):
        actions.submit(user("leader"), item, "已整改", [upload()])
    assert Item.objects.get(pk=item.pk).status == "open" and not item.evidence.exists()


def test_a_closed_item_cannot_be_submitted_or_verified_again(ledger):
    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已整改", [upload()])
    actions.verify(user("admin"), item, "同意")
    with pytest.raises(ValidationError):
        actions.verify(user("hbt"), item, "同意")
    with pytest.raises(ValidationError):
        actions.submit(user("xihu"), item, "再次提交", [upload()])


def test_item_page_shows_actions_only_to_who_may_take_them(ledger):
    item = ledger["xihu"]
    url = f"/supervision/zhejiang-2011/items/{item.pk}/"
    page = client_for("xihu").get(url).content.decode()
    assert 'id="submit"' in page and 'id="review"' not in page
    assert 'id="submit"' not in client_for("leader").get(url).content.decode()
    actions.submit(user("xihu"), item, "已整改", [upload()])
    assert 'id="review"' not in client_for("hangzhou").get(url).content.decode()
    assert 'id="review"' in client_for("admin").get(url).content.decode()


def test_dossier_is_a_word_file_with_the_history(ledger):
    import io

    from docx import Document

    item = ledger["xihu"]
    actions.submit(user("xihu"), item, "已完成提标改造", [upload()])
    response = client_for("hangzhou").get(f"/supervision/zhejiang-2011/items/{item.pk}/dossier/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "已完成提标改造" in text and item.evidence.get().sha256 in text
    assert (
        client_for("ningbo").get(f"/supervision/zhejiang-2011/items/{item.pk}/dossier/").status_code
        == 404
    )
