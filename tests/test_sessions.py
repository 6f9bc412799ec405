"""Sessions end when they should, and signing in never stalls the server — through HTTP.

Signing out ends that token, a new password or a deactivation ends every token of the user, and
a page's cookie token and an API token each work only where they were issued. Password checks run
in worker threads, a bounded number at a time, so other requests are answered meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import auth

Client = AsyncTestClient[Litestar]
ME = "/api/v1/auth/me"


async def _user_id(conn: Any, username: str) -> int:
    return int(await conn.fetchval("SELECT id FROM users WHERE username = $1", username))


async def test_sign_out_new_password_and_deactivation_end_tokens_each_where_it_belongs(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    laptop, phone = await login("staff"), await login("staff")
    answer = await client.post("/api/v1/auth/logout", headers=laptop)
    assert answer.status_code == 204
    assert (await client.get(ME, headers=laptop)).status_code == 401  # that token is over
    assert (await client.get(ME, headers=phone)).status_code == 200  # the other one is not
    assert (await client.post("/api/v1/auth/logout")).status_code == 401

    # a page's cookie token is no bearer token, and an API token is no session cookie
    csrf = await page_login("staff")
    cookie = client.cookies["matchmaker_session"]
    assert "未登录" not in (await client.get("/board")).text
    as_bearer = await client.get(ME, headers={"Authorization": cookie.strip('"')})
    assert as_bearer.status_code == 401
    client.cookies.set("matchmaker_session", f"Bearer {phone['Authorization'].split()[-1]}")
    assert "未登录" in (await client.get("/board")).text

    # signing out of the pages revokes the cookie's token: a copy kept elsewhere is dead too
    client.cookies.set("matchmaker_session", cookie)
    assert "未登录" not in (await client.get("/board")).text
    out = await client.post("/logout", data={"_csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("matchmaker_session", cookie)
    assert "未登录" in (await client.get("/board")).text

    # an admin's new password for staff ends every staff token at once; the new one signs in
    admin = await login("admin")
    staff_id = await _user_id(seeded, "staff")
    changed = await client.patch(
        f"/api/v1/users/{staff_id}", json={"password": "a-brand-new-secret"}, headers=admin
    )
    assert changed.status_code == 200
    assert (await client.get(ME, headers=phone)).status_code == 401
    fresh = await login("staff", "a-brand-new-secret")
    assert (await client.get(ME, headers=fresh)).status_code == 200

    # deactivation ends them too, and reactivating does not bring an old token back
    partner = await login("partner")
    partner_id = await _user_id(seeded, "partner")
    for active in (False, True):
        toggled = await client.patch(
            f"/api/v1/users/{partner_id}", json={"active": active}, headers=admin
        )
        assert toggled.status_code == 200
    assert (await client.get(ME, headers=partner)).status_code == 401
    assert (await client.get(ME, headers=await login("partner"))).status_code == 200
    # a role change alone ends nothing (the role is read fresh on every request)
    coordinator = await login("coordinator")
    coordinator_id = await _user_id(seeded, "coordinator")
    await client.patch(
        f"/api/v1/users/{coordinator_id}", json={"display_name": "协调员"}, headers=admin
    )
    assert (await client.get(ME, headers=coordinator)).json()["display_name"] == "协调员"


async def test_password_checks_run_off_the_loop_at_most_the_bound_at_once(
    app: Litestar, client: Client, seeded: Any, monkeypatch: Any
) -> None:
    """Three wrong passwords at once under the default bound of two: while two verifications are
    held in flight, ``/health`` answers and the third waits for a slot; released, all three are
    refused as usual. Ordering, not a clock: each step waits for the one before it."""
    gate, entered, lock = threading.Event(), threading.Semaphore(0), threading.Lock()
    inside, most = [0], [0]
    real = auth.verify_password

    def held(password_hash: str | None, password: str) -> bool:
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        entered.release()
        gate.wait(60)
        with lock:
            inside[0] -= 1
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", held)
    checks: auth.PasswordChecks = app.state.passwords
    assert checks.limit == 2

    async def scenario() -> tuple[int, int, int, list[int]]:
        """Runs on the app's own event loop (the test client's portal), as a server would."""
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            wrong = {"username": "staff", "password": "not-the-password"}
            logins = [
                asyncio.create_task(http.post("/api/v1/auth/login", json=wrong)) for _ in range(3)
            ]
            for _ in range(2):
                assert await asyncio.to_thread(entered.acquire, True, 60)
            health = (await http.get("/health")).status_code
            for _ in range(100_000):  # let the third login reach the semaphore
                if checks.waiting:
                    break
                await asyncio.sleep(0)
            waiting, in_flight = checks.waiting, inside[0]
            gate.set()
            answers = await asyncio.gather(*logins)
        return health, waiting, in_flight, [a.status_code for a in answers]

    try:
        health, waiting, in_flight, statuses = await asyncio.to_thread(
            client.blocking_portal.call, scenario
        )
    finally:
        gate.set()
    assert health == 200  # answered while two verifications were in flight
    assert (waiting, in_flight) == (1, 2)
    assert statuses == [401, 401, 401] and most[0] == 2
