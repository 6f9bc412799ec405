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


async def _id(seeded: Any, table: str, name: str) -> int:
    return int(await seeded.fetchval(f"SELECT id FROM {table} WHERE name = $1", name))


async def test_a_coordinator_curates_runs_rounds_and_counts_only_in_their_area(
    client: Any, seeded: Any, login: Any
) -> None:
    chenghua = await login("coordinator_chenghua")
    qionglai_community = await _id(seeded, "communities", "渔箭社区")
    chenghua_community = await _id(seeded, "communities", "和美社区")
    qionglai, chenghua_district = (
        await _id(seeded, "districts", "邛崃市"),
        await _id(seeded, "districts", "成华区"),
    )
    before = await seeded.fetchval(
        "SELECT theme FROM communities WHERE id = $1", qionglai_community
    )
    # a 邛崃市 community: refused, naming the rule, and unchanged
    foreign = await client.patch(
        f"/api/v1/communities/{qionglai_community}", json={"theme": "改"}, headers=chenghua
    )
    assert foreign.status_code == 403, foreign.text
    assert "coordinator" in foreign.json()["message"] and "area" in foreign.json()["message"]
    assert (
        await seeded.fetchval("SELECT theme FROM communities WHERE id = $1", qionglai_community)
        == before
    )
    assert (
        await client.delete(f"/api/v1/communities/{qionglai_community}", headers=chenghua)
    ).status_code == 403
    # a 成华区 one: changed; moving it to 邛崃市 is refused
    own = await client.patch(
        f"/api/v1/communities/{chenghua_community}", json={"theme": "新主题"}, headers=chenghua
    )
    assert own.status_code == 200 and own.json()["theme"] == "新主题"
    town = await seeded.fetchval("SELECT id FROM towns WHERE name = '文君街道'")
    moved = await client.patch(
        f"/api/v1/communities/{chenghua_community}",
        json={"district_id": qionglai, "town_id": town},
        headers=chenghua,
    )
    assert moved.status_code == 403
    # reading stays public: the 邛崃市 community is there for anyone
    assert (await client.get(f"/api/v1/communities/{qionglai_community}")).status_code == 200

    # rounds: not over 邛崃市; without a scope, over 成华区 alone
    refused = await client.post(
        "/api/v1/rounds", json={"scope": {"districts": ["邛崃市"]}}, headers=chenghua
    )
    assert refused.status_code == 403 and refused.json()["field"] == "scope"
    by_town = await client.post(
        "/api/v1/rounds", json={"scope": {"towns": ["文君街道"]}}, headers=chenghua
    )
    assert by_town.status_code == 403
    mine = await client.post(
        "/api/v1/rounds", json={"scope": {}, "dry_run": True}, headers=chenghua
    )
    assert mine.status_code == 202, mine.text
    assert mine.json()["scope"]["districts"] == [chenghua_district]
    # the 邛崃市 coordinator does not see the 成华区 round (404, as if it were not there)
    qionglai_coordinator = await login("coordinator")
    round_url = f"/api/v1/rounds/{mine.json()['id']}"
    assert (await client.get(round_url, headers=qionglai_coordinator)).status_code == 404
    assert (await client.get(round_url, headers=chenghua)).status_code == 200
    assert (await client.get(round_url, headers=await login("admin"))).status_code == 200

    # stats: the coordinator's are their area's; the public's and an admin's everywhere
    everywhere = (await client.get("/api/v1/stats")).json()
    theirs = (await client.get("/api/v1/stats", headers=chenghua)).json()
    assert [d["district_name"] for d in theirs["needs_by_district"]] == ["成华区"]
    assert len(everywhere["needs_by_district"]) > 1
    in_chenghua = await seeded.fetchval(
        "SELECT count(*) FROM communities WHERE district_id = $1 AND archived_at IS NULL",
        chenghua_district,
    )
    assert theirs["libraries"]["communities"] == in_chenghua
    assert everywhere["libraries"]["communities"] > in_chenghua
    assert {c["district_name"] for c in theirs["standard_1257n"]["communities"]} == {"成华区"}
    admin_stats = (await client.get("/api/v1/stats", headers=await login("admin"))).json()
    assert admin_stats["libraries"] == everywhere["libraries"]

    # organisations: one serving only 邛崃市 is not theirs to archive
    only_qionglai = await seeded.fetchval(
        "SELECT a.id FROM actors a WHERE NOT EXISTS (SELECT 1 FROM actor_districts ad "
        "WHERE ad.actor_id = a.id AND ad.district_id <> $1) AND EXISTS (SELECT 1 FROM "
        "actor_districts ad WHERE ad.actor_id = a.id) LIMIT 1",
        qionglai,
    )
    assert only_qionglai is not None
    assert (
        await client.delete(f"/api/v1/actors/{only_qionglai}", headers=chenghua)
    ).status_code == 403
    created = await client.post(
        "/api/v1/actors",
        json={"name": "邛崃新机构", "kind": "social_org", "lat": 30.4, "lon": 103.4,
              "district_ids": [qionglai]},
        headers=chenghua,
    )  # fmt: skip
    assert created.status_code == 403 and created.json()["field"] == "district_ids"


async def test_admins_set_areas_and_coordinators_manage_only_their_areas_staff(
    client: Any, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    chenghua = await login("coordinator_chenghua")
    hemei = await _id(seeded, "communities", "和美社区")
    yujian = await _id(seeded, "communities", "渔箭社区")
    staff = {"display_name": "新同事", "password": "long-enough-secret"}

    # an admin gives a new coordinator an area: a district by name, a city, a district by id
    guang_an = await _id(seeded, "districts", "前锋区")
    made = await client.post(
        "/api/v1/users",
        json={"username": "coord.new", "role": "coordinator", "areas": ["大邑县", "广安市"],
              **staff},
        headers=admin,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["areas"] == ["大邑县", "广安市"]
    me = (await client.get("/api/v1/auth/me", headers=await login("coord.new", "long-enough-secret"))).json()  # fmt: skip
    assert guang_an in me["districts"] and len(me["districts"]) == 4
    changed = await client.patch(
        f"/api/v1/users/{made.json()['id']}", json={"areas": [guang_an]}, headers=admin
    )
    assert changed.status_code == 200 and changed.json()["areas"] == ["前锋区"]
    for bad in (["火星市"], [999999]):
        refused = await client.patch(
            f"/api/v1/users/{made.json()['id']}", json={"areas": bad}, headers=admin
        )
        assert refused.status_code == 400 and refused.json()["field"] == "areas", refused.text
    not_coordinator = await client.post(
        "/api/v1/users",
        json={"username": "staff.area", "role": "community_staff", "community_id": hemei,
              "areas": ["成华区"], **staff},
        headers=admin,
    )  # fmt: skip
    assert not_coordinator.status_code == 400 and not_coordinator.json()["field"] == "areas"

    # a coordinator: staff of their area's community, yes; elsewhere, admins, coordinators: no
    ok = await client.post(
        "/api/v1/users",
        json={"username": "hemei.two", "role": "community_staff", "community_id": hemei, **staff},
        headers=chenghua,
    )  # fmt: skip
    assert ok.status_code == 201, ok.text
    count = await seeded.fetchval("SELECT count(*) FROM users")
    for body in (
        {"username": "yujian.two", "role": "community_staff", "community_id": yujian},
        {"username": "boss.two", "role": "admin"},
        {"username": "coord.two", "role": "coordinator"},
    ):
        refused = await client.post("/api/v1/users", json=body | staff, headers=chenghua)
        assert refused.status_code == 403, refused.text
        assert "never admins or other coordinators" in refused.json()["message"]
    assert await seeded.fetchval("SELECT count(*) FROM users") == count
    areas = await client.patch(
        f"/api/v1/users/{ok.json()['id']}", json={"areas": ["成华区"]}, headers=chenghua
    )
    assert areas.status_code == 403
    # they list and manage only their area's staff; others are not found
    listed = (await client.get("/api/v1/users", headers=chenghua)).json()["items"]
    assert {u["username"] for u in listed} == {"staff_hemei", "hemei.two"} | {
        u["username"] for u in listed if u["role"] == "partner"
    }
    assert all(u["role"] in ("community_staff", "partner") for u in listed)
    staff_id = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")
    assert (await client.get(f"/api/v1/users/{staff_id}", headers=chenghua)).status_code == 404
    off = await client.patch(f"/api/v1/users/{staff_id}", json={"active": False}, headers=chenghua)
    assert off.status_code == 404
    assert await seeded.fetchval("SELECT active FROM users WHERE id = $1", staff_id)
    # nor move their own staff to a community outside their area
    moved = await client.patch(
        f"/api/v1/users/{ok.json()['id']}", json={"community_id": yujian}, headers=chenghua
    )
    assert moved.status_code == 403
    off = await client.patch(
        f"/api/v1/users/{ok.json()['id']}", json={"active": False}, headers=chenghua
    )
    assert off.status_code == 200 and off.json()["active"] is False
    named = await client.get("/api/v1/users", params={"name": "HEMEI.T"}, headers=admin)
    assert [u["username"] for u in named.json()["items"]] == ["hemei.two"]
