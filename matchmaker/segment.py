"""Chinese word segmentation (jieba) for full-text search.

Stored text and queries go through the same pipeline, so a query word matches the words stored:
``search_text`` takes jieba's search mode (words and the shorter words inside them, so 养老服务
is found by 养老) and PostgreSQL turns the space-joined tokens into a ``tsvector`` with the
``simple`` configuration.

>>> search_text("老年食堂", "助餐服务")
'老年 食堂 助餐 服务'
>>> query_text("养老 食堂")
'养老 食堂'
"""

from __future__ import annotations

import functools
import logging
import re
import threading

import jieba

__all__ = ["load", "query_text", "search_text", "tokens"]

_WORD = re.compile(r"\w", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _ensure_ready() -> None:
    """Load jieba's dictionary once, quietly (it logs to stderr by default)."""
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _ready = True


def load() -> None:
    """Load the dictionary now (about 3 s): a server does it before it serves, in a thread, so
    its first search or need page does not hold every other request on the event loop."""
    _ensure_ready()


@functools.lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Distinct lower-cased search-mode tokens of ``text``, in first-seen order, punctuation dropped.

    Cached: synthetic data and repeated titles segment each distinct fragment once.
    """
    _ensure_ready()
    seen: dict[str, None] = {}
    for token in jieba.cut_for_search(text):
        token = token.strip().lower()
        if token and _WORD.search(token):
            seen.setdefault(token, None)
    return tuple(seen)


def search_text(*parts: str | None) -> str:
    """The ``search_text`` column value for a row whose searchable fields are ``parts``."""
    seen: dict[str, None] = {}
    for part in parts:
        if part:
            for token in tokens(part):
                seen.setdefault(token, None)
    return " ".join(seen)


def query_text(query: str) -> str:
    """A user's query as space-joined tokens, for ``plainto_tsquery('simple', …)`` (all must match)."""
    _ensure_ready()
    words: dict[str, None] = {}
    for token in jieba.cut(query):
        token = token.strip().lower()
        if token and _WORD.search(token):
            words.setdefault(token, None)
    return " ".join(words)
