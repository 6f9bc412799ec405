"""A search's best-first order, kept while no need changed: pages without ranking again.

Ranking by relevance scores every need a query finds before the first page can be cut — a common
word with its synonyms (养老 → 老人, 助老 …) finds 29,000 of 100,000 needs, some 150 ms of
PostgreSQL per query. So a server keeps, for each query and filters, the ids and sort keys of its
first :data:`KEPT_ROWS` matches in order, under the database's ``search_revision`` (migration 0026),
which every write of needs or communities moves in its own transaction. A page read from a kept
ranking is the page the SQL would give at that revision; once anything changed, the next request
ranks again. Pages past the kept rows, and lists that are not open needs, go to the SQL as before.

>>> kept = Kept(2)
>>> kept.put(("养老",), Ranking.of([(3.5, 7), (1.0, 9)]))
>>> kept.get(("养老",)).after(3.5, 7)
1
"""

from __future__ import annotations

import asyncio
import bisect
from array import array
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable

__all__ = ["KEPT_ROWS", "Kept", "Ranking"]

#: How many of a query's best matches a ranking keeps: the board counts to 1,000 and says "more
#: than" past it, so one more tells the count as well; deeper pages are read by the SQL.
KEPT_ROWS = 1001


class Ranking:
    """A query's first matches, best first: sort keys and ids in two flat arrays (16 bytes a row)."""

    __slots__ = ("ids", "keys")

    def __init__(self, keys: array[float], ids: array[int]) -> None:
        self.keys = keys
        self.ids = ids

    @classmethod
    def of(cls, rows: Iterable[tuple[float, int]]) -> Ranking:
        """From ``(sort key, id)`` pairs in the SQL's order (key, then id, both descending)."""
        keys, ids = array("d"), array("q")
        for key, ident in rows:
            keys.append(key)
            ids.append(ident)
        return cls(keys, ids)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def complete(self) -> bool:
        """True when it holds every match (fewer than :data:`KEPT_ROWS` were found)."""
        return len(self.ids) < KEPT_ROWS

    def after(self, key: float, ident: int) -> int:
        """Where the rows after a cursor's ``(key, id)`` start: the first one below it in the
        order (key descending, then id descending), as the SQL's keyset predicate reads it."""
        return bisect.bisect_right(
            range(len(self.ids)), (-key, -ident), key=lambda i: (-self.keys[i], -self.ids[i])
        )


class Kept:
    """The rankings one server keeps, at most ``size``, the least recently used dropped first.

    Keys name the revision, the compiled query and the filters; an entry of an old revision is
    never asked for again and ages out.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Ranking] = OrderedDict()
        #: the rankings being made now, so that requests asking for the same one at once (after
        #: a write moved the revision, 32 of them) wait for it instead of each ranking again
        self._making: dict[Hashable, asyncio.Future[Ranking]] = {}
        #: how many rankings this server made (the rest were read kept)
        self.made = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Ranking | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    async def get_or_make(self, key: Hashable, make: Callable[[], Awaitable[Ranking]]) -> Ranking:
        """The ranking kept under ``key``, else the one another request is making now, else one
        made here by ``make`` and kept. A maker that fails or is cancelled leaves the waiting
        requests to make it themselves."""
        while True:
            found = self.get(key)
            if found is not None:
                return found
            making = self._making.get(key)
            if making is None:
                break
            await asyncio.wait({making})
            if not making.cancelled() and making.exception() is None:
                return making.result()
        made: asyncio.Future[Ranking] = asyncio.get_running_loop().create_future()
        self._making[key] = made
        try:
            ranking = await make()
        except BaseException:
            made.cancel()
            raise
        finally:
            del self._making[key]
        self.made += 1
        self.put(key, ranking)
        made.set_result(ranking)
        return ranking

    def put(self, key: Hashable, ranking: Ranking) -> None:
        self._entries[key] = ranking
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
