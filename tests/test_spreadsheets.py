"""Demands to and from spreadsheets, through HTTP and the command line, on the real database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import Workbook, load_workbook

from matchmaker.sheets.needs import COLUMNS
from matchmaker.sheets.workbook import MAX_ROWS, read_sheet
from tests.conftest import ids

Client = AsyncTestClient[Litestar]
HEADERS = [c.header for c in COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT, EXPORT = "/api/v1/demands/import", "/api/v1/demands/export"


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as Excel keeps a title that starts with =
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _file(rows: list[list[Any]], fmt: str) -> tuple[str, bytes, str]:
    if fmt == "xlsx":
        return ("需求.xlsx", _xlsx(rows), XLSX)
    return ("需求.csv", _csv(rows), "text/csv")


def _rows(content: bytes, fmt: str) -> list[list[Any]]:
    """A file's data rows as read back, without the 编号 column (a new database gives new ids)."""
    sheet = read_sheet(content, f"x.{fmt}")
    assert sheet.header == HEADERS
    return [cells[1:] + [None] * (len(HEADERS) - len(cells)) for _, cells in sheet.rows]


async def _import(client: Client, headers: dict[str, str], file: tuple[str, bytes, str]) -> Any:
    return await client.post(IMPORT, files={"file": file}, headers=headers)


async def _export(client: Client, headers: dict[str, str], fmt: str, **params: Any) -> bytes:
    response = await client.get(EXPORT, params={"format": fmt, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.content


async def _counts(conn: Any) -> tuple[int, int]:
    """(demands, audit entries about demands): what a refused import must leave as it was."""
    demands = await conn.fetchval("SELECT count(*) FROM demands")
    audited = await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity = 'demand'")
    return demands, audited


async def _clean_demands(conn: Any) -> None:
    """Demands (and what hangs off them) gone; communities, partners and users stay."""
    await conn.execute("TRUNCATE demands RESTART IDENTITY CASCADE")
    await conn.execute("TRUNCATE audit_log")


# ------------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_http_round_trip_gives_back_the_same_rows(
    client: Client, seeded: Any, login: Any, fmt: str
) -> None:
    coordinator = await login("admin")
    before = await _export(client, coordinator, fmt)
    rows = _rows(before, fmt)
    assert len(rows) == await seeded.fetchval("SELECT count(*) FROM demands")
    await _clean_demands(seeded)

    response = await _import(
        client, coordinator, (f"需求库.{fmt}", before, "application/octet-stream")
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["count"] == len(rows) == len(result["ids"])

    assert _rows(await _export(client, coordinator, fmt), fmt) == rows
    coordinator_id = await seeded.fetchval("SELECT id FROM users WHERE username = 'admin'")
    assert await ids(seeded, "SELECT id FROM demands WHERE created_by = $1 ORDER BY id", coordinator_id) == result["ids"]  # fmt: skip
    entries = await seeded.fetch(
        "SELECT username, action, entity_id FROM audit_log WHERE entity = 'demand' ORDER BY id"
    )
    assert [(e["username"], e["action"], e["entity_id"]) for e in entries] == [
        ("admin", "import", i) for i in result["ids"]
    ]
    assert await seeded.fetchval("SELECT count(*) FROM demands WHERE search_text = ''") == 0
    board = await client.get("/api/v1/opportunities", params={"q": "暑期托管"})
    assert board.json()["items"], "imported needs are searchable"


def _cli(args: list[str], dsn: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["DATABASE_URL"] = dsn
    return subprocess.run(
        [sys.executable, "-m", "matchmaker", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_cli_round_trip_gives_back_the_same_rows(
    client: Client, seeded: Any, login: Any, database_dsn: str, tmp_path: Path, fmt: str
) -> None:
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    exported = _cli(["export", "demands", "--output", str(first)], database_dsn, tmp_path)
    assert exported.returncode == 0, exported.stderr
    total = await seeded.fetchval("SELECT count(*) FROM demands")
    assert f"exported {total} demand(s)" in exported.stdout
    rows = _rows(first.read_bytes(), fmt)
    over_http = _rows(await _export(client, await login("admin"), fmt), fmt)
    assert rows == over_http
    await _clean_demands(seeded)

    imported = _cli(["import", "demands", str(first)], database_dsn, tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert f"imported {total} demand(s)" in imported.stdout
    again = _cli(["export", "demands", "--format", fmt, "-o", str(second)], database_dsn, tmp_path)
    assert again.returncode == 0, again.stderr
    assert _rows(second.read_bytes(), fmt) == rows
    assert await seeded.fetchval("SELECT count(*) FROM demands WHERE created_by IS NULL") == total
    assert (
        await seeded.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'import' AND username IS NULL"
        )
        == total
    )


async def test_cli_export_defaults_to_xlsx_named_by_date(
    seeded: Any, database_dsn: str, tmp_path: Path
) -> None:
    result = _cli(["export", "demands"], database_dsn, tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / f"demands-{dt.date.today().isoformat()}.xlsx"
    assert len(_rows(written.read_bytes(), "xlsx")) == await seeded.fetchval(
        "SELECT count(*) FROM demands"
    )


# ----------------------------------------------------------------------------------------- export


async def test_xlsx_export_has_a_bold_frozen_header_and_date_cells(
    client: Client, seeded: Any, login: Any
) -> None:
    response = await client.get(EXPORT, headers=await login("admin"))
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and ".xlsx" in disposition
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    first = dict(zip(HEADERS, (c.value for c in sheet[2]), strict=True))
    stored = await seeded.fetchrow("SELECT * FROM demands ORDER BY id LIMIT 1")
    assert first["编号"] == stored["id"] and first["需求标题"] == stored["title"]
    assert first["开始日期"] == dt.datetime.combine(stored["window_start"], dt.time())
    assert first["类别"] == "儿童关爱" and first["紧急程度"] == "较急" and first["状态"] == "征集中"
    assert first["所需资源"] == "专业支持、志愿者、资金"


async def test_csv_export_is_utf8_with_bom_and_labels(
    client: Client, seeded: Any, login: Any
) -> None:
    response = await client.get(EXPORT, params={"format": "csv"}, headers=await login("admin"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "charset=utf-8" in response.headers["content-type"]
    assert response.headers["content-disposition"].startswith('attachment; filename="demands-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == HEADERS
    assert lines[1][HEADERS.index("开始日期")] == "2026-06-20"
    assert len(lines) - 1 == await seeded.fetchval("SELECT count(*) FROM demands")


async def test_export_scope_staff_see_only_their_community_and_filters_apply(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    own = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    rows = _rows(await _export(client, staff, "csv"), "csv")
    expected = await seeded.fetchval("SELECT count(*) FROM demands WHERE community_id = $1", own)
    assert len(rows) == expected and {r[0] for r in rows} == {"渔箭社区"}

    other = await seeded.fetchval("SELECT id FROM communities WHERE name = '直台村'")
    response = await client.get(EXPORT, params={"community_id": other}, headers=staff)
    assert response.status_code == 403

    coordinator = await login("admin")
    archived = (await ids(seeded, "SELECT id FROM demands ORDER BY id"))[0]
    assert (
        await client.delete(f"/api/v1/demands/{archived}", headers=coordinator)
    ).status_code == 204
    every = _rows(await _export(client, coordinator, "csv"), "csv")
    assert len(every) == await seeded.fetchval(
        "SELECT count(*) FROM demands WHERE archived_at IS NULL"
    )
    drafts = _rows(await _export(client, coordinator, "csv", status="draft"), "csv")
    assert drafts and {r[-1] for r in drafts} == {"草稿"}
    elderly = _rows(await _export(client, coordinator, "csv", category="elderly_care"), "csv")
    assert elderly and {r[3] for r in elderly} == {"养老服务"}


async def test_partner_and_anonymous_cannot_export_or_import(
    client: Client, seeded: Any, login: Any
) -> None:
    partner = await login("partner")
    before = await _counts(seeded)
    assert (await client.get(EXPORT, headers=partner)).status_code == 403
    assert (await client.get(EXPORT)).status_code == 401
    good = _file([["社区", "需求标题", "类别"], ["渔箭社区", "四点半课堂", "教育培训"]], "csv")
    response = await _import(client, partner, good)
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert (await _import(client, {}, good)).status_code == 401
    assert await _counts(seeded) == before


# ----------------------------------------------------------------------------------------- import


def _bad_rows(fmt: str) -> tuple[list[list[Any]], set[tuple[int, str]]]:
    """A file with one good row and bad rows, and the (row, column) of every bad cell."""
    day = dt.date(2026, 6, 1) if fmt == "xlsx" else "2026-06-01"
    header = ["社区", "需求标题", "类别", "需要伙伴数", "开始日期", "结束日期", "紧急程度"]
    rows = [
        header,
        ["渔箭社区", "四点半课堂", "教育培训", 1, day, None, "一般"],  # row 2: good
        ["不存在社区", "助餐点", "助餐服务", 1, None, None, None],  # row 3
        ["渔箭社区", "暑期托管", "养老", 1, None, None, None],  # row 4
        ["渔箭社区", "课后辅导", "education", 0, None, None, None],  # row 5
        ["渔箭社区", "议事会", "议事协商与自治", 1, "2026-13-45", None, None],  # row 6
        ["渔箭社区", "微更新", "社区规划与微更新", 1, "2026-06-30", "2026-06-01", None],  # row 7
        ["渔箭社区", None, "健康服务", 1, None, None, None],  # row 8
        ["无名村", "普法", "法律", 2.5, None, None, "非常急"],  # row 9: four at once
    ]
    expected = {
        (3, "社区"), (4, "类别"), (5, "需要伙伴数"), (6, "开始日期"), (7, "结束日期"),
        (8, "需求标题"), (9, "社区"), (9, "类别"), (9, "需要伙伴数"), (9, "紧急程度"),
    }  # fmt: skip
    return rows, expected


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
async def test_a_file_with_bad_rows_lists_every_one_and_loads_nothing(
    client: Client, seeded: Any, login: Any, fmt: str
) -> None:
    rows, expected = _bad_rows(fmt)
    before = await _counts(seeded)
    response = await _import(client, await login("admin"), _file(rows, fmt))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid" and body["field"] == "file" and body["status"] == 400
    assert "nothing was imported" in body["message"]
    assert {(e["row"], e["column"]) for e in body["errors"]} == expected
    assert len(body["errors"]) == len(expected)
    reasons = {(e["row"], e["column"]): e["reason"] for e in body["errors"]}
    assert "不存在社区" in reasons[(3, "社区")]
    assert "养老服务" in reasons[(4, "类别")]
    assert "between 1 and 100" in reasons[(5, "需要伙伴数")]
    assert "2026-06-20" in reasons[(6, "开始日期")]
    assert "before" in reasons[(7, "结束日期")]
    assert "required" in reasons[(8, "需求标题")]
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
    assert await _counts(seeded) == before


async def test_cli_import_of_a_bad_file_prints_every_row_and_exits_2(
    seeded: Any, database_dsn: str, tmp_path: Path
) -> None:
    rows, expected = _bad_rows("xlsx")
    path = tmp_path / "需求.xlsx"
    path.write_bytes(_xlsx(rows))
    before = await _counts(seeded)
    result = _cli(["import", "demands", str(path)], database_dsn, tmp_path)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    for row, column in expected:
        assert f"row {row}, {column}:" in result.stderr
    assert "nothing was imported" in result.stderr
    assert await _counts(seeded) == before


async def test_cli_refuses_a_file_of_another_type_in_one_line(
    seeded: Any, database_dsn: str, tmp_path: Path
) -> None:
    path = tmp_path / "需求.txt"
    path.write_text("社区,需求标题,类别\n")
    before = await _counts(seeded)
    result = _cli(["import", "demands", str(path)], database_dsn, tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "must be an .xlsx or .csv" in result.stderr
    assert await _counts(seeded) == before


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("需求.txt", "社区,需求标题,类别\n".encode(), "must be an .xlsx or .csv"),
        ("需求.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("需求.xlsx", b"this is not a workbook", "cannot read this xlsx file"),
        ("需求.csv", b"\x00\x01\x02\xff\xfe", "cannot read this csv file"),
        ("需求.csv", b"", "first row must hold the column headers"),
        ("需求.csv", "社区,需求标题,类别\n".encode(), "no rows under the header"),
    ],
)
async def test_wrong_or_unreadable_files_are_refused_naming_file(
    client: Client, seeded: Any, login: Any, name: str, content: bytes, needle: str
) -> None:
    before = await _counts(seeded)
    response = await _import(
        client, await login("admin"), (name, content, "application/octet-stream")
    )
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "file" and needle in response.json()["message"]
    assert await _counts(seeded) == before


async def test_an_upload_without_the_file_field_is_refused(
    client: Client, seeded: Any, login: Any
) -> None:
    before = await _counts(seeded)
    response = await client.post(
        IMPORT, files={"sheet": ("需求.csv", b"x", "text/csv")}, headers=await login("admin")
    )
    assert response.status_code == 400 and response.json()["field"] == "file"
    assert await _counts(seeded) == before


async def test_bad_headers_are_reported_on_row_1(client: Client, seeded: Any, login: Any) -> None:
    rows = [["社区", "标题党", "类别", "类别"], ["渔箭社区", "x", "教育培训", "教育培训"]]
    before = await _counts(seeded)
    response = await _import(client, await login("admin"), _file(rows, "csv"))
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(1, "标题党"), (1, "类别"), (1, "需求标题")}
    assert await _counts(seeded) == before


async def test_more_than_the_row_limit_is_refused_whole(
    client: Client, seeded: Any, login: Any
) -> None:
    rows = [["社区", "需求标题", "类别"]] + [
        ["渔箭社区", f"需求{i}", "教育培训"] for i in range(MAX_ROWS + 1)
    ]
    before = await _counts(seeded)
    response = await _import(client, await login("admin"), _file(rows, "csv"))
    assert response.status_code == 400
    assert f"more than {MAX_ROWS} rows" in response.json()["message"]
    assert await _counts(seeded) == before


async def test_a_body_over_one_mebibyte_is_refused(client: Client, seeded: Any, login: Any) -> None:
    before = await _counts(seeded)
    response = await _import(
        client, await login("admin"), ("需求.csv", b"a" * (1024 * 1024 + 1), "text/csv")
    )
    assert response.status_code == 413
    assert await _counts(seeded) == before


async def test_staff_import_only_their_own_community_and_only_as_draft_or_open(
    client: Client, seeded: Any, login: Any
) -> None:
    staff = await login("staff")
    rows = [
        ["社区", "需求标题", "类别", "状态"],
        ["渔箭社区", "四点半课堂", "教育培训", "征集中"],
        ["直台村", "乡村集市", "乡村产业", "草稿"],
        [None, "读书会", "文化艺术", "已完成"],
    ]
    before = await _counts(seeded)
    response = await _import(client, staff, _file(rows, "csv"))
    assert response.status_code == 400
    errors = {(e["row"], e["column"]): e["reason"] for e in response.json()["errors"]}
    assert set(errors) == {(3, "社区"), (4, "状态")}
    assert "your own community" in errors[(3, "社区")]
    assert await _counts(seeded) == before

    del rows[2]
    rows[2][3] = None
    response = await _import(client, staff, _file(rows, "csv"))
    assert response.status_code == 201, response.text
    own = await seeded.fetchval("SELECT id FROM communities WHERE name = '渔箭社区'")
    created = await seeded.fetch(
        "SELECT community_id, title, status FROM demands WHERE id = ANY($1::bigint[]) ORDER BY id",
        response.json()["ids"],
    )
    assert [tuple(r) for r in created] == [(own, "四点半课堂", "open"), (own, "读书会", "draft")]


async def test_codes_english_labels_other_separators_and_excel_cells_are_accepted(
    client: Client, seeded: Any, login: Any
) -> None:
    rows = [
        ["编号", "社区", "需求标题", "类别", "所需资源", "技能", "服务对象", "受益人数", "预算（元）", "需要伙伴数", "开始日期", "结束日期", "紧急程度", "征集渠道"],
        [99, "渔箭社区", "=HYPERLINK(\"x\")", "elderly_care", "funding, Volunteers；场地", "助浴;陪诊，理发", "elderly、disabled", 120.0, "¥12,000.50", 2.0, dt.datetime(2026, 3, 1), dt.date(2026, 12, 31), "urgent", "接诉即办"],
        [None, "渔箭社区", "  社区食堂  ", "Meal service", None, None, None, None, None, None, "2026/4/1", "2026年5月1日", None, None],
    ]  # fmt: skip
    coordinator = await login("admin")
    response = await _import(client, coordinator, _file(rows, "xlsx"))
    assert response.status_code == 201, response.text
    first, second = response.json()["ids"]
    assert first != 99
    stored = await seeded.fetchrow("SELECT * FROM demands WHERE id = $1", first)
    assert stored["title"] == '=HYPERLINK("x")' and stored["category"] == "elderly_care"
    assert stored["resource_types"] == ["funding", "volunteers", "venue"]
    assert stored["skills"] == ["助浴", "陪诊", "理发"]
    assert stored["target_groups"] == ["elderly", "disabled"]
    assert (stored["beneficiaries"], float(stored["budget"]), stored["slots"]) == (120, 12000.5, 2)
    assert (stored["window_start"], stored["window_end"]) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 12, 31),
    )
    assert (stored["urgency"], stored["intake_channel"], stored["status"]) == (
        "urgent",
        "hotline",
        "draft",
    )
    plain = await seeded.fetchrow("SELECT * FROM demands WHERE id = $1", second)
    assert (plain["title"], plain["category"], plain["slots"], plain["budget"]) == (
        "社区食堂",
        "meal_service",
        1,
        None,
    )
    assert (plain["window_start"], plain["window_end"]) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 5, 1),
    )

    for fmt in ("xlsx", "csv"):  # a title Excel would run as a formula stays text, both ways
        content = await _export(client, coordinator, fmt, q="HYPERLINK")
        if fmt == "xlsx":
            cell = load_workbook(io.BytesIO(content)).active["C2"]
            assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")
        else:
            assert "'=HYPERLINK" in content.decode("utf-8-sig")
        assert _rows(content, fmt)[0][1] == '=HYPERLINK("x")'


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8"])
async def test_csv_as_excel_saves_it_gbk_on_chinese_windows_or_unicode(
    client: Client, seeded: Any, login: Any, encoding: str
) -> None:
    text = "社区\t需求标题\t类别\r\n" if encoding == "utf-16" else "社区,需求标题,类别\r\n"
    text += (
        "渔箭社区\t老年助餐\t助餐服务\r\n"
        if encoding == "utf-16"
        else "渔箭社区,老年助餐,助餐服务\r\n"
    )
    response = await _import(
        client, await login("admin"), ("需求.csv", text.encode(encoding), "text/csv")
    )
    assert response.status_code == 201, response.text
    title = await seeded.fetchval(
        "SELECT title FROM demands WHERE id = $1", response.json()["ids"][0]
    )
    assert title == "老年助餐"


async def test_an_unknown_export_format_is_refused_naming_format(
    client: Client, seeded: Any, login: Any
) -> None:
    response = await client.get(EXPORT, params={"format": "pdf"}, headers=await login("admin"))
    assert response.status_code == 400 and response.json()["field"] == "format"
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert paths["/api/v1/demands/export"]["get"]["operationId"] == "exportDemands"
    refusal = paths["/api/v1/demands/import"]["post"]["responses"]["400"]
    assert refusal["content"]["application/json"]["schema"]["$ref"].endswith("ImportRefusal")
