"""Ownership and jurisdiction: who may change which community's and which organisation's records.

Role guards on the routes say *who* may call; these say *on what*. A refusal names the rule.

Admins act everywhere. A coordinator acts only in their area (the districts they govern,
``CurrentUser.districts``): a community is in it when its district is; an organisation when it
serves one of its districts (``actor_districts``); a person of the talent library when they or
their organisation serve one; a need, a case and a thread follow their community; a product its
organisation. Policies lie in no district: admins curate them.

>>> staff = CurrentUser(1, "staff", "渔箭社区", "community_staff", community_id=3)
>>> can_manage_community(staff, 3, 1), can_manage_community(staff, 4, 1)
(True, False)
>>> qionglai = CurrentUser(2, "coordinator", "邛崃市社治委", "coordinator", districts=(1,))
>>> governs(qionglai, 1), governs(qionglai, 4), governs_any(qionglai, [4, 1])
(True, False, True)
"""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from matchmaker.errors import Forbidden
from matchmaker.models import CurrentUser
from matchmaker.queries import areas as q

__all__ = [
    "area_of",
    "can_manage_community",
    "curates",
    "governs",
    "governs_actor",
    "governs_any",
    "governs_community",
    "is_staff_of",
    "require_actor",
    "require_admin",
    "require_community",
    "require_curator",
    "require_governs",
    "require_governs_actor",
    "require_governs_any",
]

CURATORS = ("coordinator", "admin")


def curates(user: CurrentUser | None) -> bool:
    """Coordinators and admins curate — a coordinator only in their area (see :func:`governs`)."""
    return user is not None and user.role in CURATORS


def area_of(user: CurrentUser | None) -> list[int] | None:
    """The districts a curator's views are limited to: None (everywhere) for an admin."""
    if user is not None and user.role == "coordinator":
        return list(user.districts)
    return None


def governs(user: CurrentUser | None, district_id: int | None) -> bool:
    """Admins govern every district; a coordinator the districts of their area; no one else any."""
    if user is None:
        return False
    if user.role == "admin":
        return True
    return user.role == "coordinator" and district_id in user.districts


def governs_any(user: CurrentUser | None, district_ids: Iterable[int]) -> bool:
    """An admin, or a coordinator governing at least one of these districts (an organisation's)."""
    if user is not None and user.role == "admin":
        return True
    return any(governs(user, d) for d in district_ids)


def require_governs_any(user: CurrentUser | None, district_ids: Iterable[int], what: str) -> None:
    """Refuse unless the user governs one of these districts (``what``'s: an organisation's)."""
    if not governs_any(user, district_ids):
        raise Forbidden(f"only a coordinator of {what}'s area (or an admin) may decide this")


def require_governs(user: CurrentUser | None, district_id: int | None) -> None:
    """Refuse unless the user is an admin or a coordinator whose area holds this district."""
    if not governs(user, district_id):
        raise Forbidden(
            f"only a coordinator of district {district_id} (or an admin) may do this: "
            "coordinators act only in their area"
        )


async def governs_community(
    conn: asyncpg.Connection, user: CurrentUser | None, community_id: int
) -> bool:
    """Does the user govern this community's district? (asks the database for coordinators)"""
    if user is None or user.role not in CURATORS:
        return False
    return user.role == "admin" or governs(user, await q.community_district(conn, community_id))


async def governs_actor(conn: asyncpg.Connection, user: CurrentUser | None, actor_id: int) -> bool:
    """Does the user govern a district this organisation serves?"""
    if user is None or user.role not in CURATORS:
        return False
    return user.role == "admin" or governs_any(user, await q.actor_districts(conn, actor_id))


def is_staff_of(user: CurrentUser | None, community_id: int) -> bool:
    """Is the user staff of this community?"""
    return user is not None and user.role == "community_staff" and user.community_id == community_id


def can_manage_community(user: CurrentUser | None, community_id: int, district_id: int) -> bool:
    """Its own staff, or a curator governing its district."""
    if user is not None and user.role == "community_staff":
        return user.community_id == community_id
    return governs(user, district_id)


async def require_community(
    conn: asyncpg.Connection, user: CurrentUser | None, community_id: int
) -> None:
    """Refuse unless the user is staff of this community or governs its district."""
    if user is not None and user.role == "community_staff" and user.community_id == community_id:
        return
    if not await governs_community(conn, user, community_id):
        raise Forbidden(
            "only staff of this community, a coordinator whose area holds its district, or an "
            "admin may do this"
        )


async def require_actor(conn: asyncpg.Connection, user: CurrentUser | None, actor_id: int) -> None:
    """Refuse unless the user is staff of this organisation or governs a district it serves."""
    if user is not None and user.role == "partner" and user.actor_id == actor_id:
        return
    if not await governs_actor(conn, user, actor_id):
        raise Forbidden(
            "only staff of this organisation, a coordinator whose area holds a district it serves, "
            "or an admin may do this"
        )


async def require_governs_actor(
    conn: asyncpg.Connection, user: CurrentUser | None, actor_id: int
) -> None:
    """Refuse unless the user curates and governs a district this organisation serves."""
    require_curator(user)
    if not await governs_actor(conn, user, actor_id):
        raise Forbidden(
            "only a coordinator whose area holds a district this organisation serves (or an admin) "
            "may do this"
        )


def require_curator(user: CurrentUser | None) -> None:
    if not curates(user):
        raise Forbidden("only a coordinator or an admin may do this")


def require_admin(user: CurrentUser | None) -> None:
    if user is None or user.role != "admin":
        raise Forbidden("only an admin may do this")
