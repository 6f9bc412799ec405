"""Talent (人才库) through HTTP: people only for signed-in users, filters, paging, curation."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages

Client = AsyncTestClient[Litestar]
URL = "/api/v1/talent"


async def _id(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM talent WHERE display_name = $1", name))


async def _actor(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM actors WHERE name = $1", name))


async def _district(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM districts WHERE name = $1", name))


async def _row(conn: Any, talent_id: int) -> dict[str, Any]:
    """The stored person and their districts, to check that nothing changed."""
    row = dict(await conn.fetchrow("SELECT * FROM talent WHERE id = $1", talent_id))
    row["district_ids"] = [
        r["district_id"]
        for r in await conn.fetch(
            "SELECT district_id FROM talent_districts WHERE talent_id = $1 ORDER BY 1", talent_id
        )
    ]
    return row


async def _audit_count(conn: Any) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'talent'"))


def _body(**extra: Any) -> dict[str, Any]:
    return {
        "display_name": "规划师Z(化名)",
        "roles": ["community_planner", "expert"],
        "skills": ["社区花园", "参与式设计"],
        "certificates": ["注册城乡规划师"],
        "hours_per_month": 20,
        "bio": "长期参与老旧院落微更新与社区花园营造。",
        **extra,
    }


async def test_the_public_never_sees_people(client: Client, seeded: Any) -> None:
    someone = await _id(seeded, "社工·林老师(化名)")
    for url in (URL, f"{URL}/{someone}", f"{URL}?q=社工"):
        response = await client.get(url)
        assert response.status_code == 401, url
        assert response.json()["error"] == "unauthorized"
        assert "林老师" not in response.text


async def test_signed_in_users_of_any_role_read_people_with_affiliation_and_districts(
    client: Client, seeded: Any, login: Any
) -> None:
    total = await seeded.fetchval("SELECT count(*) FROM talent")
    for who in ("staff", "partner", "coordinator"):
        items = await all_pages(client, URL, await login(who), limit=8)
        assert len(items) == len({t["id"] for t in items}) == total == 35, who
    headers = await login("partner_chunquan")
    lin = (await client.get(f"{URL}/{await _id(seeded, '社工·林老师(化名)')}", headers=headers)).json()  # fmt: skip
    assert lin["roles"] == ["social_worker"] and "儿童关爱" in lin["skills"]
    assert (lin["actor_id"], lin["actor_name"]) == (await _actor(seeded, "注力社工"), "注力社工")
    assert lin["districts"] == [{"id": await _district(seeded, "邛崃市"), "name": "邛崃市"}]
    assert lin["certificates"] and lin["hours_per_month"] == 80 and lin["bio"]
    planner_b = (await client.get(f"{URL}/{await _id(seeded, '规划师B')}", headers=headers)).json()
    assert (planner_b["actor_id"], planner_b["actor_name"]) == (None, None)


async def test_filters_and_chinese_search(client: Client, seeded: Any, login: Any) -> None:
    headers = await login("staff")
    lawyers = await all_pages(client, URL, headers, role="lawyer")
    assert {t["display_name"] for t in lawyers} == {"律师K", "律师L", "律师M", "调解员N"}
    embroidery = await all_pages(client, URL, headers, skill="羌绣")
    assert {t["display_name"] for t in embroidery} == {"羌绣匠人·阿依(化名)", "羌绣匠人·小芸(化名)"}
    assert await all_pages(client, URL, headers, skill="羌") == []  # exact element, not a substring
    chongzhou = await _district(seeded, "崇州市")
    serving = await all_pages(client, URL, headers, district_id=chongzhou)
    assert serving and all(chongzhou in {d["id"] for d in t["districts"]} for t in serving)
    assert len(serving) == await seeded.fetchval(
        "SELECT count(*) FROM talent_districts WHERE district_id = $1", chongzhou
    )
    zhuli = await _actor(seeded, "注力社工")
    staff_of = await all_pages(client, URL, headers, actor_id=zhuli)
    assert len(staff_of) == 4 and {t["actor_name"] for t in staff_of} == {"注力社工"}
    searched = await all_pages(client, URL, headers, q="微更新")
    assert {"规划师A", "规划师B"} <= {t["display_name"] for t in searched}
    combined = await all_pages(client, URL, headers, q="社区", role="social_worker", limit=50)
    assert combined and all("social_worker" in t["roles"] for t in combined)
    response = await client.get(URL, params={"q": "。。。"}, headers=headers)
    assert response.json()["items"] == []


async def test_sorts_page_through_everything_once_in_order(
    client: Client, seeded: Any, login: Any
) -> None:
    headers = await login("partner")
    total = await seeded.fetchval("SELECT count(*) FROM talent")
    for sort in ("newest", "oldest", "name", "hours"):
        items = await all_pages(client, URL, headers, sort=sort, limit=6)
        assert len(items) == len({t["id"] for t in items}) == total, sort
    names = [t["display_name"] for t in await all_pages(client, URL, headers, sort="name", limit=6)]
    assert names == [r["display_name"] for r in await seeded.fetch("SELECT display_name FROM talent ORDER BY display_name, id")]  # fmt: skip
    hours = [
        t["hours_per_month"] for t in await all_pages(client, URL, headers, sort="hours", limit=6)
    ]
    assert hours == sorted(hours, reverse=True)


async def test_a_coordinator_adds_a_person_with_affiliation_and_districts(
    client: Client, seeded: Any, login: Any
) -> None:
    chenghua, dayi = await _district(seeded, "成华区"), await _district(seeded, "大邑县")
    affiliation = await _actor(seeded, "天府社创中心")
    body = _body(actor_id=affiliation, district_ids=[chenghua, dayi])
    coordinator = await login("coordinator_chenghua")  # 成华区's: the person serves it
    response = await client.post(URL, json=body, headers=coordinator)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["actor_name"] == "天府社创中心"
    assert {d["name"] for d in created["districts"]} == {"成华区", "大邑县"}
    headers = await login("staff")
    found = await all_pages(client, URL, headers, skill="社区花园", district_id=dayi)
    assert created["id"] in {t["id"] for t in found}
    searched = await all_pages(client, URL, headers, q="社区花园")
    assert created["id"] in {t["id"] for t in searched}
    entry = await seeded.fetchrow(
        "SELECT username, action, after FROM audit_log WHERE entity = 'talent' AND entity_id = $1",
        created["id"],
    )
    assert (entry["username"], entry["action"]) == ("coordinator_chenghua", "create")
    # 邛崃市's coordinator may not add (nor change) a person serving neither district of theirs
    qionglai = await login("coordinator")
    refused = await client.post(URL, json=_body(district_ids=[dayi]), headers=qionglai)
    assert refused.status_code == 403 and refused.json()["field"] == "district_ids"
    changed = await client.patch(f"{URL}/{created['id']}", json={"bio": "改"}, headers=qionglai)
    assert changed.status_code == 403
    assert entry["after"]["display_name"] == body["display_name"]


async def test_patch_replaces_districts_and_clears_an_affiliation(
    client: Client, seeded: Any, login: Any
) -> None:
    target = await _id(seeded, "规划师A")
    coordinator = await login("admin")  # moves them out of every demo coordinator's area
    before = (await client.get(f"{URL}/{target}", headers=coordinator)).json()
    guang_an = await _district(seeded, "广安区")
    response = await client.patch(
        f"{URL}/{target}",
        json={"actor_id": None, "district_ids": [guang_an], "hours_per_month": 12},
        headers=coordinator,
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert (after["actor_id"], after["actor_name"]) == (None, None)
    assert after["districts"] == [{"id": guang_an, "name": "广安区"}]
    assert after["hours_per_month"] == 12
    assert (after["skills"], after["roles"], after["bio"]) == (
        before["skills"], before["roles"], before["bio"],
    )  # fmt: skip
    trail = await seeded.fetchrow(
        "SELECT before, after FROM audit_log WHERE entity = 'talent' AND entity_id = $1 "
        "AND action = 'update'",
        target,
    )
    assert trail["before"]["actor_id"] == before["actor_id"] and trail["after"]["actor_id"] is None


async def test_only_coordinators_and_admins_change_people(
    client: Client, seeded: Any, login: Any
) -> None:
    target = await _id(seeded, "社工·林老师(化名)")
    before = await _row(seeded, target)
    count = await seeded.fetchval("SELECT count(*) FROM talent")
    for who, status in ((None, 401), ("staff", 403), ("partner", 403)):
        headers = await login(who) if who else {}
        assert (await client.post(URL, json=_body(), headers=headers)).status_code == status
        patched = await client.patch(f"{URL}/{target}", json={"bio": "改掉"}, headers=headers)
        assert patched.status_code == status, who
        assert (await client.delete(f"{URL}/{target}", headers=headers)).status_code == status
    assert await _row(seeded, target) == before
    assert await seeded.fetchval("SELECT count(*) FROM talent") == count
    assert await _audit_count(seeded) == 0
    admin = await login("admin")
    assert (await client.delete(f"{URL}/{target}", headers=admin)).status_code == 204
    assert (await client.get(f"{URL}/{target}", headers=admin)).status_code == 404
    listed = await all_pages(client, URL, admin, limit=50)
    assert target not in {t["id"] for t in listed} and len(listed) == count - 1
    assert (
        await seeded.fetchval(
            "SELECT count(*) FROM audit_log WHERE entity = 'talent' AND action = 'archive'"
        )
        == 1
    )


async def test_bad_input_answers_400_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("admin")  # 白塔家族 (广安区) and 规划师B (成华区): beyond 邛崃市
    archived_actor = await _actor(seeded, "白塔家族")
    await client.delete(f"/api/v1/actors/{archived_actor}", headers=coordinator)
    count = await seeded.fetchval("SELECT count(*) FROM talent")
    cases = [
        (_body(age=40), 400, "age"),
        (_body(display_name="名" * 101), 400, "display_name"),
        (_body(roles=[]), 400, "roles"),
        (_body(roles=["astronaut"]), 400, "roles[0]"),
        (_body(hours_per_month=745), 400, "hours_per_month"),
        (_body(skills=["技" * 101]), 400, "skills[0]"),
        (_body(actor_id=999999), 400, "actor_id"),
        (_body(actor_id=archived_actor), 400, "actor_id"),
        (_body(district_ids=[999999]), 400, "district_ids"),
        (_body(display_name="规划师A"), 409, "display_name"),
    ]
    for body, status, field in cases:
        response = await client.post(URL, json=body, headers=coordinator)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (field, response.json())
        assert "Traceback" not in response.text
    assert await seeded.fetchval("SELECT count(*) FROM talent") == count
    target = await _id(seeded, "规划师B")
    before = await _row(seeded, target)
    for body, field in (
        ({"actor_id": 999999}, "actor_id"),
        ({"district_ids": [999999]}, "district_ids"),
        ({"roles": []}, "roles"),
        ({"display_name": None}, "display_name"),
    ):
        response = await client.patch(f"{URL}/{target}", json=body, headers=coordinator)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["field"] == field, (field, response.json())
    assert await _row(seeded, target) == before
    assert await _audit_count(seeded) == 0
    for params in ({"role": "astronaut"}, {"limit": 500}, {"actor_id": "x"}, {"skill": ""}):
        response = await client.get(URL, params=params, headers=coordinator)
        assert response.status_code == 400, params
        assert response.json()["field"] in params, (params, response.json())
    assert (await client.get(f"{URL}/999999", headers=coordinator)).status_code == 404
