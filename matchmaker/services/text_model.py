"""The library's text model: fitted once per change of the library's text, shared by every view.

Rounds, the board's fit and the quality benchmark all score text with the same
:class:`~matchmaker.matching.text.TextModel`, fitted on every need and every organisation's
profile. Statement-level triggers move ``library_revision`` whenever that text changes; a process
keeps the model of the revision it last saw. The revision carries a token of its database, so a
process that uses several databases never mixes their models.

Two ways to ask, for two kinds of use:

* :func:`current` — the model of the library as it is now, refitted on the spot when its text
  changed. A round asks this way: its scores are exactly those of the library it reads.
* :func:`recent` — a model at most :data:`REFIT_SECONDS` behind the library's text, for the pages
  that show a partner its fit. A province's library (300,000 texts) takes some ten seconds to fit
  and moves with every need posted: refitted on every change, each web process would spend its
  time fitting, and the partner who asked first would wait for it. A page gets the model it has;
  when the library moved and the last fit is older than that, one fit starts apart, on a
  connection of the pool :func:`refit_from` gave, and later views get it. A process with no
  model yet (or no pool) fits on the spot.

>>> model = await current(conn)  # doctest: +SKIP
>>> model.revision  # doctest: +SKIP
'5b0c…:42'
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable

import asyncpg
import structlog

from matchmaker.matching.text import TextModel
from matchmaker.queries import rounds as q

__all__ = ["REFIT_SECONDS", "current", "recent", "refit_from", "refitting", "stop_refits"]

log = structlog.get_logger()

#: How far behind the library's text the pages' model may fall before one refit starts apart.
REFIT_SECONDS = 300.0
#: The clock the pages' refits are spaced by (a test moves its own).
clock: Callable[[], float] = time.monotonic

#: The last model fitted, by its database's token.
_latest: dict[str, TextModel] = {}
#: When the last fit of each database's model started, on :data:`clock`.
_started: dict[str, float] = {}
#: The fit running apart for each database, if one is.
_refits: dict[str, asyncio.Task[TextModel]] = {}
#: The pool a refit apart reads the library from (the app's; None: pages fit on the spot).
_pool: asyncpg.Pool | None = None
#: The first fit of a process that serves pages, started with it (see :func:`refit_from`).
_warming: list[asyncio.Task[TextModel]] = []


def _number(revision: str) -> int:
    """The counter part of a revision (``token:42`` → 42), to keep the newer of two models."""
    tail = revision.rpartition(":")[2]
    return int(tail) if tail.isdigit() else -1


async def _fit(conn: asyncpg.Connection, token: str, *, keep_vectors: bool) -> TextModel:
    """Read the library on ``conn`` and fit its model (see :func:`_fitted`)."""
    _started[token] = clock()
    before = _latest.get(token)
    revision, corpus = await q.text_corpus(conn)
    return await _fitted(token, before, revision, corpus, keep_vectors=keep_vectors)


async def _fitted(
    token: str, before: TextModel | None, revision: str, corpus: list[str], *, keep_vectors: bool
) -> TextModel:
    """The model of ``corpus``, fitted off the event loop and kept — unless, while it was fitted,
    another fit kept the model of a later revision (a round's, beside a page's refit)."""
    model = await asyncio.to_thread(
        functools.partial(TextModel.fit, corpus, revision, keep_vectors=keep_vectors)
    )
    kept = _latest.get(token)
    if kept is before or kept is None or _number(kept.revision) <= _number(model.revision):
        _latest[token] = model
    return model


async def current(conn: asyncpg.Connection, *, keep_vectors: bool = False) -> TextModel:
    """The model of the library as it is now (refitted when its text changed since last time).

    ``keep_vectors``: with the corpus' vectors, so a round looks its texts' vectors up (a process
    that only scores a few pairs, as the board does, need not hold them).
    """
    revision = await q.library_revision(conn)
    token = revision.partition(":")[0]
    cached = _latest.get(token)
    if (
        cached is not None
        and cached.revision == revision
        and (cached.corpus_vectors is not None or not keep_vectors)
    ):
        return cached
    return await _fit(conn, token, keep_vectors=keep_vectors)


async def recent(conn: asyncpg.Connection) -> TextModel:
    """A model of the library at most :data:`REFIT_SECONDS` (and one fit) behind its text: the
    one this process has, a refit started apart when the library moved and the last fit is that
    old. With no model yet (or only one of an empty library), or no pool to refit from, as
    :func:`current`."""
    revision = await q.library_revision(conn)
    token = revision.partition(":")[0]
    cached = _latest.get(token)
    if cached is None and _warming and not _warming[0].done():
        await asyncio.wait([_warming[0]])  # the first fit, started with the process
        cached = _latest.get(token)
    if cached is None or cached.documents == 0 or _pool is None:  # nothing to lag behind
        return await current(conn)
    due = clock() - _started.get(token, float("-inf")) >= REFIT_SECONDS
    if cached.revision != revision and due and token not in _refits:
        _started[token] = clock()
        task = asyncio.create_task(_refit_apart(_pool, _latest.get(token)))
        _refits[token] = task
        task.add_done_callback(lambda _: _refits.pop(token, None))
        task.add_done_callback(_settled)
    return cached


async def _refit_apart(pool: asyncpg.Pool, before: TextModel | None = None) -> TextModel:
    """Read the library on a connection of ``pool``, give the connection back, then fit: a fit
    cancelled as the app stops holds no connection the pool's closing would wait for.
    ``before``: the model kept when the refit was asked for (a later one kept meanwhile wins)."""
    async with pool.acquire() as conn:
        revision, corpus = await q.text_corpus(conn)
    token = revision.partition(":")[0]
    _started[token] = clock()
    return await _fitted(token, before, revision, corpus, keep_vectors=False)


def _settled(task: asyncio.Task[TextModel]) -> None:
    """A fit apart that failed (the database away a moment, say) is logged; the next due view
    starts another."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("text model not refitted", reason=repr(task.exception()))


def refitting() -> list[asyncio.Task[TextModel]]:
    """The refits running apart (at most one a database)."""
    return list(_refits.values())


def refit_from(pool: asyncpg.Pool | None, *, warm: bool = False) -> None:
    """The pool the pages' refits read the library from (the app's lifespan gives its own);
    ``warm``: fit the first model on it now, apart, so the first partner to open a page does not
    wait for it (some ten seconds for a province; a page asking meanwhile waits for that fit
    rather than starting its own)."""
    global _pool  # one pool per process, as the app has one
    _pool = pool
    _warming.clear()
    if pool is not None and warm:
        _warming.append(asyncio.create_task(_refit_apart(pool)))
        _warming[0].add_done_callback(_settled)


async def stop_refits() -> None:
    """Cancel the refits running apart and forget the pool (the app is stopping)."""
    tasks = refitting() + _warming
    refit_from(None)
    for task in tasks:
        task.cancel()
    if tasks:  # each ends at once (a fit's thread finishes alone, holding no connection)
        await asyncio.wait(tasks)
