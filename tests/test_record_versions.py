"""Lost updates: ETag on a library record, If-Match on its PATCH, and the edit pages' version.

Two people who read the same version of a record cannot both write over it: the second write
is refused (412 through the API, a clear message on the pages) and the record keeps the first.
A PATCH without If-Match writes as before.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.test_need_pages import GOOD_FORM, _need
from tests.test_profile_pages import my_actor, profile_form

Client = AsyncTestClient[Litestar]

#: Each library with PATCH: a record to read and a field to change.
LIBRARIES = {
    "actors": "description",
    "cases": "summary",
    "communities": "description",
    "policies": "summary",
    "products": "description",
    "talent": "bio",
    "demands": "description",
}

VERSION_FIELD = re.compile(r'name="_version" value="(\d+)"')


async def test_every_library_answers_an_etag_and_refuses_a_stale_if_match(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")
    for library, field in LIBRARIES.items():
        record_id = await seeded.fetchval(
            f"SELECT min(id) FROM {library} WHERE archived_at IS NULL"
        )
        url = f"/api/v1/{library}/{record_id}"
        read = await client.get(url, headers=coordinator)
        assert read.status_code == 200, (library, read.text)
        tag = read.headers["etag"]
        assert re.fullmatch(r'"\d+"', tag), (library, tag)

        fresh = await client.patch(
            url, json={field: "第一次修改"}, headers=coordinator | {"If-Match": tag}
        )
        assert fresh.status_code == 200, (library, fresh.text)
        assert fresh.json()[field] == "第一次修改"
        new_tag = fresh.headers["etag"]
        assert (
            new_tag != tag
            and (await client.get(url, headers=coordinator)).headers["etag"] == new_tag
        )

        stale = await client.patch(
            url, json={field: "过时的修改"}, headers=coordinator | {"If-Match": tag}
        )
        assert stale.status_code == 412, (library, stale.text)
        assert stale.json()["error"] == "precondition_failed"
        assert "changed by someone else" in stale.json()["message"]
        assert (await client.get(url, headers=coordinator)).json()[field] == "第一次修改"
        assert (
            await seeded.fetchval(f"SELECT {field} FROM {library} WHERE id = $1", record_id)
            == "第一次修改"
        )

        # without If-Match a PATCH writes as it always did; "*" matches any version
        blind = await client.patch(url, json={field: "不带版本"}, headers=coordinator)
        assert blind.status_code == 200 and blind.headers["etag"] != new_tag
        star = await client.patch(
            url, json={field: "任意版本"}, headers=coordinator | {"If-Match": "*"}
        )
        assert star.status_code == 200, (library, star.text)


async def test_two_editors_appending_to_a_list_keep_both_appends(
    client: Client, seeded: Any, login: Any
) -> None:
    staff, coordinator = await login("staff"), await login("coordinator")
    need = await seeded.fetchval(
        """SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id
           WHERE c.name = '渔箭社区' AND d.status = 'open' ORDER BY d.id LIMIT 1"""
    )
    url = f"/api/v1/demands/{need}"
    first, second = (await client.get(url, headers=staff)), (await client.get(url, headers=staff))
    assert first.headers["etag"] == second.headers["etag"]
    skills = first.json()["skills"]

    one = await client.patch(
        url, json={"skills": [*skills, "手工"]}, headers=staff | {"If-Match": first.headers["etag"]}
    )
    assert one.status_code == 200, one.text
    lost = await client.patch(
        url,
        json={"skills": [*skills, "书法"]},
        headers=coordinator | {"If-Match": second.headers["etag"]},
    )
    assert lost.status_code == 412 and (await client.get(url)).json()["skills"] == [*skills, "手工"]
    # the second editor reads again and appends to what is there now
    again = await client.get(url, headers=coordinator)
    kept = await client.patch(
        url,
        json={"skills": [*again.json()["skills"], "书法"]},
        headers=coordinator | {"If-Match": again.headers["etag"]},
    )
    assert kept.status_code == 200 and kept.json()["skills"] == [*skills, "手工", "书法"]

    # a refusal of another kind comes first: someone who may not edit hears 403, not 412
    partner = await login("partner")
    forbidden = await client.patch(
        url, json={"skills": []}, headers=partner | {"If-Match": first.headers["etag"]}
    )
    assert forbidden.status_code == 403


async def test_two_page_edits_from_one_version_the_second_is_told_and_saves_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    # a library entry (a policy), by a coordinator in two tabs
    token = await page_login("coordinator")
    policy = await seeded.fetchrow("SELECT * FROM policies ORDER BY id LIMIT 1")
    url = f"/libraries/policies/{policy['id']}/edit"
    tabs = [(await client.get(url)).text for _ in range(2)]
    versions = [VERSION_FIELD.search(tab) for tab in tabs]
    assert versions[0] and versions[1] and versions[0][1] == versions[1][1]
    form = {
        "title": policy["title"], "issuer": policy["issuer"], "level": policy["level"],
        "valid_from": str(policy["valid_from"]), "_csrf_token": token,
        "_version": versions[0][1],
    }  # fmt: skip
    saved = await client.post(url, data=form | {"summary": "第一个标签页"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    refused = await client.post(url, data=form | {"summary": "第二个标签页"})
    assert refused.status_code == 412
    assert 'data-testid="stale"' in refused.text and "别人已经修改了这一条" in refused.text
    assert f'href="{url}"' in refused.text  # a way to reload the current version
    assert "第二个标签页" in refused.text  # what was typed is still on the form
    assert (
        await seeded.fetchval("SELECT summary FROM policies WHERE id = $1", policy["id"])
        == "第一个标签页"
    )
    reloaded = VERSION_FIELD.search((await client.get(url)).text)
    assert reloaded and reloaded[1] != versions[0][1]

    # a need, by its community's staff in two tabs
    token = await page_login("staff")
    need = await _need(seeded, "暑期托管")
    url = f"/needs/{need['id']}/edit"
    tabs = [(await client.get(url)).text for _ in range(2)]
    version = VERSION_FIELD.search(tabs[0])
    assert version and version[1] == VERSION_FIELD.search(tabs[1])[1]  # type: ignore[index]
    sent = GOOD_FORM | {"_csrf_token": token, "_version": version[1]}
    saved = await client.post(url, data=sent | {"title": "第一个标签页"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    refused = await client.post(url, data=sent | {"title": "第二个标签页"})
    assert refused.status_code == 412
    assert 'data-testid="stale"' in refused.text and "别人已经修改了这个需求" in refused.text
    assert await seeded.fetchval("SELECT title FROM demands WHERE id = $1", need["id"]) == (
        "第一个标签页"
    )


async def test_a_partners_profile_and_product_edits_from_one_version(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("partner")
    actor = await my_actor(seeded)
    tabs = [(await client.get("/profile")).text for _ in range(2)]
    version = VERSION_FIELD.search(tabs[0])
    assert version and VERSION_FIELD.search(tabs[1])[1] == version[1]  # type: ignore[index]
    sent = profile_form(actor, token, _version=version[1])
    saved = await client.post("/profile", data=sent | {"capacity": "6"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    refused = await client.post("/profile", data=sent | {"capacity": "9"})
    assert refused.status_code == 412 and 'data-testid="stale"' in refused.text
    assert await seeded.fetchval("SELECT capacity FROM actors WHERE id = $1", actor["id"]) == 6

    product = await seeded.fetchrow(
        "SELECT * FROM products WHERE actor_id = $1 ORDER BY id LIMIT 1", actor["id"]
    )
    url = f"/products/{product['id']}/edit"
    version = VERSION_FIELD.search((await client.get(url)).text)
    assert version
    form = {
        "name": product["name"], "category": product["category"],
        "delivery_mode": product["delivery_mode"], "price": "0", "capacity_per_month": "0",
        "_csrf_token": token, "_version": version[1],
    }  # fmt: skip
    saved = await client.post(url, data=form | {"description": "一"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    refused = await client.post(url, data=form | {"description": "二"})
    assert refused.status_code == 412 and "别人已经修改了这里的内容" in refused.text
    assert (
        await seeded.fetchval("SELECT description FROM products WHERE id = $1", product["id"])
        == "一"
    )
