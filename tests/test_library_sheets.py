"""Every library (communities, actors, talent, policies, cases, products) to and from spreadsheets,
through HTTP, on the real database: round trips into an emptied library, bad rows named with
nothing imported, a coordinator's area, contacts kept from who may not see them, the template."""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from matchmaker.sheets.columns import SHEETS
from matchmaker.sheets.workbook import read_sheet

Client = AsyncTestClient[Litestar]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The library tables a round trip empties (districts and towns stay: they are the map).
LIBRARY_TABLES = (
    "products", "case_actors", "cases", "talent_districts", "talent", "policies",
    "actor_districts", "actors", "communities",
)  # fmt: skip


async def _export(client: Client, library: str, fmt: str, headers: dict[str, str]) -> bytes:
    response = await client.get(
        f"/api/v1/{library}/export", params={"format": fmt}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.content


def _rows(content: bytes, fmt: str) -> list[list[Any]]:
    sheet = read_sheet(content, f"x.{fmt}")
    width = len(sheet.header)
    return [cells + [None] * (width - len(cells)) for _, cells in sheet.rows]


async def _import(
    client: Client, library: str, name: str, content: bytes, headers: dict[str, str]
) -> Any:
    return await client.post(
        f"/api/v1/{library}/import",
        files={"file": (name, content, "application/octet-stream")},
        headers=headers,
    )


async def _empty_libraries(conn: Any) -> None:
    """The libraries emptied; users (and their sessions) stay, bound to rows no longer there."""
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        for table in LIBRARY_TABLES:
            await conn.execute(f"DELETE FROM {table}")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_every_library_round_trips_into_an_empty_database(
    client: Client, seeded: Any, login: Any, fmt: str
) -> None:
    admin = await login("admin")
    before = {name: await _export(client, name, fmt, admin) for name in SHEETS}
    for name in SHEETS:
        assert _rows(before[name], fmt), f"{name}: the demo data should fill it"
    await _empty_libraries(seeded)
    for name in SHEETS:  # in order: a case names a community, a product an organisation
        response = await _import(client, name, f"{name}.{fmt}", before[name], admin)
        assert response.status_code == 201, (name, response.text)
        assert response.json()["count"] == len(_rows(before[name], fmt))
    for name in SHEETS:
        after = await _export(client, name, fmt, admin)
        assert _rows(after, fmt) == _rows(before[name], fmt), name


async def test_bad_rows_are_each_named_and_nothing_is_imported(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    actors = await seeded.fetchval("SELECT count(*) FROM actors")
    audited = await seeded.fetchval("SELECT count(*) FROM audit_log")
    content = (
        "机构名称,类型,服务区县,纬度,经度,评估等级,已认证\n"
        "好邻居服务社,社会组织,邛崃市,30.4,103.5,4A级,是\n"  # good, but the file is refused
        "坏类型,火箭公司,邛崃市,30.4,103.5,,\n"
        ",企业,火星区,north,103.5,,也许\n"
        "企业不评级,企业,邛崃市,30.4,103.5,5A级,否\n"
        "=HYPERLINK(1),企业,邛崃市,99,103.5,,\n"
    ).encode()
    response = await _import(client, "actors", "主体.csv", content, admin)
    assert response.status_code == 400, response.text
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {
        (3, "类型"),
        (4, "机构名称"),
        (4, "服务区县"),
        (4, "纬度"),
        (4, "已认证"),
        (6, "纬度"),
    }, response.json()["errors"]
    assert await seeded.fetchval("SELECT count(*) FROM actors") == actors
    # the cells pass; the service refuses row 5 (a grade for an enterprise): still nothing
    content = "机构名称,类型,服务区县,纬度,经度,评估等级\n甲,社会组织,邛崃市,30.4,103.5,4A级\n乙,企业,邛崃市,30.4,103.5,5A级\n".encode()
    response = await _import(client, "actors", "主体.csv", content, admin)
    assert response.status_code == 400, response.text
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "评估等级")]
    assert await seeded.fetchval("SELECT count(*) FROM actors") == actors
    assert await seeded.fetchval("SELECT count(*) FROM audit_log") == audited
    # a header nobody knows, and a required column missing: row 1
    response = await _import(client, "policies", "p.csv", "标题X,发文单位\nA,B\n".encode(), admin)
    assert {(e["row"], e["column"]) for e in response.json()["errors"]} == {
        (1, "标题X"), (1, "政策标题"), (1, "层级"), (1, "生效日期"),
    }  # fmt: skip


async def test_a_coordinator_imports_only_into_their_area_and_exports_only_it(
    client: Client, seeded: Any, login: Any
) -> None:
    coordinator = await login("coordinator")  # 邛崃市
    content = (
        "社区名称,区县,镇街,类型,人口,纬度,经度\n"
        "新社区,邛崃市,文君街道,城市社区,1000,30.4,103.5\n"
        "外区社区,大邑县,安仁镇,城市社区,1000,30.5,103.5\n"
    ).encode()
    communities = await seeded.fetchval("SELECT count(*) FROM communities")
    response = await _import(client, "communities", "c.csv", content, coordinator)
    assert response.status_code == 400, response.text
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "区县")]
    assert await seeded.fetchval("SELECT count(*) FROM communities") == communities

    rows = _rows(await _export(client, "communities", "csv", coordinator), "csv")
    in_area = await seeded.fetchval(
        "SELECT count(*) FROM communities c JOIN districts d ON d.id = c.district_id "
        "WHERE d.name = '邛崃市' AND c.archived_at IS NULL"
    )
    assert len(rows) == in_area < communities
    assert {row[1] for row in rows} == {"邛崃市"}

    staff = await login("staff")
    response = await _import(client, "communities", "c.csv", content, staff)
    assert response.status_code == 403


async def test_contacts_only_for_whom_a_list_shows_them(
    client: Client, seeded: Any, login: Any
) -> None:
    contact = [c.header for c in SHEETS["actors"].columns].index("联系电话")
    admin_rows = _rows(await _export(client, "actors", "csv", await login("admin")), "csv")
    assert any(row[contact] for row in admin_rows)
    for headers in ({}, await login("staff"), await login("partner")):
        rows = _rows(await _export(client, "actors", "csv", headers), "csv")
        assert len(rows) == len(admin_rows)
        assert not any(row[contact] for row in rows)
    response = await client.get("/api/v1/talent/export")
    assert response.status_code == 401  # people: signed-in users only


async def test_templates_carry_drop_downs_and_an_example_row(
    client: Client, seeded: Any, login: Any
) -> None:
    for name, kind in SHEETS.items():
        response = await client.get(f"/api/v1/{name}/template")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        sheet = book[kind.title]
        assert [c.value for c in sheet[1]] == [c.header for c in kind.columns]
        assert any(c.value is not None for c in sheet[2]), name  # the example row
        vocabularies = [c for c in kind.columns if c.kind in ("enum", "enums", "bool")]
        assert len(sheet.data_validations.dataValidation) == len(vocabularies), name
    response = await client.get("/needs/import/template", headers=await login("staff"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book["需求库"].data_validations.dataValidation
    assert book["需求库"]["C2"].value == "四点半课堂志愿老师"


async def test_a_formula_in_a_cell_stays_text_in_a_csv_export(
    client: Client, seeded: Any, login: Any
) -> None:
    admin = await login("admin")
    await seeded.execute(
        "UPDATE policies SET title = '=1+1' WHERE id = (SELECT min(id) FROM policies)"
    )
    content = await _export(client, "policies", "csv", admin)
    assert "'=1+1" in content.decode("utf-8-sig")
    assert "=1+1" in [row[0] for row in _rows(content, "csv")]


async def test_the_pages_export_and_import(client: Client, seeded: Any, page_login: Any) -> None:
    token = await page_login("coordinator")
    page = (await client.get("/libraries/policies")).text
    assert 'href="/libraries/policies/export?format=xlsx"' in page
    assert 'href="/libraries/policies/import"' in page
    exported = await client.get("/libraries/policies/export", params={"format": "xlsx"})
    assert exported.headers["content-type"].startswith(XLSX)
    assert len(_rows(exported.content, "xlsx")) == await seeded.fetchval(
        "SELECT count(*) FROM policies WHERE archived_at IS NULL"
    )
    form = await client.get("/libraries/cases/import")
    assert form.status_code == 200 and "案例标题" in form.text
    bad = "案例标题,社区,类别\n新案例,不存在社区,养老服务\n".encode()
    response = await client.post(
        "/libraries/cases/import",
        data={"_csrf_token": token},
        files={"file": ("案例.csv", bad, "text/csv")},
    )
    assert response.status_code == 422
    assert "不存在社区" in response.text and 'data-testid="row-errors"' in response.text
    good = "案例标题,社区,类别\n新案例,渔箭社区,养老服务\n".encode()
    response = await client.post(
        "/libraries/cases/import",
        data={"_csrf_token": token},
        files={"file": ("案例.csv", good, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert await seeded.fetchval("SELECT count(*) FROM cases WHERE title = '新案例'") == 1


@pytest.mark.commands
async def test_the_command_line_exports_and_imports_a_library(
    client: Client, seeded: Any, login: Any, database_dsn: str, tmp_path: Path
) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
        env["DATABASE_URL"] = database_dsn
        return subprocess.run(
            [sys.executable, "-m", "matchmaker", *args],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    first = tmp_path / "政策库.xlsx"
    exported = cli("export", "policies", str(first))
    assert exported.returncode == 0, exported.stderr
    count = len(_rows(first.read_bytes(), "xlsx"))
    await seeded.execute("DELETE FROM policies")
    imported = cli("import", "policies", str(first))
    assert imported.returncode == 0, imported.stderr
    assert f"imported {count} row(s) of policies" in imported.stdout
    again = await _export(client, "policies", "xlsx", await login("admin"))
    assert _rows(again, "xlsx") == _rows(first.read_bytes(), "xlsx")
    bad = tmp_path / "bad.csv"
    bad.write_text("政策标题,发文单位,层级,生效日期\nA,B,月球级,2026-13-01\n", encoding="utf-8")
    refused = cli("import", "policies", str(bad))
    assert refused.returncode == 2
    assert "row 2, 层级" in refused.stderr and "row 2, 生效日期" in refused.stderr
    assert await seeded.fetchval("SELECT count(*) FROM policies") == count


def _reasons(page: str) -> dict[tuple[int, str], str]:
    """The refused rows a page lists: (row, column) → reason."""
    table = page.split('data-testid="row-errors"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    return {(int(row), column): html.unescape(reason) for row, column, reason in cells}


async def test_a_chinese_import_page_says_why_a_row_is_bad_in_chinese(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("coordinator")  # 邛崃市

    async def upload(content: str, **params: str) -> str:
        response = await client.post(
            "/libraries/actors/import",
            params=params,
            data={"_csrf_token": token},
            files={"file": ("主体.csv", content.encode(), "text/csv")},
        )
        assert response.status_code == 422, response.text
        return response.text

    cells = (
        "机构名称,类型,服务区县,纬度,经度,已认证,服务半径(公里)\n"
        "坏类型,火箭公司,邛崃市,30.4,103.5,,\n"
        ",企业,火星区、月球,north,103.5,也许,\n"
        "半径,企业,邛崃市,30.4,103.5,,1.5\n"
        "远方,企业,邛崃市,99,103.5,,\n"  # its cells pass; the create Struct refuses it
    )
    reasons = _reasons(await upload(cells))
    assert reasons == {
        (2, "类型"): reasons[2, "类型"],
        (3, "机构名称"): "必填，这一格是空的",
        (3, "服务区县"): "没有叫“火星区”的区县；没有叫“月球”的区县",
        (3, "纬度"): "应为数字，不能是“north”",
        (3, "已认证"): "请填写 是 或 否，不能是“也许”",
        (4, "服务半径(公里)"): "应为整数，不能是“1.5”",
        (5, "纬度"): "不能大于 90",
    }, reasons
    assert reasons[2, "类型"].startswith("无法识别“火箭公司”；请填写：")
    # every row reads; the service refuses two (a grade for an enterprise, another's area)
    refused = (
        "机构名称,类型,服务区县,纬度,经度,评估等级\n"
        "乙,企业,邛崃市,30.4,103.5,5A级\n"
        "外区,企业,大邑县,30.4,103.5,\n"
    )
    reasons = _reasons(await upload(refused))
    assert set(reasons) == {(2, "评估等级"), (3, "服务区县")}, reasons
    assert reasons[2, "评估等级"].startswith("只有社会组织"), reasons
    assert reasons[3, "服务区县"] == "协调员添加的机构须服务于其辖区内的区县", reasons
    # the same file on the English page: the reasons as the API gives them
    english = _reasons(await upload(cells, lang="en"))
    assert english[3, "纬度"] == "must be a number, not 'north'"
