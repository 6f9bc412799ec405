"""The demo data: what it holds, that loading it twice adds nothing, and that bad files load nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from matchmaker.errors import Invalid
from matchmaker.seed import DEMO_PASSWORD, load_demo, table_counts
from matchmaker.seedfiles import SEEDS_DIR
from matchmaker.segment import query_text

NAMED_COMMUNITIES = {
    "渔箭社区", "前进社区", "花园巷社区", "顺河社区", "高兴村", "直台村", "和美社区", "下涧槽社区",
    "新鸿社区", "致强社区", "杉板桥社区", "水碾河路北社区", "横桥社区", "桃源社区", "二江村",
    "永前社区", "龙镇社区",
}  # fmt: skip
NAMED_CASES = ("小渔乐", "一分钱公益", "羌寨物语情境宴", "松鼠课堂", "豌豆手工坊", "印象二江", "拾光小微工作室", "兴元夜话")  # fmt: skip


async def test_demo_data_meets_the_promised_minimums(conn: Any) -> None:
    added = await load_demo(conn)
    assert added == await table_counts(conn)
    assert added["communities"] >= 20
    assert added["actors"] >= 30
    assert added["policies"] >= 8
    assert added["cases"] >= 15
    assert added["products"] >= 20
    assert added["talent"] >= 30
    names = {r["name"] for r in await conn.fetch("SELECT name FROM communities")}
    assert names >= NAMED_COMMUNITIES
    assert await conn.fetchval("SELECT count(*) FROM demands WHERE status = 'open'") >= 40
    titles = " ".join(r["title"] for r in await conn.fetch("SELECT title FROM cases"))
    for case in NAMED_CASES:
        assert case in titles, case


async def test_demo_accounts_exist_for_every_role_with_the_documented_password(conn: Any) -> None:
    await load_demo(conn)
    rows = await conn.fetch(
        """SELECT u.username, u.role, u.password_hash, c.name AS community, a.name AS actor
           FROM users u LEFT JOIN communities c ON c.id = u.community_id
                        LEFT JOIN actors a ON a.id = u.actor_id"""
    )
    users = {r["username"]: r for r in rows}
    assert users["admin"]["role"] == "admin"
    assert users["coordinator"]["role"] == "coordinator"
    assert (users["staff"]["role"], users["staff"]["community"]) == ("community_staff", "渔箭社区")
    assert (users["partner"]["role"], users["partner"]["actor"]) == ("partner", "注力社工")
    assert PasswordHasher().verify(users["staff"]["password_hash"], DEMO_PASSWORD)


async def test_loading_twice_adds_nothing(conn: Any) -> None:
    first = await load_demo(conn)
    second = await load_demo(conn)
    assert all(count == 0 for count in second.values()), second
    assert await table_counts(conn) == first


async def test_segmented_text_is_searchable(conn: Any) -> None:
    await load_demo(conn)
    found = await conn.fetch(
        "SELECT title FROM cases WHERE search @@ plainto_tsquery('simple', $1)",
        query_text("儿童关爱"),
    )
    assert any("小渔乐" in r["title"] for r in found)


def _copy_with(tmp_path: Path, file: str, row: int, field: str, value: object) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, folder)
    rows = json.loads((folder / file).read_text())
    rows[row - 1][field] = value
    (folder / file).write_text(json.dumps(rows, ensure_ascii=False))
    return folder


@pytest.mark.parametrize(
    ("file", "row", "field", "value", "says"),
    [
        ("demands.json", 5, "slots", 0, "Expected `int` >= 1"),
        ("demands.json", 7, "category", "no_such_category", "Invalid enum value"),
        ("communities.json", 3, "lat", 123.0, "Expected `float` <= 90"),
        ("actors.json", 2, "capacity", "three", "Expected `int`, got `str`"),
        ("demands.json", 9, "community", "不存在的社区", "no community named '不存在的社区'"),
        ("products.json", 4, "actor", "不存在的机构", "no actor named '不存在的机构'"),
    ],
)
async def test_a_bad_row_is_named_and_nothing_loads(
    conn: Any, tmp_path: Path, file: str, row: int, field: str, value: object, says: str
) -> None:
    folder = _copy_with(tmp_path, file, row, field, value)
    with pytest.raises(Invalid) as caught:
        await load_demo(conn, folder)
    assert f"seed file {file}, row {row}, field {field}" in caught.value.message
    assert says in caught.value.message
    assert all(count == 0 for count in (await table_counts(conn)).values())
    assert await conn.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_an_unknown_field_is_refused_by_name(conn: Any, tmp_path: Path) -> None:
    folder = _copy_with(tmp_path, "policies.json", 2, "sponsor", "someone")
    with pytest.raises(Invalid, match=r"policies.json, row 2.*unknown field `sponsor`"):
        await load_demo(conn, folder)
