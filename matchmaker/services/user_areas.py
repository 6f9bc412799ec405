"""Who manages whose account, and the areas admins give coordinators.

Admins manage every account and alone set a coordinator's area. A coordinator manages (creates,
deactivates, gives a new password to) only the staff of communities in their area and the partner
staff of organisations serving a district of it — never an admin or another coordinator; they see
only those accounts (any other answers 404, as if it did not exist).

An area is given as district ids, district names or city names (``成都市``: every district of the
city, districts added later included); a name that is both a district's and a city's is the
district's. An unknown one is refused (400) by name.
"""

from __future__ import annotations

import asyncpg
import msgspec

from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.users import UserAccount
from matchmaker.queries import areas as q
from matchmaker.services.access import governs, governs_any

__all__ = ["apply_areas", "manages", "require_manages", "resolve", "visible"]

REFUSED = (
    "a coordinator manages only the community staff of communities in their area and the partner "
    "staff of organisations serving it — never admins or other coordinators"
)


async def manages(
    conn: asyncpg.Connection,
    by: CurrentUser | None,
    role: str,
    community_id: int | None,
    actor_id: int | None,
) -> bool:
    """May ``by`` manage an account of this role and binding? (None: the command line, may)"""
    if by is None or by.role == "admin":
        return True
    if by.role != "coordinator":
        return False
    try:
        if role == "community_staff" and community_id is not None:
            return governs(by, await q.community_district(conn, community_id))
        if role == "partner" and actor_id is not None:
            return governs_any(by, await q.actor_districts(conn, actor_id))
    except NotFound:  # bound to an archived community or organisation: theirs no longer
        return False
    return False


async def require_manages(
    conn: asyncpg.Connection,
    by: CurrentUser | None,
    role: str,
    community_id: int | None,
    actor_id: int | None,
) -> None:
    if not await manages(conn, by, role, community_id, actor_id):
        raise Forbidden(REFUSED)


async def visible(conn: asyncpg.Connection, by: CurrentUser, account: UserAccount) -> UserAccount:
    """The account, or NotFound when ``by`` may not manage it (foreign accounts stay unseen)."""
    if not await manages(conn, by, account.role, account.community_id, account.actor_id):
        raise NotFound("user", account.id)
    return account


async def resolve(conn: asyncpg.Connection, refs: list[int | str]) -> tuple[list[int], list[str]]:
    """(district ids, city names) the references name; Invalid naming the first unknown one."""
    rows = await q.districts(conn)
    ids = {r["id"] for r in rows}
    by_name = {r["name"]: r["id"] for r in rows}
    cities = {r["city"] for r in rows}
    districts: list[int] = []
    named_cities: list[str] = []
    for ref in refs:
        if isinstance(ref, int):
            if ref not in ids:
                raise Invalid(f"areas: no district {ref}", field="areas")
            districts.append(ref)
        elif ref.strip() in by_name:
            districts.append(by_name[ref.strip()])
        elif ref.strip() in cities:
            named_cities.append(ref.strip())
        else:
            raise Invalid(f"areas: no district or city named {ref!r}", field="areas")
    return sorted(set(districts)), sorted(set(named_cities))


async def apply_areas(
    conn: asyncpg.Connection,
    by: CurrentUser | None,
    user_id: int,
    role: str,
    refs: list[int | str] | msgspec.UnsetType,
    *,
    role_changed: bool = False,
) -> None:
    """Set a coordinator's area (admins only); an account leaving the role loses its area."""
    if refs is msgspec.UNSET or (not refs and role != "coordinator"):
        if role_changed and role != "coordinator":
            await q.set_areas(conn, user_id, [], [])
        return
    if by is not None and by.role != "admin":
        raise Forbidden("areas: only an admin sets a coordinator's area", field="areas")
    if role != "coordinator":
        raise Invalid(f"areas: only a coordinator governs an area, not a {role}", field="areas")
    districts, cities = await resolve(conn, refs)
    await q.set_areas(conn, user_id, districts, cities)
