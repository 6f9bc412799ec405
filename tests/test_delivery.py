"""Delivery beyond the app: a real SMTP server (aiosmtpd) and a real HTTP receiver standing in for
a group robot, fed by the outbox.

The first test goes the whole way a user's proposal mail goes — a round run by the app's own
worker, the outbox, the worker sending — and follows the mail's link. The others drive the sender
with a test clock, so retries happen at chosen moments instead of after waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import http.server
import json
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import db
from matchmaker.app import create_app
from matchmaker.services import delivery
from matchmaker.services.notice_text import CHINA
from matchmaker.settings import Settings
from tests.conftest import SECRET
from tests.test_inbox_pages import proposal
from tests.test_rounds import QIONGLAI, wait

SITE = "http://matchmaker.test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Robot:
    """A group robot's HTTP endpoint on a port; start and stop it to bring it up and down."""

    def __init__(self) -> None:
        self.port = free_port()
        self.bodies: list[dict[str, Any]] = []
        self.queries: list[str] = []
        self._server: http.server.ThreadingHTTPServer | None = None

    def start(self) -> None:
        robot = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                robot.bodies.append(json.loads(self.rfile.read(length)))
                robot.queries.append(self.path)
                answer = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=k"


@pytest.fixture
def robot() -> Iterator[Robot]:
    receiver = Robot()
    yield receiver
    receiver.stop()


@pytest.fixture
def app(database_dsn: str, conn: asyncpg.Connection) -> Litestar:
    """The app without its in-process worker: these tests run the sender themselves, on a clock."""
    return create_app(
        Settings(
            database_url=database_dsn, secret_key=SECRET, pool_min=1, pool_max=4, worker="none"
        ),
        dsn=database_dsn,
    )


@pytest.fixture
async def pool(database_dsn: str, conn: asyncpg.Connection) -> AsyncIterator[asyncpg.Pool]:
    made = await db.create_pool(database_dsn, min_size=1, max_size=4)
    yield made
    await made.close()


async def until(condition: Any, what: str, seconds: float = 30) -> None:
    """Wait for ``condition()`` to hold (work done by another task), failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} did not happen")


async def test_a_proposal_reaches_the_staff_by_email_in_chinese_with_a_link_that_opens_it(
    seeded: Any, database_dsn: str, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = Settings(
        database_url=database_dsn, secret_key=SECRET, pool_min=1, pool_max=4,
        smtp_url=f"smtp://127.0.0.1:{port}", mail_from="社区资源对接平台 <noreply@matchmaker.test>",
        public_url=SITE,
    )  # fmt: skip
    app = create_app(settings, dsn=database_dsn)
    async with AsyncTestClient(app=app) as client:

        async def sign_in(name: str) -> dict[str, str]:
            answer = await client.post(
                "/api/v1/auth/login", json={"username": name, "password": "matchmaker-demo"}
            )
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        staff, coordinator = await sign_in("staff"), await sign_in("coordinator")
        saved = await client.put(
            "/api/v1/notifications/settings",
            json={"email": "wang@example.cn", "email_mode": "instant"},
            headers=staff,
        )
        assert saved.status_code == 200
        started = await client.post(
            "/api/v1/rounds", json={"scope": QIONGLAI, "min_score": 0.0}, headers=coordinator
        )
        done = await wait(client, coordinator, started.json()["id"])
        assert done["status"] == "succeeded"
        ours = await seeded.fetchval(
            """SELECT count(*) FROM proposals p JOIN demands d ON d.id = p.demand_id
               JOIN communities c ON c.id = d.community_id WHERE c.name = '渔箭社区'
               AND p.round_id = $1""",
            done["id"],
        )
        assert ours > 0, "the demo round should propose something to 渔箭社区"
        await until(lambda: inbox.messages, "the proposal mail")
        [mail] = inbox.messages
        assert mail["To"] == "wang@example.cn"
        assert mail["Subject"] == f"第 {done['id']} 轮撮合：您有 {ours} 条撮合建议"
        body = mail.get_content()
        name = await seeded.fetchval("SELECT display_name FROM users WHERE username = 'staff'")
        assert body.startswith(f"{name}，您好")
        assert "撮合建议：" in body and f"{SITE}/inbox#proposals" in body
        assert f"{SITE}/notifications/settings" in body
        # the link opens the staff's inbox, where the proposals are
        token = (
            (await client.get("/login")).text.split('name="_csrf_token" value="')[1].split('"')[0]
        )
        await client.post(
            "/login",
            data={"username": "staff", "password": "matchmaker-demo", "_csrf_token": token},
        )
        page = await client.get(mail.get_content().split(SITE)[1].split()[0].split("#")[0])
        assert page.status_code == 200 and 'id="proposals"' in page.text
        row = await seeded.fetchrow(
            "SELECT status, attempts, sent_at FROM outbox WHERE channel = 'email'"
        )
        assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"] is not None


async def test_mail_waits_while_the_server_is_down_and_goes_once_when_it_is_back(
    seeded: Any, pool: asyncpg.Pool, login: Any, client: Any
) -> None:
    inbox, port = Inbox(), free_port()
    settings = Settings(smtp_url=f"smtp://127.0.0.1:{port}", public_url=SITE)
    await seeded.execute("UPDATE users SET email = 'zhuli@example.cn' WHERE username = 'partner'")
    made = await proposal(seeded)
    staff = await login("staff")
    await client.post(f"/api/v1/proposals/{made}/accept", headers=staff)
    assert await seeded.fetchval("SELECT count(*) FROM outbox") == 1
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert await delivery.deliver(pool, settings, now=now) == (0, 1, 0)  # nobody listening
    row = await seeded.fetchrow("SELECT status, attempts, next_attempt_at, last_error FROM outbox")
    assert row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]
    assert row["next_attempt_at"] == now + dt.timedelta(seconds=30)
    # before the backoff is over, nothing is tried
    assert await delivery.deliver(pool, settings, now=now + dt.timedelta(seconds=29)) == (0, 0, 0)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = now + dt.timedelta(seconds=31)
        assert await delivery.deliver(pool, settings, now=later) == (1, 0, 0)
        assert await delivery.deliver(pool, settings, now=later + dt.timedelta(hours=5)) == (
            0,
            0,
            0,
        )
    finally:
        controller.stop()
    [mail] = inbox.messages
    assert mail["To"] == "zhuli@example.cn" and "已接受" in mail["Subject"]
    assert f"{SITE}/inbox#proposal-{made}" in mail.get_content()


async def test_a_group_robot_gets_its_documented_format_once_after_being_down(
    seeded: Any, pool: asyncpg.Pool, login: Any, client: Any, robot: Robot
) -> None:
    coordinator, staff = await login("coordinator"), await login("staff")
    district = await seeded.fetchval("SELECT district_id FROM communities WHERE name = '渔箭社区'")
    made = await client.post(
        "/api/v1/webhooks",
        json={"name": "邛崃社区群", "provider": "wecom", "url": robot.url, "district_id": district},
        headers=coordinator,
    )
    assert made.status_code == 201, made.text
    need = await client.post(
        "/api/v1/demands",
        json={"title": "周末托管志愿者", "category": "child_care", "status": "open"},
        headers=staff,
    )
    assert need.status_code == 201, need.text
    settings = Settings(public_url=SITE)
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert await delivery.deliver(pool, settings, now=now) == (0, 1, 0)  # the robot is down
    robot.start()
    for minutes in (1, 2, 3):  # once back, it is posted once, however often the sender runs
        await delivery.deliver(pool, settings, now=now + dt.timedelta(minutes=minutes))
    [body] = robot.bodies
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("**新需求：渔箭社区 发布「周末托管志愿者」**")
    assert f"({SITE}/needs/{need.json()['id']})" in content


async def test_a_signed_dingtalk_robot_gets_timestamp_and_sign(
    seeded: Any, pool: asyncpg.Pool, login: Any, client: Any, robot: Robot
) -> None:
    coordinator, staff = await login("coordinator"), await login("staff")
    community = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    await client.post(
        "/api/v1/webhooks",
        json={"name": "渔箭群", "provider": "dingtalk", "url": robot.url, "secret": "SEC123",
              "community_id": community},
        headers=coordinator,
    )  # fmt: skip
    robot.start()
    await client.post(
        "/api/v1/demands",
        json={"title": "老年食堂送餐", "category": "elderly_care", "status": "open"},
        headers=staff,
    )
    await delivery.deliver(pool, Settings(public_url=SITE))
    [body] = robot.bodies
    assert body["msgtype"] == "markdown" and body["markdown"]["title"].startswith("新需求")
    assert body["markdown"]["text"].startswith("#### 新需求")
    assert "&timestamp=" in robot.queries[0] and "&sign=" in robot.queries[0]


async def test_mail_without_a_configured_server_fails_at_once_saying_why(
    seeded: Any, pool: asyncpg.Pool, login: Any, client: Any
) -> None:
    await seeded.execute("UPDATE users SET email = 'zhuli@example.cn' WHERE username = 'partner'")
    made = await proposal(seeded)
    await client.post(f"/api/v1/proposals/{made}/accept", headers=await login("staff"))
    assert await delivery.deliver(pool, Settings()) == (0, 0, 1)
    row = await seeded.fetchrow("SELECT status, last_error FROM outbox")
    assert row["status"] == "failed" and "MATCHMAKER_SMTP_URL" in row["last_error"]


async def test_robots_are_for_coordinators_and_bad_ones_are_refused(
    seeded: Any, login: Any, client: Any
) -> None:
    coordinator = await login("coordinator")
    district = await seeded.fetchval("SELECT id FROM districts ORDER BY id LIMIT 1")
    good = {
        "name": "群",
        "provider": "wecom",
        "url": "https://qyapi.weixin.qq.com/x",
        "district_id": district,
    }
    assert (await client.post("/api/v1/webhooks", json=good)).status_code == 401
    for who in ("staff", "partner"):
        refused = await client.post("/api/v1/webhooks", json=good, headers=await login(who))
        assert refused.status_code == 403
        assert (await client.get("/api/v1/webhooks", headers=await login(who))).status_code == 403
    for bad in (
        {**good, "provider": "slack"},
        {**good, "url": "ftp://x"},
        {**good, "district_id": None},
        {**good, "community_id": 1},
        {**good, "district_id": 999999},
    ):
        answer = await client.post("/api/v1/webhooks", json=bad, headers=coordinator)
        assert answer.status_code == 400, (bad, answer.text)
    assert await seeded.fetchval("SELECT count(*) FROM group_webhooks") == 0
    made = (await client.post("/api/v1/webhooks", json=good, headers=coordinator)).json()
    for who in ("staff", "partner"):
        refused = await client.patch(
            f"/api/v1/webhooks/{made['id']}", json={"active": False}, headers=await login(who)
        )
        assert refused.status_code == 403
    off = await client.patch(
        f"/api/v1/webhooks/{made['id']}", json={"active": False}, headers=coordinator
    )
    assert off.status_code == 200 and off.json()["active"] is False
    listed = (await client.get("/api/v1/webhooks", headers=coordinator)).json()
    assert [w["id"] for w in listed] == [made["id"]] and "secret" not in listed[0]
    assert (
        await client.patch("/api/v1/webhooks/999", json={}, headers=coordinator)
    ).status_code == 404


async def test_a_daily_digest_gathers_the_days_news_once_after_its_hour(
    seeded: Any, pool: asyncpg.Pool, login: Any, client: Any, smtp: tuple[Inbox, int]
) -> None:
    from matchmaker.services import housekeeping

    inbox, port = smtp
    settings = Settings(smtp_url=f"smtp://127.0.0.1:{port}", public_url=SITE, digest_hour=8)
    await seeded.execute(
        "UPDATE users SET email = 'wang@example.cn', email_mode = 'digest' WHERE username = 'staff'"
    )
    partner = await login("partner")
    for community in ("渔箭社区", "渔箭社区"):
        need = await seeded.fetchval(
            """SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id
               WHERE c.name = $1 AND d.status = 'open'
                 AND NOT EXISTS (SELECT 1 FROM interests i WHERE i.demand_id = d.id)
               ORDER BY d.id LIMIT 1""",
            community,
        )
        await client.post(f"/api/v1/demands/{need}/interest", json={}, headers=partner)
    assert (
        await seeded.fetchval("SELECT count(*) FROM outbox") == 0
    )  # a digest reader: none at once
    # 07:30 in Sichuan is before the digest hour; 08:05 is after it
    tomorrow = (dt.datetime.now(CHINA) + dt.timedelta(days=1)).date()
    early = dt.datetime.combine(tomorrow, dt.time(7, 30), CHINA)
    worker = uuid.uuid4()
    await housekeeping.sweep(pool, worker, settings, now=early)
    assert await seeded.fetchval("SELECT count(*) FROM outbox") == 0
    for minutes in (35, 95):  # two passes after the hour: one digest
        await housekeeping.sweep(pool, worker, settings, now=early + dt.timedelta(minutes=minutes))
    assert await seeded.fetchval("SELECT count(*) FROM outbox") == 1
    await delivery.deliver(pool, settings, now=early + dt.timedelta(minutes=96))
    [mail] = inbox.messages
    assert mail["Subject"] == "社区资源对接平台 · 今日提醒（2 条）"
    body = mail.get_content()
    assert body.count("表达了对接意向") == 2 and f"{SITE}/inbox#interests" in body
