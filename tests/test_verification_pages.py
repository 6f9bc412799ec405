"""The pages of trust: applying (/register), deciding (/registrations), verification
(/verification) with the badge on cards, need pages and proposals, and the audit log (/audit)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from typing import Any

from matchmaker import db
from matchmaker.services import housekeeping
from matchmaker.settings import Settings
from tests.conftest import csrf_of
from tests.test_inbox_pages import partnership, proposal

Client = Any
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GOOD_NUMBER = "91350100M000100Y43"


async def test_apply_decide_and_sign_in_on_the_pages(
    client: Client, seeded: Any, page_login: Any
) -> None:
    form = await client.get("/register?lang=en")
    assert form.status_code == 200 and "Apply for an account" in form.text
    token = csrf_of(form.text)
    qionglai = await seeded.fetchval("SELECT id FROM districts WHERE name = '邛崃市'")
    application = {
        "_csrf_token": token, "as": "new_org", "org_name": "邛崃新苗社工",
        "org_kind": "social_org", "district_id": str(qionglai), "display_name": "王芳",
        "username": "xinmiao", "password": "long-enough-secret",
        "password2": "long-enough-secret", "actor_id": "999",  # another path's field: ignored
    }  # fmt: skip
    refused = await client.post("/register", data=application | {"password2": "different-one"})
    assert refused.status_code == 422
    assert "The two passwords differ" in refused.text and "邛崃新苗社工" in refused.text
    assert "long-enough-secret" not in refused.text  # a password is never sent back
    refused = await client.post("/register", data=application | {"org_name": ""})
    assert refused.status_code == 422 and 'id="org_name-error"' in refused.text
    assert await seeded.fetchval("SELECT count(*) FROM registrations") == 0

    sent = await client.post("/register", data=application, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    status_url = sent.headers["location"]
    assert re.fullmatch(r"/register/status/[\w-]{20,}\?new=1", status_url)
    page = await client.get(status_url)
    assert "Waiting for review" in page.text and "Keep this page" in page.text
    assert 'name="referrer" content="no-referrer"' in page.text
    # staff of a listed organisation or community type its name (a province lists too many)
    chenghua = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    staff = {"_csrf_token": token, "as": "community", "display_name": "李梅",
             "username": "hemei.li", "password": "long-enough-secret",
             "password2": "long-enough-secret", "community_district_id": str(chenghua)}  # fmt: skip
    unknown = await client.post("/register", data=staff | {"community_name": "渔箭社区"})
    assert (
        unknown.status_code == 422 and "This district has no community of this name" in unknown.text
    )
    unknown = await client.post("/register", data=staff | {"as": "join_org", "actor_name": "无名"})
    assert unknown.status_code == 422 and "No organisation of this name is listed" in unknown.text
    sent = await client.post("/register", data=staff | {"community_name": "和美社区"})
    assert sent.status_code == 200 and "Waiting for review" in sent.text  # redirect followed
    hemei = await seeded.fetchrow(
        "SELECT kind, community_id FROM registrations WHERE username = 'hemei.li'"
    )
    assert tuple(hemei) == ("community_staff", await seeded.fetchval(
        "SELECT id FROM communities WHERE name = '和美社区'"))  # fmt: skip
    login = await client.post(
        "/login",
        data={"username": "xinmiao", "password": "long-enough-secret", "_csrf_token": token},
    )
    assert login.status_code == 401  # pending: no account yet

    # another area's coordinator sees nothing and may not decide
    csrf = await page_login("coordinator_chenghua")
    theirs = (await client.get("/registrations")).text
    assert "李梅" in theirs and "邛崃新苗社工" not in theirs  # only their area's
    denied = await client.post("/registrations/1/approve", data={"_csrf_token": csrf})
    assert denied.status_code == 403
    csrf = await page_login("coordinator")
    listed = await client.get("/registrations")
    assert "邛崃新苗社工" in listed.text and "王芳" in listed.text and "李梅" not in listed.text
    no_reason = await client.post("/registrations/1/refuse", data={"_csrf_token": csrf})
    assert no_reason.status_code == 422 and 'id="reason-1-error"' in no_reason.text
    approved = await client.post(
        "/registrations/1/approve", data={"_csrf_token": csrf}, follow_redirects=False
    )
    assert approved.status_code == 303
    assert "Approved" in (await client.get(status_url.split("?")[0])).text
    await page_login("xinmiao", "long-enough-secret")
    assert "王芳" in (await client.get("/verification")).text
    # people who may not decide are refused the pages
    await page_login("staff")
    assert (await client.get("/registrations")).status_code == 403
    assert (await client.get("/verification")).status_code == 403


async def sweep(dsn: str, now: dt.datetime) -> None:
    pool = await db.create_pool(dsn, min_size=1, max_size=2)
    try:
        await housekeeping.sweep(pool, uuid.uuid4(), Settings(), now=now)
    finally:
        await pool.close()


async def test_evidence_verified_on_the_pages_shows_the_badge_until_it_lapses(
    client: Client, seeded: Any, page_login: Any, database_dsn: str
) -> None:
    zhuli = await seeded.fetchval("SELECT id FROM actors WHERE name = '注力社工'")
    await seeded.execute("UPDATE actors SET verified = false WHERE id = $1", zhuli)
    made = await proposal(seeded, expires="400 days")  # still open past the term below
    await partnership(seeded)
    need = await seeded.fetchval("SELECT demand_id FROM proposals WHERE id = $1", made)

    csrf = await page_login("partner")
    page = await client.get("/verification")
    assert "未认证" in page.text
    for fields, files, message in (
        ({"registration_number": "91350100M000100Y44"}, PNG, "校验码不符"),
        ({"registration_number": "12345"}, PNG, "应为 18 位"),
        ({"registration_number": GOOD_NUMBER}, b"GIF89a fake", "只接受 PDF、JPG 或 PNG 文件"),
    ):
        refused = await client.post(
            "/verification/evidence",
            data={"_csrf_token": csrf, "grade": "4A", **fields},
            files={"file": ("证书.png", files, "image/png")},
        )
        assert refused.status_code == 422 and message in refused.text, refused.text
    assert await seeded.fetchval("SELECT count(*) FROM verification_requests") == 0
    sent = await client.post(
        "/verification/evidence",
        data={"_csrf_token": csrf, "registration_number": GOOD_NUMBER, "grade": "4A"},
        files={"file": ("证书.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text

    csrf = await page_login("coordinator")
    queue = await client.get("/verification")
    assert "注力社工" in queue.text and GOOD_NUMBER in queue.text
    got = await client.get("/verification/requests/1/file")
    assert got.content == PNG and got.headers["content-disposition"].startswith("attachment;")
    note = '=HYPERLINK("http://evil.example")核对原件'  # a formula, for the export below
    done = await client.post(
        "/verification/requests/1/verify",
        data={"_csrf_token": csrf, "note": note, "days": "365"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    until = await seeded.fetchval("SELECT verified_until FROM actors WHERE id = $1", zhuli)
    shown = (until + dt.timedelta(hours=8)).date().isoformat()

    # the badge with its term: on the need's card and page (its partner), and on the proposal
    where = await seeded.fetchrow(
        "SELECT c.district_id, d.category FROM demands d JOIN communities c "
        "ON c.id = d.community_id WHERE d.id = $1", need,
    )  # fmt: skip
    board = await client.get("/board", params=dict(where))
    card = board.text.split(f'id="need-{need}"')[1].split("</li>")[0]
    assert 'data-testid="verified-badge"' in card and shown in card
    detail = await client.get(f"/needs/{need}?lang=en")
    assert "Verified by the platform until " + shown in detail.text
    library = await client.get(f"/libraries/actors/{zhuli}")
    assert 'data-testid="verified-badge"' in library.text and shown in library.text
    await page_login("staff")
    inbox = await client.get("/inbox?lang=zh")
    row = inbox.text.split(f'id="proposal-{made}"')[1].split("</li>")[0]
    assert "已认证" in row and f"至 {shown}" in row

    # past its term: lapsed, no badge anywhere
    await sweep(database_dsn, until + dt.timedelta(seconds=1))
    inbox = await client.get("/inbox")
    row = inbox.text.split(f'id="proposal-{made}"')[1].split("</li>")[0]
    assert 'data-testid="verified-badge"' not in row
    assert 'data-testid="verified-badge"' not in (await client.get(f"/needs/{need}")).text

    # the audit log: admins only, filtered, paged, exported with formulas disarmed
    for who in ("staff", "coordinator", "partner"):
        await page_login(who)
        assert (await client.get("/audit")).status_code == 403
        assert (await client.get("/audit.csv")).status_code == 403
    await page_login("admin")
    verified = await client.get("/audit", params={"action": "verify", "user": "coordinator"})
    assert verified.status_code == 200
    assert verified.text.count('data-testid="audit-entry"') == 2  # the actor and the request
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    later = await client.get("/audit", params={"action": "verify", "from": tomorrow})
    assert 'data-testid="audit-entry"' not in later.text
    assert (await client.get("/audit", params={"from": "2026-13-01"})).status_code == 400
    lapsed = await client.get("/audit", params={"entity": "actor", "entity_id": str(zhuli)})
    assert "verification_lapsed" in lapsed.text
    export = await client.get("/audit.csv", params={"entity": "verification", "action": "verify"})
    assert export.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "at", "username"] and len(rows) == 2
    assert rows[1][7].startswith('{"note": "=HYPERLINK')  # inside JSON: not a formula
    await seeded.execute(
        "INSERT INTO audit_log (username, entity, action, after) "
        "SELECT '=cmd|calc', 'probe', 'probe', NULL FROM generate_series(1, 55)"
    )
    export = await client.get("/audit.csv", params={"action": "probe"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 56 and rows[1][2] == "'=cmd|calc"
    first = await client.get("/audit", params={"action": "probe"})
    assert first.text.count('data-testid="audit-entry"') == 50
    older = re.search(r'href="(/audit\?[^"]*cursor=[^"]+)"', first.text)
    assert older is not None
    second = await client.get(older[1].replace("&amp;", "&"))
    assert second.text.count('data-testid="audit-entry"') == 5
