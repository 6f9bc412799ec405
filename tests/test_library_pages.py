"""The resource library pages through HTTP: browse every library, and curate them as a coordinator."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.vocab import LABELS

Client = AsyncTestClient[Litestar]
HTMX = {"HX-Request": "true"}

#: (library, table, title column) for every library page.
LIBRARIES = [
    ("actors", "actors", "name"),
    ("talent", "talent", "display_name"),
    ("policies", "policies", "title"),
    ("cases", "cases", "title"),
    ("products", "products", "name"),
    ("communities", "communities", "name"),
]


def items_of(page: str) -> str:
    """The list part of a library page (filters' selects also name organisations)."""
    return page.split('id="items"', 1)[1] if 'id="items"' in page else page


async def browse_as(kind: str, page_login: Any) -> None:
    """Talent is shown to signed-in users only; every other library to everyone."""
    if kind == "talent":
        await page_login("staff")


async def test_the_libraries_page_shows_every_library_with_its_count(
    client: Client, seeded: Any
) -> None:
    page = (await client.get("/libraries")).text
    for name in ("主体库", "人才库", "政策库", "需求库", "案例库", "产品库", "社区库"):
        assert name in page
    for kind, table, _ in LIBRARIES:
        count = await seeded.fetchval(f"SELECT count(*) FROM {table} WHERE archived_at IS NULL")
        assert f'href="/libraries/{kind}"' in page
        tile = page.split(f'href="/libraries/{kind}"', 1)[1].split("</li>", 1)[0]
        assert f"<strong>{count}</strong>" in tile
    assert 'href="/board"' in page and "登录后可查看" in page
    english = (await client.get("/libraries", params={"lang": "en"})).text
    assert "Organisations" in english and "Policies" in english


@pytest.mark.parametrize(("kind", "table", "column"), LIBRARIES)
async def test_each_library_lists_newest_first_and_pages_with_htmx(
    client: Client, seeded: Any, page_login: Any, kind: str, table: str, column: str
) -> None:
    await browse_as(kind, page_login)
    titles = [
        r[0]
        for r in await seeded.fetch(
            f"SELECT {column} FROM {table} WHERE archived_at IS NULL ORDER BY id DESC"
        )
    ]
    assert len(titles) > 12
    response = await client.get(f"/libraries/{kind}")
    assert response.status_code == 200 and "<html" in response.text
    first = items_of(response.text)
    assert titles[0] in first and titles[12] not in first
    assert first.index(titles[0]) < first.index(titles[1])  # newest first
    more = re.search(r'hx-get="([^"]+cursor=[^"]+)"', first)
    assert more, "a long list offers to load more"
    url = more[1].replace("&amp;", "&")
    second = await client.get(url, headers=HTMX)
    assert second.status_code == 200 and "<html" not in second.text
    assert titles[12] in second.text and titles[0] not in second.text


SEARCHES = [
    ("actors", "大学", "成都理工大学", "乐橙智库"),
    ("talent", "规划", "规划师A", "社工·林老师(化名)"),
    ("policies", "物业", "“信义治理”信托制物业推广", "社工人才培养“春雨计划”"),
    ("cases", "课堂", "“永前家+”四点半课堂与老龄食堂", "斜源太平“共享社区”"),
    ("products", "羌绣", "羌绣非遗体验课", "标准化治理工具包"),
    ("communities", "安置", "致强社区", "渔箭社区"),
]


@pytest.mark.parametrize(("kind", "words", "found", "not_found"), SEARCHES)
async def test_each_library_searches_in_chinese(
    client: Client, seeded: Any, page_login: Any, kind: str, words: str, found: str, not_found: str
) -> None:
    await browse_as(kind, page_login)
    page = items_of((await client.get(f"/libraries/{kind}", params={"q": words})).text)
    assert found in page and not_found not in page
    fragment = await client.get(f"/libraries/{kind}", params={"q": words}, headers=HTMX)
    assert "<html" not in fragment.text and found in fragment.text
    nothing = (await client.get(f"/libraries/{kind}", params={"q": "不存在的词语组合"})).text
    assert "还没有符合条件的条目" in nothing and "清除筛选" in nothing


#: (library, filter, value or SQL giving it, SQL of titles matching $1, of titles not matching)
FILTERS = [
    ("actors", "kind", "think_tank",
     "SELECT name FROM actors WHERE kind = $1 ORDER BY id DESC LIMIT 12",
     "SELECT name FROM actors WHERE kind <> $1"),
    ("talent", "role", "lawyer",
     "SELECT display_name FROM talent WHERE $1 = ANY (roles::text[]) ORDER BY id DESC LIMIT 12",
     "SELECT display_name FROM talent WHERE NOT $1 = ANY (roles::text[])"),
    ("policies", "level", "city",
     "SELECT title FROM policies WHERE level = $1 ORDER BY id DESC LIMIT 12",
     "SELECT title FROM policies WHERE level <> $1"),
    ("cases", "district_id", "SELECT id::text FROM districts WHERE name = '成华区'",
     "SELECT c.title FROM cases c JOIN communities m ON m.id = c.community_id "
     "WHERE m.district_id::text = $1 ORDER BY c.id DESC LIMIT 12",
     "SELECT c.title FROM cases c JOIN communities m ON m.id = c.community_id "
     "WHERE m.district_id::text <> $1"),
    ("products", "free", "true",
     "SELECT name FROM products WHERE price = 0 AND $1 = 'true' ORDER BY id DESC LIMIT 12",
     "SELECT name FROM products WHERE price > 0 AND $1 = 'true'"),
    ("communities", "kind", "rural",
     "SELECT name FROM communities WHERE kind = $1 ORDER BY id DESC LIMIT 12",
     "SELECT name FROM communities WHERE kind <> $1"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "name", "value", "matching", "other"), FILTERS)
async def test_each_library_filters_with_its_selects(
    client: Client, seeded: Any, page_login: Any,
    kind: str, name: str, value: str, matching: str, other: str,
) -> None:  # fmt: skip
    await browse_as(kind, page_login)
    if value.startswith("SELECT"):
        value = await seeded.fetchval(value)
    wanted = [r[0] for r in await seeded.fetch(matching, value)]
    unwanted = [r[0] for r in await seeded.fetch(other, value)]
    assert wanted and unwanted
    page = await client.get(f"/libraries/{kind}", params={name: value})
    assert f'<option value="{value}" selected>' in page.text  # the select remembers the choice
    shown = items_of(page.text)
    assert all(title in shown for title in wanted)
    assert not any(f">{title}</a>" in shown for title in unwanted)


@pytest.mark.parametrize(("kind", "table", "column"), LIBRARIES)
async def test_each_library_shows_a_detail_page_and_404s(
    client: Client, seeded: Any, page_login: Any, kind: str, table: str, column: str
) -> None:
    await browse_as(kind, page_login)
    row = await seeded.fetchrow(f"SELECT id, {column} AS title FROM {table} ORDER BY id LIMIT 1")
    page = await client.get(f"/libraries/{kind}/{row['id']}")
    assert page.status_code == 200 and row["title"] in page.text
    assert "更新于" in page.text and f'href="/libraries/{kind}"' in page.text
    assert (await client.get(f"/libraries/{kind}/987654")).status_code == 404
    assert (await client.get(f"/libraries/nope/{row['id']}")).status_code == 404
    assert (await client.get("/libraries/nope")).status_code == 404


async def test_detail_pages_link_the_libraries_and_label_codes(client: Client, seeded: Any) -> None:
    case = await seeded.fetchrow("SELECT id, community_id, category FROM cases ORDER BY id LIMIT 1")
    partners = await seeded.fetch("SELECT actor_id FROM case_actors WHERE case_id = $1", case["id"])
    page = (await client.get(f"/libraries/cases/{case['id']}")).text
    assert f'href="/libraries/communities/{case["community_id"]}"' in page
    assert partners and all(f'href="/libraries/actors/{p[0]}"' in page for p in partners)
    assert LABELS["category"][case["category"]][0] in page
    product = await seeded.fetchrow("SELECT id, actor_id FROM products ORDER BY id LIMIT 1")
    page = (await client.get(f"/libraries/products/{product['id']}")).text
    assert f'href="/libraries/actors/{product["actor_id"]}"' in page
    actor = product["actor_id"]
    page = (await client.get(f"/libraries/actors/{actor}")).text
    assert f'href="/libraries/products?actor_id={actor}"' in page
    assert f'href="/libraries/cases?actor_id={actor}"' in page
    community = await seeded.fetchrow(
        "SELECT id, social_workers FROM communities WHERE name = '渔箭社区'"
    )
    page = (await client.get(f"/libraries/communities/{community['id']}")).text
    assert (
        "“1257N”标准" in page and f'href="/libraries/cases?community_id={community["id"]}"' in page
    )


async def test_contacts_follow_the_rule_and_talent_is_for_signed_in_users_only(
    client: Client, seeded: Any, page_login: Any
) -> None:
    actor = await seeded.fetchrow("SELECT id, contact_phone FROM actors WHERE name = '注力社工'")
    assert actor["contact_phone"] not in (await client.get(f"/libraries/actors/{actor['id']}")).text
    person = await seeded.fetchrow(
        "SELECT id, display_name, actor_id FROM talent ORDER BY id LIMIT 1"
    )
    for url in ("/libraries/talent", f"/libraries/talent/{person['id']}"):
        answer = await client.get(url, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
    await page_login("partner_xihua")  # signed in, but another organisation: no contact
    assert actor["contact_phone"] not in (await client.get(f"/libraries/actors/{actor['id']}")).text
    await page_login("partner")  # the organisation's own staff (every role: test_contacts.py)
    assert actor["contact_phone"] in (await client.get(f"/libraries/actors/{actor['id']}")).text
    page = (await client.get(f"/libraries/talent/{person['id']}")).text
    assert (
        person["display_name"] in page and f'href="/libraries/actors/{person["actor_id"]}"' in page
    )


async def test_only_curators_see_edit_buttons_and_others_get_403_changing_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    policy = await seeded.fetchrow("SELECT id, title FROM policies ORDER BY id LIMIT 1")
    anonymous = (await client.get(f"/libraries/policies/{policy['id']}")).text
    assert "/edit" not in anonymous
    token = await page_login("partner")
    page = (await client.get(f"/libraries/policies/{policy['id']}")).text
    assert f"/libraries/policies/{policy['id']}/edit" not in page
    assert "/libraries/policies/new" not in (await client.get("/libraries/policies")).text
    assert (await client.get("/libraries/policies/new")).status_code == 403
    assert (await client.get(f"/libraries/policies/{policy['id']}/edit")).status_code == 403
    edit = await client.post(
        f"/libraries/policies/{policy['id']}/edit",
        data={"title": "被改掉了", "issuer": "x", "level": "city", "valid_from": "2024-01-01",
              "_csrf_token": token},
    )  # fmt: skip
    assert edit.status_code == 403 and "您没有权限" in edit.text
    archive = await client.post(
        f"/libraries/policies/{policy['id']}/archive", data={"confirm": "yes", "_csrf_token": token}
    )
    new = await client.post(
        "/libraries/policies/new",
        data={"title": "伙伴新增", "issuer": "x", "level": "city", "valid_from": "2024-01-01",
              "_csrf_token": token},
    )  # fmt: skip
    assert archive.status_code == 403 and new.status_code == 403
    row = await seeded.fetchrow(
        "SELECT title, archived_at FROM policies WHERE id = $1", policy["id"]
    )
    assert row["title"] == policy["title"] and row["archived_at"] is None
    assert not await seeded.fetchval("SELECT count(*) FROM policies WHERE title = '伙伴新增'")


async def test_a_coordinator_creates_a_policy_through_the_form(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    form = await client.get("/libraries/policies/new")
    assert form.status_code == 200 and 'name="title"' in form.text and 'for="f-title"' in form.text
    assert "/libraries/policies/new" in (await client.get("/libraries/policies")).text
    answer = await client.post(
        "/libraries/policies/new",
        data={
            "title": "社区助餐补贴办法", "issuer": "成都市民政局", "level": "city",
            "valid_from": "2025-01-01", "valid_to": "", "doc_number": "",
            "categories": ["meal_service", "elderly_care"],
            "eligible_community_kinds": ["urban"], "subsidy_ceiling": "50000",
            "summary": "对社区长者食堂给予运营补贴。", "_csrf_token": token,
        },
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    row = await seeded.fetchrow("SELECT * FROM policies WHERE title = '社区助餐补贴办法'")
    assert answer.headers["location"] == f"/libraries/policies/{row['id']}?saved=1"
    assert row["level"] == "city" and row["categories"] == ["meal_service", "elderly_care"]
    assert row["valid_to"] is None and row["doc_number"] is None
    assert float(row["subsidy_ceiling"]) == 50000
    assert await seeded.fetchval(
        "SELECT count(*) FROM audit_log WHERE entity = 'policy' AND entity_id = $1", row["id"]
    )
    page = (await client.get(answer.headers["location"])).text
    assert "已保存" in page and "助餐服务" in page and "50000 元" in page
    found = items_of((await client.get("/libraries/policies", params={"q": "助餐"})).text)
    assert "社区助餐补贴办法" in found


async def test_a_coordinator_creates_a_case_with_its_community_and_partners(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    community = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    actors = [r["id"] for r in await seeded.fetch("SELECT id FROM actors ORDER BY id LIMIT 2")]
    form = (await client.get("/libraries/cases/new")).text
    assert f'<option value="{community}">' in form and 'name="actor_ids"' in form
    answer = await client.post(
        "/libraries/cases/new",
        data={
            "title": "长者助餐点共建", "community_id": str(community), "category": "meal_service",
            "summary": "", "model_tags": "社企校居联动\n五社联动\n", "actor_ids": [str(a) for a in actors],
            "beneficiaries": "120", "year": "2025", "rating": "", "_csrf_token": token,
        },
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    case = await seeded.fetchrow("SELECT * FROM cases WHERE title = '长者助餐点共建'")
    assert case["community_id"] == community and case["model_tags"] == ["社企校居联动", "五社联动"]
    assert case["beneficiaries"] == 120 and case["rating"] is None
    linked = await seeded.fetch(
        "SELECT actor_id FROM case_actors WHERE case_id = $1 ORDER BY actor_id", case["id"]
    )
    assert [r[0] for r in linked] == actors
    listed = items_of((await client.get("/libraries/cases")).text)
    assert listed.index("长者助餐点共建") < listed.index(
        await seeded.fetchval("SELECT title FROM cases WHERE id <> $1 ORDER BY id DESC", case["id"])
    )


async def test_a_coordinator_adds_a_product_for_an_organisation(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    actor = await seeded.fetchval("SELECT id FROM actors WHERE name = '注力社工'")
    answer = await client.post(
        "/libraries/products/new",
        data={"name": "亲子阅读会", "actor_id": str(actor), "category": "child_care",
              "delivery_mode": "onsite", "price": "0", "target_groups": ["children"],
              "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    row = await seeded.fetchrow("SELECT actor_id, price FROM products WHERE name = '亲子阅读会'")
    assert row["actor_id"] == actor and float(row["price"]) == 0


async def test_a_coordinator_edits_a_policy_and_blank_fields_clear(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    policy = await seeded.fetchrow(
        "SELECT * FROM policies WHERE valid_to IS NOT NULL AND categories <> '{}' ORDER BY id LIMIT 1"
    )
    form = (await client.get(f"/libraries/policies/{policy['id']}/edit")).text
    assert f'value="{policy["title"]}"' in form and f'value="{policy["valid_to"]}"' in form
    assert 'name="confirm"' in form  # the archive box
    answer = await client.post(
        f"/libraries/policies/{policy['id']}/edit",
        data={"title": "新的政策标题", "issuer": policy["issuer"], "level": policy["level"],
              "valid_from": str(policy["valid_from"]), "valid_to": "", "summary": "新的摘要",
              "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    row = await seeded.fetchrow("SELECT * FROM policies WHERE id = $1", policy["id"])
    assert row["title"] == "新的政策标题" and row["summary"] == "新的摘要"
    assert row["valid_to"] is None and row["categories"] == []
    assert "新的政策标题" in (await client.get(f"/libraries/policies/{policy['id']}")).text


async def test_a_coordinator_edits_talent_and_a_community(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    person = await seeded.fetchrow("SELECT * FROM talent ORDER BY id LIMIT 1")
    form = (await client.get(f"/libraries/talent/{person['id']}/edit")).text
    assert "\n".join(person["skills"]) in form
    served = await seeded.fetch(  # kept ticked, as the form shows them (邛崃市: the area's)
        "SELECT district_id FROM talent_districts WHERE talent_id = $1", person["id"]
    )
    answer = await client.post(
        f"/libraries/talent/{person['id']}/edit",
        data={"display_name": person["display_name"], "roles": ["social_worker", "volunteer"],
              "skills": "个案管理\n 小组工作 \n", "actor_id": "", "hours_per_month": "40",
              "district_ids": [str(r["district_id"]) for r in served], "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    row = await seeded.fetchrow("SELECT * FROM talent WHERE id = $1", person["id"])
    assert row["roles"] == ["social_worker", "volunteer"] and row["skills"] == [
        "个案管理",
        "小组工作",
    ]
    assert row["actor_id"] is None and row["hours_per_month"] == 40
    community = await seeded.fetchrow("SELECT * FROM communities WHERE name = '渔箭社区'")
    values = {k: str(community[k]) for k in (
        "name", "district_id", "town_id", "kind", "population", "lat", "lon", "theme",
        "social_work_rooms", "community_orgs", "volunteer_teams", "charity_resources",
        "description",
    )}  # fmt: skip
    answer = await client.post(
        f"/libraries/communities/{community['id']}/edit",
        data=values | {"social_workers": "5", "_csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert (
        await seeded.fetchval(
            "SELECT social_workers FROM communities WHERE id = $1", community["id"]
        )
        == 5
    )


async def test_bad_input_keeps_what_was_typed_shows_errors_by_the_fields_and_changes_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    before = await seeded.fetchval("SELECT count(*) FROM policies")
    answer = await client.post(
        "/libraries/policies/new",
        data={"title": "", "issuer": "保留的发文单位", "level": "city", "valid_from": "明天",
              "subsidy_ceiling": "-5", "summary": "保留的<摘要>", "categories": ["health"],
              "_csrf_token": token},
    )  # fmt: skip
    assert answer.status_code == 422
    page = answer.text
    assert 'id="f-title-error"' in page and 'aria-describedby="f-title-error"' in page
    assert 'id="f-valid_from-error"' in page and "年-月-日" in page
    assert 'id="f-subsidy_ceiling-error"' in page
    assert 'value="保留的发文单位"' in page and "保留的&lt;摘要&gt;" in page
    assert 'value="明天"' in page and 'value="health" checked' in page
    assert await seeded.fetchval("SELECT count(*) FROM policies") == before
    # a rule only the service knows: the end may not come before the start
    policy = await seeded.fetchrow("SELECT * FROM policies ORDER BY id LIMIT 1")
    answer = await client.post(
        f"/libraries/policies/{policy['id']}/edit",
        data={"title": "不会保存的标题", "issuer": policy["issuer"], "level": policy["level"],
              "valid_from": "2025-06-01", "valid_to": "2025-01-01", "_csrf_token": token},
    )  # fmt: skip
    assert answer.status_code == 422 and 'id="f-valid_to-error"' in answer.text
    assert 'value="不会保存的标题"' in answer.text
    assert (
        await seeded.fetchval("SELECT title FROM policies WHERE id = $1", policy["id"])
        == policy["title"]
    )
    # a taken title, and a grade for a kind that carries none
    other = await seeded.fetchval("SELECT title FROM policies WHERE id <> $1 LIMIT 1", policy["id"])
    answer = await client.post(
        f"/libraries/policies/{policy['id']}/edit",
        data={"title": other, "issuer": policy["issuer"], "level": policy["level"],
              "valid_from": str(policy["valid_from"]), "_csrf_token": token},
    )  # fmt: skip
    assert answer.status_code == 422 and 'id="f-title-error"' in answer.text
    assert "已被占用，请换一个" in answer.text  # said plainly, not the database words
    answer = await client.post(
        "/libraries/actors/new",
        data={"name": "某某科技公司", "kind": "enterprise", "grade": "5A", "lat": "30.6",
              "lon": "104.0", "_csrf_token": token},
    )  # fmt: skip
    assert answer.status_code == 422 and 'id="f-grade-error"' in answer.text
    assert not await seeded.fetchval("SELECT count(*) FROM actors WHERE name = '某某科技公司'")


async def test_archiving_needs_the_confirmation_box(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")
    product = await seeded.fetchrow("SELECT id, name FROM products ORDER BY id LIMIT 1")
    url = f"/libraries/products/{product['id']}"
    refused = await client.post(f"{url}/archive", data={"_csrf_token": token})
    assert refused.status_code == 422 and 'id="archive-error"' in refused.text
    assert await seeded.fetchval(
        "SELECT archived_at IS NULL FROM products WHERE id = $1", product["id"]
    )
    done = await client.post(
        f"{url}/archive", data={"confirm": "yes", "_csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/libraries/products?archived=1"
    assert await seeded.fetchval(
        "SELECT archived_at IS NOT NULL FROM products WHERE id = $1", product["id"]
    )
    assert (await client.get(url)).status_code == 404
    listed = await client.get("/libraries/products?archived=1")
    assert "已归档" in listed.text and product["name"] not in items_of(listed.text)


async def test_user_text_is_escaped_on_lists_and_details(
    client: Client, seeded: Any, login: Any
) -> None:
    title = "<script>alert(1)</script>"
    created = await client.post(
        "/api/v1/policies",
        json={"title": title, "issuer": "<b>x</b>", "level": "city", "valid_from": "2025-01-01"},
        headers=await login("coordinator"),
    )
    assert created.status_code == 201, created.text
    for url in ("/libraries/policies", f"/libraries/policies/{created.json()['id']}"):
        page = (await client.get(url)).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and title not in page
        assert "<b>x</b>" not in page
