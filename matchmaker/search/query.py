"""A user's query as a ``tsquery``: its words, the words inside them, and their synonyms.

Each term of the query (``segment.query_terms``) becomes a *concept* that matches when the row has
the term, its two-character bigrams in a row (so 羌绣 finds 羌绣坊, whose bigrams were stored), or a
word of a synonym group holding the term (老人 → 养老, 长者 …). A query of one or two concepts needs
all of them; a longer one — a sentence such as 给厂里工人的孩子找个暑假托管 — needs three in five
(``ceil(0.6 n)``), written out as the OR of those conjunctions, so a GIN index still answers it.

Two neighbouring terms that together are a word of a group are one concept (传统 手艺 → 传统手艺)
that counts as both toward the share that must match.

The result is six lines of ``to_tsquery('simple', …)`` text: what must match, the query's own words
without synonyms, and the runs of Chinese as typed, each also restricted to title words (``:A``).
``search_rank`` (migration 0021) ranks by them: own words above synonyms, a run found whole above
its words found apart, the title above the rest. Every
lexeme is quoted and holds only word characters (``segment._clean``), so no user text can change
the query's structure.

>>> build(["老人", "送饭"], [["老人", "养老"]]).tsquery.splitlines()[:4]
["('老人' | '养老') & '送饭'", "('老人':A | '养老':A) & '送饭':A", "'老人' & '送饭'", "'老人':A & '送饭':A"]
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
#: Longer runs of Chinese typed in one go are not ranked as a phrase (a sentence, not a name).
MAX_PHRASE = 12
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_MEANS = re.compile(r"[^\W_]", re.UNICODE)
_QUOTED = re.compile(r"'(\w+)'", re.UNICODE)


class Search(NamedTuple):
    """A compiled query: what the SQL binds, and the words a page highlights."""

    #: the SQL's compiled search: what must match, a newline, the query's own words (for ranking)
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
    """The word itself, or (for three Chinese characters or more) its bigrams as a phrase: the word
    anywhere in the text, even inside a longer word."""
    if _CJK.fullmatch(word) and len(word) > 2:
        return f"({_lexeme(word)} | {' <-> '.join(_lexeme(p) for p in bigrams(word))})"
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


def _merged(terms: list[str], groups: Sequence[Sequence[str]]) -> list[tuple[str, int]]:
    """Neighbouring terms joined where the pair is itself a word of a group, each with how many
    of the query's terms it stands for (its weight toward the share that must match)."""
    known = {w for g in groups for w in g}
    out: list[tuple[str, int]] = []
    for term in terms:
        if out and out[-1][0] + term in known:
            out[-1] = (out[-1][0] + term, out[-1][1] + 1)
        else:
            out.append((term, 1))
    return out


def _all_or_most(concepts: list[str], weights: list[int]) -> str:
    """All of the concepts when they stand for one or two terms; for more, enough of them to stand
    for ``ceil(0.6 n)`` terms — the OR of the smallest such conjunctions."""
    total = sum(weights)
    need = total if total <= 2 else math.ceil(0.6 * total)
    picks: list[tuple[int, ...]] = []
    for size in range(1, len(concepts) + 1):
        for combo in itertools.combinations(range(len(concepts)), size):
            if sum(weights[i] for i in combo) >= need and not any(
                set(p) <= set(combo) for p in picks
            ):
                picks.append(combo)
    if len(picks) == 1:
        return " & ".join(concepts[i] for i in picks[0])
    return " | ".join("(" + " & ".join(concepts[i] for i in p) + ")" for p in picks)


def _in_title(tsquery: str) -> str:
    """The same query restricted to title words (weight A)."""
    return _QUOTED.sub(r"'\1':A", tsquery) if tsquery else ""


def build(
    terms: Sequence[str], groups: Sequence[Sequence[str]], phrases: Sequence[str] = ()
) -> Search:
    """The search for ``terms`` given the synonym ``groups`` that may concern them; ``phrases``
    (the query's runs of Chinese as typed) rank a row holding one of them whole higher."""
    weighted = _merged([t for t in terms if _MEANS.search(t)], groups)[:MAX_TERMS]
    if not weighted:
        return Search(None, None, (), False)
    terms = [t for t, _ in weighted]
    weights = [w for _, w in weighted]
    alts = [_alternatives(t, groups) for t in terms]
    concepts = [_concept(a) for a in alts]
    match = _all_or_most(concepts, weights)
    own = _all_or_most([_alternative(t) for t in terms], weights)
    whole = " | ".join(_alternative(p) for p in dict.fromkeys(phrases))
    lines = [match, _in_title(match), own, _in_title(own), whole, _in_title(whole)]
    words = sorted({w for a in alts for w in a}, key=lambda w: (-len(w), w))
    return Search("\n".join(lines), " | ".join(concepts), tuple(words), True)


def _lookup_words(terms: Sequence[str]) -> list[str]:
    """The terms, every run inside them and each pair of neighbours joined (the synonym lookup)."""
    out: dict[str, None] = {}
    for t in terms:
        for i in range(len(t)):
            for j in range(i + 1, len(t) + 1):
                out.setdefault(t[i:j], None)
    for a, b in itertools.pairwise(terms):
        out.setdefault(a + b, None)
    return list(out)


async def compile_query(conn: asyncpg.Connection, text: str | None) -> Search:
    """The search a user typed (``NO_QUERY`` for none), its synonyms read from the database."""
    if text is None or not text.strip():
        return NO_QUERY
    terms = query_terms(text)[:MAX_TERMS]
    if not any(_MEANS.search(t) for t in terms):
        return Search(None, None, (), False)
    rows = await conn.fetch(Q["groups_with"], _lookup_words(terms))
    phrases = [run for run in _CJK.findall(text) if 2 < len(run) <= MAX_PHRASE]
    return build(terms, [list(r["words"]) for r in rows], phrases)
