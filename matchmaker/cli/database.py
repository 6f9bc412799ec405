"""``matchmaker migrate``, ``seed`` and ``reindex``: the schema, the data in it, its search index."""

from __future__ import annotations

import click

from matchmaker import db
from matchmaker.cli.running import guard, run, settings_from_env
from matchmaker.synthetic.profiles import PROFILES

__all__ = ["migrate", "reindex", "seed"]


@click.command()
@guard
def reindex() -> None:
    """Rewrite every row's search text (migrations that change it do this themselves)."""
    from matchmaker.migrate import migrate as apply
    from matchmaker.search.index import reindex as rewrite
    from matchmaker.services.bootstrap import resolve_dsn

    settings = settings_from_env()

    async def work() -> dict[str, int]:
        dsn, _ = await resolve_dsn(settings)
        conn = await db.connect(dsn)
        try:
            await apply(conn)
            async with conn.transaction():
                return await rewrite(conn)
        finally:
            await conn.close()

    counts = run(work())
    click.echo("re-indexed " + ", ".join(f"{n} {library}" for library, n in counts.items()))


@click.command()
@guard
def migrate() -> None:
    """Apply pending migrations from sql/migrations."""
    from matchmaker.migrate import migrate as apply
    from matchmaker.services.bootstrap import resolve_dsn

    settings = settings_from_env()

    async def work() -> list[str]:
        dsn, _ = await resolve_dsn(settings)
        conn = await db.connect(dsn)
        try:
            return await apply(conn)
        finally:
            await conn.close()

    applied = run(work())
    click.echo(
        f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else "")
    )


@click.command()
@click.option("--synthetic", is_flag=True, help="Generate synthetic data for scale instead.")
@click.option("--demands", type=click.IntRange(1, 5_000_000), default=100_000, show_default=True)
@click.option("--communities", type=click.IntRange(1, 1_000_000), help="Default: demands / 50.")
@click.option("--partners", type=click.IntRange(1, 1_000_000), help="Default: demands / 10.")
@click.option("--seed", "rng_seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--profile",
    type=click.Choice(sorted(PROFILES)),
    help="A named size instead of the counts: province (180 districts, 50,000 communities, "
    "100,000 partners, 200,000 open needs), city (a tenth of it) or county (a quick try).",
)
@guard
def seed(
    synthetic: bool,
    demands: int,
    communities: int | None,
    partners: int | None,
    rng_seed: int,
    profile: str | None,
) -> None:
    """Load the demo data from seeds/ (idempotent), or --synthetic data for benchmarks."""
    from matchmaker.migrate import migrate as apply
    from matchmaker.seed import load_demo
    from matchmaker.services.bootstrap import resolve_dsn

    settings = settings_from_env()

    async def work() -> None:
        dsn, _ = await resolve_dsn(settings)
        conn = await db.connect(dsn)
        try:
            await apply(conn)
            if synthetic:
                from matchmaker.synthetic import DEFAULT_REMOTE_SHARE, generate

                shape = PROFILES[profile] if profile else None
                report = await generate(
                    conn,
                    demands=shape.demands if shape else demands,
                    communities=shape.communities if shape else communities,
                    partners=shape.partners if shape else partners,
                    districts=shape.districts if shape else None,
                    remote_share=shape.remote_share if shape else DEFAULT_REMOTE_SHARE,
                    seed=rng_seed,
                    progress=lambda text: click.echo(text, err=True),
                )
                click.echo(report.summary())
            else:
                added = await load_demo(conn)
                click.echo("demo data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))
        finally:
            await conn.close()

    run(work())
