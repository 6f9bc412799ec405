"""Loading needs from a spreadsheet: every row validated first, then all in one transaction, or none.

Community staff may import only their own community's needs, and only as 草稿 or 征集中 (as
``POST /demands`` allows); coordinators, admins and the command line may name any community and
any status (bringing in records kept elsewhere). Each new need gets an ``import`` audit entry.

>>> result = await import_demands(conn, read_sheet(data, "需求.xlsx"), staff, any_community=False)  # doctest: +SKIP
>>> result.count
12
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import asyncpg
import msgspec

from matchmaker.errors import Forbidden, Invalid
from matchmaker.models import CurrentUser
from matchmaker.queries import audit
from matchmaker.queries import demand_sheets as sheets_q
from matchmaker.queries import demands as q
from matchmaker.search import index as search_index
from matchmaker.segment import search_text
from matchmaker.services.access import governs
from matchmaker.sheets.needs import community_cells, parse_demands
from matchmaker.sheets.workbook import CellError, Sheet

__all__ = ["ImportResult", "import_demands"]

#: The statuses a need imported by community staff may have (the same as a need they post).
STAFF_STATUSES = ("draft", "open")


class ImportResult(msgspec.Struct):
    """What an import added: how many needs, and their ids in the file's row order."""

    count: int
    ids: list[int]


async def _community_resolver(
    conn: asyncpg.Connection, sheet: Sheet, user: CurrentUser | None, any_community: bool
) -> Callable[[str], int]:
    """A function from a 社区 cell to a community id, looking every name up in one query."""
    texts = community_cells(sheet)
    names = texts | {text.partition("/")[2].strip() for text in texts if "/" in text}
    by_name: dict[str, list[sheets_q.CommunityName]] = defaultdict(list)
    for community in await sheets_q.communities_named(conn, sorted(names)):
        by_name[community.name].append(community)
    own = user.community_id if user is not None else None

    def resolve(text: str) -> int:
        if not text:
            if not any_community and own is not None:
                return own  # staff may leave it blank: their own community
            raise CellError("required; this cell is empty")
        matches = by_name.get(text, [])
        if not matches and "/" in text:
            town, _, name = (part.strip() for part in text.partition("/"))
            matches = [c for c in by_name.get(name, []) if c.town_name == town]
        if not matches:
            raise CellError(f"no community is named {text!r}")
        if len(matches) > 1:
            towns = "、".join(f"{c.town_name}/{c.name}" for c in matches)
            raise CellError(f"{len(matches)} communities are named {text!r}; write one of: {towns}")
        if not any_community and matches[0].id != own:
            raise CellError(f"you may import needs only for your own community, not {text!r}")
        if (
            user is not None
            and user.role == "coordinator"
            and not governs(user, matches[0].district_id)
        ):
            raise CellError(f"{text!r} lies outside your area; a coordinator imports only there")
        return matches[0].id

    return resolve


async def import_demands(
    conn: asyncpg.Connection, sheet: Sheet, user: CurrentUser | None, *, any_community: bool
) -> ImportResult:
    """Validate every row, then insert them all with their audit entries in one transaction.

    ``user`` is who imports (None: the command line); ``any_community`` lets rows name any
    community and status (coordinators, admins, the command line). Raises
    :class:`~matchmaker.sheets.workbook.SheetRejected` listing every bad row, having written nothing.
    """
    if not any_community and (user is None or user.role != "community_staff"):
        raise Forbidden("only community staff or a coordinator may import needs")
    resolve = await _community_resolver(conn, sheet, user, any_community)
    rows = parse_demands(sheet, resolve, statuses=None if any_community else STAFF_STATUSES)
    if not rows:
        raise Invalid("file: there are no rows under the header; nothing to import", field="file")
    ids: list[int] = []
    async with conn.transaction():
        for row in rows:
            values = msgspec.structs.asdict(row)
            values["search_text"] = search_text(row.title, row.description, " ".join(row.skills))
            demand_id = await q.insert(conn, values, user.id if user else None)
            await search_index.refresh(conn, "demands", [demand_id])
            demand = await q.get(conn, demand_id)
            await audit.record(conn, user, "demand", demand_id, "import", None, demand)
            ids.append(demand_id)
    return ImportResult(count=len(ids), ids=ids)
