"""What every answer carries and what no request gets past: the app's HTTP edge.

An ASGI middleware, a ``before_send`` hook and the request class.
:func:`refuse_control_characters` answers 400 to a path holding a control character (a NUL
reaching the file system, a newline reaching a log line) before any handler sees it. :func:`security_headers` adds the headers a browser needs to keep our pages ours: a
Content-Security-Policy allowing only the app's own scripts, styles and connections (htmx, ECharts
and the pages' scripts are all served from ``/static``; no inline script or style attribute),
no framing, no MIME sniffing, no referrer to other sites. Answers that are not pages (the API's
JSON, files) get a policy that allows nothing at all. :class:`CheckedRequest` refuses a JSON body
holding a control character no text may hold (see ``matchmaker.controls``), naming the field.

>>> CONTROL.search("/static/a\\x00b") is not None
True
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from matchmaker import controls
from matchmaker.errors import Invalid

__all__ = [
    "CONTROL",
    "PAGE_POLICY",
    "CheckedRequest",
    "refuse_control_characters",
    "security_headers",
]

#: C0 control characters and DEL.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: The pages' policy: everything from the app itself; images may also be data: URLs (ECharts
#: exports, the favicon); nothing may frame a page, post a form elsewhere or change the base URL.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Everything else (JSON, files): nothing runs, nothing loads, nothing frames it.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"

_COMMON = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
)


def refuse_control_characters(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: 400 for a path with a control character in it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if CONTROL.search(scope["path"]):
            raise Invalid("path: holds a control character", field="path")
        await app(scope, receive, send)

    return middleware


async def security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: the security headers on every answer (a 404 for no route too), the
    page policy on HTML."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    html = (headers.get("content-type") or "").startswith("text/html")
    for name, value in (
        *_COMMON,
        ("content-security-policy", PAGE_POLICY if html else OTHER_POLICY),
    ):
        if name not in headers:
            headers[name] = value


class CheckedRequest(Request[Any, Any, Any]):
    """The app's request: its JSON body holds no control character but tab and line breaks."""

    async def json(self) -> Any:
        value = await super().json()
        at = controls.find(value)
        if at is not None:
            raise Invalid(
                f"{at}: holds a control character (only tab and line breaks are allowed in text)",
                field=at,
            )
        return value
