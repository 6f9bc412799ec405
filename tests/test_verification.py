"""Trust as a workflow: apply for an account, a coordinator of the area decides; an organisation
submits evidence, a coordinator of its area verifies it for a term, and the term lapses."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

from matchmaker import db
from matchmaker.services import housekeeping
from matchmaker.settings import Settings
from tests.test_rounds import wait

Client = Any
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GOOD_NUMBER = "91350100M000100Y43"  # a valid 统一社会信用代码 (check character 3)


async def district(conn: Any, name: str) -> int:
    return int(await conn.fetchval("SELECT id FROM districts WHERE name = $1", name))


async def sign_in(client: Client, username: str, password: str) -> int:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    return int(response.status_code)


async def test_an_application_waits_for_a_coordinator_of_its_area(
    client: Client, seeded: Any, login: Any
) -> None:
    qionglai = await district(seeded, "邛崃市")
    application = {
        "kind": "organisation",
        "username": "xinmiao",
        "display_name": "王芳",
        "password": "long-enough-secret",
        "phone": "028-1234567",
        "org_name": "邛崃新苗社工",
        "org_kind": "social_org",
        "district_id": qionglai,
        "message": "我们服务留守儿童",
    }
    # bad input answers 4xx naming the field, and keeps nothing
    for wrong, field in (
        ({"org_kind": "guild"}, "org_kind"),
        ({"district_id": None}, "district_id"),
        ({"community_id": 1}, "community_id"),
        ({"username": "X"}, "username"),
        ({"password": "short"}, "password"),
        ({"org_name": "注力社工"}, "org_name"),  # already in the library: join it instead
    ):
        response = await client.post("/api/v1/registrations", json=application | wrong)
        assert response.status_code in (400, 409), (wrong, response.text)
        assert response.json()["field"] == field, response.text
    assert await seeded.fetchval("SELECT count(*) FROM registrations") == 0

    response = await client.post("/api/v1/registrations", json=application)
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["registration"]["status"] == "pending"
    assert receipt["status_url"] == f"/register/status/{receipt['status_token']}"
    registration_id = receipt["registration"]["id"]
    # the same username again is taken; the password is never kept in clear nor shown
    again = await client.post("/api/v1/registrations", json=application | {"org_name": "别的"})
    assert (again.status_code, again.json()["field"]) == (409, "username")
    assert "long-enough-secret" not in str(await seeded.fetch("SELECT * FROM registrations"))
    # pending: nobody can sign in with it
    assert await sign_in(client, "xinmiao", "long-enough-secret") == 401
    status = await client.get(f"/api/v1/registrations/status/{receipt['status_token']}")
    assert status.json()["status"] == "pending"
    assert (await client.get("/api/v1/registrations/status/not-a-real-token-x")).status_code == 404

    # a coordinator of another area neither sees it nor may decide it
    chenghua = await login("coordinator_chenghua")
    assert (await client.get("/api/v1/registrations", headers=chenghua)).json() == []
    url = f"/api/v1/registrations/{registration_id}"
    assert (await client.post(f"{url}/approve", headers=chenghua)).status_code == 403
    assert (await client.post(f"{url}/approve", headers=await login("partner"))).status_code == 403
    assert (await client.post(f"{url}/approve")).status_code == 401

    coordinator = await login("coordinator")
    # the area's coordinators are told it waits; another area's are not
    told = (await client.get("/api/v1/notifications", headers=coordinator)).json()["items"]
    assert [(n["kind"], n["link"]) for n in told] == [("registration_received", "/registrations")]
    assert (await client.get("/api/v1/notifications", headers=chenghua)).json()["items"] == []
    [waiting] = (await client.get("/api/v1/registrations", headers=coordinator)).json()
    assert (waiting["org_name"], waiting["phone"]) == ("邛崃新苗社工", "028-1234567")
    approved = await client.post(f"{url}/approve", headers=coordinator)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert (await client.post(f"{url}/approve", headers=coordinator)).status_code == 409
    # the applicant signs in, bound to the new organisation, which serves its base district
    me = await client.get("/api/v1/auth/me", headers=await login("xinmiao", "long-enough-secret"))
    actor = (await client.get(f"/api/v1/actors/{me.json()['actor_id']}")).json()
    assert (me.json()["role"], actor["name"], [d["id"] for d in actor["districts"]]) == (
        "partner",
        "邛崃新苗社工",
        [qionglai],
    )
    assert actor["verified"] is False

    # community staff apply for their community; a refusal's reason is read by the status link
    hemei = await seeded.fetchval("SELECT id FROM communities WHERE name = '和美社区'")
    staff = {
        "kind": "community_staff",
        "username": "hemei.li",
        "display_name": "李梅",
        "password": "long-enough-secret",
        "community_id": hemei,
    }
    answer = await client.post("/api/v1/registrations", json=staff)
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    url = f"/api/v1/registrations/{receipt['registration']['id']}"
    assert (
        await client.post(f"{url}/refuse", json={"reason": "x"}, headers=coordinator)
    ).status_code == 403
    refused = await client.post(
        f"{url}/refuse", json={"reason": "请用社区公章证明身份"}, headers=chenghua
    )
    assert refused.status_code == 200, refused.text
    status = (await client.get(f"/api/v1/registrations/status/{receipt['status_token']}")).json()
    assert (status["status"], status["reason"]) == ("refused", "请用社区公章证明身份")
    assert await sign_in(client, "hemei.li", "long-enough-secret") == 401
    # decisions are audited
    actions = [
        r["action"]
        for r in await seeded.fetch(
            "SELECT action FROM audit_log WHERE entity = 'registration' ORDER BY id"
        )
    ]
    assert actions == ["apply", "approve", "apply", "refuse"]


async def test_applications_are_limited_per_address(client: Client, seeded: Any) -> None:
    hemei = await seeded.fetchval("SELECT id FROM communities WHERE name = '和美社区'")
    answers = []
    for i in range(7):
        body = {
            "kind": "community_staff",
            "username": f"applicant{i}",
            "display_name": "某人",
            "password": "long-enough-secret",
            "community_id": hemei,
        }
        answers.append(await client.post("/api/v1/registrations", json=body))
    assert [a.status_code for a in answers] == [201] * 5 + [429, 429]
    assert int(answers[-1].headers["retry-after"]) > 0
    assert await seeded.fetchval("SELECT count(*) FROM registrations") == 5


async def evidence(client: Client, headers: Any, actor_id: int, **fields: Any) -> Any:
    body = {
        "registration_number": GOOD_NUMBER,
        "grade": "4A",
        "file_name": "证书.png",
        "file": base64.b64encode(PNG).decode(),
    } | fields
    return await client.post(
        f"/api/v1/verification/actors/{actor_id}/evidence", json=body, headers=headers
    )


async def dry_edges(client: Client, headers: Any, **body: Any) -> set[int]:
    """The partners a dry round over 邛崃市 considers at all (any score)."""
    body = {"scope": {"districts": ["邛崃市"]}, "dry_run": True, "min_score": 0.0} | body
    response = await client.post("/api/v1/rounds", json=body, headers=headers)
    assert response.status_code == 202, response.text
    round_ = await wait(client, headers, response.json()["id"])
    graph = await client.get(f"/api/v1/rounds/{round_['id']}/graph", headers=headers)
    return {e["actor_id"] for e in graph.json()["edges"]}


async def test_evidence_verified_by_the_area_for_a_term_that_lapses(
    client: Client, seeded: Any, login: Any, database_dsn: str
) -> None:
    zhuli = await seeded.fetchval("SELECT id FROM actors WHERE name = '注力社工'")
    await seeded.execute("UPDATE actors SET verified = false WHERE id = $1", zhuli)
    partner, other = await login("partner"), await login("partner_xihua")
    coordinator, chenghua = await login("coordinator"), await login("coordinator_chenghua")
    admin = await login("admin")

    # bad evidence is refused naming the field; nothing is kept
    for fields, field in (
        ({"registration_number": "91350100M000100Y4"}, "registration_number"),  # 17 characters
        ({"registration_number": "91350100M000100Y44"}, "registration_number"),  # check character
        ({"registration_number": "9135010OM000100Y43"}, "registration_number"),  # an O
        ({"file": base64.b64encode(b"<html>not a pdf</html>").decode()}, "file"),
        (
            {
                "file": base64.b64encode(b"MZ\x90\x00 an exe named .pdf").decode(),
                "file_name": "a.pdf",
            },
            "file",
        ),
        ({"file": "not base64!"}, "file"),
        ({"grade": "6A"}, "grade"),
    ):
        response = await evidence(client, partner, zhuli, **fields)
        assert response.status_code == 400, (fields, response.text)
        assert response.json()["field"] == field, response.text
    assert (await evidence(client, other, zhuli)).status_code == 404  # another organisation's
    assert await seeded.fetchval("SELECT count(*) FROM verification_requests") == 0

    submitted = await evidence(client, partner, zhuli, registration_number=GOOD_NUMBER.lower())
    assert submitted.status_code == 201, submitted.text
    request = submitted.json()
    assert (request["registration_number"], request["file_type"], request["status"]) == (
        GOOD_NUMBER,
        "image/png",
        "pending",
    )
    assert (await evidence(client, partner, zhuli)).status_code == 409  # one waits already
    told = (await client.get("/api/v1/notifications", headers=coordinator)).json()["items"]
    assert told[0]["kind"] == "evidence_submitted"
    # the file: a download for the organisation and its area's coordinators, nobody else
    file_url = f"/api/v1/verification/requests/{request['id']}/file"
    for headers in (partner, coordinator, admin):
        got = await client.get(file_url, headers=headers)
        assert got.status_code == 200 and got.content == PNG
        assert got.headers["content-disposition"].startswith("attachment;")
        assert got.headers["content-type"] == "image/png"
    for headers in (other, chenghua):
        assert (await client.get(file_url, headers=headers)).status_code == 404
    assert (await client.get(file_url)).status_code == 401

    # only a coordinator of its area verifies it
    verify_url = f"/api/v1/verification/requests/{request['id']}/verify"
    note = {"note": "核对了登记证书与等级证书原件", "days": 365}
    assert (await client.post(verify_url, json=note, headers=chenghua)).status_code == 403
    assert [
        r["id"]
        for r in (await client.get("/api/v1/verification/requests", headers=coordinator)).json()
    ] == [request["id"]]
    assert (await client.get("/api/v1/verification/requests", headers=chenghua)).json() == []
    done = await client.post(verify_url, json=note, headers=coordinator)
    assert done.status_code == 200, done.text
    standing = done.json()
    until = dt.datetime.fromisoformat(standing["verified_until"])
    assert standing["verified"] and standing["verified_by_name"]
    assert 364 <= (until - dt.datetime.fromisoformat(standing["verified_at"])).days <= 365
    assert standing["requests"][0]["note"] == note["note"]
    assert (await client.post(verify_url, json=note, headers=coordinator)).status_code == 409
    told = (await client.get("/api/v1/notifications", headers=partner)).json()["items"]
    assert told[0]["kind"] == "actor_verified_until"
    assert told[0]["text"].endswith(f"有效期至 {(until + dt.timedelta(hours=8)).date()}")
    audited = await seeded.fetch(
        "SELECT action, username, after FROM audit_log WHERE entity = 'actor' AND entity_id = $1 "
        "ORDER BY id",
        zhuli,
    )
    assert audited[-1]["action"] == "verify" and audited[-1]["username"] == "coordinator"
    assert zhuli in await dry_edges(client, admin)

    # on the test clock past its term, housekeeping lapses it: rounds no longer propose it
    pool = await db.create_pool(database_dsn, min_size=1, max_size=2)
    try:
        sweep = housekeeping.sweep
        await sweep(pool, uuid.uuid4(), Settings(), now=until - dt.timedelta(minutes=1))
        assert await seeded.fetchval("SELECT verified FROM actors WHERE id = $1", zhuli)
        await sweep(pool, uuid.uuid4(), Settings(), now=until + dt.timedelta(minutes=1))
    finally:
        await pool.close()
    assert not await seeded.fetchval("SELECT verified FROM actors WHERE id = $1", zhuli)
    assert zhuli not in await dry_edges(client, admin)
    assert zhuli in await dry_edges(client, admin, include_unverified=True)
    told = (await client.get("/api/v1/notifications", headers=partner)).json()["items"]
    assert told[0]["kind"] == "verification_lapsed"
    lapsed = await seeded.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'verification_lapsed' AND entity_id = $1",
        zhuli,
    )
    assert lapsed == 1

    # refused evidence: the reason reaches the organisation; its standing is unchanged
    again = (await evidence(client, partner, zhuli, grade=None)).json()
    refuse_url = f"/api/v1/verification/requests/{again['id']}/refuse"
    refused = await client.post(refuse_url, json={"reason": "证书照片模糊"}, headers=coordinator)
    assert refused.status_code == 200 and refused.json()["verified"] is False
    standing = (await client.get(f"/api/v1/verification/actors/{zhuli}", headers=partner)).json()
    assert standing["requests"][0]["status"] == "refused"
    assert standing["requests"][0]["note"] == "证书照片模糊"
    assert (
        await client.get(f"/api/v1/verification/actors/{zhuli}", headers=other)
    ).status_code == 404
