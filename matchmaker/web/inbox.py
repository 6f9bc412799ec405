"""The inbox (我的对接): what waits for a community worker's or a partner's answer, in one page.

A community's staff see the interest partners expressed in their needs, the proposals match rounds
made for them, their active partnerships (to close with an outcome, or cancel) and the finished
ones; a partner sees its proposals, its interests, its partnerships and the outcomes communities
reported. Every list is scoped by ``services.partnerships.scope_of`` — the same rule the JSON API
uses — so nobody sees another community's or organisation's rows. The answers themselves are
posted to :mod:`matchmaker.web.inbox_actions`, which re-renders this page (see :func:`inbox_page`)
when something went wrong, keeping what was typed. From confirmation on, each partnership shows the
other side's contact person (``services.contacts``, the rule the API follows too).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.auth import signed_in
from matchmaker.models import CurrentUser
from matchmaker.models.partnerships import Partnership
from matchmaker.models.rounds import Proposal
from matchmaker.queries import demands as demand_queries
from matchmaker.queries import partnerships as q
from matchmaker.services import contacts, verification
from matchmaker.services.access import area_of
from matchmaker.services.partnerships import for_viewer, scope_of
from matchmaker.web.inbox_words import WORDS
from matchmaker.web.page import Req, render, user_of

__all__ = ["WORDS", "FormState", "contact_parts", "inbox", "inbox_page", "when"]

#: Proposal statuses that still wait for an answer (``services.proposals.LIVE``).
LIVE = ("pending", "community_accepted", "partner_accepted")
#: Times show in Sichuan's own clock (China Standard Time, UTC+8, no daylight saving).
LOCAL = dt.timezone(dt.timedelta(hours=8), "CST")
#: How many rows of each list the page shows (an inbox is about what is current).
SHOWN = 100


class FormState(msgspec.Struct, kw_only=True):
    """The one form a POST came from, to show again: its values, its errors, a general message."""

    key: str
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    message: str | None = None


class _Lists(msgspec.Struct, kw_only=True):
    """Everything one inbox shows."""

    proposals: list[Proposal]
    active: list[Partnership]
    completed: list[Partnership]
    interests: list[Any]


def when(moment: dt.datetime | None) -> str:
    """A moment as a reader in Sichuan reads it: ``2026-05-01 14:30``."""
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if moment else ""


def contact_parts(partnership: Partnership, side: str) -> list[tuple[str, str | None]] | None:
    """The other side's contact as (text, link) parts — ``[]`` when it gave none — or None when
    the partnership shows no contact to this side (not confirmed: see ``services.contacts``)."""
    shown = partnership.contacts
    if isinstance(shown, msgspec.UnsetType):
        return None
    other = shown.partner if side == "community" else shown.community
    if isinstance(other, msgspec.UnsetType):
        return None
    parts: list[tuple[str, str | None]] = []
    if other.name:
        parts.append((other.name, None))
    if other.phone:
        parts.append((other.phone, "tel:" + "".join(other.phone.split())))
    if other.email:
        parts.append((other.email, f"mailto:{other.email}"))
    return parts


def _is_expired(proposal: Proposal, now: dt.datetime) -> bool:
    return proposal.expires_at is not None and proposal.expires_at <= now


async def _proposals(conn: asyncpg.Connection, user: CurrentUser) -> list[Proposal]:
    """The user's proposals still waiting for an answer, soonest expiry first."""
    community_id, actor_id = scope_of(user)
    live: list[Proposal] = []
    for status in LIVE:
        items, _ = await q.proposals_for(
            conn, community_id=community_id, actor_id=actor_id, status=status, limit=SHOWN,
            cursor=None, districts=area_of(user),
        )  # fmt: skip
        live += items
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(live, key=lambda p: (p.expires_at or far, -p.score))


async def _partnerships(
    conn: asyncpg.Connection, user: CurrentUser, status: str
) -> list[Partnership]:
    community_id, actor_id = scope_of(user)
    items, _ = await q.list_partnerships(
        conn, community_id=community_id, actor_id=actor_id, status=status, demand_id=None,
        limit=SHOWN, cursor=None, districts=area_of(user),
    )  # fmt: skip
    return for_viewer(user, await contacts.partnerships(conn, user, items))


async def _interests(conn: asyncpg.Connection, user: CurrentUser) -> list[Any]:
    """Interest received (community staff) or expressed (partner), each with its need."""
    if user.role == "community_staff" and user.community_id is not None:
        return list(await demand_queries.interests_in_community(conn, user.community_id, SHOWN))
    if user.role == "partner" and user.actor_id is not None:
        mine = await demand_queries.interests_of_actor(conn, user.actor_id)
        needs = await demand_queries.by_ids(conn, [i.demand_id for i in mine])
        return [{"interest": i, "need": needs[i.demand_id]} for i in mine if i.demand_id in needs]
    return []


async def _lists(conn: asyncpg.Connection, user: CurrentUser) -> _Lists:
    return _Lists(
        proposals=await _proposals(conn, user),
        active=await _partnerships(conn, user, "active"),
        completed=await _partnerships(conn, user, "completed"),
        interests=await _interests(conn, user),
    )


def _notice(done: str | None, case_id: str | None) -> dict[str, Any] | None:
    """The success message a redirect asked for (``?done=…``), or None."""
    if done not in ("accepted", "confirmed", "declined", "completed", "cancelled", "withdrawn",
                    "invited", "interest_declined", "reviewed"):  # fmt: skip
        return None
    case = int(case_id) if case_id and case_id.isdigit() and len(case_id) < 19 else None
    return {"key": f"done_{done}", "case_id": case}


async def inbox_page(
    request: Req,
    conn: asyncpg.Connection,
    user: CurrentUser,
    *,
    status: int = 200,
    notice: dict[str, Any] | None = None,
    form: FormState | None = None,
) -> Template:
    """The inbox of ``user``'s role (also answers a failed or htmx post, with its form state)."""
    lists = await _lists(conn, user)
    now = dt.datetime.now(dt.UTC)
    side = "community" if user.role == "community_staff" else "partner"
    return render(
        request,
        "inbox.html",
        words=WORDS,
        status=status,
        lists=lists,
        expired={p.id for p in lists.proposals if _is_expired(p, now)},
        side=side,
        notice=notice,
        form=form,
        when=when,
        contact_of=lambda partnership: contact_parts(partnership, side),
        badges=await verification.badges(conn, [p.actor_id for p in lists.proposals]),
    )


@get("/inbox", name="inbox", include_in_schema=False, guards=[signed_in])
async def inbox(
    request: Req,
    conn: NamedDependency[asyncpg.Connection],
    done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    case: Annotated[str | None, QueryParameter(max_length=20)] = None,
) -> Template:
    """The community's or the partner's inbox; anyone else is pointed to the board and rounds."""
    user = user_of(request)
    assert user is not None  # the guard let only signed-in users through
    if user.role not in ("community_staff", "partner"):
        return render(request, "inbox_other.html", words=WORDS)
    return await inbox_page(request, conn, user, notice=_notice(done, case))
