"""Actors (主体库) through HTTP: contacts kept from lists, filters, paging, who edits what.

Who sees a contact on one record, role by role, is held in tests/test_contacts.py.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import all_pages

Client = AsyncTestClient[Litestar]
URL = "/api/v1/actors"
CONTACT = ("contact_name", "contact_phone", "contact_email")


async def _id(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM actors WHERE name = $1", name))


async def _district(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM districts WHERE name = $1", name))


async def _row(conn: Any, actor_id: int) -> dict[str, Any]:
    """The stored actor and its districts, to check that nothing changed."""
    row = dict(await conn.fetchrow("SELECT * FROM actors WHERE id = $1", actor_id))
    row["district_ids"] = [
        r["district_id"]
        for r in await conn.fetch(
            "SELECT district_id FROM actor_districts WHERE actor_id = $1 ORDER BY 1", actor_id
        )
    ]
    return row


async def _audit_count(conn: Any) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'actor'"))


def _body(**extra: Any) -> dict[str, Any]:
    return {
        "name": "邛崃市青年志愿者协会",
        "kind": "association",
        "lat": 30.41,
        "lon": 103.46,
        "categories": ["volunteering", "youth_development"],
        "resource_types": ["volunteers"],
        "capacity": 3,
        "description": "组织青年志愿者参与社区服务。",
        "contact_name": "演示联系人99",
        "contact_phone": "028-0000-0099",
        "contact_email": "demo-contact-99@example.org",
        **extra,
    }


async def test_the_public_browses_actors_without_their_contacts(
    client: Client, seeded: Any
) -> None:
    items = await all_pages(client, URL, limit=10)
    assert len(items) == await seeded.fetchval("SELECT count(*) FROM actors") == 42
    assert all(not set(CONTACT) & set(a) for a in items)
    zhuli = next(a for a in items if a["name"] == "注力社工")
    assert (zhuli["kind"], zhuli["grade"], zhuli["verified"]) == ("social_org", "4A", True)
    assert [d["name"] for d in zhuli["districts"]] == ["邛崃市"]
    assert zhuli["districts"][0]["id"] == await _district(seeded, "邛崃市")
    assert "child_care" in zhuli["categories"] and zhuli["resource_types"]
    assert zhuli["capacity"] >= 1 and zhuli["remote"] is False
    assert zhuli["description"] and "website" in zhuli and zhuli["lat"] and zhuli["lon"]
    one = (await client.get(f"{URL}/{zhuli['id']}")).json()
    assert not set(CONTACT) & set(one)
    assert "028-0000" not in (await client.get(URL, params={"limit": 50})).text


async def test_lists_carry_contacts_to_curators_only_of_their_area(
    client: Client, seeded: Any, login: Any
) -> None:
    zhuli = await _id(seeded, "注力社工")
    stored = await seeded.fetchrow("SELECT contact_phone FROM actors WHERE id = $1", zhuli)
    for who, in_lists in (("staff", False), ("partner", False), ("partner_xihua", False),
                          ("coordinator", True), ("admin", True)):  # fmt: skip
        headers = await login(who)
        listed = await all_pages(client, URL, headers=headers, limit=50)
        if who == "coordinator":  # 邛崃市's: the organisations serving it, not the others
            serves = [any(d["name"] == "邛崃市" for d in a["districts"]) for a in listed]
            assert any(serves) and not all(serves)
            assert all((set(CONTACT) <= set(a)) == s for a, s in zip(listed, serves, strict=True))
        elif in_lists:
            assert all(set(CONTACT) <= set(a) for a in listed), who
        else:
            assert all(not set(CONTACT) & set(a) for a in listed), who
        one = (await client.get(f"{URL}/{zhuli}", headers=headers)).json()
        # one record: its own staff and curators; a stranger never (no partnership here)
        assert (one.get("contact_phone") == stored["contact_phone"]) == (
            who in ("partner", "coordinator", "admin")
        ), who
        assert ("contact_phone" in one) == (who in ("partner", "coordinator", "admin")), who


async def test_filters_and_chinese_search(client: Client, seeded: Any) -> None:
    unis = await all_pages(client, URL, kind="university", limit=50)
    assert len(unis) == await seeded.fetchval(
        "SELECT count(*) FROM actors WHERE kind = 'university'"
    )
    assert {a["kind"] for a in unis} == {"university"}
    heritage = await all_pages(client, URL, category="heritage", limit=50)
    assert heritage and all("heritage" in a["categories"] for a in heritage)
    funding = await all_pages(client, URL, resource_type="funding", limit=50)
    assert funding and all("funding" in a["resource_types"] for a in funding)
    unverified = await all_pages(client, URL, verified="false", limit=50)
    assert [a["name"] for a in unverified] == ["白大姐名师工作室"]
    chongzhou = await _district(seeded, "崇州市")
    serving = await all_pages(client, URL, district_id=chongzhou, limit=50)
    names = {a["name"] for a in serving}
    assert {"崇州市委社治委", "村闲志愿服务队", "马大爷说事"} <= names
    assert "西华大学" in names  # remote: serves every district
    assert "注力社工" not in names
    assert all(a["remote"] or chongzhou in {d["id"] for d in a["districts"]} for a in serving)
    searched = await all_pages(client, URL, q="羌绣")
    assert "非遗羌绣合作社" in {a["name"] for a in searched}
    # synonyms widen it (羌族 …: tests/test_search.py); the word itself ranks first
    assert "羌绣" in searched[0]["name"] + searched[0]["description"]
    narrowed = await all_pages(client, URL, q="志愿", kind="volunteer_team", limit=50)
    assert narrowed and {a["kind"] for a in narrowed} == {"volunteer_team"}
    assert (await client.get(URL, params={"q": "？？"})).json()["items"] == []


async def test_sorts_page_through_everything_once_in_order(client: Client, seeded: Any) -> None:
    total = await seeded.fetchval("SELECT count(*) FROM actors")
    for sort in ("newest", "oldest", "name", "capacity"):
        items = await all_pages(client, URL, sort=sort, limit=9)
        assert len(items) == len({a["id"] for a in items}) == total, sort
    oldest = [a["id"] for a in await all_pages(client, URL, sort="oldest", limit=9)]
    assert oldest == sorted(oldest)
    names = [a["name"] for a in await all_pages(client, URL, sort="name", limit=9)]
    assert names == [r["name"] for r in await seeded.fetch("SELECT name FROM actors ORDER BY name, id")]  # fmt: skip
    capacity = [a["capacity"] for a in await all_pages(client, URL, sort="capacity", limit=9)]
    assert capacity == sorted(capacity, reverse=True)


async def test_a_coordinator_adds_an_actor_with_its_districts(
    client: Client, seeded: Any, login: Any
) -> None:
    qionglai, dayi = await _district(seeded, "邛崃市"), await _district(seeded, "大邑县")
    body = _body(grade="3A", verified=True, district_ids=[dayi, qionglai, dayi])
    response = await client.post(URL, json=body, headers=await login("coordinator"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert {d["name"] for d in created["districts"]} == {"邛崃市", "大邑县"}
    assert created["contact_phone"] == "028-0000-0099" and created["grade"] == "3A"
    public = (await client.get(f"{URL}/{created['id']}")).json()
    assert not set(CONTACT) & set(public) and public["name"] == body["name"]
    serving = await all_pages(client, URL, district_id=dayi, limit=50)
    assert created["id"] in {a["id"] for a in serving}
    entry = await seeded.fetchrow(
        "SELECT username, action, after FROM audit_log WHERE entity = 'actor' AND entity_id = $1",
        created["id"],
    )
    assert (entry["username"], entry["action"]) == ("coordinator", "create")
    assert entry["after"]["name"] == body["name"]


async def test_only_curators_add_or_archive_actors(client: Client, seeded: Any, login: Any) -> None:
    count = await seeded.fetchval("SELECT count(*) FROM actors WHERE archived_at IS NULL")
    own = await _id(seeded, "注力社工")
    for who, status in ((None, 401), ("staff", 403), ("partner", 403)):
        headers = await login(who) if who else {}
        assert (await client.post(URL, json=_body(), headers=headers)).status_code == status
        assert (await client.delete(f"{URL}/{own}", headers=headers)).status_code == status
    assert await seeded.fetchval("SELECT count(*) FROM actors WHERE archived_at IS NULL") == count
    assert await _audit_count(seeded) == 0
    response = await client.delete(f"{URL}/{own}", headers=await login("admin"))
    assert response.status_code == 204
    assert (await client.get(f"{URL}/{own}")).status_code == 404
    assert own not in {a["id"] for a in await all_pages(client, URL, limit=50)}
    assert (
        await seeded.fetchval(
            "SELECT count(*) FROM audit_log WHERE entity = 'actor' AND action = 'archive'"
        )
        == 1
    )


async def test_a_partner_edits_its_own_profile_and_districts(
    client: Client, seeded: Any, login: Any
) -> None:
    own = await _id(seeded, "注力社工")
    before = (await client.get(f"{URL}/{own}")).json()
    dayi = await _district(seeded, "大邑县")
    response = await client.patch(
        f"{URL}/{own}",
        json={"capacity": 6, "district_ids": [dayi], "contact_phone": "028-0000-0123",
              "verified": True, "website": "https://example.org/zhuli"},
        headers=await login("partner"),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["capacity"] == 6 and after["contact_phone"] == "028-0000-0123"
    assert after["districts"] == [{"id": dayi, "name": "大邑县"}]
    assert after["website"] == "https://example.org/zhuli"
    assert (after["name"], after["grade"], after["categories"]) == (
        before["name"], before["grade"], before["categories"],
    )  # fmt: skip
    trail = await seeded.fetchrow(
        "SELECT username, before, after FROM audit_log WHERE entity = 'actor' AND entity_id = $1 "
        "AND action = 'update'",
        own,
    )
    assert trail["username"] == "partner"
    assert trail["before"]["capacity"] == before["capacity"] and trail["after"]["capacity"] == 6
    assert trail["before"]["district_ids"] == [d["id"] for d in before["districts"]]


async def test_a_partner_cannot_edit_another_organisation(
    client: Client, seeded: Any, login: Any
) -> None:
    foreign = await _id(seeded, "春泉酒业")
    before = await _row(seeded, foreign)
    response = await client.patch(
        f"{URL}/{foreign}", json={"capacity": 9}, headers=await login("partner")
    )
    assert response.status_code == 403
    assert await _row(seeded, foreign) == before
    assert await _audit_count(seeded) == 0


async def test_a_partner_cannot_change_what_a_curator_vouches_for(
    client: Client, seeded: Any, login: Any
) -> None:
    own = await _id(seeded, "注力社工")
    partner = await login("partner")
    before = await _row(seeded, own)
    for body, field in (
        ({"verified": False}, "verified"),
        ({"grade": "5A"}, "grade"),
        ({"grade": None}, "grade"),
        ({"kind": "foundation", "capacity": 9}, "kind"),
    ):
        response = await client.patch(f"{URL}/{own}", json=body, headers=partner)
        assert response.status_code == 403, (body, response.text)
        assert response.json()["field"] == field
    assert await _row(seeded, own) == before
    assert await _audit_count(seeded) == 0
    curator = await login("coordinator")
    response = await client.patch(
        f"{URL}/{own}", json={"verified": False, "grade": "5A"}, headers=curator
    )
    assert response.status_code == 200, response.text
    assert (response.json()["verified"], response.json()["grade"]) == (False, "5A")


async def test_community_staff_and_anonymous_cannot_edit(
    client: Client, seeded: Any, login: Any
) -> None:
    target = await _id(seeded, "注力社工")
    before = await _row(seeded, target)
    assert (await client.patch(f"{URL}/{target}", json={"capacity": 9})).status_code == 401
    response = await client.patch(
        f"{URL}/{target}", json={"capacity": 9}, headers=await login("staff")
    )
    assert response.status_code == 403
    assert await _row(seeded, target) == before
    assert await _audit_count(seeded) == 0


async def test_bad_input_answers_400_naming_the_field_and_changes_nothing(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("admin")  # (an actor serving no district is an admin's)
    count = await seeded.fetchval("SELECT count(*) FROM actors")
    cases = [
        (_body(colour="red"), 400, "colour"),
        (_body(name="名" * 201), 400, "name"),
        (_body(lat=91), 400, "lat"),
        (_body(kind="guild"), 400, "kind"),
        (_body(categories=["astrology"]), 400, "categories[0]"),
        (_body(grade="6A"), 400, "grade"),
        (_body(kind="enterprise", grade="4A"), 400, "grade"),
        (_body(capacity=-1), 400, "capacity"),
        (_body(contact_email="not-an-email"), 400, "contact_email"),
        (_body(website="javascript:alert(1)"), 400, "website"),
        (_body(district_ids=[999999]), 400, "district_ids"),
        (_body(district_ids=[0]), 400, "district_ids[0]"),
        (_body(name="注力社工"), 409, "name"),
    ]
    for body, status, field in cases:
        response = await client.post(URL, json=body, headers=coordinator)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (field, response.json())
        assert "Traceback" not in response.text
    assert await seeded.fetchval("SELECT count(*) FROM actors") == count
    target = await _id(seeded, "注力社工")
    before = await _row(seeded, target)
    for body, field in (
        ({"lat": 91}, "lat"),
        ({"district_ids": [999999]}, "district_ids"),
        ({"kind": "enterprise"}, "grade"),  # a graded social org cannot become an enterprise
        ({"nickname": "x"}, "nickname"),
    ):
        response = await client.patch(f"{URL}/{target}", json=body, headers=coordinator)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["field"] == field, (field, response.json())
    assert await _row(seeded, target) == before
    assert await _audit_count(seeded) == 0
    for params in ({"kind": "guild"}, {"verified": "maybe"}, {"sort": "x"}, {"district_id": 0}):
        response = await client.get(URL, params=params)
        assert response.status_code == 400, params
        assert response.json()["field"] in params, (params, response.json())
    assert (await client.get(f"{URL}/999999")).status_code == 404
