"""The library's text model: fitted once per change of the library's text, shared by every view.

Rounds, the board's fit and the quality benchmark all score text with the same
:class:`~matchmaker.matching.text.TextModel`, fitted on every need and every organisation's
profile. Statement-level triggers move ``library_revision`` whenever that text changes; a process
keeps the model of the revision it last saw and refits only when the revision has moved — one
cheap query per use, one refit per change, never one per request. The revision carries a token
of its database, so a process that uses several databases never mixes their models.

>>> model = await current(conn)  # doctest: +SKIP
>>> model.revision  # doctest: +SKIP
'5b0c…:42'
"""

from __future__ import annotations

import asyncio
import functools

import asyncpg

from matchmaker.matching.text import TextModel
from matchmaker.queries import rounds as q

__all__ = ["current"]

#: The last model fitted, by its database's token.
_latest: dict[str, TextModel] = {}


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
    revision, corpus = await q.text_corpus(conn)
    model = await asyncio.to_thread(
        functools.partial(TextModel.fit, corpus, revision, keep_vectors=keep_vectors)
    )
    _latest[token] = model
    return model
