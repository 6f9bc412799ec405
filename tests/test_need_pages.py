"""The need pages through HTTP: detail, posting, editing, status changes and the Excel import."""

from __future__ import annotations

import io
import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import Workbook, load_workbook

from matchmaker.app import MAX_BODY_BYTES

Client = AsyncTestClient[Litestar]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _need(conn: Any, title_part: str) -> dict[str, Any]:
    row = await conn.fetchrow(
        "SELECT * FROM demands WHERE title LIKE '%' || $1 || '%' ORDER BY id LIMIT 1", title_part
    )
    assert row is not None, title_part
    return dict(row)


async def _count(conn: Any) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM demands"))


GOOD_FORM = {
    "title": "暑期儿童托管志愿者招募",
    "category": "child_care",
    "description": "园区职工子女暑期需要看护和课业辅导。",
    "resource_types": ["volunteers", "venue"],
    "target_groups": ["children"],
    "skills": "课业辅导、心理陪伴",
    "urgency": "high",
    "slots": "2",
    "window_start": "2026-12-01",
    "window_end": "2027-02-28",
    "beneficiaries": "60",
    "budget": "5000",
    "intake_channel": "council",
}


# ------------------------------------------------------------------------------------ detail


async def test_the_detail_shows_the_need_its_community_standard_cases_and_policies(
    client: Client, seeded: Any
) -> None:
    need = await _need(seeded, "暑期托管")  # 渔箭社区, child_care; 2 social workers short? no: 3
    page = await client.get(f"/needs/{need['id']}")
    assert page.status_code == 200
    text = page.text
    assert need["title"].replace("“", "&#34;") in text or need["title"] in text
    assert "渔箭社区" in text and "儿童关爱" in text and "“1257N”" in text
    # 渔箭社区 has 1 room, 3 workers, 8 organisations, 9 volunteer teams, 3 charity resources
    assert "社工室" in text and "志愿服务队" in text and "这个社区达到了“1257N”标准" in text
    # the case library's 小渔乐 case (same category, same words) links to its page
    case_id = await seeded.fetchval("SELECT id FROM cases WHERE title LIKE '%小渔乐%'")
    assert f'href="/libraries/cases/{case_id}"' in text
    # a policy in force for child care in an industrial community
    policy_id = await seeded.fetchval("SELECT id FROM policies WHERE title = '社会工作牵引项目'")
    assert f'href="/libraries/policies/{policy_id}"' in text
    expired = await seeded.fetchval("SELECT id FROM policies WHERE valid_to < CURRENT_DATE LIMIT 1")
    assert f'href="/libraries/policies/{expired}"' not in text
    assert 'href="/board"' in text and "管理这条需求" not in text  # anonymous: no buttons


async def test_a_community_short_of_the_standard_says_where_in_plain_words(
    client: Client, seeded: Any
) -> None:
    need = await _need(seeded, "口述史")  # 靖口村: 0 rooms, 0 workers, 2 orgs, 3 teams, 0 charity
    text = (await client.get(f"/needs/{need['id']}")).text
    assert "有 5 项没有达到“1257N”标准" in text
    assert "✗ 还差 2" in text and "✗ 还差 3" in text and "✗ 还差 4" in text


async def test_a_draft_is_not_found_for_anonymous_and_other_communities(
    client: Client, seeded: Any, page_login: Any
) -> None:
    draft = await _need(seeded, "四方公司")  # a draft of 靖口村
    answer = await client.get(f"/needs/{draft['id']}")
    assert (
        answer.status_code == 404 and "找不到" in answer.text and draft["title"] not in answer.text
    )
    await page_login("staff_zhitai")
    assert (await client.get(f"/needs/{draft['id']}")).status_code == 404
    await page_login("coordinator")
    seen = await client.get(f"/needs/{draft['id']}")
    assert seen.status_code == 200 and "草稿" in seen.text
    assert (await client.get("/needs/999999")).status_code == 404


async def test_the_owning_staff_gets_the_buttons_and_others_do_not(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await _need(seeded, "暑期托管")
    await page_login("staff")
    text = (await client.get(f"/needs/{need['id']}")).text
    assert f'href="/needs/{need["id"]}/edit"' in text and "撤回为草稿" in text
    assert "确认取消" in text and 'name="confirm"' in text and "required" in text
    await page_login("staff_zhitai")
    text = (await client.get(f"/needs/{need['id']}")).text
    assert "/edit" not in text and "确认取消" not in text


# -------------------------------------------------------------------------------------- post


async def test_posting_with_errors_keeps_everything_typed_and_changes_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    form = await client.get("/needs/new")
    assert form.status_code == 200 and 'type="date"' in form.text and 'type="checkbox"' in form.text
    before = await _count(seeded)
    sent = GOOD_FORM | {"title": "", "slots": "0", "window_end": "2026-11-01", "status": "open"}
    answer = await client.post("/needs/new", data=sent | {"_csrf_token": token})
    assert answer.status_code == 422
    text = answer.text
    assert re.search(r'id="title"[^>]*aria-invalid="true"', text)
    assert '<p class="field-error" id="title-error">必填</p>' in text
    assert '<p class="field-error" id="slots-error">不能小于 1</p>' in text
    assert "园区职工子女暑期需要看护和课业辅导。" in text and 'value="课业辅导、心理陪伴"' in text
    assert 'value="volunteers" checked' in text and 'value="venue" checked' in text
    assert 'value="funding" checked' not in text and 'value="2026-12-01"' in text
    assert '<option value="child_care" selected>' in text and 'value="council" selected' in text
    assert await _count(seeded) == before


async def test_an_end_before_the_start_is_refused_beside_the_end_date(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    before = await _count(seeded)
    sent = GOOD_FORM | {"window_end": "2026-11-01", "_csrf_token": token}
    answer = await client.post("/needs/new", data=sent)
    assert answer.status_code == 422
    assert (
        '<p class="field-error" id="window_end-error">结束日期不能早于开始日期</p>' in answer.text
    )
    assert await _count(seeded) == before


async def test_posting_publishes_the_need_for_the_staff_members_community(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    answer = await client.post(
        "/needs/new", data=GOOD_FORM | {"status": "open", "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    demand_id = int(answer.headers["location"].split("/needs/")[1].split("?")[0])
    row = await seeded.fetchrow("SELECT * FROM demands WHERE id = $1", demand_id)
    community = await seeded.fetchval("SELECT community_id FROM users WHERE username = 'staff'")
    assert row["community_id"] == community and row["status"] == "open"
    assert row["resource_types"] == ["volunteers", "venue"] and row["skills"] == [
        "课业辅导",
        "心理陪伴",
    ]
    assert str(row["window_start"]) == "2026-12-01" and row["slots"] == 2 and row["budget"] == 5000
    page = await client.get(answer.headers["location"])
    assert "需求已发布" in page.text and GOOD_FORM["title"] in page.text
    assert GOOD_FORM["title"] in (await client.get("/board")).text


async def test_saving_as_a_draft_keeps_it_off_the_board(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    data = {
        "title": "社区微基金草稿",
        "category": "charity",
        "status": "draft",
        "_csrf_token": token,
    }
    answer = await client.post("/needs/new", data=data)
    assert answer.status_code == 200 and "已保存为草稿" in answer.text
    status = await seeded.fetchval("SELECT status FROM demands WHERE title = '社区微基金草稿'")
    assert status == "draft" and "社区微基金草稿" not in (await client.get("/board")).text


async def test_only_community_staff_may_post(client: Client, seeded: Any, page_login: Any) -> None:
    anonymous = await client.get("/needs/new", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await page_login("partner")
    assert (await client.get("/needs/new")).status_code == 403


async def test_a_post_without_the_csrf_token_is_refused(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("staff")
    before = await _count(seeded)
    answer = await client.post("/needs/new", data=GOOD_FORM | {"status": "open"})
    assert answer.status_code == 403 and "页面已过期" in answer.text
    assert await _count(seeded) == before
    need = await _need(seeded, "暑期托管")
    cancel = await client.post(
        f"/needs/{need['id']}/status", data={"status": "cancelled", "confirm": "yes"}
    )
    assert cancel.status_code == 403
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", need["id"]) == "open"


# -------------------------------------------------------------------------------------- edit


async def test_editing_prefills_the_form_and_saves_every_field(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await _need(seeded, "暑期托管")
    token = await page_login("staff")
    form = await client.get(f"/needs/{need['id']}/edit")
    assert form.status_code == 200 and f'value="{need["slots"]}"' in form.text
    assert need["description"][:20] in form.text
    sent = GOOD_FORM | {
        "title": "暑期托管（修订）",
        "description": "",
        "budget": "",
        "_csrf_token": token,
    }
    sent["resource_types"] = []  # nothing ticked: the hidden empty value still says "none"
    answer = await client.post(f"/needs/{need['id']}/edit", data=sent, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("notice=saved")
    row = await seeded.fetchrow("SELECT * FROM demands WHERE id = $1", need["id"])
    assert row["title"] == "暑期托管（修订）" and row["description"] == "" and row["budget"] is None
    assert row["resource_types"] == [] and row["target_groups"] == ["children"]
    assert "修改已保存" in (await client.get(answer.headers["location"])).text


async def test_an_edit_with_errors_changes_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await _need(seeded, "暑期托管")
    token = await page_login("staff")
    sent = GOOD_FORM | {"title": "", "category": "nonsense", "_csrf_token": token}
    answer = await client.post(f"/needs/{need['id']}/edit", data=sent)
    assert answer.status_code == 422
    assert (
        'id="title-error">必填' in answer.text
        and 'id="category-error">请从列表中选择' in answer.text
    )
    assert dict(await seeded.fetchrow("SELECT * FROM demands WHERE id = $1", need["id"])) == need


async def test_another_communitys_staff_may_not_edit(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await _need(seeded, "暑期托管")  # 渔箭社区
    token = await page_login("staff_zhitai")
    assert (await client.get(f"/needs/{need['id']}/edit")).status_code == 403
    answer = await client.post(f"/needs/{need['id']}/edit", data=GOOD_FORM | {"_csrf_token": token})
    assert answer.status_code == 403 and "只有这个社区的工作人员或协调员" in answer.text
    assert dict(await seeded.fetchrow("SELECT * FROM demands WHERE id = $1", need["id"])) == need


# ------------------------------------------------------------------------------------ status


async def test_opening_a_draft_puts_it_on_the_board(
    client: Client, seeded: Any, page_login: Any
) -> None:
    draft = await _need(seeded, "四方公司")
    await seeded.execute(
        "UPDATE users SET community_id = $1 WHERE username = 'staff'", draft["community_id"]
    )
    token = await page_login("staff")
    page = (await client.get(f"/needs/{draft['id']}")).text
    assert "发布，开始征集" in page
    answer = await client.post(
        f"/needs/{draft['id']}/status", data={"status": "open", "_csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", draft["id"]) == "open"
    assert "需求已发布" in (await client.get(answer.headers["location"])).text


async def test_cancelling_needs_the_confirmation_box(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await _need(seeded, "暑期托管")
    token = await page_login("staff")
    url = f"/needs/{need['id']}/status"
    unconfirmed = await client.post(
        url, data={"status": "cancelled", "reason": "经费取消", "_csrf_token": token}
    )
    assert unconfirmed.status_code == 422 and 'id="confirm-error"' in unconfirmed.text
    assert "经费取消" in unconfirmed.text
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", need["id"]) == "open"
    data = {"status": "cancelled", "confirm": "yes", "reason": "经费取消", "_csrf_token": token}
    done = await client.post(url, data=data)
    assert done.status_code == 200 and "需求已取消" in done.text
    assert (
        await seeded.fetchval("SELECT status FROM demands WHERE id = $1", need["id"]) == "cancelled"
    )
    again = await client.post(url, data={"status": "open", "_csrf_token": token})
    assert again.status_code == 409 and "不能改为“征集中”" in again.text
    assert (
        await seeded.fetchval("SELECT status FROM demands WHERE id = $1", need["id"]) == "cancelled"
    )
    edit = await client.post(f"/needs/{need['id']}/edit", data=GOOD_FORM | {"_csrf_token": token})
    assert edit.status_code == 409 and "不能再修改" in edit.text


async def test_another_communitys_staff_may_not_change_the_status(
    client: Client, seeded: Any, page_login: Any
) -> None:
    need = await _need(seeded, "暑期托管")  # 渔箭社区's
    token = await page_login("staff_zhitai")
    answer = await client.post(
        f"/needs/{need['id']}/status",
        data={"status": "cancelled", "confirm": "yes", "_csrf_token": token},
    )
    assert answer.status_code == 403 and "什么都没有改变" in answer.text
    assert await seeded.fetchval("SELECT status FROM demands WHERE id = $1", need["id"]) == "open"
    audit = await seeded.fetchval("SELECT count(*) FROM audit_log WHERE entity_id = $1", need["id"])
    assert audit == 0


# ------------------------------------------------------------------------------------ import


async def test_a_good_sheet_imports_every_row(client: Client, seeded: Any, page_login: Any) -> None:
    token = await page_login("staff")
    page = await client.get("/needs/import")
    assert page.status_code == 200 and 'type="file"' in page.text and "需求标题" in page.text
    sheet = _xlsx([
        ["社区", "需求标题", "类别", "所需资源", "需要伙伴数", "状态"],
        ["", "周末亲子阅读志愿者", "儿童关爱", "志愿者", 2, "征集中"],
        ["渔箭社区", "职工夜校讲师", "职工服务", "专业支持、培训", 1, "草稿"],
    ])  # fmt: skip
    before = await _count(seeded)
    answer = await client.post(
        "/needs/import", files={"file": ("需求.xlsx", sheet, XLSX)},
        data={"_csrf_token": token}, follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    assert await _count(seeded) == before + 2
    done = await client.get(answer.headers["location"])
    assert "已导入 2 条需求" in done.text
    assert "周末亲子阅读志愿者" in (await client.get("/board")).text


async def test_a_bad_sheet_lists_every_bad_row_and_imports_nothing(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    sheet = _xlsx([
        ["社区", "需求标题", "类别", "需要伙伴数"],
        ["", "好的一行", "儿童关爱", 1],
        ["", "", "儿童关爱", 1],
        ["直台村", "别人的社区", "不存在的类别", 500],
    ])  # fmt: skip
    before = await _count(seeded)
    answer = await client.post(
        "/needs/import", files={"file": ("需求.xlsx", sheet, XLSX)}, data={"_csrf_token": token}
    )
    assert answer.status_code == 422
    table = answer.text.split('data-testid="row-errors"')[1].split("</table>")[0]
    cells = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", table)
    assert ("3", "需求标题", "必填，这一格是空的") in cells
    assert ("4", "社区", "只能导入本社区的需求，不能导入“直台村”") in cells
    assert {(row, column) for row, column, _ in cells} >= {("4", "类别"), ("4", "需要伙伴数")}
    assert "有 2 行有问题" in answer.text and "一条也没有导入" in answer.text
    assert await _count(seeded) == before


async def test_a_file_that_is_not_a_spreadsheet_is_refused_plainly(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    none = await client.post("/needs/import", files={"file": ("", b"", "application/octet-stream")},
                             data={"_csrf_token": token})  # fmt: skip
    assert none.status_code == 422 and "请先选择一个文件" in none.text
    word = await client.post("/needs/import", files={"file": ("需求.docx", b"PK", "application/x")},
                             data={"_csrf_token": token})  # fmt: skip
    assert word.status_code == 422 and "只能上传 .xlsx 或 .csv 表格" in word.text


async def test_an_upload_over_one_mebibyte_is_refused_plainly(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    before = await _count(seeded)
    big = b"0" * (MAX_BODY_BYTES + 1)
    answer = await client.post(
        "/needs/import", files={"file": ("需求.xlsx", big, XLSX)}, data={"_csrf_token": token}
    )
    assert answer.status_code == 413 and "文件超过 1 MiB，无法上传" in answer.text
    assert await _count(seeded) == before


async def test_the_template_has_the_importers_headers(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("staff")
    answer = await client.get("/needs/import/template")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(XLSX)
    header = next(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert {"社区", "需求标题", "类别"} <= set(header)
    await page_login("partner")
    assert (await client.get("/needs/import")).status_code == 403
