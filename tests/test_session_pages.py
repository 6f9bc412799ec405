"""Signing in and out of the pages: cookies, CSRF, redirects and the page header."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.vocab import LABELS
from tests.conftest import csrf_of

Client = AsyncTestClient[Litestar]


async def test_login_sets_an_httponly_samesite_cookie_and_shows_who_is_signed_in(
    client: Client, seeded: Any
) -> None:
    form = await client.get("/login", params={"next": "/board?q=托管"})
    assert form.status_code == 200 and 'name="username"' in form.text
    token = csrf_of(form.text)
    answer = await client.post(
        "/login",
        data={
            "username": "Staff ",
            "password": "matchmaker-demo",
            "next": "/board?q=托管",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert unquote(answer.headers["location"]) == "/board?q=托管"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("matchmaker_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    display_name = await seeded.fetchval("SELECT display_name FROM users WHERE username = 'staff'")
    role_label = LABELS["role"]["community_staff"][0]
    page = (await client.get("/board")).text
    who = page.split('data-testid="who">')[1].split("</span>")[0]
    assert who == f"{display_name} · {role_label}"
    assert 'action="/logout"' in page and "未登录" not in page


async def test_a_wrong_password_keeps_the_username_and_says_so(client: Client, seeded: Any) -> None:
    token = csrf_of((await client.get("/login")).text)
    answer = await client.post(
        "/login", data={"username": "staff", "password": "nope", "_csrf_token": token}
    )
    assert answer.status_code == 401
    assert "用户名或密码不正确" in answer.text and 'value="staff"' in answer.text
    assert "matchmaker_session" not in answer.headers.get("set-cookie", "")


async def test_a_form_post_without_the_csrf_token_is_refused_and_changes_nothing(
    client: Client, seeded: Any
) -> None:
    await client.get("/login")
    answer = await client.post(
        "/login", data={"username": "staff", "password": "matchmaker-demo"}, follow_redirects=False
    )
    assert answer.status_code == 403 and "页面已过期" in answer.text
    assert await seeded.fetchval("SELECT last_login_at FROM users WHERE username = 'staff'") is None


async def test_logout_forgets_the_session(client: Client, seeded: Any, page_login: Any) -> None:
    token = await page_login("coordinator")
    assert "退出" in (await client.get("/board")).text
    answer = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert "未登录" in (await client.get("/board")).text


async def test_next_never_leaves_the_site(client: Client, seeded: Any) -> None:
    token = csrf_of((await client.get("/login")).text)
    answer = await client.post(
        "/login",
        data={
            "username": "staff",
            "password": "matchmaker-demo",
            "next": "//evil.example/",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


async def test_a_stale_session_cookie_leaves_the_board_public(client: Client, seeded: Any) -> None:
    client.cookies.set("matchmaker_session", "Bearer not-a-token")
    page = await client.get("/board")
    assert page.status_code == 200 and "未登录" in page.text


async def test_the_api_ignores_the_session_cookie(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("staff")
    answer = await client.get("/api/v1/auth/me")
    assert answer.status_code == 401  # the API wants a bearer token, so it needs no CSRF token


async def test_an_unknown_page_answers_in_html(client: Client) -> None:
    answer = await client.get("/no-such-page")
    assert answer.status_code == 404 and "找不到这个页面" in answer.text
    assert answer.headers["content-type"].startswith("text/html")
    api = await client.get("/api/v1/no-such")
    assert api.status_code == 404 and api.json()["error"] == "not_found"


async def test_password_guessing_on_one_account_is_stopped_on_the_form_and_the_api(
    client: Client, seeded: Any
) -> None:
    token = csrf_of((await client.get("/login")).text)
    guesses = [
        await client.post(
            "/login", data={"username": "staff", "password": f"guess-{i}", "_csrf_token": token}
        )
        for i in range(10)
    ]
    assert [g.status_code for g in guesses] == [401] * 10
    # the eleventh try is refused before the password is looked at, even the right one, on the
    # API as on the form: the count is the account's
    refused = await client.post(
        "/login", data={"username": "staff", "password": "matchmaker-demo", "_csrf_token": token}
    )
    assert refused.status_code == 429 and "尝试次数太多" in refused.text
    api = await client.post(
        "/api/v1/auth/login", json={"username": "Staff", "password": "matchmaker-demo"}
    )
    assert api.status_code == 429 and api.json()["error"] == "too_many_requests"
    assert 0 < int(api.headers["retry-after"]) <= 900
    # another account signs in; reading is not limited
    other = await client.post(
        "/api/v1/auth/login", json={"username": "coordinator", "password": "matchmaker-demo"}
    )
    assert other.status_code == 200
    assert (await client.get("/board")).status_code == 200


async def test_one_address_trying_many_accounts_is_slowed_down(client: Client, seeded: Any) -> None:
    answers = [
        await client.post(
            "/api/v1/auth/login", json={"username": f"nobody-{i}", "password": "nope"}
        )
        for i in range(20)
    ]
    assert [a.status_code for a in answers] == [401] * 20
    refused = await client.post(
        "/api/v1/auth/login", json={"username": "coordinator", "password": "matchmaker-demo"}
    )
    assert refused.status_code == 429 and "address" in refused.json()["message"]
    assert 0 < int(refused.headers["retry-after"]) <= 60


async def test_a_right_password_clears_the_account_s_count(client: Client, seeded: Any) -> None:
    for _ in range(9):
        wrong = {"username": "staff", "password": "nope"}
        assert (await client.post("/api/v1/auth/login", json=wrong)).status_code == 401
    right = {"username": "staff", "password": "matchmaker-demo"}
    assert (await client.post("/api/v1/auth/login", json=right)).status_code == 200
    for _ in range(9):
        wrong = {"username": "staff", "password": "nope"}
        assert (await client.post("/api/v1/auth/login", json=wrong)).status_code == 401
