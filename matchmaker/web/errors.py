"""Errors on pages answer as pages: a sign-in prompt, or a plain-language message in the layout.

The JSON handlers in :mod:`matchmaker.errors` stay the single source of status and message; this
wraps them so that a request for a page (anything outside ``/api``, ``/schema``, ``/static`` and
the health probes) gets HTML instead of JSON, and an anonymous visitor to a signed-in page is sent
to the login form and brought back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from litestar import Response
from litestar.exceptions import NotAuthorizedException

from matchmaker.web.page import Req, is_htmx, render, see_other

__all__ = ["for_pages"]

Handler = Callable[[Req, Exception], Response[Any]]
_NOT_PAGES = ("/api/", "/schema", "/static/", "/health", "/ready")


def is_page(request: Req) -> bool:
    """True when the request is for a page rather than the API or a file."""
    return not request.url.path.startswith(_NOT_PAGES)


def _login_redirect(request: Req) -> Response[Any]:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return see_other(request, f"/login?next={quote(target, safe='')}")


def _message_key(status: int, message: str) -> str | None:
    """The page word for a status, when the JSON message is not meant for people."""
    if status == 404:
        return "not_found"
    if status == 403:
        return "csrf_failed" if "CSRF" in message else "forbidden"
    if status == 429:
        return "too_many"
    if status == 503:
        return "unavailable"
    if status >= 500:
        return "server_error"
    return None


def _wrap(json_handler: Handler) -> Handler:
    def handle(request: Req, exc: Exception) -> Response[Any]:
        if not is_page(request):
            return json_handler(request, exc)
        if isinstance(exc, NotAuthorizedException):
            return _login_redirect(request)
        answer = json_handler(request, exc)  # logs server errors and decides status and message
        status = answer.status_code or 500
        message = str(getattr(answer.content, "message", ""))
        page = render(
            request,
            "_error.html" if is_htmx(request) else "error.html",
            status=status,
            status_code=status,
            message=message,
            message_key=_message_key(status, message),
        )
        if "Retry-After" in answer.headers:  # 429 and 503 say when to come back, on pages too
            page.headers["Retry-After"] = answer.headers["Retry-After"]
        return page

    return handle


def for_pages(handlers: dict[type[Exception] | int, Any]) -> dict[type[Exception] | int, Any]:
    """The app's exception handlers, answering pages with HTML."""
    return {kind: _wrap(handler) for kind, handler in handlers.items()}
