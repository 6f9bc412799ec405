"""A user's query as a ``tsquery``: its words, the words inside them, and their synonyms.

Each term of the query (``segment.query_terms``) becomes a *concept* that matches when the row has
the term, all of its two-character bigrams (so 羌绣 finds 羌绣坊, whose bigrams were stored), or a
word of a synonym group holding the term (老人 → 养老, 长者 …). A query of one or two concepts needs
all of them; a longer one — a sentence such as 给厂里工人的孩子找个暑假托管 — needs three in five
(``ceil(0.6 n)``), written out as the OR of those conjunctions, so a GIN index still answers it.

The result is a ``to_tsquery('simple', …)`` string: every lexeme is quoted and holds only word
characters (``segment._clean``), so no user text can change the query's structure.

>>> build(["老人", "送饭"], [["老人", "养老"]]).tsquery
"('老人' | '养老') & '送饭'"
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from typing import NamedTuple

import asyncpg

from matchmaker.queries import sql
from matchmaker.segment import bigrams, query_terms

__all__ = ["MAX_TERMS", "Search", "build", "compile_query"]

Q = sql("search")

#: A query's first terms that count; the rest of a long sentence is ignored.
MAX_TERMS = 5
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MEANS = re.compile(r"[^\W_]", re.UNICODE)


class Search(NamedTuple):
    """A compiled query: what the SQL binds, and the words a page highlights."""

    tsquery: str | None
    #: any one concept matching (the no-match offer's looser query)
    loose: str | None
    #: the words to mark in titles and snippets, longest first
    words: tuple[str, ...]
    #: False when the text had no word that can match anything (then nothing is shown)
    can_match: bool


NO_QUERY = Search(None, None, (), True)


def _lexeme(word: str) -> str:
    return f"'{word}'"


def _alternative(word: str) -> str:
    """The word itself, or (for three Chinese characters or more) all of its bigrams."""
    if _CJK.fullmatch(word) and len(word) > 2:
        pairs = list(dict.fromkeys(bigrams(word)))
        return f"({_lexeme(word)} | {' & '.join(_lexeme(p) for p in pairs)})"
    return _lexeme(word)


def _alternatives(term: str, groups: Sequence[Sequence[str]]) -> list[str]:
    """The term and every word of a group that holds it, or holds a word nearly as long inside it
    (老年人 takes the group of 老年)."""
    alts: dict[str, None] = {term: None}
    for group in groups:
        if any(w == term or (len(w) >= 2 and len(w) >= len(term) - 1 and w in term) for w in group):
            for word in group:
                if _MEANS.search(word):
                    alts.setdefault(word, None)
    return list(alts)


def _concept(alts: list[str]) -> str:
    parts = [_alternative(a) for a in alts]
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def build(terms: Sequence[str], groups: Sequence[Sequence[str]]) -> Search:
    """The search for ``terms`` given the synonym ``groups`` that may concern them."""
    terms = [t for t in terms if _MEANS.search(t)][:MAX_TERMS]
    if not terms:
        return Search(None, None, (), False)
    alts = [_alternatives(t, groups) for t in terms]
    concepts = [_concept(a) for a in alts]
    need = len(concepts) if len(concepts) <= 2 else math.ceil(0.6 * len(concepts))
    if need == len(concepts):
        tsquery = " & ".join(concepts)
    else:
        tsquery = " | ".join(
            "(" + " & ".join(combo) + ")" for combo in itertools.combinations(concepts, need)
        )
    words = sorted({w for a in alts for w in a}, key=lambda w: (-len(w), w))
    return Search(tsquery, " | ".join(concepts), tuple(words), True)


def _inner_words(terms: Sequence[str]) -> list[str]:
    """The terms and every run of two characters or more inside them (for the synonym lookup)."""
    out: dict[str, None] = {}
    for t in terms:
        for i in range(len(t)):
            for j in range(i + 1, len(t) + 1):
                out.setdefault(t[i:j], None)
    return list(out)


async def compile_query(conn: asyncpg.Connection, text: str | None) -> Search:
    """The search a user typed (``NO_QUERY`` for none), its synonyms read from the database."""
    if text is None or not text.strip():
        return NO_QUERY
    terms = query_terms(text)[:MAX_TERMS]
    if not any(_MEANS.search(t) for t in terms):
        return Search(None, None, (), False)
    rows = await conn.fetch(Q["groups_with"], _inner_words(terms))
    return build(terms, [list(r["words"]) for r in rows])
