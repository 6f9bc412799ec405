"""A partner's profile and product pages through HTTP: edit, validate, keep what was typed."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def my_actor(conn: Any) -> dict[str, Any]:
    row = await conn.fetchrow(
        """SELECT a.id, a.name, a.capacity, a.website, a.remote, a.verified, a.kind, a.grade,
                  a.contact_phone, a.categories::text[] AS categories,
                  a.remote_resource_types::text[] AS remote_resource_types, a.service_radius_km
           FROM actors a JOIN users u ON u.actor_id = a.id WHERE u.username = 'partner'"""
    )
    return dict(row)


def profile_form(actor: dict[str, Any], token: str, **changes: Any) -> dict[str, Any]:
    """The profile form as the page sends it, with ``changes``."""
    return {
        "name": actor["name"],
        "categories": ["", *actor["categories"]],
        "resource_types": [""],
        "district_ids": [""],
        "remote_resource_types": [""],
        "capacity": str(actor["capacity"]),
        "_csrf_token": token,
        **changes,
    }


async def test_the_profile_shows_the_organisation_and_what_only_a_coordinator_sets(
    client: Client, seeded: Any, page_login: Any
) -> None:
    actor = await my_actor(seeded)
    await page_login("partner")
    page = (await client.get("/profile")).text
    assert f'value="{actor["name"]}"' in page and 'name="capacity"' in page
    assert "由统筹协调员认定" in page
    for fixed in ('name="verified"', 'name="grade"', 'name="kind"'):
        assert fixed not in page
    for category in actor["categories"]:
        assert f'value="{category}" checked' in page


async def test_a_profile_edit_is_saved_through_the_service(
    client: Client, seeded: Any, page_login: Any
) -> None:
    actor = await my_actor(seeded)
    token = await page_login("partner")
    answer = await client.post(
        "/profile",
        data=profile_form(
            actor, token, capacity="7", resource_types=["", "expertise", "volunteers"],
            remote_resource_types=["", "expertise"], service_radius_km="40",
            website="https://zhuli.example.org",
            contact_phone="028-8888 6666", categories=["", "child_care", "elderly_care"],
            verified="true",
        ),
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/profile?saved=1"
    after = await my_actor(seeded)
    assert after["capacity"] == 7 and after["remote"] is True
    assert after["remote_resource_types"] == ["expertise"] and after["service_radius_km"] == 40
    assert after["website"] == "https://zhuli.example.org"
    assert after["contact_phone"] == "028-8888 6666"
    assert after["categories"] == ["child_care", "elderly_care"]
    assert after["verified"] == actor["verified"]  # a partner cannot vouch for itself
    assert "已保存" in (await client.get("/profile?saved=1")).text
    cleared = await client.post(
        "/profile", data=profile_form(after, token, website=""), follow_redirects=False
    )
    assert cleared.status_code == 303 and (await my_actor(seeded))["website"] is None


async def test_a_wrong_profile_keeps_what_was_typed_and_changes_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    actor = await my_actor(seeded)
    token = await page_login("partner")
    answer = await client.post(
        "/profile",
        data=profile_form(
            actor, token, name="注力社工（新名）", capacity="很多", website="zhuli.example.org",
            categories=["", "health"],
        ),
    )  # fmt: skip
    assert answer.status_code == 422
    page = answer.text
    assert '<p class="field-error" id="capacity-error">请填写整数</p>' in page
    assert (
        '<p class="field-error" id="website-error">请填写以 http:// 或 https:// 开头的完整网址'
        in page
    )
    assert 'value="注力社工（新名）"' in page and 'value="很多"' in page
    assert 'value="zhuli.example.org"' in page
    assert 'value="health" checked' in page
    assert await my_actor(seeded) == actor


async def test_what_it_cannot_offer_it_cannot_deliver_from_afar(
    client: Client, seeded: Any, page_login: Any
) -> None:
    actor = await my_actor(seeded)
    token = await page_login("partner")
    answer = await client.post(
        "/profile",
        data=profile_form(
            actor, token, resource_types=["", "volunteers"], remote_resource_types=["", "funding"]
        ),
    )
    assert answer.status_code == 422
    assert (
        'id="remote_resource_types-error">远程提供的资源须是上面勾选的可提供资源之一' in answer.text
    )
    assert await my_actor(seeded) == actor


async def test_only_partners_have_a_profile_page(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("staff")
    assert (await client.get("/profile")).status_code == 403
    assert (await client.get("/products/mine")).status_code == 403


async def test_a_partner_creates_edits_and_archives_a_product(
    client: Client, seeded: Any, page_login: Any
) -> None:
    actor = await my_actor(seeded)
    token = await page_login("partner")
    empty = await client.post(
        "/products/new",
        data={"name": "", "category": "", "price": "-5", "description": "上门陪伴",
              "target_groups": ["", "elderly"], "_csrf_token": token},
    )  # fmt: skip
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.text and 'id="category-error"' in empty.text
    assert 'id="price-error"' in empty.text and "上门陪伴</textarea>" in empty.text
    assert 'value="elderly" checked' in empty.text
    assert await seeded.fetchval("SELECT count(*) FROM products WHERE name = ''") == 0

    created = await client.post(
        "/products/new",
        data={"name": "长者居家陪伴", "category": "elderly_care", "price": "0",
              "delivery_mode": "onsite", "capacity_per_month": "40",
              "target_groups": ["", "elderly"], "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert created.headers["location"] == "/products/mine?done=created"
    product = await seeded.fetchrow(
        "SELECT id, actor_id, price, target_groups::text[] AS groups FROM products "
        "WHERE name = '长者居家陪伴'"
    )
    assert product["actor_id"] == actor["id"] and product["groups"] == ["elderly"]
    mine = (await client.get("/products/mine?done=created")).text
    assert (
        "长者居家陪伴" in mine
        and "产品已新增" in mine
        and f"/products/{product['id']}/edit" in mine
    )

    duplicate = await client.post(
        "/products/new",
        data={"name": "长者居家陪伴", "category": "elderly_care", "_csrf_token": token},
    )
    assert duplicate.status_code == 409 and "本机构已有同名产品" in duplicate.text

    url = f"/products/{product['id']}/edit"
    form = (await client.get(url)).text
    assert 'value="长者居家陪伴"' in form and 'value="elderly_care" selected' in form
    wrong = await client.post(url, data={"name": "长者居家陪伴", "capacity_per_month": "x",
                                         "target_groups": [""], "_csrf_token": token})  # fmt: skip
    assert wrong.status_code == 422 and 'id="capacity_per_month-error"' in wrong.text
    saved = await client.post(
        url,
        data={"name": "长者居家陪伴（升级版）", "category": "elderly_care", "price": "30",
              "target_groups": ["", "elderly", "disabled"], "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.headers["location"] == "/products/mine?done=saved"
    row = await seeded.fetchrow(
        "SELECT name, price::float8 AS price, target_groups::text[] AS groups FROM products "
        "WHERE id = $1",
        product["id"],
    )
    assert dict(row) == {"name": "长者居家陪伴（升级版）", "price": 30.0,
                         "groups": ["elderly", "disabled"]}  # fmt: skip

    archive = f"/products/{product['id']}/archive"
    unconfirmed = await client.post(archive, data={"_csrf_token": token})
    assert unconfirmed.status_code == 422 and 'id="confirm-error"' in unconfirmed.text
    assert await seeded.fetchval(
        "SELECT archived_at FROM products WHERE id = $1", product["id"]
    ) is None  # fmt: skip
    archived = await client.post(
        archive, data={"confirm": "yes", "_csrf_token": token}, follow_redirects=False
    )
    assert archived.headers["location"] == "/products/mine?done=archived"
    assert await seeded.fetchval(
        "SELECT archived_at FROM products WHERE id = $1", product["id"]
    ) is not None  # fmt: skip
    assert (await client.get(url)).status_code == 404


async def test_another_organisations_product_cannot_be_edited_or_archived(
    client: Client, seeded: Any, page_login: Any
) -> None:
    foreign = await seeded.fetchrow(
        """SELECT p.id, p.name FROM products p JOIN actors a ON a.id = p.actor_id
           WHERE a.name <> '注力社工' AND p.archived_at IS NULL ORDER BY p.id LIMIT 1"""
    )
    token = await page_login("partner")
    assert (await client.get(f"/products/{foreign['id']}/edit")).status_code == 403
    edit = await client.post(
        f"/products/{foreign['id']}/edit", data={"name": "改名", "_csrf_token": token}
    )
    assert edit.status_code == 403
    archive = await client.post(
        f"/products/{foreign['id']}/archive", data={"confirm": "yes", "_csrf_token": token}
    )
    assert archive.status_code == 403
    row = await seeded.fetchrow(
        "SELECT name, archived_at FROM products WHERE id = $1", foreign["id"]
    )
    assert dict(row) == {"name": foreign["name"], "archived_at": None}
