"""``matchmaker bench quality``: the default round on the demo data, held to a judged set.

``seeds/judged/pairs.csv`` holds every (open demo need, organisation) pair judged ``good``,
``acceptable`` or ``poor`` from the texts, as a coordinator would (``seeds/judged/README.md`` says
how). The benchmark loads the demo data into its own database (``<database>_quality``), runs the
default round over every district as a dry run, and prints, for the judged pairs:

- the share of ``poor`` among the proposals (aim ≤ 5%);
- the share of needs with a good partner in the data that get a good one (aim ≥ 90%);
- the share of needs with no good-or-acceptable partner left open with a true reason (aim ≥ 90%);
- the pairwise ranking accuracy: a good pair outscores a poor pair of the same need (aim ≥ 0.97),
  a pair the engine would never propose counting as 0.

Each figure is given for the ``dev`` half of the needs (what the defaults were chosen on), the
held-out ``test`` half, and all needs.

    $ matchmaker bench quality
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import msgspec
import numpy as np

from matchmaker import db
from matchmaker.matching.score import Weights
from matchmaker.migrate import migrate
from matchmaker.models.rounds import Proposal, RoundRequest, Scope, Unmatched
from matchmaker.queries import rounds as q
from matchmaker.queries import sql
from matchmaker.seed import load_demo
from matchmaker.seedfiles import SEEDS_DIR
from matchmaker.services import rounds as round_service
from matchmaker.services import scoring
from matchmaker.settings import Settings

__all__ = [
    "JUDGED", "Judged", "Quality", "evaluate", "read_judged", "run_quality_bench", "why_left_out",
]  # fmt: skip

JUDGED = SEEDS_DIR / "judged" / "pairs.csv"
LABELS = ("good", "acceptable", "poor")
SPLITS = ("dev", "test", "all")
Q = sql("bench")


@dataclass(frozen=True)
class Judged:
    """One judged pair, named as the demo data names it."""

    need: str
    community: str
    partner: str
    judgement: str
    reason: str
    split: str


def read_judged(path: Path = JUDGED) -> list[Judged]:
    """The judged set; a row with an unknown judgement or split is refused by line."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [Judged(**row) for row in csv.DictReader(f)]
    for line, row in enumerate(rows, start=2):
        if row.judgement not in LABELS or row.split not in SPLITS[:2]:
            raise ValueError(f"{path.name} line {line}: judgement or split not known")
    return rows


@dataclass
class Quality:
    """The four figures for one split, with the counts behind them."""

    proposals: int = 0
    poor: int = 0
    unjudged: int = 0
    with_good: int = 0
    got_good: int = 0
    without_acceptable: int = 0
    left_open_truly: int = 0
    pairs_compared: float = 0
    pairs_won: float = 0
    missed: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        def share(a: float, b: float) -> str:
            return f"{a / b:.1%} ({a:g}/{b:g})" if b else "—"

        return [
            share(self.poor, self.proposals),
            share(self.got_good, self.with_good),
            share(self.left_open_truly, self.without_acceptable),
            f"{self.pairs_won / self.pairs_compared:.3f}" if self.pairs_compared else "—",
        ]


Key = tuple[str, str]  # (community, need title)


def evaluate(
    judged: Iterable[Judged],
    proposals: Iterable[tuple[Key, str]],
    open_reasons: dict[Key, str],
    true_reasons: dict[Key, str],
    score_of: Callable[[Key, str], float],
    detail_of: Callable[[Key, str], str] | None = None,
    min_score: float = 0.0,
) -> dict[str, Quality]:
    """The figures per split, from the round's proposals and reasons and each pair's score.

    ``open_reasons``: the reason the round gave each need it left without any proposal;
    ``true_reasons``: the reason the graph supports for each need (``no_candidate`` when it has
    no candidate, else ``below_threshold`` when every candidate is under the minimum);
    ``score_of``: the score a round would give the pair, 0 when it is no candidate;
    ``detail_of``: what to say of a good pair left unproposed (its components);
    ``min_score``: the round's, to say why a good pair was left out (:func:`why_left_out`).
    """
    judged = list(judged)
    by_need: dict[Key, dict[str, Judged]] = defaultdict(dict)
    for j in judged:
        by_need[(j.community, j.need)][j.partner] = j
    proposed: dict[Key, list[str]] = defaultdict(list)
    taken: dict[str, list[Key]] = defaultdict(list)
    for key, partner in proposals:
        proposed[key].append(partner)
        taken[partner].append(key)
    # a good pair under the threshold says how many poor candidates a lower one would admit too
    poor = np.sort(
        [
            s
            for j in judged
            if j.judgement == "poor" and (s := score_of((j.community, j.need), j.partner)) > 0
        ]
    )

    def missed_good(key: Key, name: str) -> str:
        score = score_of(key, name)
        above = len(poor) - int(np.searchsorted(poor, score))
        detail = f"{detail_of(key, name)}; " if detail_of is not None else ""
        why = why_left_out(
            key, name, score, min_score, proposed.get(key, []), taken[name], score_of
        )
        return (
            f"{name} {score:.3f} ({detail}{above} poor pair{'' if above == 1 else 's'} score "
            f"as high; why: {why})"
        )

    out = {s: Quality() for s in SPLITS}
    for key, partners in by_need.items():
        split = next(iter(partners.values())).split
        for q_ in (out[split], out["all"]):
            _need(q_, key, partners, proposed.get(key, []), open_reasons, true_reasons,
                  score_of, missed_good)  # fmt: skip
    return out


def why_left_out(
    key: Key,
    name: str,
    score: float,
    min_score: float,
    need_got: list[str],
    partner_went_to: list[Key],
    score_of: Callable[[Key, str], float],
) -> str:
    """Why the round did not propose a good pair, in the order a coordinator would check it:

    ``no candidate`` (a rule of the candidates left it out) · ``under min_score`` · ``the need's
    slots went to …`` (with their scores: the optimum preferred them) · ``its capacity went to …``
    (the partner was proposed elsewhere) · ``not chosen``.

    >>> why_left_out(("c", "n"), "P", 0.5, 0.55, [], [], lambda k, p: 0.0)
    'under min_score 0.55'
    >>> why_left_out(("c", "n"), "P", 0.6, 0.55, ["Q"], [], lambda k, p: 0.61)
    "the need's slots went to Q 0.610"
    """
    if score <= 0:
        return "no candidate"
    if score < min_score:
        return f"under min_score {min_score:g}"
    if need_got:
        return "the need's slots went to " + ", ".join(
            f"{other} {score_of(key, other):.3f}" for other in need_got
        )
    if partner_went_to:
        return "its capacity went to " + ", ".join(
            f"{title} {score_of((community, title), name):.3f}"
            for community, title in partner_went_to
        )
    return "not chosen"


def _need(
    out: Quality,
    key: Key,
    partners: dict[str, Judged],
    proposed: list[str],
    open_reasons: dict[Key, str],
    true_reasons: dict[Key, str],
    score_of: Callable[[Key, str], float],
    missed_good: Callable[[Key, str], str],
) -> None:
    for name in proposed:
        out.proposals += 1
        judgement = partners.get(name)
        if judgement is None:
            out.unjudged += 1
        elif judgement.judgement == "poor":
            out.poor += 1
            out.missed.append(f"poor proposal: {key[1]} → {name} ({judgement.reason})")
    labels = {j.judgement for j in partners.values()}
    if "good" in labels:
        out.with_good += 1
        if any(partners[n].judgement == "good" for n in proposed if n in partners):
            out.got_good += 1
        else:
            goods = ", ".join(
                missed_good(key, n) for n, j in partners.items() if j.judgement == "good"
            )
            out.missed.append(
                f"no good partner proposed: {key[1]} (good: {goods}; proposed: "
                f"{', '.join(proposed) or 'none'}; reason: {open_reasons.get(key, '—')})"
            )
    if not labels & {"good", "acceptable"}:
        out.without_acceptable += 1
        reason = open_reasons.get(key)
        if not proposed and reason is not None and reason == true_reasons.get(key):
            out.left_open_truly += 1
        else:
            out.missed.append(f"no acceptable partner, but not left open truly: {key[1]}")
    good = [score_of(key, n) for n, j in partners.items() if j.judgement == "good"]
    poor = [score_of(key, n) for n, j in partners.items() if j.judgement == "poor"]
    for g in good:
        for p in poor:
            out.pairs_compared += 1
            out.pairs_won += 1.0 if g > p else 0.5 if g == p else 0.0


async def _scores(
    conn: asyncpg.Connection,
) -> tuple[dict[tuple[Key, str], float], dict[tuple[Key, str], str]]:
    """The score a round would give every candidate pair of the open demo needs, and its
    components as one line (``text 0.15 · category 1 · …``)."""
    demands = [dict(r) for r in await q.scope_demands(conn, [], [], [])]
    partners = [dict(r) for r in await q.scope_partners(conn)]
    pairs = await scoring.candidate_pairs(
        conn, [r["id"] for r in demands], [r["id"] for r in partners]
    )
    problem, parts = await scoring.score(conn, demands, partners, pairs, Weights(), seed=1)
    names = await q.pair_names(
        conn,
        list(
            zip(
                np.asarray(pairs.demand_ids).tolist(),
                np.asarray(pairs.actor_ids).tolist(),
                strict=True,
            )
        ),
    )
    out, details = {}, {}
    for e in range(problem.n_edges):
        d = int(problem.demand_ids[problem.edge_demand[e]])
        a = int(problem.partner_ids[problem.edge_partner[e]])
        title, community, actor = names[(d, a)]
        out[((community, title), actor)] = float(problem.score[e])
        details[((community, title), actor)] = " · ".join(
            f"{name} {parts[name][e]:.2g}"
            for name in ("text", "category", "resources", "proximity")
        )
    return out, details


async def _round(
    pool: asyncpg.Pool, request: RoundRequest
) -> tuple[list[tuple[Key, str]], dict[Key, str], dict[Key, str]]:
    """Run the round as a dry run: its proposals, each open need's reason, what is true of it."""
    async with pool.acquire() as conn:
        created = await round_service.create(conn, None, request, enqueue=False)
    done = await round_service.run(pool, created.id)
    if done.status != "succeeded":
        raise RuntimeError(f"the quality round failed: {done.error}")
    async with pool.acquire() as conn:
        report = await q.report(conn, done.id)
        assert report is not None and report["dry_proposals"] is not None
        proposals = msgspec.json.decode(report["dry_proposals"], type=list[Proposal])
        reasons = msgspec.json.decode(report["unmatched"] or b"[]", type=list[Unmatched])
        graph = round_service.graph_of(report["graph"] or b"{}")
        ids = {p.demand_id for p in proposals} | {r.demand_id for r in reasons}
        labels = await q.demand_labels(conn, sorted(ids))
        actors = await q.actor_labels(conn, sorted({p.actor_id for p in proposals}))
    key = {d: (community, title) for d, (title, community) in labels.items()}
    min_score = graph.params["min_score"]
    best: dict[int, float] = {}
    for e in graph.edges:
        best[e.demand_id] = max(best.get(e.demand_id, 0.0), e.score)
    true = {
        key[r.demand_id]: "no_candidate"
        if r.demand_id not in best
        else "below_threshold"
        if best[r.demand_id] < min_score
        else "other"
        for r in reasons
    }
    return (
        [(key[p.demand_id], actors[p.actor_id]) for p in proposals],
        {key[r.demand_id]: r.reason for r in reasons},
        true,
    )


def _table(figures: dict[str, Quality], request: RoundRequest, judged: int) -> str:
    head = ["", "poor among proposals", "needs with a good partner that get one",
            "needs with no acceptable partner left open truly", "ranking accuracy"]  # fmt: skip
    aims = ["aim", "≤ 5%", "≥ 90%", "≥ 90%", "≥ 0.97"]
    lines = [
        f"judged pairs: {judged} · round: {request.algorithm}, min_score {request.min_score}, "
        f"every district, dry run, seed {request.seed}",
        "| " + " | ".join(head) + " |",
        "| " + " | ".join("---" for _ in head) + " |",
        "| " + " | ".join(aims) + " |",
    ]
    for split in SPLITS:
        lines.append("| " + " | ".join([split, *figures[split].row()]) + " |")
    unjudged = figures["all"].unjudged
    lines.append(f"proposals: {figures['all'].proposals} ({unjudged} of pairs outside the set)")
    return "\n".join(lines)


async def run_quality_bench(
    settings: Settings, *, request: RoundRequest | None = None, verbose: bool = False
) -> str:
    """Load the demo data into ``<database>_quality``, run the round, and measure it."""
    from matchmaker.services.bootstrap import resolve_dsn

    request = request or RoundRequest(scope=Scope(), dry_run=True, seed=1)
    judged = read_judged()
    dsn, _ = await resolve_dsn(settings)
    quality_dsn = await db.ensure_database(dsn, f"{db.database_name(dsn)}_quality")
    pool = await db.create_pool(quality_dsn, min_size=1, max_size=4)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
            await conn.execute(Q["empty_all"])
            await load_demo(conn)
            scores, details = await _scores(conn)
        proposals, open_reasons, true_reasons = await _round(pool, request)
    finally:
        await pool.close()
    figures = evaluate(
        judged, proposals, open_reasons, true_reasons,
        lambda key, partner: scores.get((key, partner), 0.0),
        lambda key, partner: details.get((key, partner), "no candidate"),
        min_score=request.min_score,
    )  # fmt: skip
    table = _table(figures, request, len(judged))
    if verbose:
        table += "\n" + "\n".join(f"  {m}" for m in figures["all"].missed)
    return table
