"""The words of every notification, in Chinese and English, made from its kind and params.

One table serves the bell, the notifications page, e-mail and the group robots, so a person reads
the same sentence wherever it reaches them. Params are what the event knew (titles and names as they
were then); a missing one reads as empty rather than failing a page or a send.

>>> sentence("zh", "interest_received", {"actor": "注力社工", "demand": "四点半课堂"})
'注力社工 对「四点半课堂」表达了对接意向'
>>> sentence("en", "proposal_expired", {"actor": "A", "demand": "B"})
'The proposal of A for “B” expired unanswered'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["CHINA", "KINDS", "local_time", "sentence", "subject"]

Lang = Literal["zh", "en"]
#: Sichuan's clock (China keeps one time zone and no daylight saving).
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")

#: kind → (Chinese, English); ``{name}`` is filled from the notification's params.
KINDS: dict[str, tuple[str, str]] = {
    "interest_received": (
        "{actor} 对「{demand}」表达了对接意向",
        "{actor} is interested in “{demand}”",
    ),
    "proposal_made": (
        "撮合建议：{actor} 对接「{demand}」（{community}），请在 {expires} 前答复",
        "Proposal: {actor} for “{demand}” ({community}); please answer by {expires}",
    ),
    "proposal_accepted": (
        "{by} 已接受「{demand}」的撮合建议，等您答复",
        "{by} accepted the proposal for “{demand}”; it waits for your answer",
    ),
    "proposal_declined": (
        "{by} 婉拒了「{demand}」的撮合建议：{reason}",
        "{by} declined the proposal for “{demand}”: {reason}",
    ),
    "partnership_confirmed": (
        "合作已确认：{actor} × 「{demand}」，双方的联系方式已可查看",
        "Partnership confirmed: {actor} × “{demand}”; each side can now see the other's contact",
    ),
    "proposal_expiring": (
        "撮合建议「{demand}」（{actor}）将于 {expires} 过期，请尽快答复",
        "The proposal of {actor} for “{demand}” expires at {expires}; please answer soon",
    ),
    "proposal_expired": (
        "撮合建议「{demand}」（{actor}）无人答复，已过期",
        "The proposal of {actor} for “{demand}” expired unanswered",
    ),
    "partnership_overdue": (
        "合作「{demand}」（{actor}）已过结束日期 {end}，请结项并填写反馈",
        "The partnership of {actor} for “{demand}” is past its end date {end}; please close it with its outcome",
    ),
    "actor_verified": ("{actor} 已通过平台认证", "{actor} is now verified"),
    "actor_unverified": ("{actor} 的平台认证已撤销", "{actor} is no longer verified"),
    "actor_verified_until": (
        "{actor} 已通过平台认证，有效期至 {until}",
        "{actor} is now verified, until {until}",
    ),
    "registration_received": (
        "{name} 申请入驻（{what}），请审核",
        "{name} applies for an account ({what}); please decide",
    ),
    "evidence_submitted": (
        "{actor} 提交了认证材料，请审核",
        "{actor} submitted evidence for verification; please decide",
    ),
    "verification_refused": (
        "{actor} 提交的认证材料未通过：{reason}",
        "The verification evidence of {actor} was refused: {reason}",
    ),
    "verification_lapsed": (
        "{actor} 的平台认证已于 {until} 到期，请重新提交材料",
        "The verification of {actor} lapsed on {until}; submit evidence again",
    ),
    "message_received": (
        "{author} 在「{demand}」的对话中留言：{excerpt}",
        "{author} wrote about “{demand}”: {excerpt}",
    ),
    "interest_invited": (
        "{community} 邀请 {actor} 对接「{demand}」，请在 {expires} 前答复",
        "{community} invites {actor} to take on “{demand}”; please answer by {expires}",
    ),
    "interest_declined": (
        "{community} 婉拒了 {actor} 对「{demand}」的意向：{reason}",
        "{community} declined {actor}'s interest in “{demand}”: {reason}",
    ),
    "need_opened": (
        "新需求：{community} 发布「{demand}」",
        "New need: {community} posted “{demand}”",
    ),
    "round_pair": ("{actor} 对接「{demand}」", "{actor} for “{demand}”"),
    "round_proposals": (
        "第 {round} 轮撮合为 {community} 提出 {count} 条建议",
        "Round {round} made {count} proposals for {community}",
    ),
}

_SUBJECTS: dict[str, tuple[str, str]] = {
    "digest": (
        "社区资源对接平台 · 今日提醒（{count} 条）",
        "matchmaker · today's notifications ({count})",
    ),
    "round": (
        "第 {round} 轮撮合：您有 {count} 条撮合建议",
        "Round {round}: {count} proposals for you",
    ),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def local_time(value: object) -> str:
    """A timestamp (or its ISO text) as Sichuan reads it: ``2026-12-03 15:00``; a date as is."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _fill(template: str, params: Mapping[str, Any]) -> str:
    values = _Blank({k: v for k, v in params.items() if v is not None})
    for key in ("expires", "end"):
        if key in values:
            values[key] = local_time(values[key])
    return str(template.format_map(values))


def sentence(lang: str, kind: str, params: Mapping[str, Any]) -> str:
    """The notification as one sentence in ``lang`` (an unknown kind reads as its code)."""
    words = KINDS.get(kind)
    if words is None:
        return kind
    return _fill(words[1] if lang == "en" else words[0], params)


def subject(lang: str, name: str, params: Mapping[str, Any]) -> str:
    """The subject line of a summary e-mail (``digest`` or ``round``)."""
    words = _SUBJECTS[name]
    return _fill(words[1] if lang == "en" else words[0], params)
