"""Who sees whose contact details (联系方式): the one rule, for the JSON API and the pages alike.

Why: the platform brokers introductions. An organisation's phone and e-mail (and a community's
contact person) are what the two sides need once they work together — and what a harvester wants
before they do. When any signed-in account could list them, another community's staff (or anyone
given an account) could download every partner's phone and e-mail in one request and go around the
matching. So a contact is shown:

- to admins, always, and to coordinators in their area (a community of one of their districts, an
  organisation serving one) — they broker, and they alone see contacts in lists;
- to the side's own people: an organisation's partner staff see its contact, a community's staff
  see the community's;
- from confirmation on — the two have a partnership that is **active or completed** (a cancelled
  one does not count) — to the other side: the community's staff see the organisation's contact,
  the organisation's partner staff see the community's;
- to nobody else. No list (API or page) carries a contact except to coordinators and admins; the
  single-record answers and pages show it by the rule above.

A contact the caller may not see is left out altogether (``Actor.public``, ``Community.public``: the
fields are absent from the JSON); one the caller may see but nobody filled in is ``null``. A
partnership's ``contacts`` object carries the other side's contact for its parties (both sides for
coordinators and admins), under the same rule.

The rule itself is pure (:func:`may_see_actor`, :func:`may_see_community`: who asks, whose contact,
and which counterparts the asker's side is confirmed with); the other functions fetch those facts
and apply it.

>>> staff = CurrentUser(1, "staff", "渔箭社区", "community_staff", community_id=3)
>>> may_see_actor(staff, 7, confirmed={7}), may_see_actor(staff, 8, confirmed={7})
(True, False)
>>> may_see_community(staff, 3, confirmed=set()), may_see_community(None, 3, confirmed={3})
(True, False)
"""

from __future__ import annotations

from collections.abc import Collection

import asyncpg
import msgspec

from matchmaker.models import CurrentUser
from matchmaker.models.actors import Actor
from matchmaker.models.communities import Community
from matchmaker.models.contacts import PartnershipContacts
from matchmaker.models.partnerships import Partnership
from matchmaker.queries import contacts as q
from matchmaker.services.access import (
    curates,
    governs,
    governs_actor,
    governs_any,
    governs_community,
)

__all__ = [
    "actor",
    "actor_in_list",
    "community",
    "community_in_list",
    "may_see_actor",
    "may_see_community",
    "partnerships",
    "sees_actor",
    "sees_community",
    "shown_in_lists",
]


def shown_in_lists(user: CurrentUser | None) -> bool:
    """Lists carry contacts to coordinators (of their area's rows) and admins only."""
    return curates(user)


def may_see_actor(user: CurrentUser | None, actor_id: int, *, confirmed: Collection[int]) -> bool:
    """The rule for an organisation's contact; ``confirmed``: the organisations the user's
    community has an active or completed partnership with (for a coordinator: those of their
    area; ignored for other roles)."""
    if user is None:
        return False
    if user.role in ("admin", "coordinator"):
        return user.role == "admin" or actor_id in confirmed
    if user.role == "partner":
        return user.actor_id == actor_id
    return user.role == "community_staff" and actor_id in confirmed


def may_see_community(
    user: CurrentUser | None, community_id: int, *, confirmed: Collection[int]
) -> bool:
    """The rule for a community's contact; ``confirmed``: the communities the user's organisation
    has an active or completed partnership with (for a coordinator: those of their area; ignored
    for other roles)."""
    if user is None:
        return False
    if user.role in ("admin", "coordinator"):
        return user.role == "admin" or community_id in confirmed
    if user.role == "community_staff":
        return user.community_id == community_id
    return user.role == "partner" and community_id in confirmed


async def sees_actor(conn: asyncpg.Connection, user: CurrentUser | None, actor_id: int) -> bool:
    """May ``user`` see this organisation's contact? (asks the database only for staff)"""
    confirmed: set[int] = set()
    staff_of = user.community_id if user is not None and user.role == "community_staff" else None
    if staff_of is not None and await q.confirmed_pair(conn, staff_of, actor_id):
        confirmed = {actor_id}
    if (
        user is not None
        and user.role == "coordinator"
        and await governs_actor(conn, user, actor_id)
    ):
        confirmed = {actor_id}
    return may_see_actor(user, actor_id, confirmed=confirmed)


async def sees_community(
    conn: asyncpg.Connection, user: CurrentUser | None, community_id: int
) -> bool:
    """May ``user`` see this community's contact? (asks the database only for partners)"""
    confirmed: set[int] = set()
    staff_of = user.actor_id if user is not None and user.role == "partner" else None
    if staff_of is not None and await q.confirmed_pair(conn, community_id, staff_of):
        confirmed = {community_id}
    coordinator = user is not None and user.role == "coordinator"
    if coordinator and await governs_community(conn, user, community_id):
        confirmed = {community_id}
    return may_see_community(user, community_id, confirmed=confirmed)


def actor_in_list(user: CurrentUser | None, item: Actor) -> Actor:
    """An organisation as a list shows it to ``user``: with its contact for its curators only."""
    governed = governs_any(user, [d.id for d in item.districts])
    return item if shown_in_lists(user) and governed else item.public()


def community_in_list(user: CurrentUser | None, item: Community) -> Community:
    """A community as a list shows it to ``user``: with its contact for its curators only."""
    return item if governs(user, item.district_id) else item.public()


async def actor(conn: asyncpg.Connection, user: CurrentUser | None, item: Actor) -> Actor:
    """One organisation as ``user`` may see it (its own record or page)."""
    return item if await sees_actor(conn, user, item.id) else item.public()


async def community(
    conn: asyncpg.Connection, user: CurrentUser | None, item: Community
) -> Community:
    """One community as ``user`` may see it (its own record or page)."""
    return item if await sees_community(conn, user, item.id) else item.public()


async def partnerships(
    conn: asyncpg.Connection, user: CurrentUser, items: list[Partnership]
) -> list[Partnership]:
    """The partnerships with their ``contacts``: the other side's for a party, both for curators.

    A side is shown by the same rule as the records: so a party of a cancelled partnership sees
    no contact, unless the two have another partnership that is active or completed.
    """
    if not items:
        return []
    confirmed_partners: set[int] = set()
    confirmed_communities: set[int] = set()
    if user.role == "community_staff" and user.community_id is not None:
        confirmed_partners = await q.confirmed_partners(conn, user.community_id)
    if user.role == "partner" and user.actor_id is not None:
        confirmed_communities = await q.confirmed_communities(conn, user.actor_id)
    if user.role == "coordinator":  # their area's sides
        for s in items:
            if await governs_community(conn, user, s.community_id):
                confirmed_communities.add(s.community_id)
            if await governs_actor(conn, user, s.actor_id):
                confirmed_partners.add(s.actor_id)

    def partner_shown(s: Partnership) -> bool:
        own = user.role == "partner" and user.actor_id == s.actor_id
        return not own and may_see_actor(user, s.actor_id, confirmed=confirmed_partners)

    def community_shown(s: Partnership) -> bool:
        own = user.role == "community_staff" and user.community_id == s.community_id
        return not own and may_see_community(user, s.community_id, confirmed=confirmed_communities)

    actors = await q.actor_contacts(conn, sorted({s.actor_id for s in items if partner_shown(s)}))
    communities = await q.community_contacts(
        conn, sorted({s.community_id for s in items if community_shown(s)})
    )
    unset = msgspec.UNSET
    return [
        msgspec.structs.replace(
            s,
            contacts=PartnershipContacts(
                community=communities.get(s.community_id, unset) if community_shown(s) else unset,
                partner=actors.get(s.actor_id, unset) if partner_shown(s) else unset,
            ),
        )
        for s in items
    ]
