"""Coordinators' areas: each coordinator governs the districts (or cities) named for them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from matchmaker import db
from matchmaker.migrate import MIGRATIONS_DIR, migrate
from tests.conftest import ids


async def test_a_coordinator_is_told_the_districts_they_govern(
    client: Any, seeded: Any, login: Any
) -> None:
    chenghua = await ids(seeded, "SELECT id FROM districts WHERE name = '成华区'")
    qionglai = await ids(seeded, "SELECT id FROM districts WHERE name = '邛崃市'")
    me = (await client.get("/api/v1/auth/me", headers=await login("coordinator_chenghua"))).json()
    assert me["districts"] == chenghua
    me = (await client.get("/api/v1/auth/me", headers=await login("coordinator"))).json()
    assert me["districts"] == qionglai
    # an area naming a whole city covers every district of it, added later ones too
    user = await ids(seeded, "SELECT id FROM users WHERE username = 'coordinator_chenghua'")
    await seeded.execute(
        "INSERT INTO coordinator_areas (user_id, city) VALUES ($1, '广安市')", user[0]
    )
    await seeded.execute(
        "INSERT INTO districts (name, city, lat, lon) VALUES ('邻水县', '广安市', 30.33, 106.93)"
    )
    guang_an = await ids(seeded, "SELECT id FROM districts WHERE city = '广安市'")
    me = (await client.get("/api/v1/auth/me", headers=await login("coordinator_chenghua"))).json()
    assert me["districts"] == sorted(chenghua + guang_an)
    # staff, partners and admins carry no list (an admin governs everywhere)
    for who in ("staff", "partner", "admin"):
        assert (await client.get("/api/v1/auth/me", headers=await login(who))).json()[
            "districts"
        ] == []


async def test_coordinators_from_before_areas_keep_every_city(
    database_factory: Any, tmp_path: Path
) -> None:
    """The migration gives coordinators who existed before it the reach they had."""
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if path.name < "0017_jurisdiction.sql":
            shutil.copy(path, tmp_path / path.name)
    dsn = await database_factory(migrated=False)
    conn = await db.connect(dsn)
    try:
        await migrate(conn, tmp_path)
        await conn.execute(
            "INSERT INTO districts (name, city, lat, lon) VALUES "
            "('成华区', '成都市', 30.66, 104.10), ('华蓥市', '广安市', 30.39, 106.78)"
        )
        await conn.execute(
            "INSERT INTO users (username, display_name, role, password_hash) "
            "VALUES ('old_coordinator', '协调员', 'coordinator', 'x')"
        )
        await migrate(conn)
        cities = await conn.fetch("SELECT city FROM coordinator_areas ORDER BY city")
        assert [row["city"] for row in cities] == ["广安市", "成都市"]
    finally:
        await conn.close()
