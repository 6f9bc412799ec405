"""A search's best-first order, kept across writes: pages without ranking again.

Ranking by relevance scores every need a query finds before the first page can be cut — a common
word with its synonyms (养老 → 老人, 助老 …) finds 29,000 of 100,000 needs, some 150 ms of
PostgreSQL per query. So a server keeps, for each query and filters, the ids and sort keys of its
first matches in order (at least :data:`KEPT_ROWS`, or all of them), under the database's
``search_revision`` (migrations 0026, 0028), which every write of needs or communities moves in
its own transaction.

A need's sort key and whether a search finds it depend on its own row (and its community's) and
the query only, never on the other needs. So when the revision moved, a ranking is brought up to
it by ranking only the needs changed since (filed by migration 0028's triggers) and merging them
in (:meth:`Ranking.merged`); it is ranked whole again only when too many changed, or the change
log no longer reaches back to it, or too few of its rows are still known to be the first. A page
read from a kept ranking is the page the SQL would give at its revision. Pages past the kept
rows, and lists that are not open needs, go to the SQL as before.

>>> kept = Kept(2)
>>> kept.put(("养老",), Ranking.of([(3.5, 7), (1.0, 9)], revision=4))
>>> kept.get(("养老",), 4).after(3.5, 7)
1
>>> list(kept.get(("养老",), 4).merged({7}, [(2.0, 7)], 5).ids)
[7, 9]
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
from array import array
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Iterator, Set
from typing import TypeVar, cast

__all__ = ["KEPT_ROWS", "MADE_ROWS", "Kept", "Ranking"]

T = TypeVar("T")

#: How many of a query's best matches a ranking holds at least (unless it holds all): the board
#: counts to 1,000 and says "more than" past it, so one more tells the count as well; deeper
#: pages are read by the SQL.
KEPT_ROWS = 1001
#: How many a ranking is made with: the spare ones stand in for those that writes take out of
#: the first rows (a need closed, edited out of the query), before it must be ranked again.
MADE_ROWS = KEPT_ROWS + 63


def _order(row: tuple[float, int]) -> tuple[float, int]:
    """The SQL's order (key descending, then id descending) as an ascending sort key."""
    return (-row[0], -row[1])


class Ranking:
    """A query's first matches, best first: sort keys and ids in two flat arrays (16 bytes a row),
    the revision they are exact at, and whether they are every match or only the first ones."""

    __slots__ = ("complete", "ids", "keys", "revision")

    def __init__(self, keys: array[float], ids: array[int], revision: int, complete: bool) -> None:
        self.keys = keys
        self.ids = ids
        self.revision = revision
        self.complete = complete

    @classmethod
    def of(
        cls, rows: Iterable[tuple[float, int]], revision: int = 0, complete: bool | None = None
    ) -> Ranking:
        """From ``(sort key, id)`` pairs in the SQL's order (key, then id, both descending);
        ``complete`` by default when fewer than :data:`MADE_ROWS` came (it asked for that many)."""
        keys, ids = array("d"), array("q")
        for key, ident in rows:
            keys.append(key)
            ids.append(ident)
        whole = len(ids) < MADE_ROWS if complete is None else complete
        return cls(keys, ids, revision, whole)

    def __len__(self) -> int:
        return len(self.ids)

    def after(self, key: float, ident: int) -> int:
        """Where the rows after a cursor's ``(key, id)`` start: the first one below it in the
        order (key descending, then id descending), as the SQL's keyset predicate reads it."""
        return bisect.bisect_right(
            range(len(self.ids)), (-key, -ident), key=lambda i: (-self.keys[i], -self.ids[i])
        )

    def merged(
        self, changed: Set[int], found: Iterable[tuple[float, int]], revision: int
    ) -> Ranking | None:
        """This ranking at ``revision``: the needs ``changed`` since its own taken out, those of
        them the search finds now (``found``, their keys now) put in by key. None when too few
        rows would be known to be the first (then it is ranked again).

        The unchanged needs keep their keys, so every one of them above this ranking's last row
        is in it; below that row only changed ones are known, and a need never kept (the first
        one past it) may belong before them. So a ranking that holds only the first matches keeps
        only what sorts before its old last row; one holding every match keeps everything.
        """
        rows: Iterator[tuple[float, int]] = heapq.merge(
            ((k, i) for k, i in zip(self.keys, self.ids, strict=True) if i not in changed),
            sorted(found, key=_order),
            key=_order,
        )
        complete = self.complete
        if not complete and self.ids:
            last = _order((self.keys[-1], self.ids[-1]))
            rows = itertools.takewhile(lambda row: _order(row) <= last, rows)
        first = list(itertools.islice(rows, MADE_ROWS + 1))
        if len(first) > MADE_ROWS:
            first, complete = first[:MADE_ROWS], False
        if not complete and len(first) < KEPT_ROWS:
            return None
        return Ranking.of(first, revision, complete)


class Kept:
    """The rankings one server keeps, at most ``size``, the least recently used dropped first.

    Keys name the compiled query and the filters; each ranking says which revision it is exact
    at, and one behind the revision a request read is brought up (or made again) before use.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Ranking] = OrderedDict()
        #: the rankings being made or brought up now, so that requests asking for the same one at
        #: once (after a write moved the revision, 32 of them) wait for it instead of each ranking
        self._making: dict[Hashable, asyncio.Future[Ranking]] = {}
        #: how many rankings this server made whole, and how many it brought up to a revision by
        #: the needs changed since (the rest were read kept)
        self.made = 0
        self.brought_up = 0
        #: unsearched lists' counts and pages' ids (at_revision), each with its revision
        self._at: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        """Whether a ranking of this search is kept, of any revision."""
        return key in self._entries

    def get(self, key: Hashable, revision: int) -> Ranking | None:
        """The ranking kept under ``key`` when it is exact at ``revision`` or later."""
        found = self._entries.get(key)
        if found is None or found.revision < revision:
            return None
        self._entries.move_to_end(key)
        return found

    async def get_or_make(
        self,
        key: Hashable,
        revision: int,
        make: Callable[[], Awaitable[Ranking]],
        bring_up: Callable[[Ranking], Awaitable[Ranking | None]],
    ) -> Ranking:
        """The ranking kept under ``key`` at ``revision`` or later, else the one another request
        is making now, else the kept one brought up by ``bring_up`` (None: it cannot be) or one
        made whole by ``make``, and kept. A maker that fails or is cancelled leaves the waiting
        requests to make it themselves."""
        while True:
            found = self.get(key, revision)
            if found is not None:
                return found
            making = self._making.get(key)
            if making is None:
                break
            await asyncio.wait({making})
            done = not making.cancelled() and making.exception() is None
            if done and making.result().revision >= revision:
                return making.result()
        made: asyncio.Future[Ranking] = asyncio.get_running_loop().create_future()
        self._making[key] = made
        try:
            old = self._entries.get(key)
            ranking = await bring_up(old) if old is not None else None
            if ranking is not None:
                self.brought_up += 1
            else:
                ranking = await make()
                self.made += 1
        except BaseException:
            made.cancel()
            raise
        finally:
            del self._making[key]
        self.put(key, ranking)
        made.set_result(ranking)
        return ranking

    async def at_revision(
        self, key: Hashable, revision: int, make: Callable[[], Awaitable[T]]
    ) -> T:
        """What ``make`` gave under ``key`` at ``revision``, else what it gives now, kept.

        For what depends on the needs and communities alone (an unsearched list's count, the ids
        of its page). ``revision`` must be read before ``make`` runs: what is made later is as new
        as the revision or newer, never older, so it holds for any request that read it.
        """
        found = self._at.get(key)
        if found is not None and found[0] == revision:
            self._at.move_to_end(key)
            return cast(T, found[1])
        made = await make()
        self._at[key] = (revision, made)
        self._at.move_to_end(key)
        while len(self._at) > self.size:
            self._at.popitem(last=False)
        return made

    def put(self, key: Hashable, ranking: Ranking) -> None:
        """Keep ``ranking`` (unless a later one of the same search is kept already)."""
        old = self._entries.get(key)
        if old is None or old.revision <= ranking.revision:
            self._entries[key] = ranking
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
