"""Writing a synthetic marketplace: ids reserved up front, one binary COPY per table, all in
one transaction (see the package's docstring), and a report of rows and seconds per table.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import asyncpg
import msgspec
import numpy as np

from matchmaker.errors import Conflict, Invalid
from matchmaker.queries import sql
from matchmaker.synthetic.rows import (
    Record,
    World,
    district_name,
    draw_actor_districts,
    draw_actors,
    draw_communities,
    draw_demands,
    draw_districts,
    draw_town_counts,
    draw_towns,
)
from matchmaker.synthetic.vocabulary import DEFAULT_REMOTE_SHARE

__all__ = ["SyntheticReport", "generate"]

#: Reserves ``$2`` ids of table ``$1`` in ascending order, so rows keep their generation order.
Q = sql("synthetic")
RESERVE_IDS = Q["reserve_ids"]
SEED_LOADED = Q["seed_loaded"]
ANALYZE_WRITTEN = Q["analyze_written"]

COLUMNS: dict[str, list[str]] = {
    "districts": ["id", "name", "city", "lat", "lon"],
    "towns": ["id", "district_id", "name", "kind"],
    "communities": [
        "id", "name", "district_id", "town_id", "kind", "theme", "population", "lat", "lon",
        "social_work_rooms", "social_workers", "community_orgs", "volunteer_teams",
        "charity_resources", "description", "search_text"],
    "actors": [
        "id", "name", "kind", "grade", "verified", "categories", "resource_types",
        "remote_resource_types", "capacity", "lat", "lon", "description", "search_text",
        "service_radius_km"],
    "actor_districts": ["actor_id", "district_id"],
    "demands": [
        "id", "community_id", "title", "description", "category", "resource_types", "skills",
        "target_groups", "beneficiaries", "budget", "slots", "urgency", "window_start",
        "window_end", "intake_channel", "status", "search_text"],
}  # fmt: skip


class SyntheticReport(msgspec.Struct, frozen=True, kw_only=True):
    """What one :func:`generate` wrote and how long it took, for the command line and benchmarks."""

    seed: int
    rows: dict[str, int]
    seconds: dict[str, float]
    total_rows: int
    total_seconds: float

    def summary(self) -> str:
        """A few lines: the total and its rate, then one line per table."""
        rate = self.total_rows / self.total_seconds if self.total_seconds > 0 else 0.0
        lines = [
            f"synthetic data for seed {self.seed}: {self.total_rows:,} rows "
            f"in {self.total_seconds:.2f} s ({rate:,.0f} rows/s)"
        ]
        for table, count in self.rows.items():
            lines.append(f"  {table:<16}{count:>10,} rows {self.seconds[table]:>8.2f} s")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Sizes:
    demands: int
    communities: int
    partners: int
    districts: int


def _sizes(
    demands: int, communities: int | None, partners: int | None, districts: int | None, seed: int
) -> _Sizes:
    """Apply the defaults and refuse what cannot make a marketplace."""
    communities = max(1, demands // 50) if communities is None else communities
    partners = max(1, demands // 10) if partners is None else partners
    districts = max(2, communities // 100) if districts is None else districts
    for name, value in (
        ("demands", demands), ("communities", communities), ("partners", partners),
        ("districts", districts),
    ):  # fmt: skip
        if value < 1:
            raise Invalid(f"{name} must be at least 1, not {value}", field=name)
    if seed < 0:
        raise Invalid(f"seed must be 0 or more, not {seed}", field="seed")
    return _Sizes(demands, communities, partners, districts)


# --- writing -------------------------------------------------------------------------------------


class _Writer:
    """Reserves ids and copies each table's rows; times each table from the end of the one before,
    so a table's seconds cover reserving its ids, drawing its rows and copying them."""

    def __init__(self, conn: asyncpg.Connection, progress: Callable[[str], None] | None) -> None:
        self.conn, self.progress = conn, progress
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.started = time.perf_counter()

    async def ids(self, table: str, count: int) -> list[int]:
        """``count`` fresh ids of ``table``, ascending: explicit ids let later tables refer to
        these rows before they are written, so every table is one COPY."""
        return list(await self.conn.fetchval(RESERVE_IDS, table, count))

    async def copy(self, table: str, records: Iterable[Record], count: int) -> None:
        """One binary COPY. ``records`` may be a generator: asyncpg sends rows as they come, so
        PostgreSQL indexes one chunk while Python draws the next."""
        await self.conn.copy_records_to_table(table, records=records, columns=COLUMNS[table])
        now = time.perf_counter()
        elapsed, self.started = now - self.started, now
        self.rows[table], self.seconds[table] = count, elapsed
        if self.progress is not None:
            rate = count / elapsed if elapsed > 0 else 0.0
            self.progress(f"{table}: {count:,} rows in {elapsed:.2f} s ({rate:,.0f} rows/s)")


async def _write_all(
    writer: _Writer, rng: np.random.Generator, world: World, sizes: _Sizes
) -> None:
    """Every table in dependency order; the order of the draws is what makes a seed reproducible."""
    ids = await writer.ids("districts", sizes.districts)
    await writer.copy("districts", draw_districts(rng, world, ids), len(ids))
    counts = draw_town_counts(rng, sizes.districts)
    ids = await writer.ids("towns", int(counts.sum()))
    await writer.copy("towns", draw_towns(rng, world, ids, counts), len(ids))
    ids = await writer.ids("communities", sizes.communities)
    await writer.copy("communities", draw_communities(rng, world, ids), len(ids))
    ids = await writer.ids("actors", sizes.partners)
    await writer.copy("actors", draw_actors(rng, world, ids), len(ids))
    records = draw_actor_districts(rng, world)
    await writer.copy("actor_districts", records, len(records))
    ids = await writer.ids("demands", sizes.demands)
    await writer.copy("demands", draw_demands(rng, world, ids), len(ids))


async def generate(
    conn: asyncpg.Connection,
    *,
    demands: int,
    communities: int | None = None,
    partners: int | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    today: dt.date | None = None,
    districts: int | None = None,
    remote_share: float = DEFAULT_REMOTE_SHARE,
) -> SyntheticReport:
    """Write a synthetic marketplace in one transaction and report rows and seconds per table.

    ``communities`` defaults to ``demands // 50`` and ``partners`` to ``demands // 10`` (at least
    one each), ``districts`` to ``communities // 100`` (at least two); ``remote_share`` of the
    partners work remotely. Benchmarks set the last two to shape how many candidate pairs each
    demand has. ``progress`` receives one line per table as it is written. Raises :class:`Invalid`
    for a count below 1 or a negative seed, and :class:`Conflict` when this seed's data is already
    loaded (its names would collide; another seed writes beside it).
    """
    sizes = _sizes(demands, communities, partners, districts, seed)
    if not 0 <= remote_share <= 1:
        raise Invalid(f"remote_share must lie in [0, 1], not {remote_share}", field="remote_share")
    rng = np.random.default_rng(seed)
    world = World(seed=seed, today=today or dt.date.today(), remote_share=remote_share)
    writer = _Writer(conn, progress)
    started = time.perf_counter()
    try:
        async with conn.transaction():
            if await conn.fetchval(SEED_LOADED, district_name(seed, 1)):
                raise _already_loaded(seed)
            await _write_all(writer, rng, world, sizes)
    except asyncpg.UniqueViolationError as exc:
        if exc.table_name != "districts":
            raise
        raise _already_loaded(seed) from None  # a concurrent run of the same seed won the race
    await conn.execute(ANALYZE_WRITTEN)
    return SyntheticReport(
        seed=seed,
        rows=writer.rows,
        seconds=writer.seconds,
        total_rows=sum(writer.rows.values()),
        total_seconds=time.perf_counter() - started,
    )


def _already_loaded(seed: int) -> Conflict:
    return Conflict(
        f"synthetic data for seed {seed} is already loaded (district {district_name(seed, 1)} "
        "exists); use another --seed",
        field="seed",
    )
