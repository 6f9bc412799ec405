"""Threads: a need's community and a partner write to each other about the need.

There is one thread per (need, partner) pair, and only for a pair with a proposal or a partnership
(any status) — for any other pair it is not found. Its two sides are the need's community staff
and the partner's staff; admins read and write any thread, coordinators those of needs in their
area; anyone else is
refused. A message is plain text: 1–2000 characters once trimmed, newlines kept (a CRLF counts as
one), any other control character refused; pages escape it when they show it. Each message is
recorded in the audit log and told to the other side (both sides when a coordinator writes, and
the coordinators who wrote in the thread), in the message's transaction.

>>> excerpt("第一行\\n第二行")
'第一行 第二行'
"""

from __future__ import annotations

import unicodedata

import asyncpg

from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.models import CurrentUser
from matchmaker.models.threads import MESSAGE_MAX, Message, MessagesPage, Side, Thread
from matchmaker.queries import audit
from matchmaker.queries import threads as q
from matchmaker.services.access import governs
from matchmaker.services.notify import Notice, tell

__all__ = ["EXCERPT", "clean", "excerpt", "open_thread", "read", "side_of", "thread_path", "write"]

#: The longest excerpt of a message a notification carries.
EXCERPT = 60


def thread_path(demand_id: int, actor_id: int) -> str:
    """The thread's page."""
    return f"/threads/{demand_id}/{actor_id}"


def side_of(user: CurrentUser, thread: Thread) -> Side:
    """The side the user reads and writes the thread as; Forbidden for anyone else."""
    if governs(user, thread.district_id):
        return "coordinator"
    if user.role == "community_staff" and user.community_id == thread.community_id:
        return "community"
    if user.role == "partner" and user.actor_id == thread.actor_id:
        return "partner"
    raise Forbidden(
        "only the need's community staff, the partner's staff or a coordinator of the need's "
        "district may read or write this thread"
    )


async def open_thread(
    conn: asyncpg.Connection, user: CurrentUser, demand_id: int, actor_id: int
) -> tuple[Thread, Side]:
    """The thread and the user's side in it (NotFound: no such thread; Forbidden: not yours)."""
    thread = await q.thread(conn, demand_id, actor_id)
    if thread is None:
        raise NotFound("thread", f"{demand_id}/{actor_id}")
    return thread, side_of(user, thread)


async def read(
    conn: asyncpg.Connection,
    user: CurrentUser,
    demand_id: int,
    actor_id: int,
    *,
    limit: int,
    cursor: str | None,
) -> MessagesPage:
    """The latest ``limit`` messages (or those before ``cursor``), newest last."""
    thread, _ = await open_thread(conn, user, demand_id, actor_id)
    items, next_cursor = await q.messages(conn, demand_id, actor_id, limit, cursor)
    return MessagesPage(thread=thread, items=items[::-1], next_cursor=next_cursor)


def clean(body: str) -> str:
    """The message as stored: CRLF as newlines, trimmed; Invalid (field ``body``) when blank,
    too long or holding a control character other than a newline."""
    text = body.replace("\r\n", "\n")
    bad = next((c for c in text if c != "\n" and unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise Invalid(
            f"body: control character U+{ord(bad):04X} is not allowed (plain text and newlines "
            "only)",
            field="body",
        )
    text = text.strip()
    if not text:
        raise Invalid("body: write something; a message cannot be blank", field="body")
    if len(text) > MESSAGE_MAX:
        raise Invalid(
            f"body: at most {MESSAGE_MAX} characters (this one has {len(text)})", field="body"
        )
    return text


def excerpt(text: str) -> str:
    """The message on one line, at most :data:`EXCERPT` characters (an ellipsis when cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


async def write(
    conn: asyncpg.Connection, user: CurrentUser, demand_id: int, actor_id: int, body: str
) -> Message:
    """Add a message to the thread, record it and tell the other side."""
    async with conn.transaction():
        thread, side = await open_thread(conn, user, demand_id, actor_id)
        text = clean(body)
        message_id = await q.insert_message(conn, demand_id, actor_id, user.id, side, text)
        message = await q.get_message(conn, message_id)
        await audit.record(
            conn, user, "message", message_id, "create", None,
            {"demand_id": demand_id, "actor_id": actor_id, "side": side, "body": text},
        )  # fmt: skip
        author = {"community": thread.community_name, "partner": thread.actor_name}.get(
            side, user.display_name
        )
        notice = Notice(
            "message_received", "message", message_id,
            f"{thread_path(demand_id, actor_id)}#message-{message_id}",
            {"author": author, "demand": thread.demand_title, "community": thread.community_name,
             "actor": thread.actor_name, "excerpt": excerpt(text)},
        )  # fmt: skip
        await tell(
            conn,
            notice,
            community_id=None if side == "community" else thread.community_id,
            actor_id=None if side == "partner" else thread.actor_id,
            users=await q.curators_in_thread(conn, demand_id, actor_id),
            by=user,
        )
    return message
