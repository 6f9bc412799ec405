"""Need templates through HTTP: the starting set a new installation has, curating them (API and
page), who may, and the new-need form pre-filled from one (``?template=ID``, no JavaScript)."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker import db
from tests.conftest import csrf_of

Client = AsyncTestClient[Litestar]

MEALS = {
    "name": "老年食堂",
    "category": "meal_service",
    "title": "社区老年食堂助餐服务",
    "outline": "【背景】辖区老年人多少。\n【要做的事】每周几天、每天几餐。",
    "resource_types": ["funding", "volunteers", "venue"],
    "target_groups": ["elderly"],
    "skills": ["助餐运营", "营养配餐"],
    "delivery": "onsite",
}


async def test_a_new_installation_starts_with_templates_for_the_usual_needs(
    database_factory: Any,
) -> None:
    conn = await db.connect(await database_factory())
    try:
        rows = await conn.fetch(
            "SELECT name, category, outline, resource_types FROM need_templates"
        )
    finally:
        await conn.close()
    names = {r["name"]: r for r in rows}
    assert {"老年食堂", "四点半课堂", "社区规划"} <= set(names)
    assert names["老年食堂"]["category"] == "meal_service"
    assert names["四点半课堂"]["category"] == "child_care"
    assert all(r["outline"].startswith("【背景】") and r["resource_types"] for r in rows)


async def test_coordinators_curate_templates_and_everyone_reads_them(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    made = await client.post("/api/v1/need-templates", json=MEALS, headers=coordinator)
    assert made.status_code == 201, made.text
    template = made.json()
    assert {k: template[k] for k in MEALS} == MEALS
    listed = await client.get("/api/v1/need-templates")
    assert listed.status_code == 200 and [t["name"] for t in listed.json()] == ["老年食堂"]
    # a second of the same name: 409 naming the field, nothing added
    again = await client.post("/api/v1/need-templates", json=MEALS, headers=coordinator)
    assert again.status_code == 409 and again.json()["field"] == "name"
    changed = await client.patch(
        f"/api/v1/need-templates/{template['id']}",
        json={"skills": ["助餐运营"], "delivery": None},
        headers=coordinator,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["skills"] == ["助餐运营"] and changed.json()["delivery"] is None
    assert changed.json()["outline"] == MEALS["outline"]  # what was not sent stays
    actions = await seeded.fetch(
        "SELECT action FROM audit_log WHERE entity = 'need_template' ORDER BY id"
    )
    assert [a["action"] for a in actions] == ["create", "update"]
    gone = await client.delete(f"/api/v1/need-templates/{template['id']}", headers=coordinator)
    assert gone.status_code == 204
    assert (await client.get("/api/v1/need-templates")).json() == []
    assert (await client.get(f"/api/v1/need-templates/{template['id']}")).status_code == 404


async def test_bad_templates_are_refused_naming_the_field_and_only_curators_write(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    for field, value in (("category", "cooking"), ("resource_types", ["love"]), ("name", "")):
        bad = await client.post(
            "/api/v1/need-templates", json=MEALS | {field: value}, headers=coordinator
        )
        assert bad.status_code == 400, (field, bad.text)
        assert field in bad.json()["message"] or bad.json()["field"] == field
    for who in ("staff", "partner"):
        refused = await client.post("/api/v1/need-templates", json=MEALS, headers=await login(who))
        assert refused.status_code == 403
    assert (await client.post("/api/v1/need-templates", json=MEALS)).status_code == 401
    assert await seeded.fetchval("SELECT count(*) FROM need_templates") == 0
    kept = (await client.post("/api/v1/need-templates", json=MEALS, headers=coordinator)).json()
    path = f"/api/v1/need-templates/{kept['id']}"
    for who in ("staff", "partner"):
        headers = await login(who)
        patched = await client.patch(path, json={"name": "改名"}, headers=headers)
        assert patched.status_code == 403
        assert (await client.delete(path, headers=headers)).status_code == 403
    assert (await client.get(path)).json()["name"] == "老年食堂"


async def test_the_curators_page_adds_and_edits_a_template(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    form = {
        "_csrf_token": token, "name": "四点半课堂", "category": "child_care", "title": "",
        "outline": "【背景】放学后无人看护。", "resource_types": ["expertise", "volunteers"],
        "target_groups": ["children"], "skills": "课业辅导、儿童托管", "delivery": "onsite",
    }  # fmt: skip
    refused = await client.post("/need-templates", data=form | {"category": ""})
    assert refused.status_code == 422 and 'id="category-error"' in refused.text
    assert "放学后无人看护" in refused.text  # what was typed is kept
    assert await seeded.fetchval("SELECT count(*) FROM need_templates") == 0
    added = await client.post("/need-templates", data=form, follow_redirects=False)
    assert added.status_code == 303
    row = await seeded.fetchrow("SELECT * FROM need_templates")
    assert row["skills"] == ["课业辅导", "儿童托管"] and row["resource_types"] == [
        "expertise", "volunteers",
    ]  # fmt: skip
    listing = await client.get("/need-templates")
    assert f'href="/need-templates/{row["id"]}">四点半课堂</a>' in listing.text
    edit = await client.get(f"/need-templates/{row['id']}")
    assert edit.status_code == 200 and "课业辅导、儿童托管" in edit.text
    saved = await client.post(
        f"/need-templates/{row['id']}", data=form | {"skills": "课业辅导"}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert await seeded.fetchval("SELECT skills FROM need_templates") == ["课业辅导"]
    await page_login("staff")
    assert (await client.get("/need-templates")).status_code == 403


async def test_picking_a_template_prefills_the_new_need_form(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    coordinator = await login("coordinator")
    template = (await client.post("/api/v1/need-templates", json=MEALS, headers=coordinator)).json()
    await page_login("staff")
    blank = await client.get("/needs/new")
    assert blank.status_code == 200 and 'data-testid="template-picker"' in blank.text
    assert f'<option value="{template["id"]}">老年食堂 · ' in blank.text
    page = await client.get("/needs/new", params={"template": template["id"]})
    assert page.status_code == 200
    text = page.text
    assert f'<option value="{template["id"]}" selected>' in text
    assert '<option value="meal_service" selected>' in text
    assert 'id="title" name="title" value="社区老年食堂助餐服务"' in text
    assert html.escape(MEALS["outline"], quote=False) in text
    for code in MEALS["resource_types"]:
        assert re.search(rf'id="resource_types-{code}"[^>]*checked', text), code
    assert not re.search(r'id="resource_types-training"[^>]*checked', text)
    assert re.search(r'id="target_groups-elderly"[^>]*checked', text)
    assert 'value="助餐运营、营养配餐"' in text
    assert '<option value="onsite" selected>' in text
    # what staff then post is an ordinary need: they edited the title
    posted = await client.post(
        "/needs/new",
        data={"_csrf_token": csrf_of(text), "title": "渔箭社区老年食堂", "category": "meal_service",
              "description": MEALS["outline"], "resource_types": ["funding"], "slots": "1",
              "urgency": "normal", "intake_channel": "online", "status": "draft"},
        follow_redirects=False,
    )  # fmt: skip
    assert posted.status_code == 303, posted.text
    # bad or unknown template ids
    assert (await client.get("/needs/new", params={"template": "abc"})).status_code == 400
    assert (await client.get("/needs/new", params={"template": "999999"})).status_code == 404
