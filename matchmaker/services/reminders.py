"""Reminders and digests, made by the housekeeping pass: what nobody did yet, and the day's news.

- A proposal within ``MATCHMAKER_REMINDER_HOURS`` of expiring reminds the sides that have not
  answered it, once.
- A partnership still active after its need's end date asks both sides to close it, once.
- A user who chose a daily digest gets one e-mail, after ``MATCHMAKER_DIGEST_HOUR`` each day (in
  Sichuan's time), of what they were told since the last one — none when there was nothing.

Everything takes ``now`` so the tests move time with a clock instead of waiting for it.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from matchmaker.queries import notifications as q
from matchmaker.queries import outbox
from matchmaker.services.notice_text import CHINA, sentence, subject
from matchmaker.services.notify import Notice, mail_body, tell

__all__ = ["digests", "remind"]


def _unanswered(status: str) -> tuple[bool, bool]:
    """(community, partner): whether each side has yet to answer a proposal of ``status``."""
    return status != "community_accepted", status != "partner_accepted"


async def remind(conn: asyncpg.Connection, now: dt.datetime, lead: dt.timedelta) -> int:
    """Expiry reminders and overdue partnerships; how many people were told."""
    told = 0
    for p in await q.expiring_proposals(conn, now, lead):
        community, partner = _unanswered(p["status"])
        notice = Notice(
            "proposal_expiring",
            "proposal",
            p["id"],
            f"/inbox#proposal-{p['id']}",
            {"demand": p["demand"], "actor": p["actor"], "expires": p["expires_at"]},
        )
        told += await tell(
            conn,
            notice,
            community_id=p["community_id"] if community else None,
            actor_id=p["actor_id"] if partner else None,
        )
    today = now.astimezone(CHINA).date()
    for ps in await q.overdue_partnerships(conn, today, now):
        notice = Notice(
            "partnership_overdue",
            "partnership",
            ps["id"],
            f"/inbox#partnership-{ps['id']}",
            {"demand": ps["demand"], "actor": ps["actor"], "end": ps["window_end"]},
        )
        told += await tell(conn, notice, community_id=ps["community_id"], actor_id=ps["actor_id"])
    return told


async def digests(conn: asyncpg.Connection, now: dt.datetime, hour: int) -> int:
    """Queue today's digest for each user who takes one and has not had it; how many were queued."""
    local = now.astimezone(CHINA)
    if local.hour < hour:
        return 0
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    messages = []
    for user in await q.digest_due(conn, day_start):
        items = await q.since(conn, user["id"], user["since"], now)
        await q.digest_sent(conn, user["id"], now)
        if not items:
            continue
        lang = user["language"]
        lines = [(sentence(lang, n["kind"], n["params"]), n["link"]) for n in items]
        name = (await q.display_names(conn, [user["id"]])).get(user["id"], "")
        messages.append(
            outbox.Message(
                "email",
                f"digest:{user['id']}:{local.date().isoformat()}",
                user["id"],
                None,
                user["email"],
                subject(lang, "digest", {"count": len(items)}),
                mail_body(lang, name, lines),
            )
        )
    return await outbox.put(conn, messages)
