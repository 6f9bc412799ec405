"""Threads: the messages between a need's community and a partner about the need.

``/api/v1/threads/{demand_id}/{actor_id}/messages`` is the thread of one (need, partner) pair; it
exists only while the pair has a proposal or a partnership (any status), else 404. The need's
community staff and the partner's staff read and write it, coordinators and admins any thread;
anyone else gets 403.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter

from matchmaker.api.params import Conn, Cursor, Limit, User, required
from matchmaker.auth import signed_in
from matchmaker.models.threads import Message, MessageCreate, MessagesPage
from matchmaker.services import threads as service

__all__ = ["ThreadController"]

DemandId = Annotated[int, Parameter(ge=1, le=2**62, description="the need's id")]
ActorId = Annotated[int, Parameter(ge=1, le=2**62, description="the partner organisation's id")]


class ThreadController(Controller):
    path = "/api/v1/threads"
    tags = ["threads"]
    guards = [signed_in]

    @get("/{demand_id:int}/{actor_id:int}/messages", operation_id="listThreadMessages")
    async def list_messages(
        self,
        conn: Conn,
        user: User,
        demand_id: DemandId,
        actor_id: ActorId,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> MessagesPage:
        """The thread of a need and a partner: the pair (with its latest proposal and
        partnership) and its latest ``limit`` messages, oldest first — newest last; pass
        ``next_cursor`` as ``cursor`` for the page of earlier messages (null: none). 404 when
        the pair has no proposal and no partnership; 403 for anyone but its two sides and
        coordinators."""
        return await service.read(
            conn, required(user), demand_id, actor_id, limit=limit, cursor=cursor
        )

    @post("/{demand_id:int}/{actor_id:int}/messages", operation_id="writeThreadMessage")
    async def write_message(
        self,
        conn: Conn,
        user: User,
        demand_id: DemandId,
        actor_id: ActorId,
        data: JSONBody[MessageCreate],
    ) -> Message:
        """Write a message in the thread (201): ``body`` is plain text, 1–2000 characters once
        trimmed, newlines allowed, any other control character refused (400, field ``body``).
        The other side is notified (``message_received``) and the message audited."""
        return await service.write(conn, required(user), demand_id, actor_id, data.body)
