"""The error answers each JSON operation documents, described once for the whole API.

Every error travels as :class:`~matchmaker.errors.ErrorBody`. Which statuses an operation can
answer follows mostly from its shape, so :class:`ErrorAnswers` (a Litestar plugin) writes them into
the OpenAPI description as each route is registered:

- 400 when it takes parameters or a body (validation), 413 when it takes a body (size limit);
- 401 on every ``/api/`` route (a bad or expired bearer token is refused even where anonymous
  callers are welcome), 403 when a guard may refuse a role;
- 404 when its path names something (it may not exist; a path id that is not a number, too);
- 409 when it writes (a rule of the data, or a concurrent change, refuses it);
- 503 when it needs the database (unreachable, or no connection free in time).

What a route answers beyond that it says in its decorator, ``responses=errors(429)`` (its own
``ResponseSpec`` for a status wins over these); a new status is a line in :data:`ERRORS`, and the
headers an error carries (``Retry-After``) are in :data:`HEADERS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from matchmaker.auth import signed_in
from matchmaker.errors import ErrorBody

if TYPE_CHECKING:
    from litestar._kwargs import KwargsModel

__all__ = ["ERRORS", "HEADERS", "Documented", "ErrorAnswers", "download", "errors"]

#: What each error status means, as the OpenAPI description says it.
ERRORS = {
    400: "Invalid input: the message says which rule was broken, `field` names the input.",
    401: "Not signed in, or the bearer token is invalid or expired.",
    403: "Signed in, but this role or this user may not do it.",
    404: "Nothing with this id (or path) exists, or it is not visible to the caller.",
    409: "Refused by the current state of the data (taken, still referenced, changed meanwhile).",
    412: "The `If-Match` version is stale: someone changed it since it was read.",
    413: "The request body is larger than the server accepts.",
    429: "Too many attempts: try again after `Retry-After` seconds.",
    503: "The database is unavailable: try again after `Retry-After` seconds.",
}

_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: Routes that answer without the database (liveness).
_NO_DATABASE = {"/health"}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """The documented error answers for ``statuses`` (a route's ``responses=``)."""
    return {
        status: ResponseSpec(data_container=ErrorBody, description=ERRORS[status])
        for status in statuses
    }


#: The headers an error answer carries: name, whether always, what it says.
HEADERS = {
    429: ("Retry-After", True, "Seconds to wait before trying again."),
    503: ("Retry-After", True, "Seconds to wait before trying again."),
}


@dataclass
class Documented(Operation):
    """An operation whose error answers document their headers (:data:`HEADERS`)."""

    def __post_init__(self) -> None:
        for status, answer in (self.responses or {}).items():
            if status.isdigit() and int(status) in HEADERS and not isinstance(answer, Reference):
                name, required, description = HEADERS[int(status)]
                header = OpenAPIHeader(
                    schema=Schema(type=OpenAPIType.INTEGER), required=required,
                    description=description,
                )  # fmt: skip
                answer.headers = {**(answer.headers or {}), name: header}


def download(media_types: Iterable[str]) -> type[Operation]:
    """An operation class (a route's ``operation_class=``) whose success answer is a file in one
    of ``media_types``: Litestar documents one media type per answer, a download may have several.
    """
    files = {
        media_type: OpenAPIMediaType(
            schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        )
        for media_type in media_types
    }

    @dataclass
    class Download(Documented):
        def __post_init__(self) -> None:
            super().__post_init__()
            for status, answer in (self.responses or {}).items():
                if status.startswith("2") and not isinstance(answer, Reference):
                    answer.content = dict(files)

    return Download


def _guard_statuses(handler: HTTPRouteHandler) -> set[int]:
    """401 for any guard; 403 too unless it only asks for a signed-in user."""
    guards = [guard for layer in handler.ownership_layers for guard in layer.guards or []]
    statuses = {401} if guards else set()
    if any(guard is not signed_in for guard in guards):
        statuses.add(403)
    return statuses


def _statuses_of(
    route: HTTPRoute, handler: HTTPRouteHandler, kwargs: KwargsModel, method: str
) -> set[int]:
    """The error statuses an operation can answer, from its path, guards, input and method."""
    has_body = bool(kwargs.expected_form_data or kwargs.expected_msgpack_data) or (
        "data" in handler.parsed_fn_signature.parameters
    )
    statuses = _guard_statuses(handler)
    if route.path.startswith("/api/"):
        statuses.add(401)
    if route.path_parameters:
        statuses |= {400, 404}
    if has_body:
        statuses |= {400, 413}
    if kwargs.expected_query_params:
        statuses.add(400)
    if method in _WRITES:
        statuses.add(409)
    if any(p.field_alias.lower() == "if-match" for p in kwargs.expected_header_params):
        statuses.add(412)  # a stale version (api/versioned.py)
    if route.path not in _NO_DATABASE:
        statuses.add(503)
    return statuses


def _document(route: HTTPRoute) -> None:
    for method, (handler, kwargs) in route.route_handler_map.items():
        if not handler.resolve_include_in_schema() or method in {"HEAD", "OPTIONS"}:
            continue
        own = dict(handler.responses or {})
        handler.responses = {**errors(*sorted(_statuses_of(route, handler, kwargs, method))), **own}
        if handler.operation_class is Operation:
            handler.operation_class = Documented


class ErrorAnswers(ReceiveRoutePlugin):
    """Documents each operation's error answers (see the module) as its route is registered."""

    def receive_route(self, route: BaseRoute) -> None:
        if isinstance(route, HTTPRoute):
            _document(route)
