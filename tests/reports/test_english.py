"""English is the second locale: the page and the generated documents follow it."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from plantrack.regions.models import Region
from plantrack.reports import documents

from ..conftest import PASSWORD
from .conftest import HANGZHOU, MONTH, word

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese_afterwards():
    """A request in English leaves English active in this thread; later tests expect Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_reports_page_in_english(plan):
    client = Client(headers={"accept-language": "en"})
    assert client.login(username="hangzhou", password=PASSWORD)
    page = client.get("/reports/zhejiang-2011/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reports and bulletins" in page and "Generate Word report" in page


def test_bulletin_in_english_keeps_the_figures(plan):
    with translation.override("en"):
        content = documents.bulletin(plan, Region.objects.get(code=HANGZHOU), MONTH, "docx")
    texts = [p.text for p in word(content).paragraphs if p.text]
    assert texts[1] == (
        "Bulletin on the progress of the resource conservation and environmental protection "
        "targets, months 1–9 of 2011"
    )
    assert "一、Overall progress" in texts
    assert any("No data yet" in c.text for t in word(content).tables for c in t.columns[4].cells)
