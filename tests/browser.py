"""Playwright driving Debian's Chromium, headless, for tests that use a real browser."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("PLANTRACK_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "Chromium not found: install it with `apt-get install chromium` (make test does)"
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls
    # happen in its own thread, but fixtures touching the ORM here need this flag.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def log_in(page, site: str, username: str, password: str) -> None:
    """Log in through the login page and wait for the dashboard it sends one to."""
    page.goto(f"{site}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_tests_last(items: list[pytest.Item], package: Path) -> None:
    """Move the browser tests of ``package`` after its other tests (collection hook): once
    Playwright's sync API has started, the thread has a running event loop and another
    database connection."""
    mine = [i for i, item in enumerate(items) if package in Path(str(item.fspath)).parents]
    if not mine:
        return
    block = items[mine[0] : mine[-1] + 1]
    ordered = sorted(block, key=lambda item: item.get_closest_marker("browser") is not None)
    items[mine[0] : mine[-1] + 1] = ordered
