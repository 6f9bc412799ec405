"""Verification on the pages (``/verification``): an organisation's staff see its standing and
submit evidence; coordinators (and admins) decide what waits in their area.

The file is downloaded from ``/verification/requests/{id}/file`` — always as an attachment, and
only by the organisation's staff and its area's coordinators (anyone else: not found).
"""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from matchmaker.api.verification import MAX_EVIDENCE_BODY, file_response
from matchmaker.auth import curators, roles
from matchmaker.errors import AppError
from matchmaker.models.verification import Evidence, Verify
from matchmaker.services import verification as service
from matchmaker.vocab import Grade
from matchmaker.web.forms import errors_of, parse, read, typed
from matchmaker.web.i18n import Words, say
from matchmaker.web.page import PathId, Req, lang_of, render, see_other, user_of
from matchmaker.web.registration import day

__all__ = [
    "WORDS",
    "evidence_file",
    "evidence_refuse",
    "evidence_submit",
    "evidence_verify",
    "verification_page",
]

WORDS: Words = {
    "verification_title": ("机构认证", "Verification"),
    "partner_intro": (
        "提交统一社会信用代码、等级证书和证明文件，由所在区县的社治委审核认证。认证有有效期，"
        "到期后需重新提交。",
        "Submit the organisation's registration number, grade certificate and a document; a "
        "coordinator of its area verifies it for a term, after which you submit again.",
    ),
    "curator_intro": (
        "您所辖区域内的机构提交的认证材料，最早的在前。",
        "Evidence submitted by organisations in your area, oldest first.",
    ),
    "standing": ("认证状态", "Standing"),
    "not_verified": ("未认证", "Not verified"),
    "verified_on": ("认证于 {date}，{who}", "Verified {date} by {who}"),
    "submit_title": ("提交认证材料", "Submit evidence"),
    "registration_number": ("统一社会信用代码", "Unified social credit code"),
    "registration_number_hint": (
        "18 位，见登记证书或营业执照。",
        "18 characters, on the registration certificate or business licence.",
    ),
    "grade": ("等级评估", "Grade certificate"),
    "no_grade": ("无", "None"),
    "file": ("证明文件", "Document"),
    "file_hint": (
        "PDF、JPG 或 PNG，不超过 2 MB：登记证书、等级证书等。",
        "PDF, JPEG or PNG, at most 2 MB: the registration or grade certificate.",
    ),
    "no_file": ("请选择文件", "Choose a file"),
    "too_big": ("文件太大，不能超过 2 MB", "The file is too big: at most 2 MB"),
    "send": ("提交", "Submit"),
    "bad_format": (
        "应为 18 位：数字和除 I、O、S、V、Z 以外的大写字母，第 3–8 位为数字",
        "18 characters: digits and capital letters but I, O, S, V, Z; places 3–8 are digits",
    ),
    "bad_check": (
        "最后一位校验码不符，请核对是否输错",
        "The last (check) character does not match: check for a typing mistake",
    ),
    "bad_type": ("只接受 PDF、JPG 或 PNG 文件", "Only a PDF, JPEG or PNG file is accepted"),
    "waiting_already": (
        "已有材料在等待审核，审核后才能再次提交。",
        "Evidence is waiting for a decision; you can submit again once it is decided.",
    ),
    "history": ("提交记录", "Submissions"),
    "none_yet": ("还没有提交过材料。", "Nothing submitted yet."),
    "none_waiting": ("没有等待审核的材料。", "No evidence is waiting."),
    "st_pending": ("待审核", "Waiting"),
    "st_verified": ("已认证", "Verified"),
    "st_refused": ("未通过", "Refused"),
    "submitted": ("提交", "Submitted"),
    "download": ("下载文件", "Download"),
    "note": ("审核说明", "Note"),
    "note_hint": ("核对了什么（会记入审计日志）。", "What was checked (kept in the audit log)."),
    "days": ("有效天数", "Valid for (days)"),
    "verify": ("认证", "Verify"),
    "refuse": ("不通过…", "Refuse…"),
    "refuse_reason": ("原因（机构会看到）", "Reason (the organisation reads it)"),
    "confirm_refuse": ("确认不通过", "Refuse"),
    "done_submitted": ("材料已提交，等待审核。", "Submitted: it waits for a coordinator."),
    "done_verified": ("已认证。", "Verified."),
    "done_refused": ("已退回，机构会看到原因。", "Refused: the organisation will read why."),
    "say_why": ("请写明原因", "Say why"),
}


class EvidenceForm(msgspec.Struct):
    """The form's text fields (the file comes apart, as an upload)."""

    registration_number: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    grade: Grade | None = None


PAGE_ROLES = roles("partner", "coordinator", "admin")
DECIDERS = curators
Done = Annotated[str | None, QueryParameter(max_length=20)]


def _refusal(exc: AppError, lang: str) -> dict[str, str]:
    """The service's refusal in the page's words, next to its field."""
    if exc.status == 409:
        return {"form": say(lang, WORDS["waiting_already"])}
    if exc.field == "registration_number":
        key = "bad_check" if "check character" in exc.message else "bad_format"
        return {"registration_number": say(lang, WORDS[key])}
    if exc.field == "file":
        return {"file": say(lang, WORDS["bad_type"])}
    return errors_of(exc, lang)


async def _page(
    request: Req, conn: asyncpg.Connection, *, status: int = 200, **values: Any
) -> Template:
    user = user_of(request)
    assert user is not None
    mine = await service.standing(conn, user, user.actor_id) if user.actor_id else None
    queue = await service.pending(conn, user) if user.role in ("coordinator", "admin") else []
    return render(
        request, "verification.html", words=WORDS, status=status, mine=mine, queue=queue, day=day,
        **({"done": None, "values": {}, "errors": {}, "decision": None} | values),
    )  # fmt: skip


@get("/verification", include_in_schema=False, name="verification", guards=[PAGE_ROLES])
async def verification_page(
    request: Req, conn: NamedDependency[asyncpg.Connection], done: Done = None
) -> Template:
    """The organisation's standing and form, or the coordinator's queue."""
    shown = done if done in ("submitted", "verified", "refused") else None
    return await _page(request, conn, done=shown)


@post("/verification/evidence", include_in_schema=False, name="evidence_submit",
      guards=[roles("partner")], status_code=303,
      request_max_body_size=MAX_EVIDENCE_BODY)  # fmt: skip
async def evidence_submit(
    request: Req, conn: NamedDependency[asyncpg.Connection]
) -> Response[Any] | Template:
    """Submit evidence; anything wrong is said next to its field and nothing is kept."""
    user, lang = user_of(request), lang_of(request)
    assert user is not None and user.actor_id is not None
    form = await request.form()
    upload = form.get("file")
    values = read(form)
    shown = typed(values)
    errors: dict[str, str] = {}
    data = b""
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["file"] = say(lang, WORDS["no_file"])
    else:
        data = await upload.read(service.MAX_FILE_BYTES + 1)
        if len(data) > service.MAX_FILE_BYTES:
            errors["file"] = say(lang, WORDS["too_big"])
    fields = {k: v for k, v in values.items() if k in ("registration_number", "grade")}
    body, parsed = parse(fields, EvidenceForm, lang=lang)
    errors = parsed | errors
    if body is not None and not errors and isinstance(upload, UploadFile):
        evidence = Evidence(
            registration_number=body.registration_number,
            grade=body.grade,
            file_name=upload.filename,
            file=data,
        )
        try:
            await service.submit(conn, user, user.actor_id, evidence)
        except AppError as exc:
            errors = _refusal(exc, lang)
    if errors:
        return await _page(request, conn, status=422, values=shown, errors=errors)
    return see_other(request, "/verification?done=submitted")


@get("/verification/requests/{request_id:int}/file", include_in_schema=False,
     name="evidence_file", guards=[PAGE_ROLES])  # fmt: skip
async def evidence_file(
    request: Req, conn: NamedDependency[asyncpg.Connection], request_id: PathId
) -> Response[bytes]:
    """The submitted file, as a download."""
    user = user_of(request)
    assert user is not None
    return file_response(*await service.file_of(conn, user, request_id))


@post("/verification/requests/{request_id:int}/verify", include_in_schema=False,
      name="evidence_verify", guards=[DECIDERS], status_code=303)  # fmt: skip
async def evidence_verify(
    request: Req, conn: NamedDependency[asyncpg.Connection], request_id: PathId
) -> Response[Any] | Template:
    """Verify with a note and a term (403 outside the coordinator's area)."""
    user, lang = user_of(request), lang_of(request)
    assert user is not None
    values = read(await request.form())
    body, errors = parse(values, Verify, lang=lang)
    if body is None:
        decision = {"id": request_id, "errors": errors, "values": typed(values)}
        return await _page(request, conn, status=422, decision=decision)
    await service.verify(conn, user, request_id, body.note, body.days)
    return see_other(request, "/verification?done=verified")


@post("/verification/requests/{request_id:int}/refuse", include_in_schema=False,
      name="evidence_refuse", guards=[DECIDERS], status_code=303)  # fmt: skip
async def evidence_refuse(
    request: Req, conn: NamedDependency[asyncpg.Connection], request_id: PathId
) -> Response[Any] | Template:
    """Refuse with a reason the organisation reads."""
    user, lang = user_of(request), lang_of(request)
    assert user is not None
    reason = (read(await request.form()).get("reason") or [""])[-1][:1000]
    if not reason.strip():
        decision = {"id": request_id, "errors": {"reason": say(lang, WORDS["say_why"])},
                    "values": {}}  # fmt: skip
        return await _page(request, conn, status=422, decision=decision)
    await service.refuse(conn, user, request_id, reason)
    return see_other(request, "/verification?done=refused")
