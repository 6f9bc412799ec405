"""Liveness and readiness probes.

``/health`` answers while the process runs; ``/ready`` answers 200 only when the database does, so a
load balancer (or compose) sends traffic only to an instance that can serve it.
"""

from __future__ import annotations

import asyncio

import msgspec
from litestar import get
from litestar.datastructures import State

from matchmaker.errors import Unavailable

__all__ = ["Health", "health", "ready"]


class Health(msgspec.Struct):
    status: str
    database: str | None = None


@get("/health", operation_id="health", tags=["health"], sync_to_thread=False)
def health() -> Health:
    """The process is alive."""
    return Health(status="ok")


@get("/ready", operation_id="ready", tags=["health"])
async def ready(state: State) -> Health:
    """The database answers a query within two seconds."""
    try:
        async with asyncio.timeout(2):
            async with state.pool.acquire() as conn:
                await conn.fetchval("SELECT 1")
    except Exception as exc:  # any failure to reach the database means "not ready"
        raise Unavailable(f"database unavailable: {type(exc).__name__}") from None
    return Health(status="ready", database="ok")
