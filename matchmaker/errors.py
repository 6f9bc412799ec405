"""Domain errors and the one place they become HTTP answers.

Every error a client sees is JSON shaped ``{"error": code, "message": text, "field": name|null,
"status": int}``: the message says which rule was broken, the field names the input that broke it.
A failure we did not foresee is logged with its traceback and answered as a plain 500 without one.

>>> NotFound("demand", 7).message
'demand 7 does not exist'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from litestar import Request, Response

__all__ = [
    "AppError",
    "Conflict",
    "ErrorBody",
    "Forbidden",
    "Invalid",
    "NotFound",
    "PreconditionFailed",
    "TooManyAttempts",
    "Unavailable",
    "exception_handlers",
    "from_postgres",
    "unavailable_from",
]


class AppError(Exception):
    """Base of every error a person should read; carries an HTTP status and the field at fault."""

    status = 500
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(AppError):
    status = 400
    code = "invalid"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key} does not exist")


class Conflict(AppError):
    status = 409
    code = "conflict"


class PreconditionFailed(AppError):
    """A write sent with ``If-Match`` for a version of the record that is no longer current."""

    status = 412
    code = "precondition_failed"


class TooManyAttempts(AppError):
    """Slow down: the answer says in how many seconds to try again (``Retry-After``)."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


#: Seconds a client is told to wait (``Retry-After``) when the database is out of reach.
RETRY_AFTER_SECONDS = 5


class Unavailable(AppError):
    """The service cannot answer now (its database is out of reach or busy): 503 + ``Retry-After``."""

    status = 503
    code = "unavailable"

    def __init__(
        self, message: str, *, field: str | None = None, retry_after: int = RETRY_AFTER_SECONDS
    ) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


class ErrorBody(msgspec.Struct):
    """The JSON body of every error answer."""

    error: str
    message: str
    status: int
    field: str | None = None


_HTTP_CODES = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    503: "unavailable",
}


def _answer(body: ErrorBody, headers: dict[str, str] | None = None) -> Response[Any]:
    from litestar import Response

    return Response(content=body, status_code=body.status, headers=headers)


def _app_error(_: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    retry_after = getattr(exc, "retry_after", None)
    return _answer(
        ErrorBody(error=exc.code, message=exc.message, status=exc.status, field=exc.field),
        {"Retry-After": str(retry_after)} if retry_after is not None else None,
    )


_FIELD_IN_MESSAGE = re.compile(r"(?:field|at) `([^`]+)`")


def _http_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's own HTTP errors (validation, routing, body size) in our one JSON shape."""
    from litestar.exceptions import HTTPException, ValidationException

    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message = str(exc.detail)
    field = None
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list) and exc.extra:
        first = exc.extra[0]
        if isinstance(first, dict):
            field = first.get("key")
            message = str(first.get("message") or message)
            named = _FIELD_IN_MESSAGE.search(message)
            if named:  # msgspec names the field inside the body, or inside the field at fault
                inner = named[1].removeprefix("$.")
                field = (
                    inner
                    if field in (None, "data") or inner.startswith(f"{field}.")
                    else f"{field}.{inner}"
                )
            if field and field not in message:
                message = f"{field}: {message}"
    if status >= 500:
        request.logger.error(
            "server error on %s %s", request.method, request.url.path, exc_info=exc
        )
        message = "internal error" if status == 500 else message
    return _answer(
        ErrorBody(
            error=_HTTP_CODES.get(status, "error"), message=message, status=status, field=field
        ),
        headers=dict(exc.headers or {}),
    )


#: Constraint names whose field is not the usual ``<table>_<field>_…`` form.
_CONSTRAINT_FIELDS = {
    "actors_grade_only_for_registered_orgs": "grade",
    "users_staff_bound_to_community": "community_id",
    "users_partner_bound_to_actor": "actor_id",
    "partnerships_completed_has_outcome": "rating",
}


def _constraint_field(table: str | None, constraint: str | None, column: str | None) -> str | None:
    """The input field a violated constraint is about, from PostgreSQL's diagnostics."""
    if column:
        return column
    if not constraint:
        return None
    if constraint in _CONSTRAINT_FIELDS:
        return _CONSTRAINT_FIELDS[constraint]
    name = constraint
    if table and name.startswith(f"{table}_"):
        name = name[len(table) + 1 :]
    for suffix in ("_fkey", "_check", "_key", "_idx"):
        name = name.removesuffix(suffix)
    return name or None


def from_postgres(exc: Exception) -> AppError | None:
    """A database refusal as the error a person should read, or None for a genuine fault.

    The schema is the last line of defence: validation at the edge should catch bad input first,
    but whatever slips through still answers 4xx naming the field, never 500.
    """
    import asyncpg

    if not isinstance(exc, asyncpg.PostgresError):
        return None
    table = getattr(exc, "table_name", None)
    field = _constraint_field(
        table, getattr(exc, "constraint_name", None), getattr(exc, "column_name", None)
    )
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        detail = getattr(exc, "detail", "") or ""
        if "is still referenced" in detail:
            return Conflict(f"{table} is still referenced elsewhere ({detail})", field=field)
        return Invalid(f"{field}: refers to something that does not exist", field=field)
    if isinstance(exc, asyncpg.UniqueViolationError):
        return Conflict(f"{field}: this value is already taken", field=field)
    if isinstance(exc, asyncpg.CheckViolationError | asyncpg.NotNullViolationError):
        return Invalid(
            f"{field}: value breaks the rule {exc.constraint_name or 'not null'}", field=field
        )
    if isinstance(
        exc, asyncpg.StringDataRightTruncationError | asyncpg.NumericValueOutOfRangeError
    ):
        return Invalid(f"value out of range: {exc}", field=field)
    if isinstance(exc, asyncpg.InvalidTextRepresentationError | asyncpg.DataError):
        return Invalid(f"invalid value: {exc}", field=field)
    if isinstance(exc, asyncpg.SerializationError | asyncpg.DeadlockDetectedError):
        return Conflict("the data changed at the same time; try again")
    return None


#: asyncpg's words for a connection that is gone (its other interface errors are our bugs).
_CLOSED_CONNECTION = ("connection is closed", "pool is closing", "pool is closed")
#: ... and for the next query of a request whose pooled connection the server closed: the pool
#: takes a closed connection back at once (``_release_on_close``), so its proxy in the request's
#: hands says it was released (the requests' connections go back only when the request ends).
_DETACHED = "connection has been released back to the pool"


def unavailable_from(exc: Exception) -> Unavailable | None:
    """A fault of the database's reach (gone, restarting, full, too slow) as a 503, else None.

    A lost connection, a server shutting down or refusing new connections, too many connections,
    a network error or a timeout is no fault of the request: the client is told to come back.
    """
    import asyncpg

    connection_lost = isinstance(exc, asyncpg.InterfaceError) and (
        str(exc).startswith(_CLOSED_CONNECTION) or _DETACHED in str(exc)
    )
    if connection_lost or isinstance(
        exc,
        asyncpg.PostgresConnectionError  # class 08: the connection failed or was lost
        # a query on a connection whose server just sent its FATAL goodbye (terminated, shut down)
        | asyncpg.InternalClientError
        | asyncpg.OperatorInterventionError  # 57: admin/crash shutdown, cannot connect now, cancel
        | asyncpg.InsufficientResourcesError  # 53: too many connections, out of memory or disk
        | OSError
        | TimeoutError,
    ):
        return Unavailable(f"the database is unavailable ({type(exc).__name__}); try again shortly")
    return None


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, UnicodeDecodeError):  # a body (JSON, form) that is not UTF-8
        return _app_error(request, Invalid("the request body is not valid UTF-8", field="body"))
    if isinstance(exc, RecursionError):  # JSON nested deeper than the decoder follows
        return _app_error(request, Invalid("the request body is nested too deeply", field="body"))
    if isinstance(exc, msgspec.ValidationError):  # a service re-validating merged values
        named = _FIELD_IN_MESSAGE.search(str(exc))
        field = named[1].removeprefix("$.") if named else None
        return _app_error(request, Invalid(str(exc), field=field))
    mapped = from_postgres(exc)
    if mapped is not None:
        return _app_error(request, mapped)
    gone = unavailable_from(exc)
    if gone is not None:  # one line, no traceback: the operator needs the fault, not our stack
        request.logger.warning(
            "database unavailable on %s %s: %s", request.method, request.url.path, gone.message
        )
        return _app_error(request, gone)
    request.logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return _answer(ErrorBody(error="internal", message="internal error", status=500))


def exception_handlers() -> dict[type[Exception] | int, Any]:
    """The handler map for ``create_app``: domain errors, Litestar HTTP errors, then anything else."""
    from litestar.exceptions import HTTPException

    return {AppError: _app_error, HTTPException: _http_error, Exception: _unexpected}
