"""The deployment's own files, run as far as this machine can: the proxy for real, compose read.

``deploy/Caddyfile`` is run by Debian's ``caddy`` (the same Caddy 2 as the ``caddy:2`` image) in
front of a real ``matchmaker serve`` configured as ``compose.yaml`` configures its replicas, so
what the proxy does with the client's address is seen, not assumed: a forged ``X-Forwarded-For``
must not reset the sign-in limit, and two real client addresses behind the proxy must be counted
apart. ``compose.yaml`` itself needs a container engine to run; here it is read (with PyYAML,
which Litestar already depends on) and its app settings are held to what the app accepts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from matchmaker.settings import Settings
from tests.processes import Spawn, free_port, ready, serve, stop, until

ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = ROOT / "deploy" / "Caddyfile"
COMPOSE = ROOT / "compose.yaml"
#: the proxy and the compose file are the subject, not the database server: CI runs these once
pytestmark = pytest.mark.once


def _caddy() -> str:
    executable = shutil.which("caddy")
    if executable is None:
        reason = "no caddy: apt-get install caddy (the deployment's reverse proxy)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return executable


@pytest.fixture
def proxy(spawn: Spawn, tmp_path: Path) -> Iterator[str]:
    """A web instance set up as compose sets up a replica, behind ``deploy/Caddyfile``."""
    executable = _caddy()
    app = serve(spawn, MATCHMAKER_WORKER="none", MATCHMAKER_TRUSTED_PROXIES="127.0.0.1")
    port = free_port()
    env = {
        **os.environ,
        "MATCHMAKER_PROXY_ADDRESS": f":{port}",
        "MATCHMAKER_APP_HOST": "localhost",
        "MATCHMAKER_APP_PORT": app.rsplit(":", 1)[1],
        # Caddy keeps its state under these; never the tester's home
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
    }
    process = subprocess.Popen(
        [executable, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        until(lambda: ready(url, process, "caddy"), "the proxy answered /ready", limit=60)
        yield url
    finally:
        stop([process])


def _sign_in(url: str, i: int, *, source: str = "127.0.0.1", forged: str | None = None) -> int:
    """One failed sign-in through the proxy from ``source``, maybe with a forged client address."""
    headers = {"X-Forwarded-For": forged} if forged else {}
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=10) as client:
        answer = client.post(
            f"{url}/api/v1/auth/login",
            json={"username": f"nobody-{i}", "password": "wrong"},
            headers=headers,
        )
    return answer.status_code


def test_the_proxy_serves_the_app_and_a_forged_client_address_resets_nothing(proxy: str) -> None:
    board = httpx.get(f"{proxy}/board", timeout=10)
    assert board.status_code == 200 and "需求" in board.text

    # a new forged address every time: the proxy replaces the header with the real peer, so
    # all twenty count against this one client and the next is refused
    assert [_sign_in(proxy, i, forged=f"198.51.100.{i}") for i in range(20)] == [401] * 20
    refused = httpx.post(
        f"{proxy}/api/v1/auth/login",
        json={"username": "coordinator", "password": "matchmaker-demo"},
        headers={"X-Forwarded-For": "203.0.113.99"},
        timeout=10,
    )
    assert refused.status_code == 429 and "address" in refused.json()["message"]
    # another real client behind the same proxy has its own count: the app believes the proxy
    assert _sign_in(proxy, 21, source="127.0.0.2") == 401


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")))


def _defaults(value: str) -> str:
    """``${NAME:-default}`` → default, ``${NAME:?message}`` → a stand-in, as compose would fill."""
    value = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)
    return re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "x" * 64, value)


def test_compose_s_replicas_and_worker_are_configured_as_the_app_reads_settings() -> None:
    compose = _compose()
    services = compose["services"]
    settings = {}
    for name in ("app", "worker"):
        env = {k: _defaults(str(v)) for k, v in services[name]["environment"].items()}
        # refuses an unknown worker mode, a bad proxy address, a bad URL or secret
        settings[name] = Settings.from_env(env)
        assert (settings[name].database_url or "").endswith("@db:5432/matchmaker")
    assert services["app"]["deploy"]["replicas"] == 2
    assert settings["app"].worker == "none"  # the replicas only serve; the worker works
    assert services["worker"]["command"][:2] == ["matchmaker", "worker"]
    # the one address the replicas believe X-Forwarded-For from is the proxy's own
    proxy_address = services["proxy"]["networks"]["backend"]["ipv4_address"]
    assert settings["app"].trusted_proxies == proxy_address
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    # the proxy finds the replicas on the port they listen on
    upstream = f"{{$MATCHMAKER_APP_PORT:{settings['app'].port}}}"
    assert f"dynamic a {{$MATCHMAKER_APP_HOST:app}} {upstream}" in CADDYFILE.read_text("utf-8")
