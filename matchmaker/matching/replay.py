"""A round's frozen input as a document, and back: what anyone needs to re-solve and audit it.

:func:`document` freezes a scored :class:`Problem` with the round's parameters and the versions of
the engine and its solver libraries; :func:`problem_of` turns the published graph (``GET
/rounds/{id}/graph``) back into the same problem, so ``solve(*problem_of(graph))`` gives the
round's proposals again — for every algorithm, ``stable`` included (both sides' preferences and
the lottery's tickets are in the graph).

>>> p = Problem.build(demand_ids=[1], slots=[1], communities=[3], partner_ids=[9], capacity=[1],
...                   edges=[(0, 0, 0.7)], tie=[5])
>>> doc = document(p, {"min_score": 0.5, "max_per_community": None}, "optimal")
>>> q, params = problem_of(graph_of(doc))
>>> solve(q, params).pairs(q)
[(1, 9, 0.7)]
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

import msgspec
import numpy as np

from matchmaker.matching.problem import Params, Problem
from matchmaker.matching.solve import solve  # noqa: F401 — the doctest's re-solve
from matchmaker.matching.stable import preferences
from matchmaker.models.rounds import GraphDemand, GraphEdge, GraphPartner, RoundGraph

__all__ = ["Columns", "document", "engine_versions", "graph_of", "problem_of"]

#: The engine's own version of how it scores and solves; bump it when either changes.
ENGINE = "2"


def engine_versions() -> dict[str, str]:
    """The engine and the libraries whose behaviour decides a round's result."""
    versions = {"engine": ENGINE}
    for package in ("matchmaker", "ortools", "networkx", "numpy", "scipy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "unknown"
    return versions


class Columns(msgspec.Struct):
    """The frozen graph as stored: columns, so 1.5 million edges encode in a fraction of a second."""

    demand_id: list[int]
    community_id: list[int]
    slots: list[int]
    partner_id: list[int]
    capacity: list[int]
    edge_demand_id: list[int]
    edge_actor_id: list[int]
    edge_score: list[float]
    params: dict[str, Any]
    #: since engine 2 (rounds stored before have none: their graphs show null there)
    edge_demand_pref: list[float] = []
    edge_partner_pref: list[float] = []
    edge_tie: list[int] = []
    engine: dict[str, str] = {}
    #: a round split by region: the demand ids of each part, solved on its own
    parts: list[list[int]] = []


class Split(msgspec.Struct):
    """The stored graph of a round split into parts: each part's own document, as it was."""

    split: list[Columns]


def merge(documents: list[bytes]) -> bytes:
    """One stored graph of a round split into parts: the parts' documents side by side, as bytes
    (nothing decoded: a province's parts hold millions of edges). ``graph_of`` reads it back."""
    return b'{"split":[' + b",".join(documents) + b"]}"


def _merged(parts: list[Columns]) -> Columns:
    """The parts as one set of columns; a partner in several parts is listed once (each part
    offered it its whole capacity), and ``parts`` says which demands made each part."""
    capacity: dict[int, int] = {}
    for c in parts:
        capacity.update(zip(c.partner_id, c.capacity, strict=True))
    first = parts[0] if parts else None
    return Columns(
        demand_id=[i for c in parts for i in c.demand_id],
        community_id=[i for c in parts for i in c.community_id],
        slots=[i for c in parts for i in c.slots],
        partner_id=sorted(capacity),
        capacity=[capacity[i] for i in sorted(capacity)],
        edge_demand_id=[i for c in parts for i in c.edge_demand_id],
        edge_actor_id=[i for c in parts for i in c.edge_actor_id],
        edge_score=[x for c in parts for x in c.edge_score],
        edge_demand_pref=[x for c in parts for x in c.edge_demand_pref],
        edge_partner_pref=[x for c in parts for x in c.edge_partner_pref],
        edge_tie=[x for c in parts for x in c.edge_tie],
        params=first.params if first else {},
        engine=first.engine if first else engine_versions(),
        parts=[c.demand_id for c in parts],
    )


def document(problem: Problem, params: dict[str, Any], algorithm: str) -> bytes:
    """The stored JSON of a round's scored input; its SHA-256 is the round's fingerprint."""
    demand_pref, partner_pref = preferences(problem)
    tie = problem.tie if problem.tie is not None else np.zeros(problem.n_edges, np.int64)
    doc = Columns(
        demand_id=problem.demand_ids.tolist(),
        community_id=problem.communities.tolist(),
        slots=problem.slots.tolist(),
        partner_id=problem.partner_ids.tolist(),
        capacity=problem.capacity.tolist(),
        edge_demand_id=problem.demand_ids[problem.edge_demand].tolist(),
        edge_actor_id=problem.partner_ids[problem.edge_partner].tolist(),
        edge_score=problem.score.tolist(),
        edge_demand_pref=np.round(demand_pref, 6).tolist(),
        edge_partner_pref=np.round(partner_pref, 6).tolist(),
        edge_tie=tie.tolist(),
        params=params | {"algorithm": algorithm},
        engine=engine_versions(),
    )
    return msgspec.json.encode(doc)


def graph_of(stored: bytes) -> RoundGraph:
    """The stored columns in the published shape of ``GET /rounds/{id}/graph``."""
    if stored.startswith(b'{"split":'):
        c = _merged(msgspec.json.decode(stored, type=Split).split)
    else:
        c = msgspec.json.decode(stored, type=Columns)
    n = len(c.edge_score)
    none: list[Any] = [None] * n
    demand_pref = c.edge_demand_pref if len(c.edge_demand_pref) == n else none
    partner_pref = c.edge_partner_pref if len(c.edge_partner_pref) == n else none
    tie = c.edge_tie if len(c.edge_tie) == n else none
    return RoundGraph(
        demands=[
            GraphDemand(i, k, s)
            for i, k, s in zip(c.demand_id, c.community_id, c.slots, strict=True)
        ],
        partners=[GraphPartner(i, k) for i, k in zip(c.partner_id, c.capacity, strict=True)],
        edges=[
            GraphEdge(*row)
            for row in zip(
                c.edge_demand_id,
                c.edge_actor_id,
                c.edge_score,
                demand_pref,
                partner_pref,
                tie,
                strict=True,
            )
        ],
        params=c.params,
        engine=c.engine,
        parts=c.parts or None,
    )


def _all(values: Any) -> list[Any] | None:
    """The values, or None when any is missing."""
    out = list(values)
    return None if any(v is None for v in out) else out


def problem_of(graph: RoundGraph) -> tuple[Problem, Params]:
    """The problem and parameters a published graph describes, ready for ``solve``."""
    d_index = {d.id: i for i, d in enumerate(graph.demands)}
    p_index = {p.id: j for j, p in enumerate(graph.partners)}
    problem = Problem.build(
        demand_ids=[d.id for d in graph.demands],
        slots=[d.slots for d in graph.demands],
        communities=[d.community_id for d in graph.demands],
        partner_ids=[p.id for p in graph.partners],
        capacity=[p.capacity for p in graph.partners],
        edges=[(d_index[e.demand_id], p_index[e.actor_id], e.score) for e in graph.edges],
        # a round stored before engine 2 kept neither preferences nor tickets
        demand_pref=_all(e.demand_pref for e in graph.edges),
        partner_pref=_all(e.partner_pref for e in graph.edges),
        tie=_all(e.tie for e in graph.edges),
    )
    p = graph.params
    params = Params(p["algorithm"], p["min_score"], p.get("max_per_community"))
    return problem, params
