"""The public dashboard's figures: library sizes, needs, partnerships, the "1257N" standard."""

from __future__ import annotations

from litestar import get

from matchmaker.api.params import Conn, User
from matchmaker.models.stats import Stats
from matchmaker.queries import stats as q
from matchmaker.services.access import area_of

__all__ = ["get_stats"]


@get("/api/v1/stats", operation_id="getStats", tags=["stats"])
async def get_stats(conn: Conn, user: User) -> Stats:
    """Counts per library, needs by status, district and category, partnerships, and "1257N".

    Everywhere for the public and admins; a signed-in coordinator's, of their area only.
    """
    return await q.read(conn, area_of(user))
