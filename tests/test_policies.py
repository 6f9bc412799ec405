"""Policies through HTTP: public reading, validity (`active`), filters, search, paging, curation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages, ids

Client = AsyncTestClient[Litestar]
URL = "/api/v1/policies"


async def _today(conn: Any) -> dt.date:
    """The database's today, which decides `active`."""
    return await conn.fetchval("SELECT CURRENT_DATE")  # type: ignore[no-any-return]


def _body(title: str, **fields: Any) -> dict[str, Any]:
    return {"title": title, "issuer": "邛崃市民政局", "level": "county", "valid_from": "2024-01-01"} | fields  # fmt: skip


async def _snapshot(conn: Any) -> list[dict[str, Any]]:
    rows = await conn.fetch("SELECT * FROM policies ORDER BY id")
    return [dict(r) for r in rows]


async def test_anyone_reads_the_library_with_its_validity(client: Client, seeded: Any) -> None:
    items = await all_pages(client, URL, limit=5)
    assert len(items) == await seeded.fetchval("SELECT count(*) FROM policies") == 14
    today = await _today(seeded)
    for p in items:
        start = dt.date.fromisoformat(p["valid_from"])
        end = dt.date.fromisoformat(p["valid_to"]) if p["valid_to"] else None
        assert p["active"] == (start <= today and (end is None or end >= today)), p
    spring = next(p for p in items if p["title"] == "社工人才培养“春雨计划”")
    assert spring["level"] == "city" and spring["subsidy_ceiling"] == 20000
    assert spring["issuer"] and spring["summary"] and spring["categories"]
    one = await client.get(f"{URL}/{spring['id']}")
    assert one.status_code == 200 and one.json() == spring


async def test_active_follows_the_validity_window_day_by_day(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    today = await _today(seeded)
    day = dt.timedelta(days=1)
    windows = {
        "已过期政策": (today - 30 * day, today - day, False),
        "未生效政策": (today + day, None, False),
        "今天截止政策": (today - 30 * day, today, True),
        "今天生效政策": (today, today + 30 * day, True),
        "长期有效政策": (today - 400 * day, None, True),
    }
    created: dict[str, int] = {}
    for title, (start, end, expected) in windows.items():
        body = _body(title, valid_from=start.isoformat(), valid_to=end and end.isoformat())
        response = await client.post(URL, json=body, headers=coordinator)
        assert response.status_code == 201, response.text
        assert response.json()["active"] is expected, title
        created[title] = response.json()["id"]
    active = {p["id"] for p in await all_pages(client, URL, active="true", limit=50)}
    inactive = {p["id"] for p in await all_pages(client, URL, active="false", limit=50)}
    assert not active & inactive
    assert len(active | inactive) == await seeded.fetchval("SELECT count(*) FROM policies")
    for title, (_, _, expected) in windows.items():
        assert (created[title] in active) is expected, title
        assert (await client.get(f"{URL}/{created[title]}")).json()["active"] is expected
    # lengthening a lapsed policy makes it active again
    lapsed = created["已过期政策"]
    response = await client.patch(f"{URL}/{lapsed}", json={"valid_to": None}, headers=coordinator)
    assert response.status_code == 200 and response.json()["active"] is True


async def test_filters_and_chinese_search(client: Client, seeded: Any) -> None:
    city = await all_pages(client, URL, level="city", limit=50)
    assert city and {p["level"] for p in city} == {"city"}
    assert len(city) == await seeded.fetchval("SELECT count(*) FROM policies WHERE level = 'city'")
    charity = await all_pages(client, URL, category="charity", limit=50)
    assert charity and all("charity" in p["categories"] for p in charity)
    rural = await all_pages(client, URL, community_kind="rural", limit=50)
    assert rural and all("rural" in p["eligible_community_kinds"] for p in rural)
    assert len(rural) < 14  # some policies are not open to villages
    unis = await all_pages(client, URL, actor_kind="university", limit=50)
    assert unis and all("university" in p["eligible_actor_kinds"] for p in unis)
    both = await all_pages(client, URL, level="county", actor_kind="enterprise", limit=50)
    assert both and all(
        p["level"] == "county" and "enterprise" in p["eligible_actor_kinds"] for p in both
    )
    spring = await all_pages(client, URL, q="春雨", limit=50)
    assert [p["title"] for p in spring] == ["社工人才培养“春雨计划”"]
    found = await all_pages(client, URL, q="社区治理", limit=50)
    assert found and all("社区" in p["title"] + p["summary"] + p["issuer"] for p in found)
    assert (await client.get(URL, params={"q": "！！！"})).json()["items"] == []
    assert (await client.get(URL, params={"q": "火星移民"})).json()["items"] == []


async def test_keyset_pages_cover_everything_once_in_every_sort(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    total = await seeded.fetchval("SELECT count(*) FROM policies")
    for sort in ("newest", "oldest", "expiring", "subsidy"):
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 4, "sort": sort} | ({"cursor": cursor} if cursor else {})  # fmt: skip
            page = (await client.get(URL, params=params)).json()
            seen += page["items"]
            if len(seen) == 4:  # a policy arrives between pages
                await client.post(URL, json=_body(f"新增{sort}"), headers=coordinator)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len({p["id"] for p in seen}) == len(seen) >= total, sort
    by_subsidy = [p["subsidy_ceiling"] or 0 for p in await all_pages(client, URL, sort="subsidy")]
    assert by_subsidy == sorted(by_subsidy, reverse=True)
    ends = [p["valid_to"] or "9999-12-31" for p in await all_pages(client, URL, sort="expiring")]
    assert ends == sorted(ends)
    newest = [p["id"] for p in await all_pages(client, URL, limit=3)]
    assert newest == sorted(newest, reverse=True)
    other = (await client.get(URL, params={"limit": 2, "sort": "subsidy"})).json()["next_cursor"]
    response = await client.get(URL, params={"cursor": other})  # a cursor of another sort
    assert response.status_code == 400 and response.json()["field"] == "cursor"


async def test_coordinator_curates_and_every_change_is_audited(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    body = _body(
        "社区养老服务补贴办法",
        doc_number="邛民发〔2025〕3号",
        categories=["elderly_care", "meal_service"],
        eligible_community_kinds=["urban", "rural"],
        eligible_actor_kinds=["social_org"],
        subsidy_ceiling=50000,
        summary="对社区养老服务站点给予运营补贴。",
    )
    response = await client.post(URL, json=body, headers=coordinator)
    assert response.status_code == 201, response.text
    created = response.json()
    assert {k: created[k] for k in body} == body | {"subsidy_ceiling": 50000.0}
    found = await all_pages(client, URL, q="养老补贴")
    assert created["id"] in [p["id"] for p in found]
    url = f"{URL}/{created['id']}"
    response = await client.patch(url, json={"subsidy_ceiling": None, "level": "city"}, headers=coordinator)  # fmt: skip
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["subsidy_ceiling"] is None and patched["level"] == "city"
    assert patched["title"] == body["title"] and patched["categories"] == body["categories"]
    admin = await login("admin")
    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.get(url)).status_code == 404
    assert created["id"] not in [p["id"] for p in await all_pages(client, URL, limit=50)]
    assert (await client.patch(url, json={"level": "county"}, headers=admin)).status_code == 404
    trail = await seeded.fetch(
        "SELECT username, action, before, after FROM audit_log"
        " WHERE entity = 'policy' AND entity_id = $1 ORDER BY id",
        created["id"],
    )
    assert [(t["username"], t["action"]) for t in trail] == [
        ("coordinator", "create"),
        ("coordinator", "update"),
        ("admin", "archive"),
    ]
    assert trail[0]["after"]["title"] == body["title"]
    assert trail[1]["before"]["subsidy_ceiling"] == 50000 and trail[1]["after"]["subsidy_ceiling"] is None  # fmt: skip
    assert trail[2]["before"]["level"] == "city" and trail[2]["after"] is None


async def test_only_curators_change_policies_and_refusals_change_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    target = (await ids(seeded, "SELECT id FROM policies ORDER BY id"))[0]
    before = await _snapshot(seeded)
    url = f"{URL}/{target}"
    assert (await client.post(URL, json=_body("匿名政策"))).status_code == 401
    assert (await client.patch(url, json={"title": "改掉"})).status_code == 401
    assert (await client.delete(url)).status_code == 401
    for username in ("staff", "partner"):
        headers = await login(username)
        assert (await client.get(url, headers=headers)).status_code == 200
        assert (await client.post(URL, json=_body("越权政策"), headers=headers)).status_code == 403
        response = await client.patch(url, json={"title": "改掉"}, headers=headers)
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
        assert (await client.delete(url, headers=headers)).status_code == 403
    assert await _snapshot(seeded) == before
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'policy'") == 0


async def test_bad_input_answers_4xx_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    existing = await seeded.fetchrow("SELECT id, title FROM policies ORDER BY id LIMIT 1")
    cases = [
        (_body("x", colour="red"), 400, "colour"),
        (_body("x" * 201), 400, "title"),
        (_body("x", summary="长" * 5001), 400, "summary"),
        (_body("x", doc_number="号" * 101), 400, "doc_number"),
        (_body("x", level="galactic"), 400, "level"),
        (_body("x", categories=["elderly_care", "astrology"]), 400, "categories[1]"),
        (_body("x", eligible_actor_kinds=["robot"]), 400, "eligible_actor_kinds[0]"),
        (_body("x", subsidy_ceiling=-1), 400, "subsidy_ceiling"),
        (_body("x", valid_from="2024-13-01"), 400, "valid_from"),
        (_body("x", valid_from="2025-06-01", valid_to="2025-05-31"), 400, "valid_to"),
        ({"title": "x", "issuer": "y", "level": "city"}, 400, "valid_from"),
        (_body(existing["title"]), 409, "title"),
    ]
    before = await _snapshot(seeded)
    for body, status, field in cases:
        response = await client.post(URL, json=body, headers=coordinator)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
        assert "Traceback" not in response.text
    url = f"{URL}/{existing['id']}"
    other = await seeded.fetchval("SELECT title FROM policies WHERE id <> $1 LIMIT 1", existing["id"])  # fmt: skip
    patches = [
        ({"valid_to": "2000-01-01"}, 400, "valid_to"),  # before the stored valid_from
        ({"valid_from": None}, 400, "valid_from"),
        ({"title": ""}, 400, "title"),
        ({"id": 5}, 400, "id"),
        ({"title": other}, 409, "title"),
    ]
    for body, status, field in patches:
        response = await client.patch(url, json=body, headers=coordinator)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
    assert await _snapshot(seeded) == before
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'policy'") == 0
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"cursor": "not-a-cursor"},
        {"sort": "random"},
        {"level": "x"},
        {"active": "maybe"},
        {"community_kind": "castle"},
    ):
        response = await client.get(URL, params=params)
        assert response.status_code == 400, params
        assert response.json()["field"] in params, (params, response.json())
    assert (await client.get(f"{URL}/999999")).status_code == 404
    assert (await client.patch(f"{URL}/999999", json={}, headers=coordinator)).status_code == 404
    assert (await client.delete(f"{URL}/999999", headers=coordinator)).status_code == 404


async def test_a_need_page_lists_the_policies_the_library_finds_for_it(
    client: Client, seeded: Any
) -> None:
    """The need's page shows the policies in force for its category and its community's kind,
    soonest to lapse first: those the library's own list gives for the same filters."""
    needs = await seeded.fetch(
        "SELECT d.id, d.category, c.kind FROM demands d JOIN communities c ON c.id = d.community_id"
        " WHERE d.status <> 'draft' ORDER BY d.id"
    )
    listed = 0
    for need in needs:
        expected = (
            await client.get(
                URL, params={"category": need["category"], "community_kind": need["kind"],
                             "active": "true", "sort": "expiring", "limit": 5},
            )
        ).json()["items"]  # fmt: skip
        page = (await client.get(f"/needs/{need['id']}")).text
        section = page[page.index('id="policies-h"') :]
        shown = re.findall(r'<a href="/libraries/policies/(\d+)">', section)
        assert shown == [str(p["id"]) for p in expected], need["id"]
        listed += len(shown)
    assert listed >= 10  # the demo data's needs do have policies
