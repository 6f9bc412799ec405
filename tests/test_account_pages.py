"""The accounts page through HTTP: admins and coordinators list, filter, create, deactivate and
reset accounts; an admin sets a coordinator's area; refusals change nothing."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import csrf_of

Client = AsyncTestClient[Litestar]
PASSWORD = "long-enough-secret"


def _usernames(page: str) -> list[str]:
    return re.findall(r'data-testid="account" data-username="([^"]+)"', page)


async def test_a_coordinator_manages_their_areas_staff_on_the_page(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    token = await page_login("coordinator_chenghua")
    page = await client.get("/accounts")
    assert page.status_code == 200
    assert 'href="/accounts" aria-current="page"' in page.text  # linked from the header
    shown = _usernames(page.text)
    assert "staff_hemei" in shown and "staff" not in shown and "admin" not in shown
    # the role select offers only what a coordinator may create; communities only theirs
    assert '<option value="admin"' not in page.text.split('id="role"')[1].split("</select>")[0]
    assert "和美社区" in page.text and "渔箭社区" not in page.text
    assert "Accounts" in (await client.get("/accounts?lang=en")).text
    hemei = await seeded.fetchval("SELECT id FROM communities WHERE name = '和美社区'")
    made = await client.post(
        "/accounts",
        data={"_csrf_token": token, "username": "hemei.page", "display_name": "和美 新同事",
              "role": "community_staff", "community_id": str(hemei), "password": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303 and made.headers["location"] == "/accounts?done=created"
    created = await seeded.fetchrow("SELECT id, active FROM users WHERE username = 'hemei.page'")
    assert created is not None and created["active"]
    # filters: by name, by state
    found = await client.get("/accounts", params={"role": "", "active": "", "q": "hemei.p"})
    assert _usernames(found.text) == ["hemei.page"]
    # deactivate, then give a new password, then reactivate
    off = await client.post(
        f"/accounts/{created['id']}/active", data={"_csrf_token": token, "active": "0"},
        follow_redirects=False,
    )  # fmt: skip
    assert off.status_code == 303
    assert not await seeded.fetchval("SELECT active FROM users WHERE id = $1", created["id"])
    inactive = await client.get("/accounts", params={"active": "0"})
    assert _usernames(inactive.text) == ["hemei.page"]
    short = await client.post(
        f"/accounts/{created['id']}/password", data={"_csrf_token": token, "password": "short"}
    )
    assert short.status_code == 422 and 'data-testid="refused"' in short.text
    reset = await client.post(
        f"/accounts/{created['id']}/password",
        data={"_csrf_token": token, "password": "another-long-secret"}, follow_redirects=False,
    )  # fmt: skip
    assert reset.status_code == 303
    await client.post(
        f"/accounts/{created['id']}/active", data={"_csrf_token": token, "active": "1"}
    )
    await login("hemei.page", "another-long-secret")  # signs in with the new password
    # another area's staff, an admin: not theirs (404), unchanged
    staff = await seeded.fetchval("SELECT id FROM users WHERE username = 'staff'")
    foreign = await client.post(
        f"/accounts/{staff}/active", data={"_csrf_token": token, "active": "0"}
    )
    assert foreign.status_code == 404
    assert await seeded.fetchval("SELECT active FROM users WHERE id = $1", staff)
    yujian = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    count = await seeded.fetchval("SELECT count(*) FROM users")
    refused = await client.post(
        "/accounts",
        data={"_csrf_token": token, "username": "yujian.page", "display_name": "渔箭",
              "role": "community_staff", "community_id": str(yujian), "password": PASSWORD},
    )  # fmt: skip
    assert refused.status_code == 422 and "never admins or other coordinators" in refused.text
    assert 'value="yujian.page"' in refused.text  # what was typed is kept
    assert await seeded.fetchval("SELECT count(*) FROM users") == count
    # the areas form is an admin's
    coordinator = await seeded.fetchval("SELECT id FROM users WHERE username = 'coordinator'")
    areas = await client.post(
        f"/accounts/{coordinator}/areas", data={"_csrf_token": token, "areas": "成都市"}
    )
    assert areas.status_code == 403
    # a form without the CSRF token is refused
    forged = await client.post("/accounts", data={"username": "x.forged"})
    assert forged.status_code == 403


async def test_an_admin_sees_everyone_and_sets_a_coordinators_area(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    token = await page_login("admin")
    page = await client.get("/accounts")
    assert {"admin", "coordinator", "staff", "partner"} <= set(_usernames(page.text))
    assert 'data-testid="areas-form"' in page.text
    coordinators = await client.get("/accounts", params={"role": "coordinator"})
    assert set(_usernames(coordinators.text)) == {"coordinator", "coordinator_chenghua"}
    dayi = await seeded.fetchval("SELECT id FROM districts WHERE name = '大邑县'")
    coordinator = await seeded.fetchval("SELECT id FROM users WHERE username = 'coordinator'")
    saved = await client.post(
        f"/accounts/{coordinator}/areas",
        data={"_csrf_token": csrf_of(page.text), "areas": [str(dayi), "广安市"]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    account = (
        await client.get(f"/api/v1/users/{coordinator}", headers=await login("admin"))
    ).json()
    assert account["areas"] == ["大邑县", "广安市"]
    again = await client.get("/accounts", params={"role": "coordinator"})
    assert "大邑县、广安市" in again.text
    made = await client.post(
        "/accounts",
        data={"_csrf_token": token, "username": "coord.page", "display_name": "新协调员",
              "role": "coordinator", "areas": "成都市", "password": PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303
    me = (await client.get("/api/v1/auth/me", headers=await login("coord.page", PASSWORD))).json()
    in_chengdu = await seeded.fetchval("SELECT count(*) FROM districts WHERE city = '成都市'")
    assert len(me["districts"]) == in_chengdu
    # staff and partners have no accounts page
    await page_login("staff")
    assert (await client.get("/accounts")).status_code == 403
