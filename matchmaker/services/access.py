"""Ownership rules: who may change which community's and which organisation's records.

Role guards on the routes say *who* may call; these say *on what*. A refusal names the rule.

>>> staff = CurrentUser(1, "staff", "渔箭社区", "community_staff", community_id=3)
>>> can_manage_community(staff, 3), can_manage_community(staff, 4)
(True, False)
"""

from __future__ import annotations

from matchmaker.errors import Forbidden
from matchmaker.models import CurrentUser

__all__ = [
    "can_manage_community",
    "curates",
    "require_actor",
    "require_community",
    "require_curator",
]

CURATORS = ("coordinator", "admin")


def curates(user: CurrentUser | None) -> bool:
    """Coordinators and admins curate every library and see everything."""
    return user is not None and user.role in CURATORS


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
