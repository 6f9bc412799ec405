"""Browser journeys: Debian's Chromium driven by Playwright against a live ``matchmaker serve``.

Every test gets its own server on a fresh copy of a database holding the demo data (a PostgreSQL
``TEMPLATE`` copy takes a fraction of a second), so journeys never see each other's changes.
Chromium is the system's (``/usr/bin/chromium`` or ``MATCHMAKER_CHROMIUM``), never a downloaded
one. Without it the journeys are skipped with the reason — except under ``CI=true``, where a
missing browser fails the run.

Screenshots of the main pages go to ``docs/screenshots/`` (the README shows them).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from matchmaker import db
from matchmaker.seed import load_demo
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "matchmaker-demo"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    candidate = (
        os.environ.get("MATCHMAKER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    )
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """One headless Chromium for the whole run (Playwright's async API, on the tests' loop)."""
    executable = _chromium()
    if executable is None:
        reason = "no Chromium: apt-get install chromium fonts-noto-cjk (or set MATCHMAKER_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
async def demo_template(server_dsn: str, database_factory: Any) -> str:
    """A migrated database holding the demo data, copied for every journey."""
    dsn = await database_factory()
    conn = await db.connect(dsn)
    try:
        await load_demo(conn)
    finally:
        await conn.close()
    return db.database_name(dsn)


@pytest.fixture
async def journey_dsn(server_dsn: str, demo_template: str) -> AsyncIterator[str]:
    """A fresh copy of the demo database for one test, dropped after it."""
    name = f"mm_journey_{os.getpid()}_{secrets.token_hex(4)}"
    admin = await db.connect(server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"')
    finally:
        await admin.close()
    yield db.with_database(server_dsn, name)
    admin = await db.connect(server_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def live_server(journey_dsn: str, tmp_path: Path) -> AsyncIterator[str]:
    """``matchmaker serve`` on the journey's database; yields its base URL."""
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=journey_dsn,
        MATCHMAKER_PORT=str(port),
        MATCHMAKER_DATA_DIR=str(tmp_path / "data"),
        MATCHMAKER_SECRET_KEY=SECRET,
        MATCHMAKER_LOG_LEVEL="WARNING",
        MATCHMAKER_BELL_POLL_SECONDS="1",  # the bell asks every second: journeys watch it rise
    )
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "matchmaker", "serve", "--no-seed"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError((tmp_path / "server.log").read_text())
            try:
                with urllib.request.urlopen(f"{url}/ready", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


async def new_tab(browser: Any, base_url: str, *, width: int = 1280, height: int = 900) -> Any:
    """A tab in a fresh browser context (its own cookies): one person at one screen size."""
    context = await browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    tab = await context.new_page()
    tab.js_errors = []
    tab.on("pageerror", lambda exc: tab.js_errors.append(str(exc)))
    # the pages' Content-Security-Policy refuses inline scripts and styles: a page that needs one
    # is broken under it, and Chromium says so on the console. It refuses eval too, so a test's
    # ``wait_for_function`` takes a function (``"() => …"``): a bare expression is eval'd on every
    # poll after the first, and fails whenever the wait is not over at once
    tab.on(
        "console",
        lambda message: (
            tab.js_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return tab


@pytest.fixture
async def page(browser: Any, live_server: str) -> AsyncIterator[Any]:
    """A desktop-sized tab on the live server; relative URLs (``page.goto("/board")``) go there.

    For a second person (a partner beside a community worker) call ``await new_tab(browser,
    live_server)``: each tab from ``new_tab`` has its own cookies.
    """
    tab = await new_tab(browser, live_server)
    yield tab
    await tab.context.close()
    assert not tab.js_errors, f"JavaScript errors or CSP violations on the page: {tab.js_errors}"


async def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    await page.goto("/login")
    await page.get_by_label(re.compile("^(用户名|Username)$")).fill(username)
    await page.get_by_label(re.compile("^(密码|Password)$")).fill(password)
    await page.get_by_role("button", name=re.compile("^(登录|Sign in)$")).click()
    await page.wait_for_load_state("networkidle")
    assert "未登录" not in await page.locator("[data-testid=who]").inner_text()


async def sign_out(page: Any) -> None:
    await page.get_by_role("button", name=re.compile("^(退出|Sign out)$")).click()
    await page.wait_for_load_state("networkidle")


async def screenshot(page: Any, name: str) -> Path:
    """Save the whole page as ``docs/screenshots/<name>.png`` (look at them before a release)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def no_horizontal_scroll(page: Any) -> bool:
    """True when nothing on the page is wider than the window."""
    return bool(
        await page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )
