"""Communities and districts through HTTP: reading, "1257N", filters, paging, curation, bad input."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages

Client = AsyncTestClient[Litestar]
URL = "/api/v1/communities"


async def _id(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM communities WHERE name = $1", name))


async def _place(conn: Any, district: str, town: str) -> tuple[int, int]:
    row = await conn.fetchrow(
        "SELECT d.id AS district_id, t.id AS town_id FROM towns t "
        "JOIN districts d ON d.id = t.district_id WHERE d.name = $1 AND t.name = $2",
        district,
        town,
    )
    return row["district_id"], row["town_id"]


async def _audit_count(conn: Any) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'community'"))


def _body(district_id: int, town_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "name": "文君新村社区",
        "district_id": district_id,
        "town_id": town_id,
        "kind": "urban",
        "theme": "邻里互助型",
        "population": 5200,
        "lat": 30.42,
        "lon": 103.47,
        "social_workers": 2,
        **extra,
    }


async def test_everyone_reads_every_community_with_its_place_and_1257n_standing(
    client: Client, seeded: Any
) -> None:
    items = await all_pages(client, URL, limit=5)
    assert len(items) == await seeded.fetchval("SELECT count(*) FROM communities") == 22
    assert len({c["id"] for c in items}) == 22
    shunhe = next(c for c in items if c["name"] == "顺河社区")
    assert shunhe["community_orgs"] == 38
    assert (shunhe["district_name"], shunhe["town_name"]) == ("邛崃市", "文君街道")
    assert shunhe["theme"] == "居民自治型社区" and shunhe["population"] > 0
    assert (shunhe["lat"], shunhe["lon"]) != (0, 0)
    assert shunhe["meets_1257n"] is True and shunhe["shortfalls"] == []
    assert sum(c["meets_1257n"] for c in items) == 11
    assert all(c["meets_1257n"] == (c["shortfalls"] == []) for c in items)


async def test_shortfalls_name_each_indicator_below_the_standard(
    client: Client, seeded: Any
) -> None:
    gaoxing = (await client.get(f"{URL}/{await _id(seeded, '高兴村')}")).json()
    assert gaoxing["meets_1257n"] is False
    assert gaoxing["shortfalls"] == [
        "social_workers: 1 of 2",
        "community_orgs: 3 of 5",
        "volunteer_teams: 6 of 7",
    ]
    jingkou = (await client.get(f"{URL}/{await _id(seeded, '靖口村')}")).json()
    assert jingkou["shortfalls"] == [
        "social_work_rooms: 0 of 1",
        "social_workers: 0 of 2",
        "community_orgs: 2 of 5",
        "volunteer_teams: 3 of 7",
        "charity_resources: 0 of 1",
    ]
    huayuan = (await client.get(f"{URL}/{await _id(seeded, '花园巷社区')}")).json()
    assert huayuan["shortfalls"] == ["volunteer_teams: 6 of 7"]


async def test_filters_and_chinese_search(client: Client, seeded: Any) -> None:
    chenghua = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    found = await all_pages(client, URL, district_id=chenghua, limit=50)
    assert len(found) == await seeded.fetchval(
        "SELECT count(*) FROM communities WHERE district_id = $1", chenghua
    )
    assert found and {c["district_name"] for c in found} == {"成华区"}
    _, wenjun = await _place(seeded, "邛崃市", "文君街道")
    in_town = await all_pages(client, URL, town_id=wenjun, limit=50)
    assert {c["name"] for c in in_town} == {"渔箭社区", "花园巷社区", "顺河社区"}
    rural = await all_pages(client, URL, kind="rural", limit=50)
    assert rural and {c["kind"] for c in rural} == {"rural"}
    assert len(rural) == await seeded.fetchval(
        "SELECT count(*) FROM communities WHERE kind = 'rural'"
    )
    themed = await all_pages(client, URL, theme="智慧科技型社区")
    assert [c["name"] for c in themed] == ["前进社区"]
    searched = await all_pages(client, URL, q="居民自治")
    assert "顺河社区" in {c["name"] for c in searched}
    assert all("自治" in c["name"] + c["theme"] + c["description"] for c in searched)
    both = await all_pages(client, URL, q="智慧", district_id=chenghua)
    assert all(c["district_name"] == "成华区" for c in both)
    assert (await client.get(URL, params={"q": "！！！"})).json()["items"] == []
    assert (await client.get(URL, params={"q": "没有这样的词语组合xyz"})).json()["items"] == []


async def test_sorts_page_through_everything_once_in_order(client: Client, seeded: Any) -> None:
    total = await seeded.fetchval("SELECT count(*) FROM communities")
    for sort in ("newest", "oldest", "name", "population"):
        items = await all_pages(client, URL, sort=sort, limit=4)
        assert len(items) == len({c["id"] for c in items}) == total, sort
    newest = [c["id"] for c in await all_pages(client, URL, sort="newest", limit=4)]
    assert newest == sorted(newest, reverse=True)
    names = [c["name"] for c in await all_pages(client, URL, sort="name", limit=4)]
    expected = [
        r["name"] for r in await seeded.fetch("SELECT name FROM communities ORDER BY name, id")
    ]
    assert names == expected
    people = [c["population"] for c in await all_pages(client, URL, sort="population", limit=4)]
    assert people == sorted(people, reverse=True)


async def test_districts_come_with_their_towns_for_everyone(client: Client, seeded: Any) -> None:
    response = await client.get("/api/v1/districts")
    assert response.status_code == 200
    districts = response.json()
    assert len(districts) == 7
    assert sum(len(d["towns"]) for d in districts) == 24
    qionglai = next(d for d in districts if d["name"] == "邛崃市")
    assert qionglai["city"] == "成都市"
    assert {t["name"] for t in qionglai["towns"]} == {
        "文君街道",
        "临邛街道",
        "天台山镇",
        "南宝山镇",
    }
    assert {t["kind"] for t in qionglai["towns"]} <= {"street", "town", "township"}


async def test_a_coordinator_adds_a_community_and_the_change_is_audited(
    client: Client, seeded: Any, login: Any
) -> None:
    district_id, town_id = await _place(seeded, "邛崃市", "文君街道")
    response = await client.post(
        URL, json=_body(district_id, town_id), headers=await login("coordinator")
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["district_name"], created["town_name"]) == ("邛崃市", "文君街道")
    assert created["meets_1257n"] is False
    assert created["shortfalls"][0] == "social_work_rooms: 0 of 1"
    assert created["contact_phone"] is None  # a curator sees the (empty) contact
    curator = await login("coordinator")
    assert (await client.get(f"{URL}/{created['id']}", headers=curator)).json() == created
    public = (await client.get(f"{URL}/{created['id']}")).json()
    assert public == {k: v for k, v in created.items() if not k.startswith("contact_")}
    searched = await all_pages(client, URL, q="邻里互助")
    assert created["id"] in {c["id"] for c in searched}
    entry = await seeded.fetchrow(
        "SELECT username, action, before, after FROM audit_log "
        "WHERE entity = 'community' AND entity_id = $1",
        created["id"],
    )
    assert (entry["username"], entry["action"], entry["before"]) == ("coordinator", "create", None)
    assert entry["after"]["name"] == "文君新村社区"


async def test_only_coordinators_and_admins_change_communities(
    client: Client, seeded: Any, login: Any
) -> None:
    district_id, town_id = await _place(seeded, "邛崃市", "文君街道")
    count = await seeded.fetchval("SELECT count(*) FROM communities")
    own = await _id(seeded, "渔箭社区")
    before = (await client.get(f"{URL}/{own}")).json()
    for who, status in ((None, 401), ("staff", 403), ("partner", 403)):
        headers = await login(who) if who else {}
        created = await client.post(URL, json=_body(district_id, town_id), headers=headers)
        assert created.status_code == status, (who, created.text)
        changed = await client.patch(f"{URL}/{own}", json={"population": 1}, headers=headers)
        assert changed.status_code == status, (who, changed.text)
        archived = await client.delete(f"{URL}/{own}", headers=headers)
        assert archived.status_code == status, (who, archived.text)
    assert await seeded.fetchval("SELECT count(*) FROM communities") == count
    assert (await client.get(f"{URL}/{own}")).json() == before
    assert await _audit_count(seeded) == 0
    admin = await login("admin")
    response = await client.patch(f"{URL}/{own}", json={"population": 9900}, headers=admin)
    assert response.status_code == 200 and response.json()["population"] == 9900


async def test_patch_changes_only_what_is_sent_and_recomputes_the_standing(
    client: Client, seeded: Any, login: Any
) -> None:
    target = await _id(seeded, "花园巷社区")
    coordinator = await login("coordinator")
    before = (await client.get(f"{URL}/{target}", headers=coordinator)).json()
    assert before["meets_1257n"] is False
    response = await client.patch(
        f"{URL}/{target}", json={"volunteer_teams": 7}, headers=coordinator
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["meets_1257n"] is True and after["shortfalls"] == []
    unchanged = {k: v for k, v in after.items() if k not in ("volunteer_teams", "meets_1257n", "shortfalls", "updated_at")}  # fmt: skip
    assert unchanged == {k: before[k] for k in unchanged}
    trail = await seeded.fetchrow(
        "SELECT before, after FROM audit_log WHERE entity = 'community' AND entity_id = $1 "
        "AND action = 'update'",
        target,
    )
    assert trail["before"]["volunteer_teams"] == 6 and trail["after"]["volunteer_teams"] == 7


async def test_a_town_must_lie_in_the_district(client: Client, seeded: Any, login: Any) -> None:
    coordinator = await login("admin")  # moves a community between districts: an admin's
    qionglai, _ = await _place(seeded, "邛崃市", "文君街道")
    _, baohe = await _place(seeded, "成华区", "保和街道")
    count = await seeded.fetchval("SELECT count(*) FROM communities")
    response = await client.post(URL, json=_body(qionglai, baohe), headers=coordinator)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "town_id"
    assert "district" in response.json()["message"]
    target = await _id(seeded, "顺河社区")
    before = (await client.get(f"{URL}/{target}")).json()
    chenghua, _ = await _place(seeded, "成华区", "保和街道")
    moved = await client.patch(f"{URL}/{target}", json={"district_id": chenghua}, headers=coordinator)  # fmt: skip
    assert moved.status_code == 400 and moved.json()["field"] == "town_id"
    assert (await client.get(f"{URL}/{target}")).json() == before
    assert await seeded.fetchval("SELECT count(*) FROM communities") == count
    assert await _audit_count(seeded) == 0
    both = await client.patch(
        f"{URL}/{target}", json={"district_id": chenghua, "town_id": baohe}, headers=coordinator
    )
    assert both.status_code == 200 and both.json()["town_name"] == "保和街道"


async def test_a_name_is_unique_within_its_town(client: Client, seeded: Any, login: Any) -> None:
    district_id, town_id = await _place(seeded, "邛崃市", "文君街道")
    response = await client.post(
        URL, json=_body(district_id, town_id, name="顺河社区"), headers=await login("coordinator")
    )
    assert response.status_code == 409 and response.json()["field"] == "name"
    assert await seeded.fetchval("SELECT count(*) FROM communities WHERE name = '顺河社区'") == 1


async def test_archived_communities_leave_the_lists(
    client: Client, seeded: Any, login: Any
) -> None:
    target = await _id(seeded, "桐林村")  # in 大邑县: an admin's (no demo coordinator's)
    response = await client.delete(f"{URL}/{target}", headers=await login("admin"))
    assert response.status_code == 204
    assert (await client.get(f"{URL}/{target}")).status_code == 404
    assert target not in {c["id"] for c in await all_pages(client, URL, limit=50)}
    assert await seeded.fetchval(
        "SELECT archived_at IS NOT NULL FROM communities WHERE id = $1", target
    )
    assert await seeded.fetchval(
        "SELECT count(*) FROM audit_log WHERE entity = 'community' AND action = 'archive' "
        "AND entity_id = $1",
        target,
    )
    again = await client.delete(f"{URL}/{target}", headers=await login("admin"))
    assert again.status_code == 404


async def test_bad_input_answers_400_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    district_id, town_id = await _place(seeded, "邛崃市", "文君街道")
    count = await seeded.fetchval("SELECT count(*) FROM communities")
    cases = [
        (_body(district_id, town_id, colour="red"), "colour"),
        (_body(district_id, town_id, name="社" * 201), "name"),
        (_body(district_id, town_id, name=""), "name"),
        (_body(district_id, town_id, lat=91), "lat"),
        (_body(district_id, town_id, lon=-181), "lon"),
        (_body(district_id, town_id, kind="castle"), "kind"),
        (_body(district_id, town_id, population=-1), "population"),
        (_body(district_id, town_id, social_workers="two"), "social_workers"),
        (_body(district_id, town_id, theme="主" * 51), "theme"),
        (_body(999999, town_id), "district_id"),
        (_body(district_id, 999999), "town_id"),
        (_body(2**63, town_id), "district_id"),
    ]
    for body, field in cases:
        response = await client.post(URL, json=body, headers=coordinator)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["field"] == field, (field, response.json())
        assert "Traceback" not in response.text
    missing = {k: v for k, v in _body(district_id, town_id).items() if k != "kind"}
    response = await client.post(URL, json=missing, headers=coordinator)
    assert response.status_code == 400 and response.json()["field"] == "kind"
    target = await _id(seeded, "顺河社区")
    before = (await client.get(f"{URL}/{target}")).json()
    for body, field in (({"lat": 91}, "lat"), ({"kind": None}, "kind"), ({"id": 5}, "id")):
        response = await client.patch(f"{URL}/{target}", json=body, headers=coordinator)
        assert response.status_code == 400 and response.json()["field"] == field, response.text
    assert (await client.get(f"{URL}/{target}")).json() == before
    assert await seeded.fetchval("SELECT count(*) FROM communities") == count
    assert await _audit_count(seeded) == 0
    for params in (
        {"limit": 0},
        {"sort": "random"},
        {"kind": "castle"},
        {"district_id": "x"},
        {"cursor": "nope"},
    ):
        response = await client.get(URL, params=params)
        assert response.status_code == 400, params
        assert response.json()["field"] in params, (params, response.json())
    assert (await client.get(f"{URL}/999999")).status_code == 404
