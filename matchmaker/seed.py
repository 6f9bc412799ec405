"""Load the demo data in ``seeds/`` into the database, idempotently and all-or-nothing.

Every file is validated before anything is written; the writes then run in one transaction, so a
bad row or a reference to a name that does not exist loads nothing from that run, and the error
names the file, the row and the field. A second load adds nothing.

The demo accounts in ``users.json`` all get the password ``matchmaker-demo``. They exist only
because this loader made them: nothing else creates users with a known password.

>>> counts = await load_demo(conn)  # doctest: +SKIP
>>> counts["communities"]
24
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncpg
from argon2 import PasswordHasher

from matchmaker.errors import Invalid
from matchmaker.models.actors import REMOTABLE
from matchmaker.queries import sql
from matchmaker.search import index as search_index
from matchmaker.seedfiles import (
    SEED_FILES,
    SEEDS_DIR,
    SeedActor,
    SeedCase,
    SeedCommunity,
    SeedDemand,
    SeedDistrict,
    SeedPolicy,
    SeedProduct,
    SeedTalent,
    SeedUser,
    read_seed_file,
)
from matchmaker.segment import search_text

__all__ = ["DEMO_PASSWORD", "database_is_empty", "load_demo", "table_counts"]

DEMO_PASSWORD = "matchmaker-demo"  # noqa: S105 (documented, demo accounts only)

Q = sql("seed")


class _Resolver:
    """Turns names in one seed file into ids, naming file, row and field when a name is unknown."""

    def __init__(self, file: str, kind: str, ids: dict[Any, int]) -> None:
        self.file, self.kind, self.ids = file, kind, ids

    def __call__(self, key: Any, row: int, field: str) -> int:
        try:
            return self.ids[key]
        except KeyError:
            shown = " / ".join(key) if isinstance(key, tuple) else key
            raise Invalid(
                f"seed file {self.file}, row {row}, field {field}: no {self.kind} named {shown!r}",
                field=field,
            ) from None


async def _ids(conn: asyncpg.Connection, block: str) -> dict[str, int]:
    return {row["name"]: row["id"] for row in await conn.fetch(Q[block])}


def _unique(file: str, names: Iterable[str], field: str) -> None:
    seen: set[str] = set()
    for row, name in enumerate(names, start=1):
        if name in seen:
            raise Invalid(
                f"seed file {file}, row {row}, field {field}: {name!r} appears twice", field=field
            )
        seen.add(name)


async def database_is_empty(conn: asyncpg.Connection) -> bool:
    """True when no community and no user exists yet (a fresh database)."""
    return bool(await conn.fetchval(Q["database_is_empty"]))


async def table_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Row count of each library table the seed fills."""
    return dict(await conn.fetchrow(Q["table_counts"]))


@functools.cache
def _demo_password_hash() -> str:
    """The demo users' one password, hashed once per process (argon2 costs ~0.13 s; the tests
    reseed hundreds of times, and a demo password needs no fresh salt each time)."""
    return PasswordHasher().hash(DEMO_PASSWORD)


async def load_demo(conn: asyncpg.Connection, directory: Path = SEEDS_DIR) -> dict[str, int]:
    """Load every seed file in ``directory``; return the rows added per table (zeros on a re-run)."""
    rows = {
        name: read_seed_file(directory / name, row_type) for name, row_type in SEED_FILES.items()
    }
    for name, key in (
        ("communities.json", "name"),
        ("actors.json", "name"),
        ("talent.json", "display_name"),
        ("policies.json", "title"),
        ("users.json", "username"),
    ):
        _unique(name, (getattr(r, key) for r in rows[name]), key)
    password_hash = _demo_password_hash()

    async with conn.transaction():
        before = await table_counts(conn)
        await _districts(conn, rows["districts.json"])
        await _communities(conn, rows["communities.json"])
        await _actors(conn, rows["actors.json"])
        await _talent(conn, rows["talent.json"])
        await _policies(conn, rows["policies.json"])
        await _demands(conn, rows["demands.json"])
        await _cases(conn, rows["cases.json"])
        await _products(conn, rows["products.json"])
        await _users(conn, rows["users.json"], password_hash)
        await search_index.reindex(conn)  # labels and places are part of what rows are found by
        after = await table_counts(conn)
        added = {table: after[table] - before[table] for table in after}
        await conn.execute(Q["audit_seed"], "load_demo", added)
    return added


async def _districts(conn: asyncpg.Connection, rows: list[SeedDistrict]) -> None:
    await conn.executemany(Q["insert_district"], [(d.name, d.city, d.lat, d.lon) for d in rows])
    district = _Resolver("districts.json", "district", await _ids(conn, "district_ids"))
    towns = [
        (district(d.name, i, "name"), t.name, t.kind)
        for i, d in enumerate(rows, start=1)
        for t in d.towns
    ]
    await conn.executemany(Q["insert_town"], towns)


async def _communities(conn: asyncpg.Connection, rows: list[SeedCommunity]) -> None:
    file = "communities.json"
    district = _Resolver(file, "district", await _ids(conn, "district_ids"))
    town_ids = {(r["district"], r["town"]): r["id"] for r in await conn.fetch(Q["town_ids"])}
    town = _Resolver(file, "town in that district", town_ids)
    args = []
    for i, c in enumerate(rows, start=1):
        args.append((
            c.name, district(c.district, i, "district"), town((c.district, c.town), i, "town"),
            c.kind, c.theme, c.population, c.lat, c.lon, c.social_work_rooms, c.social_workers,
            c.community_orgs, c.volunteer_teams, c.charity_resources, c.description,
            search_text(c.name, c.theme, c.description), c.contact_name, c.contact_phone,
            c.contact_email,
        ))  # fmt: skip
    await conn.executemany(Q["insert_community"], args)


async def _actors(conn: asyncpg.Connection, rows: list[SeedActor]) -> None:
    file = "actors.json"
    await conn.executemany(
        Q["insert_actor"],
        [
            (
                a.name, a.kind, a.grade, a.verified, a.categories, a.resource_types,
                _remote_types(a), a.capacity, a.lat, a.lon, a.description, a.website,
                a.contact_name, a.contact_phone, a.contact_email,
                search_text(a.name, a.description), a.service_radius_km,
            )
            for a in rows
        ],
    )  # fmt: skip
    actor = _Resolver(file, "actor", await _ids(conn, "actor_ids"))
    district = _Resolver(file, "district", await _ids(conn, "district_ids"))
    links = [
        (actor(a.name, i, "name"), district(name, i, "districts"))
        for i, a in enumerate(rows, start=1)
        for name in a.districts
    ]
    await conn.executemany(Q["insert_actor_district"], links)


def _remote_types(a: SeedActor) -> list[str]:
    """What it delivers from afar: as listed, else its types that can travel when ``remote``."""
    if a.remote_resource_types is not None:
        return list(a.remote_resource_types)
    return [r for r in a.resource_types if r in REMOTABLE] if a.remote else []


async def _talent(conn: asyncpg.Connection, rows: list[SeedTalent]) -> None:
    file = "talent.json"
    actor = _Resolver(file, "actor", await _ids(conn, "actor_ids"))
    args = []
    for i, t in enumerate(rows, start=1):
        actor_id = actor(t.affiliation, i, "affiliation") if t.affiliation else None
        args.append((
            t.display_name, t.roles, t.skills, t.certificates, actor_id, t.hours_per_month, t.bio,
            search_text(t.display_name, " ".join(t.skills), t.bio),
        ))  # fmt: skip
    await conn.executemany(Q["insert_talent"], args)
    talent = _Resolver(file, "talent", await _ids(conn, "talent_ids"))
    district = _Resolver(file, "district", await _ids(conn, "district_ids"))
    links = [
        (talent(t.display_name, i, "display_name"), district(name, i, "districts"))
        for i, t in enumerate(rows, start=1)
        for name in t.districts
    ]
    await conn.executemany(Q["insert_talent_district"], links)


async def _policies(conn: asyncpg.Connection, rows: list[SeedPolicy]) -> None:
    await conn.executemany(
        Q["insert_policy"],
        [
            (
                p.title, p.issuer, p.level, p.doc_number, p.categories,
                p.eligible_community_kinds, p.eligible_actor_kinds, p.subsidy_ceiling,
                p.valid_from, p.valid_to, p.summary, search_text(p.title, p.issuer, p.summary),
            )
            for p in rows
        ],
    )  # fmt: skip


async def _demands(conn: asyncpg.Connection, rows: list[SeedDemand]) -> None:
    file = "demands.json"
    community = _Resolver(file, "community", await _ids(conn, "community_ids"))
    args = []
    for i, d in enumerate(rows, start=1):
        if d.window_start and d.window_end and d.window_end < d.window_start:
            raise Invalid(
                f"seed file {file}, row {i}, field window_end: ends before window_start",
                field="window_end",
            )
        args.append((
            community(d.community, i, "community"), d.title, d.description, d.category,
            d.resource_types, d.skills, d.target_groups, d.beneficiaries, d.budget, d.slots,
            d.urgency, d.window_start, d.window_end, d.intake_channel, d.status,
            search_text(d.title, d.description, " ".join(d.skills)), d.delivery,
        ))  # fmt: skip
    await conn.executemany(Q["insert_demand"], args)
    actor = _Resolver(file, "actor", await _ids(conn, "actor_ids"))
    links = [
        (args[i - 1][0], d.title, actor(name, i, "beneficiary_actors"))
        for i, d in enumerate(rows, start=1)
        for name in d.beneficiary_actors
    ]
    await conn.executemany(Q["insert_demand_beneficiary"], links)


async def _cases(conn: asyncpg.Connection, rows: list[SeedCase]) -> None:
    file = "cases.json"
    community = _Resolver(file, "community", await _ids(conn, "community_ids"))
    actor = _Resolver(file, "actor", await _ids(conn, "actor_ids"))
    args, keys = [], []
    for i, c in enumerate(rows, start=1):
        community_id = community(c.community, i, "community")
        keys.append((community_id, c.title, [actor(a, i, "actors") for a in c.actors]))
        args.append((
            community_id, c.title, c.summary, c.category, c.model_tags, c.beneficiaries,
            c.duration_months, c.rating, c.year,
            search_text(c.title, c.summary, " ".join(c.model_tags)),
        ))  # fmt: skip
    await conn.executemany(Q["insert_case"], args)
    case_ids = {(r["community_id"], r["title"]): r["id"] for r in await conn.fetch(Q["case_ids"])}
    links = [
        (case_ids[(community_id, title)], actor_id)
        for community_id, title, actor_ids in keys
        for actor_id in actor_ids
    ]
    await conn.executemany(Q["insert_case_actor"], links)


async def _products(conn: asyncpg.Connection, rows: list[SeedProduct]) -> None:
    actor = _Resolver("products.json", "actor", await _ids(conn, "actor_ids"))
    await conn.executemany(
        Q["insert_product"],
        [
            (
                actor(p.actor, i, "actor"), p.name, p.category, p.description, p.target_groups,
                p.delivery_mode, p.price, p.capacity_per_month,
                search_text(p.name, p.description),
            )
            for i, p in enumerate(rows, start=1)
        ],
    )  # fmt: skip


async def _users(conn: asyncpg.Connection, rows: list[SeedUser], password_hash: str) -> None:
    file = "users.json"
    community = _Resolver(file, "community", await _ids(conn, "community_ids"))
    actor = _Resolver(file, "actor", await _ids(conn, "actor_ids"))
    args = []
    for i, u in enumerate(rows, start=1):
        if (u.role == "community_staff") != (u.community is not None):
            raise Invalid(
                f"seed file {file}, row {i}, field community: a community_staff user, and only "
                "one, names a community",
                field="community",
            )
        if (u.role == "partner") != (u.actor is not None):
            raise Invalid(
                f"seed file {file}, row {i}, field actor: a partner user, and only one, names an actor",
                field="actor",
            )
        if u.areas and u.role != "coordinator":
            raise Invalid(
                f"seed file {file}, row {i}, field areas: only a coordinator governs an area",
                field="areas",
            )
        args.append((
            u.username, u.display_name, u.role,
            community(u.community, i, "community") if u.community else None,
            actor(u.actor, i, "actor") if u.actor else None,
            password_hash,
        ))  # fmt: skip
    await conn.executemany(Q["insert_user"], args)
    await _areas(conn, rows)


async def _areas(conn: asyncpg.Connection, rows: list[SeedUser]) -> None:
    """Each coordinator's area: a name is a district's if one has it, else a city's."""
    districts = await _ids(conn, "district_ids")
    cities = {row["city"] for row in await conn.fetch(Q["cities"])}
    args = []
    for i, u in enumerate(rows, start=1):
        for name in u.areas:
            if name not in districts and name not in cities:
                raise Invalid(
                    f"seed file users.json, row {i}, field areas: no district or city named {name!r}",
                    field="areas",
                )
            args.append((u.username, districts.get(name), None if name in districts else name))
    await conn.executemany(Q["insert_area"], args)
