"""Signing in and out of the pages: a form, an HttpOnly SameSite session cookie, a redirect back.

The cookie holds a page token (8 hours) that the API refuses, as the pages refuse an API token;
signing out revokes it, so a copied cookie dies with the session. The pages' forms carry a CSRF
token (Litestar's CSRF middleware), so the cookie alone can change nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import asyncpg
from litestar import Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker import db
from matchmaker.auth import SESSION_COOKIE, TOKEN_LIFETIME, client_address
from matchmaker.services import sessions
from matchmaker.services import users as user_service
from matchmaker.web.forms import read
from matchmaker.web.i18n import Words, text
from matchmaker.web.page import Req, lang_of, render, safe_next, see_other

__all__ = ["login_form", "login_submit", "logout"]

WORDS: Words = {
    "login_title": ("登录", "Sign in"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "wrong_login": ("用户名或密码不正确。", "Wrong username or password."),
    "need_username": ("请填写用户名", "Enter your username"),
    "need_password": ("请填写密码", "Enter your password"),
    "demo_hint": (
        "演示账号：staff、partner、coordinator，密码 matchmaker-demo。",
        "Demo accounts: staff, partner, coordinator — password matchmaker-demo.",
    ),
}

Next = Annotated[str | None, QueryParameter(name="next", max_length=500)]


@get("/login", name="login", include_in_schema=False)
async def login_form(request: Req, next_: Next = None) -> Template:
    """The sign-in form."""
    return render(
        request,
        "login.html",
        words=WORDS,
        next=safe_next(next_),
        username="",
        failed=False,
        errors={},
    )


@post("/login", include_in_schema=False, status_code=303)
async def login_submit(request: Req) -> Response[Any] | Template:
    """Check the credentials; on success set the session cookie and go back where the user was."""
    values = read(await request.form())
    username = (values.get("username") or [""])[-1][:100]
    password = (values.get("password") or [""])[-1][:1000]
    target = safe_next((values.get("next") or ["/"])[-1])
    address = client_address(request)
    state = request.app.state
    connect = partial(db.pooled, request.app)  # a moment each side of the check, as the API's
    # a blank field is said beside it in the page's language (the form has no browser bubble)
    said = text(lang_of(request), WORDS)
    given = {"username": username, "password": password}
    errors = {field: said[f"need_{field}"] for field, value in given.items() if not value}
    if errors:
        return render(
            request, "login.html", words=WORDS, status=422,
            next=target, username=username, failed=False, errors=errors,
        )  # fmt: skip
    user = await user_service.authenticate(
        connect, state.passwords, username, password, address=address
    )
    if user is None:
        return render(
            request, "login.html", words=WORDS, status=401,
            next=target, username=username, failed=True, errors={},
        )  # fmt: skip
    async with connect() as conn:
        token = await sessions.open_session(conn, state.jwt, user, "page")
    answer = see_other(request, target)
    answer.set_cookie(
        Cookie(
            key=SESSION_COOKIE,
            value=f"Bearer {token}",
            httponly=True,
            samesite="lax",
            max_age=int(TOKEN_LIFETIME.total_seconds()),
            path="/",
            secure=state.settings.cookies_secure(),
        )
    )
    return answer


@post("/logout", include_in_schema=False, status_code=303)
async def logout(request: Req, conn: NamedDependency[asyncpg.Connection]) -> Response[Any]:
    """End the session (its token is revoked, not only forgotten) and drop the cookie."""
    if request.scope.get("user") is not None:
        await sessions.close(conn, request.auth)
    answer = see_other(request, "/board")
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer
