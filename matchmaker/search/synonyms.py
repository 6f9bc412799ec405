"""The synonym groups coordinators keep: words that mean the same to the people searching.

A query word in a group also matches the group's other words (``search.query``); a group takes
effect on the next search (nothing is re-indexed: synonyms expand the query, not the rows).
Adding and removing a group is audited.
"""

from __future__ import annotations

import datetime as dt

import asyncpg
import msgspec

from matchmaker.errors import Invalid, NotFound
from matchmaker.models import CurrentUser
from matchmaker.queries import audit, sql
from matchmaker.segment import clean_word

__all__ = ["SynonymGroup", "SynonymGroupCreate", "add", "groups", "normalised_words", "remove"]

Q = sql("search")
MAX_WORD = 20


class SynonymGroup(msgspec.Struct, frozen=True):
    id: int
    words: list[str]
    note: str
    created_at: dt.datetime


class SynonymGroupCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Two to thirty words (each up to 20 characters) that mean the same; a note on what for."""

    words: list[str]
    note: str = ""


def normalised_words(raw: list[str]) -> list[str]:
    """The words as the search compares them (lower-cased, punctuation dropped), once each."""
    words: dict[str, None] = {}
    for value in raw:
        word = clean_word(value)
        if not word or len(word) > MAX_WORD:
            raise Invalid(
                f"words: {value!r} is not a word of 1–{MAX_WORD} letters or characters",
                field="words",
            )
        words.setdefault(word, None)
    if not 2 <= len(words) <= 30:
        raise Invalid("words: give 2 to 30 different words", field="words")
    return list(words)


async def groups(conn: asyncpg.Connection) -> list[SynonymGroup]:
    return [msgspec.convert(dict(r), SynonymGroup) for r in await conn.fetch(Q["synonym_groups"])]


async def add(
    conn: asyncpg.Connection, user: CurrentUser, body: SynonymGroupCreate
) -> SynonymGroup:
    """Add a group (the caller is a curator: the route's guard)."""
    words = normalised_words(body.words)
    if len(body.note) > 200:
        raise Invalid("note: at most 200 characters", field="note")
    async with conn.transaction():
        row = await conn.fetchrow(Q["insert_group"], words, body.note.strip(), user.id)
        group = msgspec.convert(dict(row), SynonymGroup)
        await audit.record(conn, user, "search_synonyms", group.id, "create", None, group)
    return group


async def remove(conn: asyncpg.Connection, user: CurrentUser, group_id: int) -> None:
    async with conn.transaction():
        if await conn.fetchval(Q["delete_group"], group_id) is None:
            raise NotFound("synonym group", group_id)
        await audit.record(conn, user, "search_synonyms", group_id, "delete")
