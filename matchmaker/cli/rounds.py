"""``matchmaker round``: run a match round from the command line, with progress and a summary.

matchmaker round --district 邛崃市 --algorithm optimal --dry-run
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from typing import Any

import click
import msgspec

from matchmaker import db
from matchmaker.cli.running import run, settings_from_env
from matchmaker.errors import AppError
from matchmaker.matching.score import COMPONENTS, DEFAULT_MIN_SCORE, Weights
from matchmaker.models.rounds import Round, RoundRequest, Scope
from matchmaker.vocab import Algorithm, Category, codes

__all__ = ["round_command"]


PHASES = ("candidates", "scoring", "graph", "solving", "explaining", "writing")


def _summary(round_: Round, top: list[dict[str, Any]], reasons: Counter[str]) -> str:
    s = round_.stats
    served = s.get("demands_served", 0)
    lines = [
        f"round {round_.id} · {round_.algorithm}{' · dry run' if round_.dry_run else ''} · {round_.status}",
        f"  demands in scope     {s['demands']:>8,}",
        f"  partners             {s['partners']:>8,}",
        f"  candidate edges      {s['candidate_edges']:>8,}",
        f"  proposals            {s['matched']:>8,}",
        f"  demands served       {served:>8,}  ({served / max(s['demands'], 1):.0%} coverage)",
        f"  communities served   {s.get('communities_served', 0):>8,}",
        f"  objective            {s['objective']:>8.3f}",
        "  time per phase       "
        + "  ".join(f"{k} {s['timings'][k]:.2f}s" for k in PHASES if k in s["timings"]),
    ]
    if top:
        lines.append("  best proposals — need (community) → partner: score = components")
        for p in top:
            parts = ", ".join(
                f"{k} {p['components'][k]:.2f}" for k in COMPONENTS if p["components"].get(k)
            )
            lines.append(
                f"    {p['title']} ({p['community']}) → {p['actor']}: {p['score']:.3f}\n"
                f"        = {parts}"
            )
    if reasons:
        lines.append("  unmatched: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
    return "\n".join(lines)


@click.command("round")
@click.option("--district", "districts", multiple=True, help="District name or id (repeatable).")
@click.option("--town", "towns", multiple=True, help="Town name or id (repeatable).")
@click.option("--category", "categories", multiple=True, type=click.Choice(codes(Category)))
@click.option(
    "--algorithm", type=click.Choice(codes(Algorithm)), default="optimal", show_default=True
)
@click.option(
    "--min-score", type=click.FloatRange(0, 1), default=DEFAULT_MIN_SCORE, show_default=True
)
@click.option("--max-per-community", type=click.IntRange(1, 1000), default=None)
@click.option("--dry-run", is_flag=True, help="Show what the round would propose; write nothing.")
def round_command(
    districts: tuple[str, ...],
    towns: tuple[str, ...],
    categories: tuple[str, ...],
    algorithm: str,
    min_score: float,
    max_per_community: int | None,
    dry_run: bool,
) -> None:
    """Run a match round over a scope and print what it proposed and why."""
    # the engine and its services load only when a round runs, so every other command starts fast
    from matchmaker.migrate import migrate
    from matchmaker.queries import rounds as queries
    from matchmaker.services import rounds as service
    from matchmaker.services.bootstrap import resolve_dsn

    settings = settings_from_env()

    def place(value: str) -> int | str:
        return int(value) if value.isdigit() else value

    request = RoundRequest(
        scope=Scope(
            districts=[place(d) for d in districts],
            towns=[place(t) for t in towns],
            categories=list(categories),  # type: ignore[arg-type]
        ),
        algorithm=algorithm,  # type: ignore[arg-type]
        weights=Weights(),
        min_score=min_score,
        max_per_community=max_per_community,
        dry_run=dry_run,
    )

    async def work() -> str:
        dsn, _ = await resolve_dsn(settings)
        pool = await db.create_pool(dsn, min_size=1, max_size=4)
        try:
            async with pool.acquire() as conn:
                await migrate(conn)
                created = await service.create(conn, None, request, enqueue=False)
            with click.progressbar(length=100, label="matching", file=sys.stderr) as bar:
                done = 0

                def progress(phase: str, percent: int) -> None:
                    nonlocal done
                    bar.label = f"{phase:<10}"
                    bar.update(percent - done)
                    done = percent

                ttl = dt.timedelta(hours=settings.proposal_ttl_hours)
                finished = await service.run(pool, created.id, ttl=ttl, progress=progress)
            if finished.status != "succeeded":
                raise AppError(f"round {finished.id} failed: {finished.error}")
            async with pool.acquire() as conn:
                report = await queries.report(conn, finished.id)
                top = await _top(conn, finished, report)
            unmatched = msgspec.json.decode((report or {}).get("unmatched") or b"[]")
            return _summary(finished, top, Counter(u["reason"] for u in unmatched))
        finally:
            await pool.close()

    click.echo(run(work()))


async def _top(
    conn: Any, round_: Round, report: dict[str, bytes | None] | None
) -> list[dict[str, Any]]:
    """The five best proposals (from the report for a dry run)."""
    from matchmaker.queries import rounds as q

    if round_.dry_run:
        items = list(msgspec.json.decode((report or {}).get("dry_proposals") or b"[]"))[:5]
    else:
        page, _ = await q.list_proposals(conn, round_.id, 5, None)
        items = [msgspec.to_builtins(p) for p in page]
    names = await q.pair_names(conn, [(p["demand_id"], p["actor_id"]) for p in items])
    for p in items:
        p["title"], p["community"], p["actor"] = names[(p["demand_id"], p["actor_id"])]
    return items
