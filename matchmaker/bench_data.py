"""The synthetic marketplace a benchmark runs on, in a database of its own beside the configured one.

>>> dsn, report = await fresh_synthetic(settings, "bench", demands=5000, partners=1000, seed=7)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from matchmaker import db
from matchmaker.migrate import migrate
from matchmaker.queries import sql
from matchmaker.settings import Settings
from matchmaker.synthetic import SyntheticReport

__all__ = ["fresh_synthetic"]

Q = sql("bench")


async def fresh_synthetic(
    settings: Settings, suffix: str, **shape: Any
) -> tuple[str, SyntheticReport]:
    """Empty ``<database>_<suffix>``, write a synthetic marketplace of ``shape`` (the arguments of
    ``synthetic.generate``) into it and analyze it; its DSN and what was written."""
    from matchmaker.services.bootstrap import resolve_dsn
    from matchmaker.synthetic import generate

    dsn, _ = await resolve_dsn(settings)
    bench_dsn = await db.ensure_database(dsn, f"{db.database_name(dsn)}_{suffix}")
    conn = await db.connect(bench_dsn)
    try:
        await migrate(conn)
        await conn.execute(Q["empty_all"])
        report = await generate(conn, **shape)
        await conn.execute(Q["analyze"])
    finally:
        await conn.close()
    return bench_dsn, report
