"""Hostile input answers a clear 4xx, never a 500; every answer carries the security headers.

Through HTTP: OPTIONS on guarded routes, bodies nested too deep or not UTF-8, control characters
in a path, in a JSON field, in an imported sheet and in a need already stored (the export still
works), formula-looking cells, another community's draft (not found, whether read or edited),
cookies marked Secure behind TLS, and a ``/schema`` that loads nothing from elsewhere.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from matchmaker.app import create_app
from matchmaker.errors import Invalid
from matchmaker.settings import Settings
from tests.conftest import SECRET, csrf_of

Client = AsyncTestClient[Litestar]
DEMANDS = "/api/v1/demands"
EXPORT = "/api/v1/demands/export"


async def _draft_of(conn: Any, community: str) -> int:
    return int(
        await conn.fetchval(
            "SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id"
            " WHERE c.name = $1 AND d.status = 'draft' ORDER BY d.id LIMIT 1",
            community,
        )
    )


async def test_hostile_requests_get_a_clear_4xx_and_change_nothing(
    client: Client, seeded: Any, login: Any, page_login: Any
) -> None:
    staff, coordinator = await login("staff"), await login("coordinator")
    before = await seeded.fetchval("SELECT count(*) FROM demands")

    # OPTIONS on guarded routes, anonymous: the methods they take, not a 500
    for path in ("/api/v1/rounds", "/api/v1/users", "/api/v1/users/1", "/rounds", "/dashboard"):
        answer = await client.options(path)
        assert answer.status_code == 204, (path, answer.text)
        assert "OPTIONS" in answer.headers["allow"]

    # bodies the decoder cannot take
    json_type = {**staff, "content-type": "application/json"}
    deep = await client.post(DEMANDS, content=b"[" * 1000 + b"]" * 1000, headers=json_type)
    not_utf8 = await client.post(DEMANDS, content=b'{"title": "\xff\xfe"}', headers=json_type)
    for answer, says in ((deep, "nested too deeply"), (not_utf8, "not valid UTF-8")):
        assert answer.status_code == 400, answer.text
        assert says in answer.json()["message"] and answer.json()["field"] == "body"

    # control characters: refused in JSON, naming the field; tab and line breaks are text
    need = {"title": "老年食堂", "category": "elderly_care"}
    for body, field in (
        (need | {"title": "老年\x0b食堂"}, "title"),
        (need | {"skills": ["助浴", "陪\x00诊"]}, "skills[1]"),
    ):
        answer = await client.post(DEMANDS, json=body, headers=staff)
        assert answer.status_code == 400 and answer.json()["field"] == field, answer.text
    assert await seeded.fetchval("SELECT count(*) FROM demands") == before
    lines = await client.post(DEMANDS, json=need | {"description": "一\n二\t三"}, headers=staff)
    assert lines.status_code == 201 and lines.json()["description"] == "一\n二\t三"

    # …in a page's form: removed (a paste brings them in unseen)
    csrf = await page_login("staff")
    posted = await client.post(
        "/needs/new",
        data={"title": "周末\x0c托管", "category": "child_care", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    assert await seeded.fetchval("SELECT count(*) FROM demands WHERE title = '周末托管'") == 1

    # …in a path: 400 (a NUL once reached the file system), and the files are still served
    for path in ("/static/site.css%00", "/static/a%0Ab.css"):
        answer = await client.get(path)
        assert answer.status_code == 400 and answer.json()["field"] == "path", path
    assert (await client.get("/libraries/x%0D%0Ay")).status_code == 400  # a page: in HTML
    css = await client.get("/static/site.css")
    assert css.status_code == 200 and css.headers["x-content-type-options"] == "nosniff"

    # …in an imported sheet: cleaned away at the edge
    sheet = io.StringIO()
    csv.writer(sheet).writerows(
        [["社区", "需求标题", "类别"], ["渔箭社区", "助\x0b浴\x1f服务", "elderly_care"]]
    )
    imported = await client.post(
        f"{DEMANDS}/import",
        files={"file": ("需求.csv", sheet.getvalue().encode("utf-8"), "text/csv")},
        headers=coordinator,
    )
    assert imported.status_code == 201, imported.text
    stored = await seeded.fetchval(
        "SELECT title FROM demands WHERE id = $1", imported.json()["ids"][0]
    )
    assert stored == "助浴服务"

    # …in a need stored before they were refused: the export works for everyone, cleaned;
    # text Excel would run as a formula (also after a tab or a carriage return) stays text
    target = lines.json()["id"]
    await seeded.execute(
        "UPDATE demands SET title = E'旧\\x0b需求', description = E'\\t=HYPERLINK(\"x\")' WHERE id = $1",
        target,
    )
    await seeded.execute(
        "UPDATE demands SET description = E'\\r@SUM(1)' WHERE id = $1", imported.json()["ids"][0]
    )
    workbook = await client.get(EXPORT, params={"format": "xlsx"}, headers=coordinator)
    assert workbook.status_code == 200, workbook.text
    titles = [row[2] for row in load_workbook(io.BytesIO(workbook.content)).active.values]
    assert "旧需求" in titles
    text = (await client.get(EXPORT, params={"format": "csv"}, headers=coordinator)).text
    assert "'\t=HYPERLINK" in text and "'\r@SUM(1)" in text and "旧需求" in text

    # another community's draft: not found to an edit as to a read (no existence oracle)
    draft = await _draft_of(seeded, "渔箭社区")
    other = await login("staff_zhitai")
    read = await client.get(f"{DEMANDS}/{draft}", headers=other)
    edits = [
        await client.patch(f"{DEMANDS}/{draft}", json={"slots": 2}, headers=other),
        await client.post(f"{DEMANDS}/{draft}/status", json={"status": "open"}, headers=other),
        await client.delete(f"{DEMANDS}/{draft}", headers=other),
    ]
    assert read.status_code == 404
    assert [(e.status_code, e.json()) for e in edits] == [(404, read.json())] * 3
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", draft) == "draft"


async def test_every_answer_carries_security_headers_and_cookies_follow_tls(
    client: Client, seeded: Any, database_dsn: str
) -> None:
    page = await client.get("/login")
    policy = page.headers["content-security-policy"]
    for rule in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ):
        assert rule in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for answer in (page, await client.get("/api/v1/opportunities"), await client.get("/nowhere")):
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    api = await client.get("/api/v1/opportunities")
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "; secure" not in page.headers["set-cookie"].lower()  # plain http: not Secure

    # /schema is the JSON document itself: no documentation UI pulling scripts from a CDN
    schema = await client.get("/schema")
    assert schema.status_code == 200 and "<script" not in schema.text
    assert schema.json()["paths"] == (await client.get("/schema/openapi.json")).json()["paths"]

    tls = create_app(
        Settings(database_url=database_dsn, secret_key=SECRET, public_url="https://mm.example",
                 pool_min=1, pool_max=2, worker="none"),
        dsn=database_dsn,
    )  # fmt: skip
    async with AsyncTestClient(app=tls, base_url="https://mm.example") as secure:
        form = await secure.get("/login")
        signed = await secure.post(
            "/login",
            data={"username": "staff", "password": "matchmaker-demo",
                  "_csrf_token": csrf_of(form.text)},
            follow_redirects=False,
        )  # fmt: skip
        cookies = form.headers.get_list("set-cookie") + signed.headers.get_list("set-cookie")
        names = {c.split("=", 1)[0] for c in cookies}
        assert {"matchmaker_csrf", "matchmaker_session"} <= names
        assert all("secure" in c.lower().split("; ") for c in cookies), cookies


def test_settings_refuse_a_short_secret_key_and_read_the_cookie_flag() -> None:
    with pytest.raises(Invalid, match="at least 32 bytes long") as refused:
        Settings.from_env({"MATCHMAKER_SECRET_KEY": "x"})
    assert refused.value.field == "MATCHMAKER_SECRET_KEY"
    with pytest.raises(Invalid, match="at least 32 bytes"):
        Settings(secret_key="short").resolved_secret_key()
    assert Settings.from_env({"MATCHMAKER_SECRET_KEY": "k" * 32}).secret_key == "k" * 32
    assert Settings.from_env({"MATCHMAKER_PUBLIC_URL": "https://mm.example"}).cookies_secure()
    assert not Settings.from_env({}).cookies_secure()
    forced = {"MATCHMAKER_PUBLIC_URL": "https://mm.example", "MATCHMAKER_SECURE_COOKIES": "false"}
    assert not Settings.from_env(forced).cookies_secure()
    with pytest.raises(Invalid, match="MATCHMAKER_SECURE_COOKIES must be true or false"):
        Settings.from_env({"MATCHMAKER_SECURE_COOKIES": "maybe"})
    assert Settings.from_env({"MATCHMAKER_PASSWORD_CHECKS": "4"}).password_checks == 4
