"""Sending one e-mail over SMTP, as ``MATCHMAKER_SMTP_URL`` says.

``smtp://user:pass@host:587?starttls=1`` (STARTTLS when ``starttls=1``), ``smtps://host:465``
(TLS from the first byte), ``smtp://host:25`` (plain, for a relay on the same network). The
message's ``Message-ID`` is derived from its outbox key, so a message resent after a crash
between sending and recording it is recognisable as the same one.

>>> parse("smtp://a%40b:pw@mail.example:587?starttls=1").starttls
True
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import urllib.parse
from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr
from typing import NamedTuple

__all__ = ["Server", "parse", "send"]

TIMEOUT = 10.0


class Server(NamedTuple):
    host: str
    port: int
    tls: bool
    starttls: bool
    username: str | None
    password: str | None


def parse(url: str) -> Server:
    """The server an (already validated) SMTP URL names."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    return Server(
        host=parts.hostname or "localhost",
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        username=urllib.parse.unquote(parts.username) if parts.username else None,
        password=urllib.parse.unquote(parts.password) if parts.password else None,
    )


def _message(sender: str, to: str, subject: str, body: str, key: str) -> EmailMessage:
    message = EmailMessage()
    name, address = parseaddr(sender)
    message["From"] = formataddr((name, address))
    message["To"] = to
    message["Subject"] = subject
    domain = address.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=key.replace(":", "."), domain=domain)
    message.set_content(body, charset="utf-8")
    return message


def _send(server: Server, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.tls:
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    with smtp:
        if server.starttls:
            smtp.starttls(context=context)
        if server.username:
            smtp.login(server.username, server.password or "")
        smtp.send_message(message)


async def send(url: str, sender: str, to: str, subject: str, body: str, key: str) -> None:
    """Send one message (in a thread: smtplib blocks); raises on any refusal or failure."""
    await asyncio.to_thread(_send, parse(url), _message(sender, to, subject, body, key))
