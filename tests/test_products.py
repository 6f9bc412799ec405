"""Products through HTTP: public reading, filters, search, paging, partners' own catalogue, refusals."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages

Client = AsyncTestClient[Litestar]
URL = "/api/v1/products"


async def _actor(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM actors WHERE name = $1", name))


async def _product(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM products WHERE name = $1", name))


async def _snapshot(conn: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch("SELECT * FROM products ORDER BY id")]


async def test_anyone_reads_products_with_their_organisation(client: Client, seeded: Any) -> None:
    items = await all_pages(client, URL, limit=8)
    assert len(items) == await seeded.fetchval("SELECT count(*) FROM products") == 29
    assert all(p["free"] == (p["price"] == 0) for p in items)
    assert {p["free"] for p in items} == {True, False}
    swot = next(p for p in items if p["name"] == "社区治理SWOT工作坊")
    assert swot["actor_name"] == "乐橙智库" and swot["actor_id"] == await _actor(seeded, "乐橙智库")
    assert (swot["price"], swot["free"], swot["delivery_mode"]) == (3000, False, "onsite")
    one = await client.get(f"{URL}/{swot['id']}")
    assert one.status_code == 200 and one.json() == swot
    assert "contact_phone" not in one.text


async def test_filters_and_chinese_search(client: Client, seeded: Any) -> None:
    lecheng = await _actor(seeded, "乐橙智库")
    own = await all_pages(client, URL, actor_id=lecheng, limit=50)
    assert len(own) == 3 and {p["actor_name"] for p in own} == {"乐橙智库"}
    governance = await all_pages(client, URL, category="governance", limit=50)
    assert governance and {p["category"] for p in governance} == {"governance"}
    elderly = await all_pages(client, URL, target_group="elderly", limit=50)
    assert elderly and all("elderly" in p["target_groups"] for p in elderly)
    online = await all_pages(client, URL, delivery_mode="online", limit=50)
    assert online and {p["delivery_mode"] for p in online} == {"online"}
    free = await all_pages(client, URL, free="true", limit=50)
    paid = await all_pages(client, URL, free="false", limit=50)
    assert (
        free and paid and all(p["price"] == 0 for p in free) and all(p["price"] > 0 for p in paid)
    )
    assert len(free) + len(paid) == 29
    paid_lecheng = await all_pages(client, URL, actor_id=lecheng, free="false", limit=50)
    assert {p["name"] for p in paid_lecheng} == {"社区治理SWOT工作坊", "社区社会组织财务管理培训"}
    legal = await all_pages(client, URL, q="法律", limit=50)
    assert "法律咨询进社区" in [p["name"] for p in legal]
    assert all("法律" in p["name"] + p["description"] for p in legal)
    camp = await all_pages(client, URL, q="暑期托管", limit=50)
    assert [p["name"] for p in camp] == ["职工子女暑期托管营"]
    assert (await client.get(URL, params={"q": "、、"})).json()["items"] == []


async def test_keyset_pages_cover_everything_once_in_every_sort(
    client: Client, seeded: Any, login: Any
) -> None:
    partner = await login("partner")
    total = await seeded.fetchval("SELECT count(*) FROM products")
    for sort in ("newest", "oldest", "price", "capacity"):
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 6, "sort": sort} | ({"cursor": cursor} if cursor else {})  # fmt: skip
            page = (await client.get(URL, params=params)).json()
            seen += page["items"]
            if len(seen) == 6:  # a product arrives between pages
                body = {"name": f"新增{sort}", "category": "health", "price": 0.5}
                assert (await client.post(URL, json=body, headers=partner)).status_code == 201
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len({p["id"] for p in seen}) == len(seen) >= total, sort
    prices = [p["price"] for p in await all_pages(client, URL, sort="price", limit=5)]
    assert prices == sorted(prices) and prices[0] == 0
    capacity = [p["capacity_per_month"] for p in await all_pages(client, URL, sort="capacity")]
    assert capacity == sorted(capacity, reverse=True)


async def test_a_partner_keeps_its_own_catalogue(client: Client, seeded: Any, login: Any) -> None:
    partner = await login("partner")
    zhuli = await _actor(seeded, "注力社工")
    body = {
        "name": "社区儿童安全教育课",
        "category": "child_care",
        "description": "防溺水、防拐骗与交通安全主题课程。",
        "target_groups": ["children"],
        "delivery_mode": "hybrid",
        "price": 800,
        "capacity_per_month": 8,
    }
    response = await client.post(URL, json=body, headers=partner)
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["actor_id"], created["actor_name"]) == (zhuli, "注力社工")
    assert created["free"] is False and created["price"] == 800
    assert created["id"] in [p["id"] for p in await all_pages(client, URL, q="安全教育")]
    explicit = await client.post(
        URL,
        json={"name": "亲子阅读会", "category": "education", "actor_id": zhuli},
        headers=partner,
    )
    assert explicit.status_code == 201 and explicit.json()["free"] is True
    url = f"{URL}/{created['id']}"
    response = await client.patch(url, json={"price": 0}, headers=partner)
    assert response.status_code == 200, response.text
    assert response.json()["free"] is True and response.json()["name"] == body["name"]
    assert created["id"] in [p["id"] for p in await all_pages(client, URL, free="true")]
    assert (await client.delete(url, headers=partner)).status_code == 204
    assert (await client.get(url)).status_code == 404
    assert created["id"] not in [p["id"] for p in await all_pages(client, URL, actor_id=zhuli)]
    trail = await seeded.fetch(
        "SELECT username, action, before, after FROM audit_log"
        " WHERE entity = 'product' AND entity_id = $1 ORDER BY id",
        created["id"],
    )
    assert [(t["username"], t["action"]) for t in trail] == [
        ("partner", "create"),
        ("partner", "update"),
        ("partner", "archive"),
    ]
    assert trail[1]["before"]["price"] == 800 and trail[1]["after"]["price"] == 0
    assert trail[1]["after"]["free"] is True and trail[2]["after"] is None


async def test_a_partner_cannot_touch_another_organisations_products(
    client: Client, seeded: Any, login: Any
) -> None:
    partner = await login("partner")
    chunquan = await _actor(seeded, "春泉酒业")
    foreign = await _product(seeded, "“一分钱公益”企业联捐")
    url = f"{URL}/{foreign}"
    before = await _snapshot(seeded)
    response = await client.post(
        URL, json={"name": "冒名产品", "category": "charity", "actor_id": chunquan}, headers=partner
    )
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    response = await client.patch(url, json={"price": 99, "name": "改掉"}, headers=partner)
    assert response.status_code == 403
    assert (await client.delete(url, headers=partner)).status_code == 403
    assert (await client.get(url)).status_code == 200
    assert await _snapshot(seeded) == before
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'product'") == 0
    # its own staff may
    own = await client.patch(url, json={"capacity_per_month": 5}, headers=await login("partner_chunquan"))  # fmt: skip
    assert own.status_code == 200 and own.json()["capacity_per_month"] == 5


async def test_anonymous_and_community_staff_cannot_change_products(
    client: Client, seeded: Any, login: Any
) -> None:
    target = await _product(seeded, "法律咨询进社区")
    url = f"{URL}/{target}"
    body = {"name": "社区产品", "category": "health"}
    before = await _snapshot(seeded)
    assert (await client.post(URL, json=body)).status_code == 401
    assert (await client.patch(url, json={"price": 1})).status_code == 401
    assert (await client.delete(url)).status_code == 401
    staff = await login("staff")
    assert (await client.get(url, headers=staff)).status_code == 200
    assert (await client.post(URL, json=body, headers=staff)).status_code == 403
    assert (await client.patch(url, json={"price": 1}, headers=staff)).status_code == 403
    assert (await client.delete(url, headers=staff)).status_code == 403
    assert await _snapshot(seeded) == before
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'product'") == 0


async def test_coordinator_curates_any_organisations_products(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    xihua = await _actor(seeded, "西华大学")
    body = {"name": "社区工作者学历提升班", "category": "education", "price": 0}
    missing = await client.post(URL, json=body, headers=coordinator)
    assert missing.status_code == 400 and missing.json()["field"] == "actor_id"
    response = await client.post(URL, json=body | {"actor_id": xihua}, headers=coordinator)
    assert response.status_code == 201 and response.json()["actor_name"] == "西华大学"
    url = f"{URL}/{response.json()['id']}"
    patched = await client.patch(url, json={"delivery_mode": "online"}, headers=coordinator)
    assert patched.status_code == 200 and patched.json()["delivery_mode"] == "online"
    foreign = await _product(seeded, "羌绣非遗体验课")
    assert (await client.delete(f"{URL}/{foreign}", headers=coordinator)).status_code == 204
    assert (await client.get(f"{URL}/{foreign}")).status_code == 404
    actions = await seeded.fetch(
        "SELECT username, action FROM audit_log WHERE entity = 'product' ORDER BY id"
    )
    assert [tuple(a) for a in actions] == [
        ("coordinator", "create"),
        ("coordinator", "update"),
        ("coordinator", "archive"),
    ]


async def test_bad_input_answers_4xx_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    partner, coordinator = await login("partner"), await login("coordinator")
    ok = {"name": "新产品", "category": "health"}
    await seeded.execute("UPDATE actors SET archived_at = now() WHERE name = '红手套志愿服务队'")
    cases = [
        (partner, ok | {"colour": "red"}, 400, "colour"),
        (partner, ok | {"name": "x" * 201}, 400, "name"),
        (partner, ok | {"name": ""}, 400, "name"),
        (partner, ok | {"description": "长" * 5001}, 400, "description"),
        (partner, ok | {"price": -1}, 400, "price"),
        (partner, ok | {"price": 1e13}, 400, "price"),
        (partner, ok | {"price": "free"}, 400, "price"),
        (partner, ok | {"capacity_per_month": -3}, 400, "capacity_per_month"),
        (partner, ok | {"delivery_mode": "teleport"}, 400, "delivery_mode"),
        (partner, ok | {"target_groups": ["aliens"]}, 400, "target_groups[0]"),
        (partner, ok | {"category": "astrology"}, 400, "category"),
        (partner, ok | {"name": "“小渔乐”儿童关爱服务包"}, 409, "name"),
        (coordinator, ok | {"actor_id": 999999}, 400, "actor_id"),
        (coordinator, ok | {"actor_id": await _actor(seeded, "红手套志愿服务队")}, 400, "actor_id"),
        (coordinator, ok | {"actor_id": 0}, 400, "actor_id"),
    ]
    before = await _snapshot(seeded)
    for headers, body, status, field in cases:
        response = await client.post(URL, json=body, headers=headers)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
        assert "Traceback" not in response.text
    own = await _product(seeded, "职工子女暑期托管营")
    patches = [
        ({"price": -0.01}, 400, "price"),
        ({"actor_id": await _actor(seeded, "春泉酒业")}, 400, "actor_id"),  # a product stays put
        ({"free": True}, 400, "free"),
        ({"name": "“小渔乐”儿童关爱服务包"}, 409, "name"),
    ]
    for body, status, field in patches:
        response = await client.patch(f"{URL}/{own}", json=body, headers=partner)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
    assert await _snapshot(seeded) == before
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'product'") == 0
    # the same name under another organisation is fine
    other = await client.post(URL, json={"name": "“小渔乐”儿童关爱服务包", "category": "child_care"}, headers=await login("partner_xihua"))  # fmt: skip
    assert other.status_code == 201, other.text
    for params in (
        {"limit": 0},
        {"cursor": "not-a-cursor"},
        {"sort": "random"},
        {"free": "perhaps"},
        {"delivery_mode": "teleport"},
        {"actor_id": -1},
    ):
        response = await client.get(URL, params=params)
        assert response.status_code == 400, params
        assert response.json()["field"] in params, (params, response.json())
    assert (await client.get(f"{URL}/999999")).status_code == 404
    assert (await client.patch(f"{URL}/999999", json={}, headers=partner)).status_code == 404
