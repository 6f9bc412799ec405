"""Telling people: a notification for each person an event concerns, and what leaves by e-mail
and group robot — all written in the event's own transaction.

An event that rolls back tells no one; one that commits has its notifications and its outgoing
messages with it (the outbox), which a worker sends afterwards — never on the request path. Links
in outgoing messages are kept relative (``SITE`` marks where the app's address goes) and made
absolute when sent, from the sender's settings.

>>> await tell(conn, Notice("interest_received", "demand", 7, "/inbox", {...}), community_id=3)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import asyncpg

from matchmaker.models import CurrentUser
from matchmaker.queries import jobs, outbox
from matchmaker.queries import notifications as q
from matchmaker.services.notice_text import sentence, subject

__all__ = ["SITE", "Notice", "mail_body", "robot_payload", "tell", "tell_groups", "tell_round"]

#: Stands for the app's address in a queued message until it is sent.
SITE = "⟦site⟧"


class Notice(NamedTuple):
    """What happened: its kind (see ``notice_text.KINDS``), the record, the page, the names."""

    kind: str
    entity: str
    entity_id: int | None
    link: str
    params: Mapping[str, Any]


_GREETING = ("{name}，您好：", "Hello {name},")
_SEE = ("查看：", "Open: ")
_FOOTER = (
    "—— 社区资源对接平台。不想收到这类邮件？在 {site}/notifications/settings 修改通知方式。",
    "— matchmaker. Too many e-mails? Change how you are told at {site}/notifications/settings.",
)


def mail_body(lang: str, name: str, lines: Iterable[tuple[str, str]]) -> str:
    """A plain-text e-mail: greeting, each (sentence, link) with its link, the footer."""
    i = 1 if lang == "en" else 0
    parts = [_GREETING[i].format(name=name), ""]
    for text, link in lines:
        parts += [text, f"{_SEE[i]}{SITE}{link}", ""]
    parts.append(_FOOTER[i].format(site=SITE))
    return "\n".join(parts)


def robot_payload(provider: str, title: str, lines: Sequence[tuple[str, str]]) -> str:
    """A group robot's message in its documented JSON format (markdown), links still relative.

    企业微信: ``{"msgtype": "markdown", "markdown": {"content": …}}``;
    钉钉: ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``.
    """
    items = "\n".join(f"> [{text}]({SITE}{link})" for text, link in lines)
    if provider == "dingtalk":
        body = {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": f"#### {title}\n{items}"},
        }
    else:
        body = {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{items}"}}
    return json.dumps(body, ensure_ascii=False)


async def _names(conn: asyncpg.Connection, user_ids: Sequence[int]) -> dict[int, str]:
    return await q.display_names(conn, user_ids)


async def _queue(conn: asyncpg.Connection, messages: list[outbox.Message]) -> None:
    """Put messages in the outbox and wake a sender when any was new."""
    if messages and await outbox.put(conn, messages):
        await jobs.enqueue_delivery(conn)


async def tell(
    conn: asyncpg.Connection,
    notice: Notice,
    *,
    community_id: int | None = None,
    actor_id: int | None = None,
    users: Sequence[int] = (),
    by: CurrentUser | None = None,
) -> int:
    """Notify the staff of ``community_id``, of ``actor_id`` and ``users`` — never ``by``, who
    acted; e-mail those who want it at once. Returns how many were notified."""
    made = await q.notify(
        conn,
        community_id=community_id,
        actor_id=actor_id,
        users=users,
        acting_user=by.id if by else None,
        kind=notice.kind,
        entity=notice.entity,
        entity_id=notice.entity_id,
        link=notice.link,
        params=dict(notice.params),
    )
    wanting = [r for r in made if r["email"] and r["email_mode"] == "instant"]
    names = await _names(conn, [r["user_id"] for r in wanting]) if wanting else {}
    await _queue(
        conn,
        [
            outbox.Message(
                "email",
                f"notification:{r['id']}:email",
                r["user_id"],
                None,
                r["email"],
                sentence(r["language"], notice.kind, notice.params)[:200],
                mail_body(
                    r["language"],
                    names.get(r["user_id"], ""),
                    [(sentence(r["language"], notice.kind, notice.params), notice.link)],
                ),
            )
            for r in wanting
        ],
    )
    return len(made)


async def tell_groups(
    conn: asyncpg.Connection,
    key: str,
    areas: Sequence[tuple[int, int, Sequence[tuple[str, str]]]],
    title: Mapping[int, str],
) -> int:
    """Post to the group robots of each (community, district, lines) area — one message per robot,
    whatever number of areas it covers; ``key`` names the event (``need:7``, ``round:5``) so it
    is posted once. ``title`` maps a community to the message's heading. Returns robots told."""
    if not areas:
        return 0
    robots = await outbox.webhooks_of(conn, [a[0] for a in areas], [a[1] for a in areas])
    messages = []
    for robot in robots:
        mine = [a for a in areas if a[0] == robot["community_id"] or a[1] == robot["district_id"]]
        lines = [line for a in mine for line in a[2]][:20]
        heading = title[mine[0][0]] if len(mine) == 1 else f"{title[mine[0][0]]} …"
        messages.append(
            outbox.Message(
                "webhook",
                f"{key}:webhook:{robot['id']}",
                None,
                robot["id"],
                robot["url"],
                heading,
                robot_payload(robot["provider"], heading, lines),
            )
        )
    await _queue(conn, messages)
    return len(messages)


async def tell_round(conn: asyncpg.Connection, round_id: int) -> int:
    """Tell both sides of every proposal a round wrote (in the app, each proposal; by e-mail, one
    summary per person), and each area's group robot once. Returns notifications made."""
    per_user = await q.notify_round(conn, round_id)
    wanting = [r for r in per_user if r["email"] and r["email_mode"] == "instant"]
    names = await _names(conn, [r["user_id"] for r in wanting]) if wanting else {}
    messages = []
    for r in wanting:
        lang, count = r["language"], int(r["proposals"])
        lines = [(sentence(lang, "proposal_made", p), "/inbox#proposals") for p in r["first"]]
        messages.append(
            outbox.Message(
                "email",
                f"round:{round_id}:email:{r['user_id']}",
                r["user_id"],
                None,
                r["email"],
                subject(lang, "round", {"round": round_id, "count": count}),
                mail_body(lang, names.get(r["user_id"], ""), lines),
            )
        )
    await _queue(conn, messages)
    areas = await q.round_areas(conn, round_id)
    await tell_groups(
        conn,
        f"round:{round_id}",
        [
            (
                a["community_id"],
                a["district_id"],
                [(sentence("zh", "round_pair", p), "/inbox#proposals") for p in a["first"]],
            )
            for a in areas
        ],
        {
            a["community_id"]: sentence(
                "zh",
                "round_proposals",
                {"round": round_id, "community": a["community"], "count": a["proposals"]},
            )
            for a in areas
        },
    )
    return sum(int(r["proposals"]) for r in per_user)
