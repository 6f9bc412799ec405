"""The inbox's forms: accept or decline a proposal, close or cancel a partnership, rate the
community (the partner, once it is completed), withdraw interest, answer interest received
(invite the partner, or decline with a reason).

Each handler reads its form, validates it with the same Struct the JSON API takes, and calls the
service — which decides who may do what (``services.proposals``, ``services.partnerships``,
``services.demands``, ``services.invitations``). Without JavaScript a success answers 303 back to ``/inbox#section`` with a
notice; htmx gets the inbox itself and swaps it in place. A refusal changes nothing and shows the
inbox again with the reason in plain words next to the form, keeping what was typed (422 for a
missing reason, 403/404 for someone else's record, 409 when another answer came first).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import asyncpg
import msgspec
from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.demands import InterestDecline
from matchmaker.models.partnerships import Cancellation, CommunityReview, Completion
from matchmaker.services import demands as demand_service
from matchmaker.services import invitations as invitation_service
from matchmaker.services import partnerships as partnership_service
from matchmaker.services import proposals as proposal_service
from matchmaker.web.forms import FormValues, errors_of, parse, read, typed
from matchmaker.web.i18n import label, text
from matchmaker.web.inbox import WORDS, FormState, inbox_page
from matchmaker.web.page import Req, is_htmx, lang_of, see_other, user_of

__all__ = [
    "accept_proposal",
    "cancel_partnership",
    "complete_partnership",
    "decline_interest",
    "decline_proposal",
    "invite_interest",
    "review_partnership",
    "withdraw_interest",
]

PARTIES = roles("community_staff", "partner")
Answer = Response[Any] | Template
Conn = NamedDependency[asyncpg.Connection]
#: A record id in the path (a bigint: anything larger is no record of ours).
Id = Annotated[int, PathParameter(ge=1, le=2**62)]


class DeclineForm(msgspec.Struct, forbid_unknown_fields=True):
    """The page asks a person who declines to say why (the API lets a program leave it out)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


_STATUS_IN = re.compile(r"(?:proposal|partnership) is (\w+)")

T = TypeVar("T", bound=msgspec.Struct)


def _plain(request: Req, exc: AppError, subject: str) -> str:
    """A service's refusal in the reader's words (the service's own message when none fits)."""
    lang = lang_of(request)
    t = text(lang, WORDS)
    if isinstance(exc, NotFound):
        return t["err_not_found"]
    if isinstance(exc, Forbidden):
        own = "cannot complete or rate its own" in exc.message
        return t["err_own_rating"] if own else t[f"err_{subject}_forbidden"]
    if not isinstance(exc, Conflict):
        return exc.message
    message = exc.message
    if "already rated" in message:
        return t["err_reviewed"]
    if "already answered" in message:
        return t["err_interest_answered"]
    if "already paired" in message:
        return t["err_paired"]
    if "only an open need" in message:
        return t["err_need_closed"]
    if "expired" in message:
        return t["err_expired"]
    if "no capacity" in message:
        return t["err_capacity"]
    if "no open slot" in message:
        return t["err_slots"]
    if "takes no new partner" in message:
        return t["err_need_closed"]
    found = _STATUS_IN.search(message)
    if found and subject == "partnership":
        return t["err_partnership_over"]
    if found:
        return t["err_answered"].format(status=label(lang, "proposal_status", found[1]))
    return message


def _with_reason(
    request: Req, values: FormValues, kind: type[T]
) -> tuple[T | None, dict[str, str]]:
    """A form whose reason must be written: an empty one is said as such, not as a length rule."""
    body, errors = parse(values, kind, lang=lang_of(request))
    if "reason" in errors and not typed(values).get("reason", "").strip():
        errors["reason"] = text(lang_of(request), WORDS)["reason_required"]
    return body, errors


async def _respond(
    request: Req,
    conn: asyncpg.Connection,
    *,
    form: FormState,
    subject: str,
    section: str,
    act: Callable[[CurrentUser], Awaitable[tuple[str, int | None]]],
) -> Answer:
    """Run ``act`` (→ the notice to show and a case id); on a refusal show the inbox again."""
    user = user_of(request)
    assert user is not None  # the role guard let only signed-in users through
    if form.errors:
        return await inbox_page(request, conn, user, status=422, form=form)
    try:
        done, case_id = await act(user)
    except AppError as exc:
        errors = errors_of(exc, lang_of(request)) if isinstance(exc, Invalid) and exc.field else {}
        form = msgspec.structs.replace(
            form, errors=errors, message=None if errors else _plain(request, exc, subject)
        )
        return await inbox_page(request, conn, user, status=exc.status, form=form)
    if is_htmx(request):
        return await inbox_page(
            request, conn, user, notice={"key": f"done_{done}", "case_id": case_id}
        )
    case = f"&case={case_id}" if case_id else ""
    return see_other(request, f"/inbox?done={done}{case}#{section}")


@post(
    "/inbox/proposals/{proposal_id:int}/accept",
    name="inbox_accept_proposal",
    include_in_schema=False,
    guards=[PARTIES],
    status_code=200,
)
async def accept_proposal(request: Req, conn: Conn, proposal_id: Id) -> Answer:
    """Accept for your side; the second acceptance opens the partnership."""

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        proposal = await proposal_service.accept(conn, user, proposal_id)
        return ("confirmed" if proposal.status == "confirmed" else "accepted"), None

    form = FormState(key=f"proposal-{proposal_id}")
    return await _respond(
        request, conn, form=form, subject="proposal", section="proposals", act=act
    )


@post(
    "/inbox/proposals/{proposal_id:int}/decline",
    name="inbox_decline_proposal",
    include_in_schema=False,
    guards=[PARTIES],
    status_code=200,
)
async def decline_proposal(request: Req, conn: Conn, proposal_id: Id) -> Answer:
    """Decline for your side, saying why; the pair is never proposed again."""
    values = read(await request.form())
    body, errors = _with_reason(request, values, DeclineForm)

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        assert body is not None
        await proposal_service.decline(conn, user, proposal_id, body.reason)
        return "declined", None

    form = FormState(key=f"proposal-{proposal_id}", values=typed(values), errors=errors)
    return await _respond(
        request, conn, form=form, subject="proposal", section="proposals", act=act
    )


@post(
    "/inbox/partnerships/{partnership_id:int}/complete",
    name="inbox_complete_partnership",
    include_in_schema=False,
    guards=[PARTIES],
    status_code=200,
)
async def complete_partnership(request: Req, conn: Conn, partnership_id: Id) -> Answer:
    """Close an active partnership with its outcome and rating; maybe publish it as a case."""
    values = read(await request.form())
    body, errors = parse(values, Completion, lang=lang_of(request), skip=frozenset({"model_tags"}))

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        assert body is not None
        partnership = await partnership_service.complete(conn, user, partnership_id, body)
        return "completed", partnership.case_id

    form = FormState(key=f"complete-{partnership_id}", values=typed(values), errors=errors)
    return await _respond(
        request, conn, form=form, subject="partnership", section="completed", act=act
    )


@post(
    "/inbox/partnerships/{partnership_id:int}/review",
    name="inbox_review_partnership",
    include_in_schema=False,
    guards=[roles("partner")],
    status_code=200,
)
async def review_partnership(request: Req, conn: Conn, partnership_id: Id) -> Answer:
    """The partner rates the community of a completed partnership, once."""
    values = read(await request.form())
    body, errors = parse(values, CommunityReview, lang=lang_of(request))

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        assert body is not None
        await partnership_service.review(conn, user, partnership_id, body)
        return "reviewed", None

    form = FormState(key=f"review-{partnership_id}", values=typed(values), errors=errors)
    return await _respond(
        request, conn, form=form, subject="partnership", section="completed", act=act
    )


@post(
    "/inbox/partnerships/{partnership_id:int}/cancel",
    name="inbox_cancel_partnership",
    include_in_schema=False,
    guards=[PARTIES],
    status_code=200,
)
async def cancel_partnership(request: Req, conn: Conn, partnership_id: Id) -> Answer:
    """End an active partnership early, with the reason."""
    values = read(await request.form())
    body, errors = _with_reason(request, values, Cancellation)

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        assert body is not None
        await partnership_service.cancel(conn, user, partnership_id, body)
        return "cancelled", None

    form = FormState(key=f"cancel-{partnership_id}", values=typed(values), errors=errors)
    return await _respond(
        request, conn, form=form, subject="partnership", section="partnerships", act=act
    )


@post(
    "/inbox/interests/{demand_id:int}/withdraw",
    name="inbox_withdraw_interest",
    include_in_schema=False,
    guards=[roles("partner")],
    status_code=200,
)
async def withdraw_interest(request: Req, conn: Conn, demand_id: Id) -> Answer:
    """Withdraw your organisation's interest in a need."""

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        await demand_service.withdraw_interest(conn, user, demand_id)
        return "withdrawn", None

    form = FormState(key=f"interest-{demand_id}")
    return await _respond(
        request, conn, form=form, subject="interest", section="interests", act=act
    )


@post(
    "/inbox/interests/{demand_id:int}/{actor_id:int}/invite",
    name="inbox_invite_interest",
    include_in_schema=False,
    guards=[roles("community_staff")],
    status_code=200,
)
async def invite_interest(request: Req, conn: Conn, demand_id: Id, actor_id: Id) -> Answer:
    """Invite a partner that expressed interest: a proposal your side has already accepted."""
    ttl = dt.timedelta(hours=request.app.state.settings.proposal_ttl_hours)

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        await invitation_service.invite(conn, user, demand_id, actor_id, ttl)
        return "invited", None

    form = FormState(key=f"interest-{demand_id}-{actor_id}")
    return await _respond(request, conn, form=form, subject="answer", section="interests", act=act)


@post(
    "/inbox/interests/{demand_id:int}/{actor_id:int}/decline",
    name="inbox_decline_interest",
    include_in_schema=False,
    guards=[roles("community_staff")],
    status_code=200,
)
async def decline_interest(request: Req, conn: Conn, demand_id: Id, actor_id: Id) -> Answer:
    """Decline a partner's interest, saying why (the partner reads the reason)."""
    values = read(await request.form())
    body, errors = _with_reason(request, values, InterestDecline)

    async def act(user: CurrentUser) -> tuple[str, int | None]:
        assert body is not None
        await invitation_service.decline(conn, user, demand_id, actor_id, body.reason)
        return "interest_declined", None

    form = FormState(key=f"interest-{demand_id}-{actor_id}", values=typed(values), errors=errors)
    return await _respond(request, conn, form=form, subject="answer", section="interests", act=act)
