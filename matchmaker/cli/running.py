"""What every command shares: settings from the environment, and a foreseen failure as one line.

Every command turns a foreseen failure (database unreachable, folder not writable, port taken, bad
seed row) into one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import click
import msgspec

from matchmaker import logs
from matchmaker.errors import AppError
from matchmaker.settings import Settings

__all__ = ["fail", "guard", "migrated_database", "run", "settings_from_env"]

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    click.echo(f"matchmaker: error: {message}", err=True)
    sys.exit(2)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; a foreseen error becomes one line and exit status 2."""
    try:
        return asyncio.run(coro)
    except AppError as exc:
        fail(exc.message)


def settings_from_env(**overrides: Any) -> Settings:
    try:
        settings = Settings.from_env()
    except AppError as exc:
        fail(exc.message)
    values = {k: v for k, v in overrides.items() if v is not None}
    settings = msgspec.structs.replace(settings, **values)
    logs.configure(settings)
    return settings


def guard(fn: Callable[..., None]) -> Callable[..., None]:
    """Catch foreseen errors raised outside :func:`_run` too."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except AppError as exc:
            fail(exc.message)

    return wrapper


async def migrated_database(settings: Settings) -> str:
    """The DSN the commands use (the embedded server started when needed), migrated."""
    from matchmaker import db
    from matchmaker.migrate import migrate
    from matchmaker.services.bootstrap import resolve_dsn

    dsn, _ = await resolve_dsn(settings)
    conn = await db.connect(dsn)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return dsn
