"""A partner's interest from a need's page: express it with an optional note, or withdraw it.

The same service as the board's card (:func:`services.demands.express_interest`, idempotent: a
second expression updates the note) decides what is allowed. Success answers 303 back to the
need's page with a notice; a refusal shows the page again saying why, keeping the note typed.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Response, post
from litestar.di import NamedDependency
from litestar.response import Template

from matchmaker.auth import roles
from matchmaker.errors import Conflict
from matchmaker.models.demands import InterestCreate
from matchmaker.services import demands as service
from matchmaker.web.forms import parse, read, typed
from matchmaker.web.i18n import say
from matchmaker.web.needs import WORDS, DemandId, detail_page
from matchmaker.web.page import Req, lang_of, see_other, user_of

__all__ = ["express_interest", "withdraw_interest"]

PARTNER = roles("partner")


@post("/needs/{demand_id:int}/interest", include_in_schema=False, guards=[PARTNER],
      name="need_interest", status_code=303)  # fmt: skip
async def express_interest(
    request: Req, conn: NamedDependency[asyncpg.Connection], demand_id: DemandId
) -> Response[Any] | Template:
    """Express (or re-express, updating the note) the partner's interest in an open need."""
    user = user_of(request)
    assert user is not None  # the guard let only partners in
    lang = lang_of(request)
    demand = await service.get_visible(conn, user, demand_id)
    values = read(await request.form())
    body, errors = parse(values, InterestCreate, lang=lang)
    if body is None:
        return await detail_page(
            request, conn, demand, status=422,
            interest_values=typed(values), interest_errors=errors,
        )  # fmt: skip
    before = await service.interest_of(conn, user, demand_id)
    try:
        await service.express_interest(conn, user, demand_id, body.note)
    except Conflict:
        return await detail_page(
            request, conn, demand, status=409, refused=say(lang, WORDS["interest_closed"]),
            interest_values=typed(values),
        )  # fmt: skip
    notice = "interest_updated" if before else "interest_expressed"
    return see_other(request, f"/needs/{demand_id}?notice={notice}#interest")


@post("/needs/{demand_id:int}/interest/withdraw", include_in_schema=False, guards=[PARTNER],
      name="need_interest_withdraw", status_code=303)  # fmt: skip
async def withdraw_interest(
    request: Req, conn: NamedDependency[asyncpg.Connection], demand_id: DemandId
) -> Response[Any]:
    """Withdraw the partner's interest (a success when there was none)."""
    user = user_of(request)
    assert user is not None  # the guard let only partners in
    await service.withdraw_interest(conn, user, demand_id)
    return see_other(request, f"/needs/{demand_id}?notice=interest_withdrawn#interest")
