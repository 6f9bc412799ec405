"""Posting to a group robot (企业微信 / 钉钉 群机器人) its documented JSON body.

Both answer HTTP 200 with ``{"errcode": 0, ...}`` when they took the message, and 200 with another
``errcode`` when they refused it (a bad key, a rate limit): both of those count as a failure to
retry. A 钉钉 robot with a signing secret (加签) gets ``timestamp`` and ``sign`` on its URL:
base64 of HMAC-SHA256 over ``"{timestamp}\\n{secret}"``, as its documentation says.

>>> signed("https://oapi.dingtalk.com/robot/send?access_token=x", "s", 1700000000000)[-20:]
'MgZSe8PyS8sv7esqs%3D'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

import httpx

__all__ = ["RobotRefused", "client", "post", "signed"]

TIMEOUT = 10.0


class RobotRefused(Exception):
    """The robot answered, but did not take the message."""


def signed(url: str, secret: str, timestamp_ms: int) -> str:
    """A 钉钉 robot's URL with its signature for ``timestamp_ms``."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign}"


def client() -> httpx.AsyncClient:
    """One HTTP client for a run of posts (making one per post costs more than the post)."""
    return httpx.AsyncClient(timeout=TIMEOUT)


async def post(
    http: httpx.AsyncClient, provider: str, url: str, secret: str | None, body: str
) -> None:
    """Post ``body`` (JSON text); raises unless the robot took it."""
    if provider == "dingtalk" and secret:
        url = signed(url, secret, int(time.time() * 1000))
    answer = await http.post(
        url, content=body.encode(), headers={"Content-Type": "application/json; charset=utf-8"}
    )
    if answer.status_code != 200:
        raise RobotRefused(f"HTTP {answer.status_code}")
    try:
        code = answer.json().get("errcode", 0)
    except ValueError:
        code = 0  # a receiver that answers 200 without JSON took it
    if code != 0:
        raise RobotRefused(f"errcode {code}: {answer.text[:200]}")
