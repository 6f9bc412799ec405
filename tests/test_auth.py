"""Signing in, tokens, and who the token says you are — through HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jwt
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import SECRET


async def test_login_returns_a_bearer_token_that_signs_requests_in(
    client: AsyncTestClient[Litestar], seeded: Any
) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"username": "partner", "password": "matchmaker-demo"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 8 * 3600
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["username"] == "partner" and me.json()["role"] == "partner"
    assert me.json()["actor_id"] is not None


async def test_wrong_password_and_unknown_user_answer_the_same(
    client: AsyncTestClient[Litestar], seeded: Any
) -> None:
    wrong = await client.post("/api/v1/auth/login", json={"username": "staff", "password": "nope"})
    unknown = await client.post(
        "/api/v1/auth/login", json={"username": "nobody", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["message"] == "wrong username or password"


async def test_me_needs_a_token(client: AsyncTestClient[Litestar], seeded: Any) -> None:
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_expired_forged_and_garbage_tokens_are_refused(
    client: AsyncTestClient[Litestar], seeded: Any
) -> None:
    now = dt.datetime.now(dt.UTC)
    expired = jwt.encode({"sub": "1", "exp": now - dt.timedelta(minutes=1), "iat": now - dt.timedelta(hours=9)}, SECRET, algorithm="HS256")  # fmt: skip
    forged = jwt.encode({"sub": "1", "exp": now + dt.timedelta(hours=1), "iat": now}, "another-key-entirely-0123456789abcdef", algorithm="HS256")  # fmt: skip
    for token in (expired, forged, "garbage"):
        response = await client.get(
            "/api/v1/opportunities", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, token
        assert "Traceback" not in response.text


async def test_a_deactivated_user_is_refused_at_once(
    client: AsyncTestClient[Litestar], seeded: Any, login: Any
) -> None:
    headers = await login("staff")
    await seeded.execute("UPDATE users SET active = false WHERE username = 'staff'")
    response = await client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401


async def test_login_body_is_validated(client: AsyncTestClient[Litestar], seeded: Any) -> None:
    response = await client.post("/api/v1/auth/login", json={"username": "staff"})
    assert response.status_code == 400
    assert response.json()["field"] == "password"
