"""Demands through HTTP: who sees and changes what, the status machine, interest, search, paging."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages, ids

Client = AsyncTestClient[Litestar]


async def _community_id(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM communities WHERE name = $1", name))


async def test_anonymous_sees_no_drafts_staff_see_their_own_coordinators_their_areas(
    client: Client, seeded: Any, login: Any
) -> None:
    drafts = await ids(seeded, "SELECT id FROM demands WHERE status = 'draft'")
    assert drafts
    public = {d["id"] for d in await all_pages(client, "/api/v1/demands", limit=50)}
    assert not public & set(drafts)
    admin = await login("admin")
    response = await client.get("/api/v1/demands", params={"status": "draft"}, headers=admin)
    assert {d["id"] for d in response.json()["items"]} == set(drafts)
    # a coordinator sees the drafts of their area only; another area's stays hidden (404)
    coordinator = await login("coordinator")
    theirs = await ids(
        seeded,
        "SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id "
        "JOIN districts di ON di.id = c.district_id WHERE d.status = 'draft' AND di.name = '邛崃市'",
    )
    assert theirs and set(theirs) != set(drafts)
    response = await client.get("/api/v1/demands", params={"status": "draft"}, headers=coordinator)
    assert {d["id"] for d in response.json()["items"]} == set(theirs)
    draft = theirs[0]
    assert (await client.get(f"/api/v1/demands/{draft}")).status_code == 404
    assert (await client.get(f"/api/v1/demands/{draft}", headers=coordinator)).status_code == 200
    foreign = next(d for d in drafts if d not in theirs)
    assert (await client.get(f"/api/v1/demands/{foreign}", headers=coordinator)).status_code == 404
    assert (await client.get(f"/api/v1/demands/{foreign}", headers=admin)).status_code == 200


async def test_staff_post_a_need_for_their_own_community_and_it_reaches_the_board(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    body = {
        "title": "产业园区职工子女暑期托管",
        "category": "child_care",
        "description": "为渔箭社区产业职工子女提供暑期托管与课业辅导。",
        "resource_types": ["volunteers", "expertise"],
        "target_groups": ["children", "workers"],
        "slots": 2,
        "status": "open",
    }
    response = await client.post("/api/v1/demands", json=body, headers=staff)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["community_name"] == "渔箭社区" and created["status"] == "open"
    board = await client.get("/api/v1/opportunities", params={"q": "暑期托管"})
    assert created["id"] in [d["id"] for d in board.json()["items"]]
    entry = await seeded.fetchrow(
        "SELECT username, action, after FROM audit_log WHERE entity = 'demand' AND entity_id = $1",
        created["id"],
    )
    assert (entry["username"], entry["action"]) == ("staff", "create")
    assert entry["after"]["title"] == body["title"]


async def test_staff_cannot_post_or_edit_for_another_community(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    other = await _community_id(seeded, "直台村")
    response = await client.post(
        "/api/v1/demands",
        json={"title": "x", "category": "education", "community_id": other},
        headers=staff,
    )
    assert response.status_code == 403
    foreign = (
        await ids(
            seeded, "SELECT id FROM demands WHERE community_id = $1 AND status = 'open'", other
        )
    )[0]
    before = await client.get(f"/api/v1/demands/{foreign}")
    response = await client.patch(
        f"/api/v1/demands/{foreign}", json={"title": "改掉"}, headers=staff
    )
    assert response.status_code == 403
    assert (await client.get(f"/api/v1/demands/{foreign}")).json() == before.json()
    assert await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'demand'") == 0


async def test_partners_and_anonymous_cannot_post(client: Client, seeded: Any, login: Any) -> None:
    body = {"title": "x", "category": "education"}
    assert (await client.post("/api/v1/demands", json=body)).status_code == 401
    assert (
        await client.post("/api/v1/demands", json=body, headers=await login("partner"))
    ).status_code == 403
    assert await seeded.fetchval("SELECT count(*) FROM demands WHERE title = 'x'") == 0


async def test_patch_changes_only_the_fields_sent_and_keeps_a_before_after_trail(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    own = (await ids(seeded, "SELECT id FROM demands WHERE community_id = $1 ORDER BY id", await _community_id(seeded, "渔箭社区")))[0]  # fmt: skip
    before = (await client.get(f"/api/v1/demands/{own}", headers=staff)).json()
    response = await client.patch(
        f"/api/v1/demands/{own}", json={"slots": 3, "budget": None}, headers=staff
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["slots"] == 3 and after["budget"] is None
    assert after["title"] == before["title"] and after["description"] == before["description"]
    trail = await seeded.fetchrow(
        "SELECT before, after FROM audit_log WHERE entity_id = $1 AND action = 'update'", own
    )
    assert trail["before"]["slots"] == before["slots"] and trail["after"]["slots"] == 3


async def test_status_moves_along_the_machine_and_illegal_moves_name_the_allowed(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    created = (await client.post("/api/v1/demands", json={"title": "社区议事培训", "category": "governance"}, headers=staff)).json()  # fmt: skip
    url = f"/api/v1/demands/{created['id']}/status"
    response = await client.post(url, json={"status": "fulfilled"}, headers=staff)
    assert response.status_code == 409
    assert response.json()["message"].endswith("allowed: open, cancelled")
    assert response.json()["field"] == "status"
    assert (await client.post(url, json={"status": "open"}, headers=staff)).json()[
        "status"
    ] == "open"
    assert (
        await client.post(url, json={"status": "cancelled", "reason": "重复"}, headers=staff)
    ).status_code == 200
    final = await client.post(url, json={"status": "open"}, headers=staff)
    assert final.status_code == 409 and "none (it is final)" in final.json()["message"]


async def test_archived_needs_leave_every_list(client: Client, seeded: Any, login: Any) -> None:
    coordinator = await login("coordinator")
    target = (await ids(seeded, "SELECT id FROM demands WHERE status = 'open' ORDER BY id"))[0]
    assert (
        await client.delete(f"/api/v1/demands/{target}", headers=coordinator)
    ).status_code == 204
    assert (await client.get(f"/api/v1/demands/{target}")).status_code == 404
    listed = {d["id"] for d in await all_pages(client, "/api/v1/opportunities", limit=100)}
    assert target not in listed
    assert await seeded.fetchval(
        "SELECT archived_at IS NOT NULL FROM demands WHERE id = $1", target
    )


async def test_interest_is_idempotent_withdrawable_and_visible_to_the_community(
    client: Client, seeded: Any, login: Any
) -> None:
    partner, staff = await login("partner"), await login("staff")
    target = (await ids(seeded, "SELECT id FROM demands WHERE community_id = $1 AND status = 'open'", await _community_id(seeded, "渔箭社区")))[0]  # fmt: skip
    url = f"/api/v1/demands/{target}/interest"
    first = await client.post(url, json={"note": "我们有社工团队"}, headers=partner)
    second = await client.post(url, json={"note": "可以周末服务"}, headers=partner)
    assert first.status_code == second.status_code == 200
    assert await seeded.fetchval("SELECT count(*) FROM interests WHERE demand_id = $1", target) == 1
    seen = await client.get(f"/api/v1/demands/{target}/interests", headers=staff)
    assert [(i["actor_name"], i["note"]) for i in seen.json()] == [("注力社工", "可以周末服务")]
    assert (
        await client.get(f"/api/v1/demands/{target}/interests", headers=await login("staff_zhitai"))
    ).status_code == 403
    assert (
        await client.get(f"/api/v1/demands/{target}/interests", headers=partner)
    ).status_code == 403
    assert (await client.delete(url, headers=partner)).json() == {"withdrawn": True}
    assert (await client.delete(url, headers=partner)).json() == {"withdrawn": False}
    assert (await client.post(url, headers=staff)).status_code == 403


async def test_interest_only_in_open_needs(client: Client, seeded: Any, login: Any) -> None:
    fulfilled = await ids(seeded, "SELECT id FROM demands WHERE status = 'fulfilled'")
    response = await client.post(
        f"/api/v1/demands/{fulfilled[0]}/interest", headers=await login("partner")
    )
    assert response.status_code == 409


async def test_opportunities_are_open_needs_with_their_community(
    client: Client, seeded: Any
) -> None:
    items = await all_pages(client, "/api/v1/opportunities", limit=7)
    assert len(items) == await seeded.fetchval("SELECT count(*) FROM demands WHERE status = 'open'")
    assert {d["status"] for d in items} == {"open"}
    first = items[0]
    assert first["community_name"] and first["district_name"] and first["community_kind"]
    assert "community_theme" in first


async def test_chinese_search_and_filters(client: Client, seeded: Any) -> None:
    district = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    found = await all_pages(client, "/api/v1/opportunities", district_id=district, limit=50)
    assert found and {d["district_name"] for d in found} == {"成华区"}
    elderly = await all_pages(client, "/api/v1/opportunities", target_group="elderly", limit=50)
    assert elderly and all("elderly" in d["target_groups"] for d in elderly)
    searched = await all_pages(client, "/api/v1/opportunities", q="养老", limit=50)
    # synonyms widen the search (老人, 长者 …: tests/test_search.py); the word itself ranks first
    literal = {d["id"] for d in await all_pages(client, "/api/v1/opportunities", limit=50)
               if "养老" in d["title"] + d["description"] + " ".join(d["skills"])}  # fmt: skip
    assert literal and literal <= {d["id"] for d in searched}
    assert searched[0]["id"] in literal
    assert (await client.get("/api/v1/opportunities", params={"q": "！！！"})).json()["items"] == []


async def test_keyset_pages_cover_everything_once_even_while_rows_are_added(
    client: Client, seeded: Any, login: Any
) -> None:
    for sort in ("newest", "oldest", "urgency", "deadline", "beneficiaries"):
        expected = await seeded.fetchval("SELECT count(*) FROM demands WHERE status <> 'draft'")
        seen: list[int] = []
        cursor = None
        staff = await login("staff")
        while True:
            params: dict[str, Any] = {
                "limit": 7,
                "sort": sort,
                **({"cursor": cursor} if cursor else {}),
            }
            page = (await client.get("/api/v1/demands", params=params)).json()
            seen += [d["id"] for d in page["items"]]
            if len(seen) == 7:  # a new need arrives between pages
                await client.post("/api/v1/demands", json={"title": f"新增{sort}", "category": "health", "status": "open"}, headers=staff)  # fmt: skip
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)), sort
        assert len(seen) >= expected, sort


async def test_bad_input_answers_4xx_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    count = await seeded.fetchval("SELECT count(*) FROM demands")
    cases = [
        ({"title": "x", "category": "education", "slots": 0}, 400, "slots"),
        ({"title": "x", "category": "no_such"}, 400, "category"),
        ({"title": "x", "category": "education", "colour": "red"}, 400, "colour"),
        ({"title": "x" * 201, "category": "education"}, 400, "title"),
        ({"title": "x", "category": "education", "budget": -5}, 400, "budget"),
        ({"title": "x", "category": "education", "slots": "two"}, 400, "slots"),
        ({"title": "x", "category": "education", "window_start": "2026-05-01", "window_end": "2026-04-01"}, 400, "window_end"),
        ({"title": "x", "category": "education", "community_id": 999999}, 403, None),
    ]  # fmt: skip
    for body, status, field in cases:
        response = await client.post("/api/v1/demands", json=body, headers=staff)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
        assert "Traceback" not in response.text
    malformed = await client.post(
        "/api/v1/demands",
        content=b'{"title": ',
        headers={**staff, "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    huge = await client.post(
        "/api/v1/demands", content=b'{"title": "' + b"x" * (1024 * 1024 + 10) + b'"}', headers={**staff, "Content-Type": "application/json"}
    )  # fmt: skip
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"
    assert await seeded.fetchval("SELECT count(*) FROM demands") == count
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"cursor": "not-a-cursor"},
        {"sort": "random"},
        {"category": "x"},
    ):
        response = await client.get("/api/v1/demands", params=params)
        assert response.status_code == 400, params
        assert response.json()["field"] in params, (params, response.json())
    assert (await client.get("/api/v1/demands/999999")).status_code == 404
    assert (await client.get("/api/v1/demands/abc")).status_code in (400, 404)


async def test_html_and_sql_in_text_are_stored_and_returned_verbatim(
    client: Client, seeded: Any, login: Any
) -> None:
    title = "<script>alert(1)</script>'; DROP TABLE demands; --"
    response = await client.post(
        "/api/v1/demands", json={"title": title, "category": "education", "status": "open"}, headers=await login("staff")
    )  # fmt: skip
    assert response.status_code == 201
    assert (await client.get(f"/api/v1/demands/{response.json()['id']}")).json()["title"] == title
    assert await seeded.fetchval("SELECT count(*) FROM demands") > 1


async def test_regression_deadline_sort_keeps_needs_without_an_end_date(
    client: Client, seeded: Any, login: Any
) -> None:
    """A 9999-12-31 sentinel came back from asyncpg as infinity and lost rows after it."""
    staff = await login("staff")
    for n in range(5):
        body = {"title": f"长期需求{n}", "category": "volunteering", "status": "open"}
        assert (await client.post("/api/v1/demands", json=body, headers=staff)).status_code == 201
    expected = await seeded.fetchval("SELECT count(*) FROM demands WHERE status = 'open'")
    items = await all_pages(client, "/api/v1/opportunities", sort="deadline", limit=3)
    assert len(items) == len({d["id"] for d in items}) == expected
    assert [d["window_end"] for d in items[-5:]] == [None] * 5


async def test_regression_a_refused_query_parameter_gives_its_connection_back(
    client: Client, app: Any, seeded: Any, login: Any
) -> None:
    """A failing dependency (a bad filter) left the connection dependency's generator unclosed,
    so its connection stayed out of the pool — and shutdown waited for it forever."""
    staff = await login("staff")
    for _ in range(6):  # more than the test pool holds
        bad = await client.get("/api/v1/demands", params={"category": "nope"}, headers=staff)
        assert bad.status_code == 400
    pool = app.state.pool
    assert pool.get_idle_size() == pool.get_size()
    assert (await client.get("/api/v1/demands", headers=staff)).status_code == 200
