"""Chinese word segmentation (jieba) and character bigrams for full-text search.

Stored text and queries go through the same pipeline, so a query word matches the words stored.
``search_text`` is two lines: the row's title (or name) first, everything else second, so the
``search`` column can weigh a title match above a description match. Each line holds jieba's
search-mode tokens (words and the shorter words inside them) **and the two-character windows of
its Chinese, in order** (bigrams), so a word jieba keeps whole — 羌绣坊 — is still found by 羌绣,
and any run of three characters or more by its bigrams as a phrase.
PostgreSQL turns each line into a ``tsvector`` with the ``simple`` configuration.

>>> search_text("老年食堂", "助餐服务")
'老年 食堂 老年 年食 食堂\\n助餐 服务 助餐 餐服 服务'
>>> query_terms("给厂里工人的孩子找个暑假托管")
['厂里', '工人', '孩子', '暑假', '托管']
"""

from __future__ import annotations

import functools
import logging
import re
import threading

import jieba

__all__ = ["bigrams", "clean_word", "load", "query_terms", "query_text", "search_text", "tokens"]

_WORD = re.compile(r"\w", re.UNICODE)
_NOT_WORD = re.compile(r"\W+", re.UNICODE)
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_lock = threading.Lock()
_ready = False

#: Words of a sentence that say nothing about what is sought (给…找个…的…): dropped from a query
#: unless nothing else is left.
STOPWORDS = frozenset(
    [
        "给",
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "为",
        "把",
        "被",
        "让",
        "对",
        "向",
        "从",
        "找",
        "找个",
        "找找",
        "一个",
        "个",
        "一些",
        "些",
        "有",
        "没有",
        "要",
        "想",
        "想要",
        "需要",
        "帮",
        "帮忙",
        "帮助",
        "请",
        "请问",
        "我",
        "我们",
        "你",
        "你们",
        "他们",
        "能",
        "能否",
        "可以",
        "哪里",
        "哪儿",
        "哪个",
        "什么",
        "怎么",
        "如何",
        "一下",
        "吗",
        "呢",
        "啊",
        "吧",
        "呀",
        "做",
        "搞",
        "弄",
        "谁",
        "是",
        "都",
        "也",
        "就",
        "还",
        "很",
        "这",
        "那",
        "这个",
        "那个",
        "里",
        "上",
        "下",
        "中",
    ]
)


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
def bigrams(text: str) -> tuple[str, ...]:
    """Every two-character window of each run of Chinese characters in ``text`` (cached, as
    :func:`tokens`)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tuple(out)


def clean_word(token: str) -> str:
    """A token as a lexeme: lower-cased, only word characters (nothing a tsquery would parse)."""
    return _NOT_WORD.sub("", token.strip().lower()).strip("_")


_clean = clean_word


@functools.lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Distinct lower-cased search-mode tokens of ``text``, in first-seen order.

    Cached: synthetic data and repeated titles segment each distinct fragment once.
    """
    _ensure_ready()
    seen: dict[str, None] = {}
    for token in jieba.cut_for_search(text):
        token = _clean(token)
        if token:
            seen.setdefault(token, None)
    return tuple(seen)


def _line(parts: tuple[str | None, ...]) -> str:
    """One line of ``search_text``: the parts' distinct tokens, then each part's bigrams in text
    order, repeats kept, so neighbouring bigrams sit at neighbouring positions and a query can ask
    for them as a phrase (``'羌绣' <-> '绣坊'``): a substring match."""
    seen: dict[str, None] = {}
    pairs: list[str] = []
    for part in parts:
        if part:
            for token in tokens(part):
                seen.setdefault(token, None)
            pairs.extend(bigrams(part))
    return " ".join([*seen, *pairs])


def search_text(title: str | None, *rest: str | None) -> str:
    """The ``search_text`` column value: the title's tokens, a newline, the other parts' tokens."""
    return f"{_line((title,))}\n{_line(rest)}"


def query_terms(query: str) -> list[str]:
    """What a user's query asks for: jieba's words, lower-cased, filler words dropped.

    Each term is then matched as itself, its bigrams or a synonym (``search.query``).
    """
    return list(_terms(query))


@functools.lru_cache(maxsize=4096)
def _terms(query: str) -> tuple[str, ...]:
    """query_terms, remembered: the same texts come again and again (the board's common words,
    each need's title on its page, 6% of that page's Python), and the dictionary never changes
    once loaded."""
    _ensure_ready()
    words: dict[str, None] = {}
    for token in jieba.cut(query):
        token = _clean(token)
        if token:
            words.setdefault(token, None)
    kept = _joined([w for w in words if w not in STOPWORDS]) if len(words) > 1 else list(words)
    return tuple(kept or words)


def _joined(words: list[str]) -> list[str]:
    """Single Chinese characters joined to their neighbours: jieba splits a word it does not know
    (羌绣 → 羌 绣, 非遗羌绣合作社 → 非 遗羌 绣 合作社); the joined run is matched by its bigrams."""
    out: list[str] = []
    glue = False
    for word in words:
        single = len(word) == 1 and bool(_CJK_RUN.match(word + word))
        if out and (single or glue) and _CJK_RUN.fullmatch(out[-1] + word):
            out[-1] += word
        else:
            out.append(word)
        glue = single
    return out


def query_text(query: str) -> str:
    """A user's query as space-joined terms (the words a similar-needs lookup reads)."""
    return " ".join(query_terms(query))
