"""The pages' words in Chinese and English, and the language a request asks for.

``?lang=en`` (or ``zh``) switches and is remembered in a cookie; Chinese is the default.

>>> text("zh")["board"], text("en")["board"]
('需求大厅', 'Opportunity board')
"""

from __future__ import annotations

from typing import Any, Literal

from matchmaker.vocab import LABELS

__all__ = ["LANG_COOKIE", "Lang", "Words", "label", "language", "say", "text"]

Lang = Literal["zh", "en"]
#: A page's own words: key → (Chinese, English). Each page module keeps its own beside its code.
Words = dict[str, tuple[str, str]]
LANG_COOKIE = "matchmaker_lang"

_TEXT: Words = {
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
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "libraries": ("资源库", "Libraries"),
    "post_need": ("发布需求", "Post a need"),
    "my_needs": ("我的需求", "My needs"),
    "inbox": ("我的对接", "Inbox"),
    "rounds": ("撮合轮次", "Match rounds"),
    "dashboard": ("数据看板", "Dashboard"),
    "reports_nav": ("报表", "Reports"),
    "fair_nav": ("对接会", "Fair"),
    "accounts": ("账号管理", "Accounts"),
    "notifications": ("通知", "Notifications"),
    "main_nav": ("主导航", "Main navigation"),
    "skip": ("跳到正文", "Skip to content"),
    "error": ("出错了", "Something went wrong"),
    "back_home": ("回到需求大厅", "Back to the board"),
    "not_found": ("找不到这个页面或记录。", "That page or record does not exist."),
    "forbidden": ("您没有权限做这件事。", "You are not allowed to do that."),
    "server_error": (
        "服务器出了问题，您的操作没有生效，请稍后再试。",
        "The server failed; nothing was changed. Please try again later.",
    ),
    "unavailable": (
        "服务暂时不可用（数据库连接中断或繁忙），您的操作没有生效，请过几秒再试。",
        "The service is briefly unavailable (its database is out of reach or busy); nothing was "
        "changed. Please try again in a few seconds.",
    ),
    "csrf_failed": (
        "页面已过期，请刷新后重新提交。",
        "This page has expired; reload it and submit again.",
    ),
    "bad_request": ("请求有误：", "The request was not understood: "),
    "too_many": (
        "尝试次数太多，请一分钟后再试。",
        "Too many attempts; please wait a minute and try again.",
    ),
    "required": ("必填", "Required"),
    "save": ("保存", "Save"),
    "cancel": ("取消", "Cancel"),
    # the verification badge (cards, need pages, proposals)
    "badge": ("已认证", "Verified"),
    "partners": ("合作伙伴", "Partners"),
    "badge_until": ("平台认证有效期至 {date}", "Verified by the platform until {date}"),
    "badge_until_short": ("至 {date}", "until {date}"),
    "badge_no_term": ("已通过平台认证", "Verified by the platform"),
    "register": ("申请入驻", "Apply"),
    "registrations_nav": ("入驻申请", "Applications"),
    "verification_nav": ("机构认证", "Verification"),
    "audit_nav": ("审计日志", "Audit log"),
    "fix_errors": (
        "请修改标出的内容后再提交。",
        "Please correct the marked fields and submit again.",
    ),
    # what forms.js says in place of the browser's own bubble (in the browser's language)
    "msg_required": ("请填写这一项。", "Please fill in this field."),
    "msg_choose": ("请选择一项。", "Please choose one."),
    "msg_invalid": ("请检查这一项的格式或范围。", "Please check this field's format or range."),
}


class Said(dict[str, str]):
    """A page's words in one language, each also an attribute.

    A template reads ``t.word``; on a plain dict Jinja first tries the attribute and fails (an
    AttributeError raised and caught: 0.8-1.3 µs a word against 0.15, some hundred words a page).
    The instance's own attributes are its items.
    """

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__(words)
        self.__dict__ = self


#: The merged words of each page's word list in each language, made once: {(id, lang): (the list
#: itself, kept so its id is never reused, and its words)}. Pages pass module constants.
_SAID: dict[tuple[int, Lang], tuple[Words | None, dict[str, str]]] = {}


def text(lang: Lang, words: Words | None = None) -> Said:
    """Every common page word in ``lang``, plus a page's own ``words`` (a fresh copy each call:
    a page may add to its own)."""
    found = _SAID.get((id(words), lang))
    if found is None or found[0] is not words:
        i = 0 if lang == "zh" else 1
        merged = {key: pair[i] for key, pair in (_TEXT | (words or {})).items()}
        found = (words, merged)
        if len(_SAID) < 256:  # word lists made on the fly are merged each time
            _SAID[(id(words), lang)] = found
    return Said(found[1])


def say(lang: Lang | str, pair: tuple[str, str]) -> str:
    """One word of a (Chinese, English) pair, for sentences a page builds in Python."""
    return pair[0 if lang == "zh" else 1]


def label(lang: Lang, vocabulary: str, code: str) -> str:
    """A code's label in ``lang`` (the code itself if unknown)."""
    pair = LABELS.get(vocabulary, {}).get(code)
    return code if pair is None else say(lang, pair)


def language(query_lang: str | None, cookie_lang: Any) -> Lang:
    """The request's language: the query's, else the cookie's, else Chinese."""
    for candidate in (query_lang, cookie_lang):
        if candidate == "en":
            return "en"
        if candidate == "zh":
            return "zh"
    return "zh"
