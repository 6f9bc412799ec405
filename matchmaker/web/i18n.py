"""The pages' words in Chinese and English, and the language a request asks for.

``?lang=en`` (or ``zh``) switches and is remembered in a cookie; Chinese is the default.

>>> text("zh")["board"], text("en")["board"]
('需求大厅', 'Opportunity board')
"""

from __future__ import annotations

from typing import Any, Literal

from matchmaker.vocab import LABELS

__all__ = ["LANG_COOKIE", "Lang", "label", "language", "text"]

Lang = Literal["zh", "en"]
LANG_COOKIE = "matchmaker_lang"

_TEXT: dict[str, tuple[str, str]] = {
    "app": ("社区资源对接平台", "matchmaker"),
    "board": ("需求大厅", "Opportunity board"),
    "board_intro": (
        "社区发布的需求，等待企业、高校、社会组织认领对接。",
        "Needs posted by communities, waiting for enterprises, universities and social organisations.",
    ),
    "search": ("搜索", "Search"),
    "search_placeholder": ("例如：养老、儿童、托管", "e.g. 养老, 儿童, 托管"),
    "district": ("区县", "District"),
    "category": ("类别", "Category"),
    "any": ("全部", "Any"),
    "filter": ("筛选", "Filter"),
    "clear_filters": ("清除筛选", "Clear filters"),
    "no_match": ("没有符合条件的需求。", "No needs match."),
    "more": ("加载更多", "Load more"),
    "slots": ("需要伙伴", "Partners wanted"),
    "window": ("时间", "Window"),
    "resources": ("所需资源", "Resources"),
    "groups": ("服务对象", "For"),
    "urgency": ("紧急程度", "Urgency"),
    "interested": ("已有意向", "Interested"),
    "language": ("English", "中文"),
    "signed_out": ("未登录", "Not signed in"),
}


def text(lang: Lang) -> dict[str, str]:
    """Every page word in ``lang``."""
    i = 0 if lang == "zh" else 1
    return {key: pair[i] for key, pair in _TEXT.items()}


def label(lang: Lang, vocabulary: str, code: str) -> str:
    """A code's label in ``lang`` (the code itself if unknown)."""
    pair = LABELS.get(vocabulary, {}).get(code)
    return code if pair is None else pair[0 if lang == "zh" else 1]


def language(query_lang: str | None, cookie_lang: Any) -> Lang:
    """The request's language: the query's, else the cookie's, else Chinese."""
    for candidate in (query_lang, cookie_lang):
        if candidate == "en":
            return "en"
        if candidate == "zh":
            return "zh"
    return "zh"
