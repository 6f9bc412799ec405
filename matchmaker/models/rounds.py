"""Match rounds, their proposals and the frozen input graph."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from matchmaker.matching.score import DEFAULT_MIN_SCORE, Weights
from matchmaker.models import Note, Timestamp
from matchmaker.vocab import Algorithm, Category, ProposalOrigin, ProposalStatus, RoundStatus

__all__ = [
    "Decision",
    "GraphDemand",
    "GraphEdge",
    "GraphPartner",
    "Proposal",
    "ProposalsPage",
    "Round",
    "RoundGraph",
    "RoundRequest",
    "Scope",
    "Unmatched",
]

Place = (
    Annotated[int, msgspec.Meta(ge=1)] | Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
)


class Scope(msgspec.Struct, forbid_unknown_fields=True):
    """Where a round looks: districts and towns (ids or names) and categories; empty = all."""

    districts: Annotated[list[Place], msgspec.Meta(max_length=200)] = []
    towns: Annotated[list[Place], msgspec.Meta(max_length=500)] = []
    categories: Annotated[list[Category], msgspec.Meta(max_length=50)] = []


class RoundRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A round to run. Only ``scope`` is required."""

    scope: Scope
    algorithm: Algorithm = "optimal"
    weights: Weights = Weights()
    min_score: Annotated[float, msgspec.Meta(ge=0, le=1)] = DEFAULT_MIN_SCORE
    max_per_community: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    dry_run: bool = False
    #: Also propose organisations not yet verified (their proposals are marked ``unverified``).
    include_unverified: bool = False
    #: The lottery that breaks ties; recorded with the round. Unset: drawn at random.
    seed: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] | None = None
    #: ``district``: solve each district as its own job, in parallel on the workers, and write
    #: the parts' proposals together (see the README on what that can cost); ``whole``: one solve.
    split: Literal["whole", "district"] = "whole"


class Round(msgspec.Struct):
    """A round's status, parameters and statistics (phase timings, counts, objective)."""

    id: int
    scope: dict[str, Any]
    algorithm: Algorithm
    params: dict[str, Any]
    dry_run: bool
    status: RoundStatus
    progress: dict[str, Any]
    stats: dict[str, Any]
    created_at: Timestamp
    input_fingerprint: str | None = None
    error: str | None = None
    created_by: int | None = None
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None


class Proposal(msgspec.Struct):
    """A proposed (demand, partner) pair with its score and the components that explain it."""

    id: int | None
    demand_id: int
    actor_id: int
    score: float
    components: dict[str, float]
    status: ProposalStatus
    #: Proposed to an organisation not yet verified (only in a round that asked for them).
    unverified: bool = False
    #: ``round`` (``round_id`` names it) or ``invitation`` (the community invited the partner).
    origin: ProposalOrigin = "round"
    round_id: int | None = None
    demand_title: str | None = None
    community_id: int | None = None
    community_name: str | None = None
    actor_name: str | None = None
    community_accepted_at: Timestamp | None = None
    partner_accepted_at: Timestamp | None = None
    expires_at: Timestamp | None = None


class Unmatched(msgspec.Struct):
    """A demand the round left with open slots, and why."""

    demand_id: int
    open_slots: int
    reason: str
    detail: str = ""
    lost_to_demand_id: int | None = None
    partner_id: int | None = None
    #: below_threshold: the best candidate's score, the ``min_score`` that would propose it.
    best_score: float | None = None
    #: no_candidate: how far the nearest organisation that does the work is, in km, and what keeps
    #: it out: out_of_reach | unverified | beneficiary | unavailable (None: nobody does the work).
    km: float | None = None
    cause: str | None = None


class ProposalsPage(msgspec.Struct):
    """A page of a round's proposals; ``unmatched`` comes whole with the first page."""

    items: list[Proposal]
    unmatched: list[Unmatched] | None = None
    next_cursor: str | None = None


class GraphDemand(msgspec.Struct, array_like=False):
    id: int
    community_id: int
    slots: int


class GraphPartner(msgspec.Struct):
    id: int
    capacity: int


class GraphEdge(msgspec.Struct):
    """A candidate pair and everything an algorithm decides it by."""

    demand_id: int
    actor_id: int
    #: what ``optimal``, ``coverage`` and ``greedy`` maximise
    score: float
    #: ``stable``: how the need's community rates the partner, and the partner the need
    #: (null for rounds stored before engine 2, which kept neither)
    demand_pref: float | None
    partner_pref: float | None
    #: the seeded lottery's ticket: a lower ticket wins a tie (null before engine 2)
    tie: int | None


class RoundGraph(msgspec.Struct):
    """The round's frozen, scored input: enough to re-solve and audit it with any solver.

    The round's ``input_fingerprint`` is the SHA-256 of this document as stored, so it covers the
    scores, both sides' preferences, the tickets, the parameters (with the seed) and ``engine``,
    the versions of the engine and of the libraries it solves with.
    """

    demands: list[GraphDemand]
    partners: list[GraphPartner]
    edges: list[GraphEdge]
    params: dict[str, Any]
    engine: dict[str, str] = {}
    #: A round split by region: the demand ids of each part. Each part was solved on its own,
    #: offering a partner in several parts its whole capacity in each; re-solve part by part.
    parts: list[list[int]] | None = None


class Decision(msgspec.Struct, forbid_unknown_fields=True):
    """An answer to a proposal; a decline may say why."""

    reason: Note = ""
