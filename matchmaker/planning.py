"""Which statements PostgreSQL plans for their values, and which it plans once and keeps.

The pool's connections plan every statement afresh with its values (``plan_cache_mode =
force_custom_plan``): a list query's optional filters (``$1 IS NULL OR d.district_id = $1``) need
the plan for the filters actually given, and a search's for the words actually typed. But most of a
page's statements read rows by their keys, and their best plan is the same whatever the key; planning
them each time was most of PostgreSQL's work on a page (a need's page: 1.75 ms of planning against
0.2 ms of running its six statements, under load).

A statement marked ``-- plan: once`` in ``sql/queries`` runs with ``plan_cache_mode = auto``:
PostgreSQL plans its first five calls with their values and then keeps a generic plan when that is
no dearer. :class:`PlannedConnection` switches the session's mode only when the next statement
needs the other one (one ``SET`` round trip), and never inside a transaction, which always starts
with every statement planned for its values (its ``BEGIN`` carries a ``SET LOCAL``), so a rolled
back ``SET`` can never leave the session in a mode it does not know.
"""

# asyncpg's own signatures, timeout parameters included:
# ruff: noqa: ASYNC109

from __future__ import annotations

from typing import Any, cast

import asyncpg

__all__ = ["MARK", "PlannedConnection", "planned_once"]

#: The comment that marks a statement whose plan does not depend on its values.
MARK = "-- plan: once"
_EACH_CALL = "force_custom_plan"
_ONCE = "auto"

_marked: dict[str, bool] = {}


def planned_once(query: str) -> bool:
    """True for a statement marked :data:`MARK` (remembered per statement text).

    >>> planned_once("-- plan: once\\nSELECT 1"), planned_once("SELECT $1::int IS NULL")
    (True, False)
    """
    marked = _marked.get(query)
    if marked is None:
        marked = _marked[query] = MARK in query
    return marked


class PlannedConnection(asyncpg.Connection):  # type: ignore[misc]
    """A connection that runs each statement in the planning mode it is marked for."""

    #: The session's mode as last set outside a transaction (the pool starts it planning each call).
    _plans_once = False

    async def _mode_for(self, query: str, args: Any) -> None:
        if not args or self.is_in_transaction():  # no values to plan for; or see execute
            return
        once = planned_once(query)
        if once != self._plans_once:
            await super().execute(f"SET plan_cache_mode = {_ONCE if once else _EACH_CALL}")
            self._plans_once = once

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        if not args and query.startswith("BEGIN") and self._plans_once:
            # asyncpg's transaction start; SET LOCAL lasts until it ends, committed or not
            query = f"{query.rstrip(';')}; SET LOCAL plan_cache_mode = {_EACH_CALL}"
        elif args:
            await self._mode_for(query, args)
        return cast(str, await super().execute(query, *args, timeout=timeout))

    async def executemany(self, command: str, args: Any, *, timeout: float | None = None) -> None:
        await self._mode_for(command, args)
        await super().executemany(command, args, timeout=timeout)

    async def fetch(
        self, query: str, *args: Any, timeout: float | None = None, record_class: Any = None
    ) -> list[Any]:
        await self._mode_for(query, args)
        rows = await super().fetch(query, *args, timeout=timeout, record_class=record_class)
        return cast(list[Any], rows)

    async def fetchrow(
        self, query: str, *args: Any, timeout: float | None = None, record_class: Any = None
    ) -> Any:
        await self._mode_for(query, args)
        return await super().fetchrow(query, *args, timeout=timeout, record_class=record_class)

    async def fetchval(
        self, query: str, *args: Any, column: int = 0, timeout: float | None = None
    ) -> Any:
        await self._mode_for(query, args)
        return await super().fetchval(query, *args, column=column, timeout=timeout)
