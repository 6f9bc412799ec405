"""Cases through HTTP: public reading, filters, search, paging, partners, curation, refusals."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages, ids

Client = AsyncTestClient[Litestar]
URL = "/api/v1/cases"


_ID_BY_NAME = {
    "communities": "SELECT id FROM communities WHERE name = $1",
    "actors": "SELECT id FROM actors WHERE name = $1",
    "cases": "SELECT id FROM cases WHERE title = $1",
}


async def _id(conn: Any, table: str, name: str) -> int:
    return int(await conn.fetchval(_ID_BY_NAME[table], name))


async def _snapshot(conn: Any) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    cases = [dict(r) for r in await conn.fetch("SELECT * FROM cases ORDER BY id")]
    links = [tuple(r) for r in await conn.fetch("SELECT * FROM case_actors ORDER BY 1, 2")]
    return cases, links


async def _partnership(conn: Any, community: str, status: str = "completed") -> int:
    """A partnership over a need of ``community``, written directly (partnerships have their own API)."""
    demand = (await ids(conn, "SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id WHERE c.name = $1 ORDER BY d.id", community))[0]  # fmt: skip
    actor = await _id(conn, "actors", "注力社工")
    if status == "completed":
        row = "INSERT INTO partnerships (demand_id, actor_id, origin, status, ended_at, rating, beneficiaries_served) VALUES ($1, $2, 'direct', 'completed', now(), 5, 120) RETURNING id"  # fmt: skip
    else:
        row = "INSERT INTO partnerships (demand_id, actor_id, origin) VALUES ($1, $2, 'direct') RETURNING id"  # fmt: skip
    return int(await conn.fetchval(row, demand, actor))


async def test_anyone_reads_cases_with_their_community_and_partners(
    client: Client, seeded: Any
) -> None:
    items = await all_pages(client, URL, limit=6)
    assert len(items) == await seeded.fetchval("SELECT count(*) FROM cases") == 22
    xiaoyu = next(c for c in items if c["title"] == "“小渔乐”儿童关爱支持项目")
    assert xiaoyu["community_name"] == "渔箭社区" and xiaoyu["district_name"] == "邛崃市"
    assert xiaoyu["community_id"] == await _id(seeded, "communities", "渔箭社区")
    assert {a["name"] for a in xiaoyu["actors"]} == {
        "注力社工", "成都市邛崃社区发展基金会", "邛崃市总工会", "成都纺织高等专科学校",
    }  # fmt: skip
    assert all(isinstance(a["id"], int) for a in xiaoyu["actors"])
    assert (xiaoyu["beneficiaries"], xiaoyu["rating"], xiaoyu["year"]) == (400, 5, 2025)
    assert xiaoyu["partnership_id"] is None
    one = await client.get(f"{URL}/{xiaoyu['id']}")
    assert one.status_code == 200 and one.json() == xiaoyu
    no_partners = next(c for c in items if c["title"] == "“前崃淘”智慧社区应用平台")
    assert no_partners["actors"] == []


async def test_filters_and_chinese_search(client: Client, seeded: Any) -> None:
    chenghua = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    found = await all_pages(client, URL, district_id=chenghua, limit=50)
    assert found and {c["district_name"] for c in found} == {"成华区"}
    zhitai = await _id(seeded, "communities", "直台村")
    found = await all_pages(client, URL, community_id=zhitai, limit=50)
    assert len(found) == 4 and {c["community_name"] for c in found} == {"直台村"}
    heritage = await all_pages(client, URL, category="heritage", limit=50)
    assert heritage and {c["category"] for c in heritage} == {"heritage"}
    linked = await all_pages(client, URL, model_tag="社企校居联动", limit=50)
    assert {c["title"] for c in linked} == {"“小渔乐”儿童关爱支持项目", "“一分钱公益”社区微基金"}
    college = await _id(seeded, "actors", "成都纺织高等专科学校")
    with_college = await all_pages(client, URL, actor_id=college, limit=50)
    assert len(with_college) == 2
    assert all(college in [a["id"] for a in c["actors"]] for c in with_college)
    both = await all_pages(client, URL, actor_id=college, category="heritage", limit=50)
    assert [c["title"] for c in both] == ["羌族服饰设计"]
    fund = await all_pages(client, URL, q="微基金", limit=50)
    assert {c["title"] for c in fund} == {
        "“一分钱公益”社区微基金",
        "“豌豆手工坊”义卖反哺社区微基金",
    }
    tagged = await all_pages(client, URL, q="信托制物业", limit=50)  # a model tag is searchable
    assert [c["community_name"] for c in tagged] == ["横桥社区"]
    assert (await client.get(URL, params={"q": "？？"})).json()["items"] == []
    assert (await client.get(URL, params={"model_tag": "不存在的模式"})).json()["items"] == []


async def test_keyset_pages_cover_everything_once_in_every_sort(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    community = await _id(seeded, "communities", "渔箭社区")
    total = await seeded.fetchval("SELECT count(*) FROM cases")
    for sort in ("newest", "oldest", "rating", "year", "beneficiaries"):
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 5, "sort": sort} | ({"cursor": cursor} if cursor else {})  # fmt: skip
            page = (await client.get(URL, params=params)).json()
            seen += page["items"]
            if len(seen) == 5:  # a case arrives between pages
                body = {"community_id": community, "title": f"新增{sort}", "category": "health"}
                assert (await client.post(URL, json=body, headers=coordinator)).status_code == 201
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len({c["id"] for c in seen}) == len(seen) >= total, sort
    ratings = [c["rating"] or 0 for c in await all_pages(client, URL, sort="rating")]
    assert ratings == sorted(ratings, reverse=True)
    years = [c["year"] or 0 for c in await all_pages(client, URL, sort="year", limit=4)]
    assert years == sorted(years, reverse=True)


async def test_coordinator_curates_cases_with_partners_and_every_change_is_audited(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    community = await _id(seeded, "communities", "前进社区")  # in 邛崃市, the coordinator's area
    zhuli, xihua, chunquan = [
        await _id(seeded, "actors", name) for name in ("注力社工", "西华大学", "春泉酒业")
    ]
    body = {
        "community_id": community,
        "title": "“永前家+”长者助餐点",
        "category": "meal_service",
        "summary": "社区食堂联合社工为独居老人送餐上门。",
        "model_tags": ["五社联动", "助餐"],
        "actor_ids": [xihua, zhuli, xihua],
        "beneficiaries": 150,
        "duration_months": 10,
        "rating": 4,
        "year": 2025,
    }
    response = await client.post(URL, json=body, headers=coordinator)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["community_name"] == "前进社区" and created["district_name"] == "邛崃市"
    # a case of another area's community is not theirs to add
    yongqian = await _id(seeded, "communities", "永前社区")
    foreign = await client.post(URL, json=body | {"community_id": yongqian}, headers=coordinator)
    assert foreign.status_code == 403 and "district" in foreign.json()["message"]
    assert [a["id"] for a in created["actors"]] == sorted([zhuli, xihua])
    assert {a["name"] for a in created["actors"]} == {"注力社工", "西华大学"}
    assert created["id"] in [c["id"] for c in await all_pages(client, URL, q="助餐")]
    url = f"{URL}/{created['id']}"
    response = await client.patch(url, json={"rating": 5}, headers=coordinator)
    assert response.status_code == 200 and response.json()["rating"] == 5
    assert response.json()["actors"] == created["actors"]  # not sent: partners stay
    response = await client.patch(url, json={"actor_ids": [chunquan]}, headers=coordinator)
    assert [a["name"] for a in response.json()["actors"]] == ["春泉酒业"]
    response = await client.patch(url, json={"actor_ids": [], "year": None}, headers=coordinator)
    assert response.json()["actors"] == [] and response.json()["year"] is None
    assert response.json()["title"] == body["title"]
    admin = await login("admin")
    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.get(url)).status_code == 404
    assert created["id"] not in [c["id"] for c in await all_pages(client, URL, limit=50)]
    # an archived case keeps its title: the community cannot reuse it
    response = await client.post(URL, json=body | {"actor_ids": []}, headers=coordinator)
    assert response.status_code == 409 and response.json()["field"] == "title"
    trail = await seeded.fetch(
        "SELECT username, action, before, after FROM audit_log"
        " WHERE entity = 'case' AND entity_id = $1 ORDER BY id",
        created["id"],
    )
    assert [(t["username"], t["action"]) for t in trail] == [
        ("coordinator", "create"),
        ("coordinator", "update"),
        ("coordinator", "update"),
        ("coordinator", "update"),
        ("admin", "archive"),
    ]
    assert trail[2]["before"]["actor_ids"] == sorted([zhuli, xihua])
    assert [a["id"] for a in trail[2]["after"]["actors"]] == [chunquan]
    assert trail[4]["after"] is None


async def test_a_case_can_record_a_partnership_of_its_community(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    yujian = await _id(seeded, "communities", "渔箭社区")
    done = await _partnership(seeded, "渔箭社区")
    running = await _partnership(seeded, "直台村", status="active")
    body = {"community_id": yujian, "title": "暑期托管复盘", "category": "child_care"}
    zhitai = await _id(seeded, "communities", "直台村")
    refused = [
        (body | {"partnership_id": 999999}, 400, "partnership_id"),  # no such partnership
        (body | {"partnership_id": running}, 400, "partnership_id"),  # not completed
        (body | {"community_id": zhitai, "partnership_id": done}, 400, "partnership_id"),
    ]
    for sent, status, field in refused:
        response = await client.post(URL, json=sent, headers=coordinator)
        assert (response.status_code, response.json()["field"]) == (status, field), response.text
    response = await client.post(URL, json=body | {"partnership_id": done}, headers=coordinator)
    assert response.status_code == 201 and response.json()["partnership_id"] == done
    again = await client.post(
        URL, json=body | {"title": "另一份复盘", "partnership_id": done}, headers=coordinator
    )
    assert again.status_code == 409 and again.json()["field"] == "partnership_id"
    assert await seeded.fetchval("SELECT count(*) FROM cases WHERE partnership_id IS NOT NULL") == 1


async def test_only_curators_change_cases_and_refusals_change_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    yujian = await _id(seeded, "communities", "渔箭社区")
    target = await _id(seeded, "cases", "“一分钱公益”社区微基金")
    url = f"{URL}/{target}"
    body = {"community_id": yujian, "title": "越权案例", "category": "charity"}
    before = await _snapshot(seeded)
    assert (await client.post(URL, json=body)).status_code == 401
    assert (await client.patch(url, json={"rating": 1})).status_code == 401
    assert (await client.delete(url)).status_code == 401
    # the community's own staff and a partner on the case may read but not curate
    for username in ("staff", "partner_chunquan"):
        headers = await login(username)
        assert (await client.get(url, headers=headers)).status_code == 200
        assert (await client.post(URL, json=body, headers=headers)).status_code == 403
        response = await client.patch(url, json={"rating": 1, "actor_ids": []}, headers=headers)
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
        assert (await client.delete(url, headers=headers)).status_code == 403
    assert await _snapshot(seeded) == before
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'case'") == 0


async def test_bad_input_answers_4xx_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    yujian = await _id(seeded, "communities", "渔箭社区")
    zhuli = await _id(seeded, "actors", "注力社工")
    ok = {"community_id": yujian, "title": "新案例", "category": "charity"}
    await seeded.execute("UPDATE actors SET archived_at = now() WHERE name = '红手套志愿服务队'")
    gone = await _id(seeded, "actors", "红手套志愿服务队")
    cases = [
        (ok | {"colour": "red"}, 400, "colour"),
        (ok | {"title": "x" * 201}, 400, "title"),
        (ok | {"summary": "长" * 5001}, 400, "summary"),
        (ok | {"model_tags": ["标" * 101]}, 400, "model_tags[0]"),
        (ok | {"category": "astrology"}, 400, "category"),
        (ok | {"rating": 6}, 400, "rating"),
        (ok | {"rating": 0}, 400, "rating"),
        (ok | {"year": 1999}, 400, "year"),
        (ok | {"beneficiaries": -1}, 400, "beneficiaries"),
        (ok | {"actor_ids": [zhuli, 999999]}, 400, "actor_ids"),
        (ok | {"actor_ids": [gone]}, 400, "actor_ids"),
        (ok | {"actor_ids": ["注力社工"]}, 400, "actor_ids[0]"),
        (ok | {"community_id": 999999}, 400, "community_id"),
        ({"title": "x", "category": "charity"}, 400, "community_id"),
        (ok | {"title": "“一分钱公益”社区微基金"}, 409, "title"),
    ]
    before = await _snapshot(seeded)
    for body, status, field in cases:
        response = await client.post(URL, json=body, headers=coordinator)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
        assert "Traceback" not in response.text
    target = await _id(seeded, "cases", "“小渔乐”儿童关爱支持项目")
    url = f"{URL}/{target}"
    patches = [
        ({"rating": 6}, 400, "rating"),
        ({"actor_ids": [999999]}, 400, "actor_ids"),
        ({"community_id": 999999}, 400, "community_id"),
        ({"title": "“一分钱公益”社区微基金"}, 409, "title"),
        ({"partnership_id": 999999}, 400, "partnership_id"),
        ({"community_name": "别处"}, 400, "community_name"),
    ]
    for body, status, field in patches:
        response = await client.patch(url, json=body, headers=coordinator)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
    assert await _snapshot(seeded) == before
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'case'") == 0
    # the same title in another community is fine
    zhitai = await _id(seeded, "communities", "直台村")
    response = await client.post(
        URL, json=ok | {"community_id": zhitai, "title": "“一分钱公益”社区微基金"}, headers=coordinator
    )  # fmt: skip
    assert response.status_code == 201, response.text
    for params in (
        {"limit": 0},
        {"cursor": "not-a-cursor"},
        {"sort": "random"},
        {"category": "x"},
        {"district_id": "abc"},
        {"actor_id": 0},
        {"community_id": 2**70},
    ):
        response = await client.get(URL, params=params)
        assert response.status_code == 400, params
        assert response.json()["field"] in params, (params, response.json())
    assert (await client.get(f"{URL}/999999")).status_code == 404
    assert (await client.delete(f"{URL}/999999", headers=coordinator)).status_code == 404
