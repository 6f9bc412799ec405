"""Match rounds: run one over a scope, watch it, read its proposals and its frozen input graph."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter

from matchmaker.api.answers import errors
from matchmaker.api.params import Conn, Cursor, Limit, User
from matchmaker.auth import curators
from matchmaker.errors import Conflict, Invalid
from matchmaker.models.rounds import (
    Proposal,
    ProposalsPage,
    Round,
    RoundGraph,
    RoundRequest,
    Unmatched,
)
from matchmaker.queries import rounds as q
from matchmaker.services import round_parts
from matchmaker.services import rounds as service

__all__ = ["RoundController"]

CURATORS = curators
Id = Annotated[int, Parameter(ge=1, le=2**62, description="round id")]
Part = Annotated[
    int | None, Parameter(ge=0, le=100_000, description="one part of a round split by district")
]


class RoundController(Controller):
    path = "/api/v1/rounds"
    tags = ["rounds"]
    guards = [CURATORS]

    @post("/", operation_id="createRound", status_code=202)
    async def create_round(self, conn: Conn, user: User, data: JSONBody[RoundRequest]) -> Round:
        """Queue a match round over a scope; a worker runs it (poll ``GET /rounds/{id}``)."""
        return await service.create(conn, user, data)

    @get("/{round_id:int}", operation_id="getRound")
    async def get_round(self, conn: Conn, user: User, round_id: Id) -> Round:
        """A round's status, progress, statistics, per-phase timings and input fingerprint
        (a coordinator's: only rounds within their area)."""
        return await service.visible(conn, user, round_id)

    @get("/{round_id:int}/proposals", operation_id="listRoundProposals", responses=errors(409))
    async def list_proposals(
        self, conn: Conn, user: User, round_id: Id, limit: Limit = 50, cursor: Cursor = None
    ) -> ProposalsPage:
        """Proposals best first with their score components; unmatched needs and why (first page).

        A dry run's proposals were never written: they come from its report, all on one page.
        """
        round_ = await service.visible(conn, user, round_id)
        if round_.status != "succeeded":
            raise Conflict(f"the round is {round_.status}; it has no proposals yet")
        report = await q.report(conn, round_id)
        unmatched = None
        if cursor is None and report is not None:
            unmatched = msgspec.json.decode(report["unmatched"] or b"[]", type=list[Unmatched])
        if round_.dry_run:
            items = msgspec.json.decode(
                (report or {}).get("dry_proposals") or b"[]", type=list[Proposal]
            )
            return ProposalsPage(items=items, unmatched=unmatched)
        items, next_cursor = await q.list_proposals(conn, round_id, limit, cursor)
        return ProposalsPage(items=items, unmatched=unmatched, next_cursor=next_cursor)

    @get("/{round_id:int}/graph", operation_id="getRoundGraph", responses=errors(409))
    async def get_graph(
        self, conn: Conn, user: User, round_id: Id, part: Part = None
    ) -> RoundGraph:
        """The round's frozen, scored input — demands, partners, edges, params — to re-solve and audit.

        A round split by district lists each part's demands in ``parts``; ``part`` gives one
        part's graph alone (a province's whole graph is tens of millions of edges).
        """
        round_ = await service.visible(conn, user, round_id)
        report = await q.report(conn, round_id)
        if report is None:
            raise Conflict(f"the round is {round_.status}; its input graph is not recorded")
        if round_.params.get("split") == "district":
            return await round_parts.graph_of(conn, round_id, part)
        if part is not None:
            raise Invalid("part: this round was solved whole; it has no parts", field="part")
        return service.graph_of(report["graph"] or b"{}")
