"""``/search/synonyms``: the coordinators' synonym groups as a page — the list, add, remove.

The same service as ``/api/v1/search/synonyms``; a group takes effect on the next search.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import asyncpg
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Template

from matchmaker.auth import curators
from matchmaker.errors import AppError
from matchmaker.search import synonyms as service
from matchmaker.web.forms import errors_of, read, typed
from matchmaker.web.i18n import Words, text
from matchmaker.web.page import Req, lang_of, render, see_other, user_of

__all__ = ["synonym_add", "synonym_remove", "synonyms_page"]

Conn = NamedDependency[asyncpg.Connection]
Id = Annotated[int, PathParameter(ge=1, le=2**62)]
_SPLIT = re.compile(r"[\s,，、;；/]+")

WORDS: Words = {
    "synonyms": ("搜索同义词", "Search synonyms"),
    "synonyms_intro": (
        "同一组里的词在搜索时互相代替：搜「小孩」也找到写着「儿童」「托管」的需求。添加后立即生效。",
        "Words in one group stand for each other in searches: 小孩 also finds needs that say "
        "儿童 or 托管. A group takes effect at once.",
    ),
    "group_words": ("同义词（用空格或逗号分开）", "Words (separated by spaces or commas)"),
    "note": ("说明", "Note"),
    "add_group": ("添加一组", "Add a group"),
    "remove": ("删除", "Remove"),
    "words_error": (
        "每组要有 2–30 个不同的词，每个词不超过 20 个字。",
        "A group needs 2–30 different words of up to 20 characters each.",
    ),
    "note_error": ("说明不超过 200 个字。", "The note may have up to 200 characters."),
    "fix_below": ("请修改下面标出的内容。", "Please correct the fields marked below."),
}


async def _page(
    request: Req, conn: Conn, *, status: int = 200, values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Template:  # fmt: skip
    return render(
        request, "synonyms.html", words=WORDS, status=status, groups=await service.groups(conn),
        values=values or {}, errors=errors or {},
    )  # fmt: skip


@get("/search/synonyms", name="synonyms", include_in_schema=False, guards=[curators])
async def synonyms_page(request: Req, conn: Conn) -> Template:
    return await _page(request, conn)


@post("/search/synonyms", name="add_synonyms", include_in_schema=False, guards=[curators],
      status_code=200)  # fmt: skip
async def synonym_add(request: Req, conn: Conn) -> Response[Any] | Template:
    """Add a group from the form; a refusal keeps what was typed and says why, in the page's words."""
    user = user_of(request)
    assert user is not None  # the guard let only curators in
    values = typed(read(await request.form()))
    said = text(lang_of(request), WORDS)
    raw = str(values.get("words") or "")
    note = str(values.get("note") or "")
    errors: dict[str, str] = {}
    try:
        service.normalised_words([w for w in _SPLIT.split(raw) if w])
    except AppError:
        errors["words"] = said["words_error"]
    if len(note) > 200:
        errors["note"] = said["note_error"]
    if not errors:
        try:
            body = service.SynonymGroupCreate(words=[w for w in _SPLIT.split(raw) if w], note=note)
            await service.add(conn, user, body)
        except AppError as exc:
            errors = errors_of(exc, lang_of(request))
    if errors:
        return await _page(request, conn, status=422, values=values, errors=errors)
    return see_other(request, "/search/synonyms")


@post("/search/synonyms/{group_id:int}/remove", name="remove_synonyms", include_in_schema=False,
      guards=[curators], status_code=200)  # fmt: skip
async def synonym_remove(request: Req, conn: Conn, group_id: Id) -> Response[Any]:
    user = user_of(request)
    assert user is not None
    await service.remove(conn, user, group_id)
    return see_other(request, "/search/synonyms")
