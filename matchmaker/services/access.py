"""Ownership rules: who may change which community's and which organisation's records.

Role guards on the routes say *who* may call; these say *on what*. A refusal names the rule.

>>> staff = CurrentUser(1, "staff", "渔箭社区", "community_staff", community_id=3)
>>> can_manage_community(staff, 3), can_manage_community(staff, 4)
(True, False)
>>> qionglai = CurrentUser(2, "coordinator", "邛崃市社治委", "coordinator", districts=(1,))
>>> governs(qionglai, 1), governs(qionglai, 4)
(True, False)
"""

from __future__ import annotations

from matchmaker.errors import Forbidden
from matchmaker.models import CurrentUser

__all__ = [
    "can_manage_community",
    "curates",
    "governs",
    "require_actor",
    "require_community",
    "require_curator",
    "require_governs",
]

CURATORS = ("coordinator", "admin")


def curates(user: CurrentUser | None) -> bool:
    """Coordinators and admins curate every library and see everything."""
    return user is not None and user.role in CURATORS


def governs(user: CurrentUser | None, district_id: int) -> bool:
    """Admins govern every district; a coordinator the districts of their area; no one else any."""
    if user is None:
        return False
    if user.role == "admin":
        return True
    return user.role == "coordinator" and district_id in user.districts


def require_governs(user: CurrentUser | None, district_id: int) -> None:
    """Refuse unless the user is an admin or a coordinator whose area holds this district."""
    if not governs(user, district_id):
        raise Forbidden("only a coordinator of this district (or an admin) may do this")


def can_manage_community(user: CurrentUser | None, community_id: int) -> bool:
    return curates(user) or (
        user is not None and user.role == "community_staff" and user.community_id == community_id
    )


def require_community(user: CurrentUser | None, community_id: int) -> None:
    """Refuse unless the user curates or is staff of this community."""
    if not can_manage_community(user, community_id):
        raise Forbidden("only staff of this community or a coordinator may do this")


def require_actor(user: CurrentUser | None, actor_id: int) -> None:
    """Refuse unless the user curates or is staff of this partner organisation."""
    if curates(user):
        return
    if user is None or user.role != "partner" or user.actor_id != actor_id:
        raise Forbidden("only staff of this organisation or a coordinator may do this")


def require_curator(user: CurrentUser | None) -> None:
    if not curates(user):
        raise Forbidden("only a coordinator or an admin may do this")
