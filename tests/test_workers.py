"""Several processes on one database, as an operator runs them: web instances and job workers.

Real ``matchmaker serve`` and ``matchmaker worker`` processes on the test server (the embedded one,
or the external one in CI's second run). A round is held mid-run by the test taking the lock its
writing phase needs, so "mid-round" is a state the test controls, not a moment it guesses; leases
and the housekeeping interval are set short through the environment, and the test polls the
database with a deadline rather than sleeping a fixed time.
"""

from __future__ import annotations

import signal
import time
from typing import Any

import asyncpg
import httpx

from matchmaker import db
from tests.processes import SWEEP_SECONDS, Spawn, free_port, serve, until, until_true


def _coordinator(url: str) -> dict[str, str]:
    answer = httpx.post(
        f"{url}/api/v1/auth/login",
        json={"username": "coordinator", "password": "matchmaker-demo"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _round(url: str, headers: dict[str, str], round_id: int) -> dict[str, Any]:
    answer = httpx.get(f"{url}/api/v1/rounds/{round_id}", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _hold_the_holds_lock(dsn: str) -> asyncpg.Connection:
    """Take the lock a round's writing phase waits for, in an open transaction."""
    conn = await db.connect(dsn)
    await conn.execute("BEGIN")
    await conn.execute("SELECT pg_advisory_xact_lock(7311)")
    return conn


async def test_a_round_runs_on_a_worker_and_is_watched_from_another_instance(
    spawn: Spawn, shared_db: str
) -> None:
    first, second = serve(spawn, "--no-worker"), serve(spawn, "--no-worker")
    spawn("worker")
    headers = _coordinator(first)
    created = httpx.post(
        f"{first}/api/v1/rounds", json={"scope": {"districts": ["邛崃市"]}}, headers=headers
    )
    assert created.status_code == 202, created.text
    round_id = created.json()["id"]
    done = until(
        lambda: (r := _round(second, headers, round_id))["status"] in ("succeeded", "failed") and r,
        "the round finish, read from the other instance",
    )
    assert done["status"] == "succeeded", done
    assert done["stats"]["matched"] > 0 and set(done["stats"]["timings"]) >= {"solving", "writing"}
    proposals = httpx.get(f"{second}/api/v1/rounds/{round_id}/proposals", headers=headers)
    assert len(proposals.json()["items"]) == done["stats"]["matched"]


async def test_a_killed_worker_s_round_is_failed_after_its_lease_and_never_also_succeeds(
    spawn: Spawn, shared_db: str
) -> None:
    url = serve(spawn, "--no-worker")
    doomed = spawn("worker")
    headers = _coordinator(url)
    blocker = await _hold_the_holds_lock(shared_db)
    try:
        created = httpx.post(
            f"{url}/api/v1/rounds", json={"scope": {"districts": ["邛崃市"]}}, headers=headers
        )
        round_id = created.json()["id"]
        until(
            lambda: _round(url, headers, round_id)["progress"].get("phase") == "writing",
            "the round reach its writing phase",
        )
        # a web instance starting mid-round leaves the running round alone
        late = serve(spawn)
        held = _round(late, headers, round_id)
        assert held["status"] == "running" and held["error"] is None
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
        # the late instance's own worker notices the lapsed lease (housekeeping, every 2 s)
        failed = until(
            lambda: (r := _round(late, headers, round_id))["status"] != "running" and r,
            "the abandoned round leave 'running'",
        )
    finally:
        await blocker.execute("ROLLBACK")
        await blocker.close()
    assert failed["status"] == "failed" and "abandoned" in failed["error"], failed
    conn = await db.connect(shared_db)
    try:
        # nothing of the dead run landed, and nobody flipped it back
        assert (
            await conn.fetchval("SELECT count(*) FROM proposals WHERE round_id = $1", round_id) == 0
        )
        assert await conn.fetchval("SELECT status FROM rounds WHERE id = $1", round_id) == "failed"
    finally:
        await conn.close()


async def test_housekeeping_runs_once_per_interval_across_instances(
    spawn: Spawn, shared_db: str
) -> None:
    for _ in range(2):
        serve(spawn)  # each with its own in-process worker and scheduler
    spawn("worker")
    conn = await db.connect(shared_db)
    try:

        async def runs() -> list[float]:
            rows = await conn.fetch(
                "SELECT extract(epoch FROM ran_at)::float8 AS at FROM housekeeping_runs ORDER BY 1"
            )
            return [r["at"] for r in rows]

        deadline = time.monotonic() + 60
        seen: list[float] = []
        while time.monotonic() < deadline and len(seen) < 6:
            seen = await runs()
            time.sleep(0.2)
    finally:
        await conn.close()
    assert len(seen) >= 6, seen
    # three schedulers, one run per tick: as many runs as intervals went by (plus the tick at
    # each end), where running once per process would make it three times as many
    span = seen[-1] - seen[0]
    assert len(seen) <= span / SWEEP_SECONDS + 2, (len(seen), span)


def test_the_sign_in_limit_holds_across_instances_and_their_processes(spawn: Spawn) -> None:
    urls = [serve(spawn, "--workers", "2"), serve(spawn, "--workers", "2")]

    def attempt(i: int, username: str, password: str = "wrong") -> httpx.Response:
        # a new X-Forwarded-For every time: from a client that is not a trusted proxy it is
        # only a header, and the count stays the peer address's
        return httpx.post(
            f"{urls[i % 2]}/api/v1/auth/login",
            json={"username": username, "password": password},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
            timeout=10,
        )

    # one account, guesses spread over both instances (and so over their four processes)
    assert [attempt(i, "staff").status_code for i in range(10)] == [401] * 10
    locked = attempt(10, "staff", "matchmaker-demo")
    assert locked.status_code == 429 and "account" in locked.json()["message"]
    # one address, many accounts: 20 attempts in the minute, whichever instance answers
    assert [attempt(i, f"nobody-{i}").status_code for i in range(11, 20)] == [401] * 9
    refused = attempt(20, "coordinator", "matchmaker-demo")
    assert refused.status_code == 429 and "address" in refused.json()["message"]


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_count(spawn: Spawn) -> None:
    url = serve(spawn, MATCHMAKER_TRUSTED_PROXIES="127.0.0.1")

    def attempt(client: str, i: int) -> int:
        answer = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"username": f"nobody-{i}", "password": "wrong"},
            headers={"X-Forwarded-For": client},
            timeout=10,
        )
        return answer.status_code

    assert [attempt("203.0.113.1", i) for i in range(20)] == [401] * 20
    assert attempt("203.0.113.1", 20) == 429  # that client is slowed down
    assert attempt("203.0.113.2", 21) == 401  # another client behind the proxy is not


async def test_two_workers_send_a_rounds_mail_once_and_a_web_instance_sends_none(
    spawn: Spawn, shared_db: str
) -> None:
    """The web instance only serves; two worker processes share the outbox: each mail goes once."""
    from aiosmtpd.controller import Controller

    from tests.test_delivery import Inbox

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail = {
            "MATCHMAKER_SMTP_URL": f"smtp://127.0.0.1:{port}",
            "MATCHMAKER_PUBLIC_URL": "http://mm.test",
        }
        url = serve(spawn, "--no-worker", **mail)
        conn = await db.connect(shared_db)
        try:
            await conn.execute(
                "UPDATE users SET email = username || '@example.cn' WHERE role IN ('community_staff', 'partner')"
            )
        finally:
            await conn.close()
        headers = _coordinator(url)
        created = httpx.post(
            f"{url}/api/v1/rounds",
            json={"scope": {"districts": ["邛崃市"]}, "min_score": 0.0},
            headers=headers,
        )
        assert created.status_code == 202, created.text
        spawn("worker", **mail)
        spawn("worker", **mail)
        round_id = created.json()["id"]
        done = until(
            lambda: (
                (r := _round(url, headers, round_id))["status"] in ("succeeded", "failed") and r
            ),
            "the round finish",
        )
        assert done["status"] == "succeeded", done
        conn = await db.connect(shared_db)
        try:
            expected = await conn.fetchval("SELECT count(*) FROM outbox WHERE channel = 'email'")
            assert expected > 1
            until(lambda: len(inbox.messages) >= expected, "every mail of the round arrive")
            # a worker records a mail sent after the server took it: wait for the outbox too
            unsent = "SELECT count(*) = 0 FROM outbox WHERE status <> 'sent'"
            await until_true(lambda: conn.fetchval(unsent), "every mail recorded as sent")
        finally:
            await conn.close()
        recipients = [m["To"] for m in inbox.messages]
        assert len(recipients) == len(set(recipients)) == expected  # one each, none twice
    finally:
        controller.stop()
