"""User administration through HTTP and ``matchmaker user`` on the command line."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.cli import main

Client = AsyncTestClient[Litestar]

PASSWORD = "a-long-enough-secret"


async def _community_id(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM communities WHERE name = $1", name))


async def _actor_id(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM actors WHERE name = $1", name))


async def _user_id(conn: Any, username: str) -> int:
    return int(await conn.fetchval("SELECT id FROM users WHERE username = $1", username))


async def _user_changes(conn: Any) -> int:
    """Audit entries of user changes (sign-ins are not changes)."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM audit_log WHERE entity = 'user' AND action <> 'login'"
        )
    )


async def _users_table(conn: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.fetch("SELECT * FROM users ORDER BY id")]


async def _can_log_in(client: Client, username: str, password: str) -> bool:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


def _staff_body(community: int, **extra: Any) -> dict[str, Any]:
    return {
        "username": "li.na",
        "display_name": "李娜",
        "role": "community_staff",
        "community_id": community,
        "password": PASSWORD,
    } | extra


# --- the API -----------------------------------------------------------------------------------


async def test_admin_lists_users_without_password_hashes(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    response = await client.get("/api/v1/users", headers=admin)
    assert response.status_code == 200
    users = response.json()["items"]
    assert len(users) == 10 and [u["id"] for u in users] == sorted(u["id"] for u in users)
    assert "password" not in response.text and "$argon2" not in response.text
    staff = next(u for u in users if u["username"] == "staff")
    assert (staff["community_name"], staff["actor_name"], staff["active"]) == (
        "渔箭社区",
        None,
        True,
    )

    partners = await client.get("/api/v1/users", params={"role": "partner"}, headers=admin)
    assert {u["username"] for u in partners.json()["items"]} == {
        "partner",
        "partner_chunquan",
        "partner_xihua",
    }
    assert {u["actor_name"] for u in partners.json()["items"]} == {
        "注力社工",
        "春泉酒业",
        "西华大学",
    }

    first = await client.get("/api/v1/users", params={"limit": 4}, headers=admin)
    rest = await client.get(
        "/api/v1/users",
        params={"limit": 50, "cursor": first.json()["next_cursor"]},
        headers=admin,
    )
    paged = [u["id"] for u in first.json()["items"] + rest.json()["items"]]
    assert paged == [u["id"] for u in users]

    one = await client.get(f"/api/v1/users/{staff['id']}", headers=admin)
    assert one.json() == staff
    assert (await client.get("/api/v1/users/99999", headers=admin)).status_code == 404


@pytest.mark.parametrize("who", [None, "partner", "staff"])
async def test_only_admins_and_coordinators_manage_users_and_refusals_change_nothing(
    client: Client, seeded: Any, login: Any, who: str | None
) -> None:
    headers = await login(who) if who else {}
    expected = 401 if who is None else 403
    staff_id = await _user_id(seeded, "staff")
    before = await _users_table(seeded)
    body = _staff_body(await _community_id(seeded, "渔箭社区"))

    assert (await client.get("/api/v1/users", headers=headers)).status_code == expected
    assert (await client.get(f"/api/v1/users/{staff_id}", headers=headers)).status_code == expected
    assert (await client.post("/api/v1/users", json=body, headers=headers)).status_code == expected
    response = await client.patch(
        f"/api/v1/users/{staff_id}",
        json={"active": False, "role": "admin", "password": PASSWORD},
        headers=headers,
    )
    assert response.status_code == expected
    assert response.json()["status"] == expected and "items" not in response.json()

    after = await _users_table(seeded)
    assert [{k: v for k, v in u.items() if k != "last_login_at"} for u in after] == [
        {k: v for k, v in u.items() if k != "last_login_at"} for u in before
    ]
    assert await _user_changes(seeded) == 0
    assert await _can_log_in(client, "staff", "matchmaker-demo")


async def test_admin_creates_a_user_who_can_sign_in_and_the_audit_holds_no_secret(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    community = await _community_id(seeded, "直台村")
    response = await client.post("/api/v1/users", json=_staff_body(community), headers=admin)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["role"] == "community_staff" and created["community_name"] == "直台村"
    assert "password" not in response.text
    assert await _can_log_in(client, "li.na", PASSWORD)

    stored = await seeded.fetchval("SELECT password_hash FROM users WHERE username = 'li.na'")
    assert stored.startswith("$argon2") and PASSWORD not in stored
    entry = await seeded.fetchrow(
        "SELECT username, action, before, after FROM audit_log "
        "WHERE entity = 'user' AND entity_id = $1 AND action = 'create'",
        created["id"],
    )
    assert (entry["username"], entry["before"]) == ("admin", None)
    assert entry["after"]["username"] == "li.na"
    text = json.dumps(entry["after"], ensure_ascii=False)
    assert PASSWORD not in text and "$argon2" not in text and "password" not in text

    partner = await client.post(
        "/api/v1/users",
        json={
            "username": "partner2",
            "display_name": "春泉酒业 新同事",
            "role": "partner",
            "actor_id": await _actor_id(seeded, "春泉酒业"),
            "password": PASSWORD,
        },
        headers=admin,
    )
    assert partner.status_code == 201 and partner.json()["actor_name"] == "春泉酒业"
    coordinator = await client.post(
        "/api/v1/users",
        json={
            "username": "coord2",
            "display_name": "协调员",
            "role": "coordinator",
            "password": PASSWORD,
        },
        headers=admin,
    )
    assert coordinator.status_code == 201
    assert (coordinator.json()["community_id"], coordinator.json()["actor_id"]) == (None, None)


async def test_creation_is_validated_naming_the_field_and_nothing_is_written(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    community = await _community_id(seeded, "渔箭社区")
    actor = await _actor_id(seeded, "注力社工")
    before = await _users_table(seeded)
    cases: list[tuple[dict[str, Any], int, str]] = [
        (_staff_body(community, community_id=None), 400, "community_id"),
        (_staff_body(community, community_id=999_999), 400, "community_id"),
        (_staff_body(community, community_id=2**63), 400, "community_id"),
        (_staff_body(community, actor_id=actor), 400, "actor_id"),
        (_staff_body(community, role="partner", community_id=None), 400, "actor_id"),
        (_staff_body(community, role="partner", actor_id=actor), 400, "community_id"),
        (
            _staff_body(community, role="partner", community_id=None, actor_id=999_999),
            400,
            "actor_id",
        ),
        (_staff_body(community, role="coordinator"), 400, "community_id"),
        (_staff_body(community, role="admin", community_id=None, actor_id=actor), 400, "actor_id"),
        (_staff_body(community, role="mayor"), 400, "role"),
        (_staff_body(community, password="short"), 400, "password"),
        (_staff_body(community, username="Li Na"), 400, "username"),
        (_staff_body(community, display_name=""), 400, "display_name"),
        (_staff_body(community, password_hash="x"), 400, "password_hash"),
        (_staff_body(community, username="staff"), 409, "username"),
    ]
    for body, status, field in cases:
        response = await client.post("/api/v1/users", json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
        assert field in response.json()["message"], response.json()
    assert await _users_table(seeded) == before
    assert await _user_changes(seeded) == 0


async def test_a_deactivated_username_stays_taken(client: Client, seeded: Any, login: Any) -> None:
    admin = await login("admin")
    staff_id = await _user_id(seeded, "staff")
    patched = await client.patch(f"/api/v1/users/{staff_id}", json={"active": False}, headers=admin)
    assert patched.status_code == 200
    body = _staff_body(await _community_id(seeded, "渔箭社区"), username="staff")
    response = await client.post("/api/v1/users", json=body, headers=admin)
    assert response.status_code == 409 and response.json()["field"] == "username"
    assert await seeded.fetchval("SELECT count(*) FROM users WHERE username = 'staff'") == 1


async def test_deactivation_stops_a_token_at_once_and_reactivation_lets_them_back(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    assert (await client.get("/api/v1/auth/me", headers=staff)).status_code == 200
    admin = await login("admin")
    staff_id = await _user_id(seeded, "staff")

    response = await client.patch(
        f"/api/v1/users/{staff_id}", json={"active": False}, headers=admin
    )
    assert response.status_code == 200 and response.json()["active"] is False
    assert (await client.get("/api/v1/auth/me", headers=staff)).status_code == 401
    posted = await client.post(
        "/api/v1/demands", json={"title": "x", "category": "education"}, headers=staff
    )
    assert posted.status_code == 401
    assert await seeded.fetchval("SELECT count(*) FROM demands WHERE title = 'x'") == 0
    assert not await _can_log_in(client, "staff", "matchmaker-demo")
    inactive = await client.get("/api/v1/users", params={"active": "false"}, headers=admin)
    assert [u["username"] for u in inactive.json()["items"]] == ["staff"]

    entry = await seeded.fetchrow(
        "SELECT before, after FROM audit_log WHERE entity = 'user' AND action = 'update'"
    )
    assert entry["before"]["active"] is True and entry["after"]["active"] is False

    back = await client.patch(f"/api/v1/users/{staff_id}", json={"active": True}, headers=admin)
    assert back.status_code == 200
    assert await _can_log_in(client, "staff", "matchmaker-demo")


async def test_an_admin_cannot_deactivate_or_demote_themself(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    admin_id = await _user_id(seeded, "admin")
    before = await _users_table(seeded)
    for body, field in (({"active": False}, "active"), ({"role": "coordinator"}, "role")):
        response = await client.patch(f"/api/v1/users/{admin_id}", json=body, headers=admin)
        assert response.status_code == 409, response.text
        assert response.json()["field"] == field
    assert await _users_table(seeded) == before
    assert await _user_changes(seeded) == 0
    assert (await client.get("/api/v1/users", headers=admin)).status_code == 200
    renamed = await client.patch(
        f"/api/v1/users/{admin_id}", json={"display_name": "运维", "active": True}, headers=admin
    )
    assert renamed.status_code == 200 and renamed.json()["display_name"] == "运维"


async def test_patch_changes_role_with_its_binding_and_refuses_a_wrong_one(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    staff_id = await _user_id(seeded, "staff")
    url = f"/api/v1/users/{staff_id}"
    before = await _users_table(seeded)
    refused: list[tuple[dict[str, Any], int, str]] = [
        ({"role": "partner"}, 400, "actor_id"),
        ({"actor_id": await _actor_id(seeded, "注力社工")}, 400, "actor_id"),
        ({"community_id": None}, 400, "community_id"),
        ({"community_id": 999_999}, 400, "community_id"),
        (
            {"role": "coordinator", "community_id": await _community_id(seeded, "直台村")},
            400,
            "community_id",
        ),
        ({"display_name": ""}, 400, "display_name"),
        ({"password": "short"}, 400, "password"),
        ({"username": "renamed"}, 400, "username"),
    ]
    for body, status, field in refused:
        response = await client.patch(url, json=body, headers=admin)
        assert response.status_code == status, (body, response.text)
        assert response.json()["field"] == field, (body, response.json())
    assert await _users_table(seeded) == before
    assert await _user_changes(seeded) == 0
    assert (await client.patch("/api/v1/users/99999", json={}, headers=admin)).status_code == 404

    moved = await client.patch(
        url, json={"community_id": await _community_id(seeded, "直台村")}, headers=admin
    )
    assert moved.status_code == 200 and moved.json()["community_name"] == "直台村"
    partner = await client.patch(
        url,
        json={"role": "partner", "actor_id": await _actor_id(seeded, "西华大学")},
        headers=admin,
    )
    assert partner.status_code == 200, partner.text
    assert (partner.json()["community_id"], partner.json()["actor_name"]) == (None, "西华大学")
    coordinator = await client.patch(url, json={"role": "coordinator"}, headers=admin)
    assert coordinator.status_code == 200
    assert (coordinator.json()["community_id"], coordinator.json()["actor_id"]) == (None, None)
    me = await client.get("/api/v1/auth/me", headers=await login("staff"))
    assert me.json()["role"] == "coordinator"


async def test_a_new_password_replaces_the_old_and_is_never_audited(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    staff_id = await _user_id(seeded, "staff")
    old_hash = await seeded.fetchval("SELECT password_hash FROM users WHERE id = $1", staff_id)
    response = await client.patch(
        f"/api/v1/users/{staff_id}", json={"password": PASSWORD}, headers=admin
    )
    assert response.status_code == 200 and "password" not in response.text
    assert not await _can_log_in(client, "staff", "matchmaker-demo")
    assert await _can_log_in(client, "staff", PASSWORD)
    entry = await seeded.fetchrow(
        "SELECT before, after FROM audit_log WHERE entity = 'user' AND action = 'update'"
    )
    assert entry["after"]["password_changed"] is True
    text = json.dumps([entry["before"], entry["after"]], ensure_ascii=False)
    assert PASSWORD not in text and "$argon2" not in text and old_hash not in text
    assert "password_hash" not in text


# --- the command line --------------------------------------------------------------------------


def _invoke(database_dsn: str, args: list[str], stdin: str = "") -> Any:
    """``matchmaker <args>`` in-process (CliRunner answers the hidden prompts from ``stdin``)."""
    runner = CliRunner()
    return runner.invoke(main, args, input=stdin, env={"DATABASE_URL": database_dsn})


async def _command(database_dsn: str, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``python -m matchmaker <args>`` as a real process on the test database."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["DATABASE_URL"] = database_dsn
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "matchmaker",
        *args,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _one_error_line(stderr: str, *needles: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if "error" in line]
    assert len(lines) == 1, stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


async def test_cli_adds_a_user_after_asking_the_password_twice_who_can_then_sign_in(
    client: Client, seeded: Any, database_dsn: str
) -> None:
    result = await asyncio.to_thread(
        _invoke,
        database_dsn,
        ["user", "add", "wang.fang", "--role", "community_staff", "--community", "和美社区",
         "--display-name", "王芳"],
        f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("created user wang.fang") and "和美社区" in last
    row = await seeded.fetchrow(
        "SELECT display_name, role, community_id FROM users WHERE username = 'wang.fang'"
    )
    assert (row["display_name"], row["role"]) == ("王芳", "community_staff")
    assert row["community_id"] == await _community_id(seeded, "和美社区")
    assert await _can_log_in(client, "wang.fang", PASSWORD)
    entry = await seeded.fetchrow(
        "SELECT user_id, after FROM audit_log WHERE entity = 'user' AND action = 'create'"
    )
    assert entry["user_id"] is None and entry["after"]["username"] == "wang.fang"
    assert PASSWORD not in json.dumps(entry["after"])


async def test_cli_reads_the_password_from_stdin_and_resolves_an_actor_by_id(
    client: Client, seeded: Any, database_dsn: str
) -> None:
    actor = await _actor_id(seeded, "西华大学")
    code, out, err = await _command(
        database_dsn, "user", "add", "xihua2", "--role", "partner", "--actor", str(actor),
        "--password-stdin", stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == (
        f"created user xihua2 (id {await _user_id(seeded, 'xihua2')}, partner, 西华大学)"
    )
    assert await _can_log_in(client, "xihua2", PASSWORD)

    code, out, err = await _command(database_dsn, "user", "list", "--role", "partner")
    assert code == 0, err
    names = [line.split("\t")[1] for line in out.strip().splitlines()]
    assert names == ["partner", "partner_chunquan", "partner_xihua", "xihua2"]


async def test_cli_refuses_bad_input_in_one_line_and_creates_nothing(
    client: Client, seeded: Any, database_dsn: str
) -> None:
    before = await _users_table(seeded)
    attempts: list[tuple[list[str], str, tuple[str, ...]]] = [
        (
            ["--role", "community_staff", "--community", "没有这个社区"],
            PASSWORD,
            ("community", "没有这个社区"),
        ),
        (["--role", "partner", "--actor", "99999"], PASSWORD, ("actor", "99999")),
        (["--role", "community_staff"], PASSWORD, ("community_id", "required")),
        (["--role", "coordinator", "--community", "渔箭社区"], PASSWORD, ("community_id",)),
        (["--role", "coordinator"], "short", ("password",)),
    ]
    for options, password, needles in attempts:
        code, _, err = await _command(
            database_dsn,
            "user",
            "add",
            "newbie",
            *options,
            "--password-stdin",
            stdin=f"{password}\n",
        )
        assert code == 2, (options, err)
        _one_error_line(err, *needles)
    code, _, err = await _command(
        database_dsn,
        "user",
        "add",
        "staff",
        "--role",
        "admin",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )
    assert code == 2
    _one_error_line(err, "username", "already taken")
    code, _, err = await _command(database_dsn, "user", "add", "x1", "--role", "mayor", stdin="")
    assert code == 2 and "mayor" in err and "Traceback" not in err
    assert await _users_table(seeded) == before
    assert await _user_changes(seeded) == 0
