"""Chinese by default, English on request: the language switch and the English catalogue."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from .conftest import PASSWORD

PLAN_URL = "/plans/zhejiang-2011/"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
# Apps added later keep their own catalogue (src/plantrack/<app>/locale), which Django finds itself.
APP_CATALOGUES = sorted(
    Path(settings.LOCALE_PATHS[0]).parent.glob("*/locale/en/LC_MESSAGES/django.po")
)

# UI labels of the plan browser, and what the English catalogue makes of them.
PLAN_LABELS = {
    "筛选": "Filter",
    "导出 Excel": "Export to Excel",
    "演示数据": "Demo data",
    "全部": "All",
    "确保": "Binding",
    "力争": "Stretch",
    "计划自身的一致性": "Internal consistency of the plan",
}
# Names from the plan itself are data: they stay Chinese in every language.
PLAN_DATA = ["节能降耗", "千家重点企业节能推进工程"]


@pytest.fixture(autouse=True)
def _restore_language():
    """A request activates its language for the whole thread; put the previous one back."""
    before = translation.get_language()
    yield
    translation.activate(before)


def _en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_browser_is_chinese_by_default(city_client):
    page = city_client.get(PLAN_URL).content.decode()
    assert '<html lang="zh-hans">' in page
    for chinese in [*PLAN_LABELS, *PLAN_DATA]:
        assert chinese in page, chinese
    assert "Export to Excel" not in page


@pytest.mark.django_db
def test_setlang_switches_the_plan_browser_to_english(city_client):
    response = city_client.post("/i18n/setlang/", {"language": "en", "next": PLAN_URL})
    assert response.status_code == 302 and response.url == PLAN_URL
    assert city_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = city_client.get(PLAN_URL).content.decode()
    assert '<html lang="en">' in page
    for chinese, english in PLAN_LABELS.items():
        assert english in page, english
        assert f">{chinese}<" not in page, chinese
    for data in PLAN_DATA:
        assert data in page, data
    # The selector offers the way back.
    assert '<option value="zh-hans">简体中文</option>' in page
    assert '<option value="en" selected>English</option>' in page

    city_client.post("/i18n/setlang/", {"language": "zh-hans", "next": PLAN_URL})
    page = city_client.get(PLAN_URL).content.decode()
    assert '<html lang="zh-hans">' in page and "筛选" in page


@pytest.mark.django_db
def test_accept_language_header_selects_english(city_client):
    page = city_client.get(PLAN_URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="en">' in page
    assert "Filter" in page and "Export to Excel" in page


@pytest.mark.django_db
def test_htmx_fragment_follows_the_language(city_client):
    fragment = _en(city_client).get(PLAN_URL, {"level": "binding"}, HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text
    assert re.search(r"\d+ targets?<", text)
    assert "Responsible departments" in text and "项目标" not in text


@pytest.mark.django_db
def test_login_page_in_english(client):
    page = _en(client).get("/login/").content.decode()
    assert '<html lang="en">' in page
    for english in ["Log in", "Username", "Password"]:
        assert english in page
    for chinese in ["登录", "用户名", "密码"]:
        assert chinese not in page

    refused = client.post("/login/", {"username": "admin", "password": "wrong"})
    assert "Incorrect username or password" in refused.content.decode()
    assert client.post("/login/", {"username": "admin", "password": PASSWORD}).status_code == 302


# --- the catalogue -------------------------------------------------------------------------------


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as {"flags", "msgid", "msgid_plural", "msgstr": [...], "obsolete"}."""
    entries: list[dict] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": [], "obsolete": False}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                continue
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if match:
                key = match.group(1)
                value = _unquote(match.group(2))
                if key.startswith("msgstr"):
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
            else:
                assert key and line.startswith('"'), f"cannot read {line!r} in {path}"
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += _unquote(line)
                else:
                    entry[key] += _unquote(line)
        if "msgid" in entry or entry["obsolete"]:
            entries.append(entry)
    return entries


def _messages(po: Path = CATALOGUE / "django.po"):
    entries = read_po(po)
    return [e for e in entries if not e["obsolete"] and e["msgid"]]


@pytest.mark.parametrize("po", APP_CATALOGUES, ids=lambda p: p.parts[-5])
def test_app_catalogues_are_complete_and_compiled(po):
    messages = _messages(po)
    assert [m["msgid"] for m in messages if not all(s.strip() for s in m["msgstr"])] == []
    assert [m["msgid"] for m in messages if "fuzzy" in m["flags"]] == []
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for m in messages:
        for msgstr in m["msgstr"]:
            assert _placeholders(msgstr) == _placeholders(m["msgid"]), m["msgid"]
        if "msgid_plural" not in m:
            assert compiled.gettext(m["msgid"]) == m["msgstr"][0], m["msgid"]


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%(?:\(\w+\))?[sd%]", text))


def test_every_message_has_an_english_translation():
    messages = _messages()
    assert len(messages) > 300
    untranslated = [m["msgid"] for m in messages if not all(s.strip() for s in m["msgstr"])]
    assert untranslated == []
    assert [m["msgid"] for m in messages if "fuzzy" in m["flags"]] == []
    header = read_po(CATALOGUE / "django.po")[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"][0]


def test_translations_keep_placeholders_and_plural_forms():
    for m in _messages():
        assert len(m["msgstr"]) == (2 if "msgid_plural" in m else 1), m["msgid"]
        for msgstr in m["msgstr"]:
            assert _placeholders(msgstr) == _placeholders(m["msgid"]), m["msgid"]
        assert not re.search(r"[\u4e00-\u9fff]", m["msgstr"][0].replace("“版本”", "")), m["msgid"]


def test_compiled_catalogue_matches_the_po_file():
    """django.mo is committed (msgfmt may be missing on a fresh machine): it must be current."""
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for m in _messages():
        if "msgid_plural" in m:
            assert compiled.ngettext(m["msgid"], m["msgid_plural"], 1) == m["msgstr"][0]
            assert compiled.ngettext(m["msgid"], m["msgid_plural"], 2) == m["msgstr"][1]
        else:
            assert compiled.gettext(m["msgid"]) == m["msgstr"][0], m["msgid"]
