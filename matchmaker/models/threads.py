"""Threads: the messages between a need's community and a partner, one thread per pair.

A thread exists for a (need, partner) pair that has a proposal or a partnership. Its two sides are
the need's community staff and the partner's staff; coordinators and admins read and write any.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from matchmaker.models import Timestamp
from matchmaker.vocab import PartnershipStatus, ProposalStatus

__all__ = ["MESSAGE_MAX", "Message", "MessageCreate", "MessagesPage", "Side", "Thread"]

#: The longest message, in characters.
MESSAGE_MAX = 2000
#: What an author wrote as.
Side = Literal["community", "partner", "coordinator"]


class MessageCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A message to write: plain text, 1–2000 characters; newlines are kept, any other control
    character is refused (a CRLF counts as one newline); it is trimmed at both ends."""

    body: Annotated[str, msgspec.Meta(min_length=1, max_length=MESSAGE_MAX)]


class Message(msgspec.Struct):
    """One message of a thread, with who wrote it and as which side."""

    id: int
    demand_id: int
    actor_id: int
    author_id: int
    author_name: str
    side: Side
    body: str
    created_at: Timestamp


class Thread(msgspec.Struct):
    """The pair a thread is about, and its latest proposal and partnership (if any)."""

    demand_id: int
    demand_title: str
    community_id: int
    community_name: str
    #: The community's district: its coordinators read and write the thread.
    district_id: int
    actor_id: int
    actor_name: str
    proposal_id: int | None = None
    proposal_status: ProposalStatus | None = None
    partnership_id: int | None = None
    partnership_status: PartnershipStatus | None = None


class MessagesPage(msgspec.Struct):
    """A page of a thread: the latest ``limit`` messages (or those before ``cursor``), oldest
    first — newest last; ``next_cursor`` pages back to earlier ones (null: this is the start)."""

    thread: Thread
    items: list[Message]
    next_cursor: str | None = None
