"""Settings, read once from the environment (documented in the README's Configuration table).

>>> Settings.from_env({"MATCHMAKER_PORT": "9000"}).port
9000
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

import msgspec

from matchmaker.errors import Invalid

__all__ = ["Settings"]

_LOG_FORMATS = ("console", "json")
#: The shortest secret key accepted, in bytes (HMAC-SHA256 wants a key as long as its output).
MIN_SECRET_BYTES = 32
_YES = ("1", "true", "yes", "on")
_NO = ("0", "false", "no", "off")
_WORKER_MODES = ("in-process", "none")


def _proxies(raw: str) -> str:
    """``MATCHMAKER_TRUSTED_PROXIES`` checked entry by entry: addresses or networks, comma-separated."""
    entries = [e.strip() for e in raw.split(",") if e.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise Invalid(
                f"MATCHMAKER_TRUSTED_PROXIES: {entry!r} is not an address or network",
                field="MATCHMAKER_TRUSTED_PROXIES",
            ) from None
    return ",".join(entries)


def _smtp(raw: str) -> str:
    """``MATCHMAKER_SMTP_URL`` checked: ``smtp://`` or ``smtps://``, a host, an optional port."""
    if not raw:
        return ""
    parts = urllib.parse.urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or port == -1:
        raise Invalid(
            "MATCHMAKER_SMTP_URL must look like smtp://user:pass@host:587?starttls=1 "
            "(or smtps://host:465)",
            field="MATCHMAKER_SMTP_URL",
        )
    return raw


def _public_url(raw: str) -> str:
    """``MATCHMAKER_PUBLIC_URL`` checked: an http(s) address, kept without a trailing slash."""
    if not raw:
        return ""
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(
            f"MATCHMAKER_PUBLIC_URL must be an http:// or https:// address, got {raw!r}",
            field="MATCHMAKER_PUBLIC_URL",
        )
    return raw.rstrip("/")


def _secret_key(raw: str, source: str = "MATCHMAKER_SECRET_KEY") -> str:
    """A signing key of at least :data:`MIN_SECRET_BYTES` bytes, or a refusal saying how to make one."""
    if len(raw.encode("utf-8")) < MIN_SECRET_BYTES:
        raise Invalid(
            f"{source} must be at least {MIN_SECRET_BYTES} bytes long "
            f"(got {len(raw.encode('utf-8'))}); make one with: openssl rand -hex 32",
            field="MATCHMAKER_SECRET_KEY",
        )
    return raw


def _flag(raw: str, name: str) -> bool | None:
    """A yes/no setting; empty: None (the default applies)."""
    value = raw.strip().lower()
    if not value:
        return None
    if value in _YES or value in _NO:
        return value in _YES
    raise Invalid(f"{name} must be true or false, got {raw!r}", field=name)


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything that varies between deployments."""

    #: PostgreSQL server to use; when unset, an embedded server runs in ``data_dir``.
    database_url: str | None = None
    #: Folder of the embedded server's data and the generated secret key.
    data_dir: Path = Path(".matchmaker")
    host: str = "127.0.0.1"
    port: int = 8000
    #: Key that signs login tokens; generated once and kept in ``data_dir`` when unset.
    secret_key: str | None = None
    log_level: str = "INFO"
    log_format: str = "console"
    #: asyncpg pool bounds.
    pool_min: int = 1
    pool_max: int = 10
    #: How long a request waits for a free pooled connection before answering 503.
    pool_timeout_seconds: float = 5.0
    #: How long a match proposal holds capacity while nobody answers it.
    proposal_ttl_hours: int = 168
    #: How many searches' rankings each server process keeps (queries/ranked.py); 0: none.
    search_kept: int = 200
    #: Worker processes serving HTTP.
    workers: int = 1
    #: Whether ``serve`` runs a job worker in its own process ("in-process") or leaves the queue to
    #: separate ``matchmaker worker`` processes ("none").
    worker: str = "in-process"
    #: How long a running round stays its worker's without the worker renewing it.
    round_lease_seconds: int = 30
    #: Addresses (or networks) of reverse proxies whose ``X-Forwarded-For`` is believed; empty:
    #: nobody's, the peer address is the client.
    trusted_proxies: str = ""
    #: How often housekeeping (expiring proposals, failing abandoned rounds) runs, across all instances.
    sweep_seconds: int = 60
    #: The address people reach the app at, for links in e-mail and chat messages; empty: the
    #: address the request (or, for a worker, ``host``:``port``) used.
    public_url: str = ""
    #: Outgoing mail server (``smtp://user:pass@host:587?starttls=1``); empty: no e-mail is sent.
    smtp_url: str = ""
    mail_from: str = "matchmaker <noreply@localhost>"
    #: How long before a proposal expires its unanswered sides are reminded.
    reminder_hours: int = 48
    #: The hour (server time, 0-23) daily digests are sent.
    digest_hour: int = 8
    #: How often an open page asks for the unread count.
    bell_poll_seconds: int = 20
    #: How many password hashes or verifications run at once (each in a worker thread).
    password_checks: int = 2
    #: Whether cookies are marked ``Secure`` (sent over HTTPS only); None: when ``public_url``
    #: is an https:// address.
    secure_cookies: bool | None = None
    #: A folder holding the Chinese font printed PDFs embed (``NotoSansCJK-*.ttc``); empty: the
    #: system's fonts (``fonts-noto-cjk``), see ``matchmaker.printing``.
    font_dir: str = ""

    def cookies_secure(self) -> bool:
        """Whether the session and CSRF cookies carry ``Secure``."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.public_url.startswith("https://")

    def link(self, path: str) -> str:
        """An absolute address of a page, for e-mail and group messages."""
        base = self.public_url or f"http://{self.host}:{self.port}"
        return base + path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``MATCHMAKER_*`` and ``DATABASE_URL``; refuse malformed values by name."""
        env = os.environ if env is None else env

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                value = int(raw)
            except ValueError:
                raise Invalid(f"{name} must be a whole number, got {raw!r}", field=name) from None
            if not low <= value <= high:
                raise Invalid(f"{name} must be between {low} and {high}, got {value}", field=name)
            return value

        def seconds(name: str, default: float, low: float, high: float) -> float:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                value = float(raw)
            except ValueError:
                raise Invalid(
                    f"{name} must be a number of seconds, got {raw!r}", field=name
                ) from None
            if not low <= value <= high:  # also refuses nan
                raise Invalid(f"{name} must be between {low:g} and {high:g}, got {raw}", field=name)
            return value

        log_format = env.get("MATCHMAKER_LOG_FORMAT", "console")
        if log_format not in _LOG_FORMATS:
            raise Invalid(
                f"MATCHMAKER_LOG_FORMAT must be one of {', '.join(_LOG_FORMATS)}, got {log_format!r}",
                field="MATCHMAKER_LOG_FORMAT",
            )
        worker = env.get("MATCHMAKER_WORKER") or "in-process"
        if worker not in _WORKER_MODES:
            raise Invalid(
                f"MATCHMAKER_WORKER must be one of {', '.join(_WORKER_MODES)}, got {worker!r}",
                field="MATCHMAKER_WORKER",
            )
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=Path(env.get("MATCHMAKER_DATA_DIR") or ".matchmaker"),
            host=env.get("MATCHMAKER_HOST") or "127.0.0.1",
            port=integer("MATCHMAKER_PORT", 8000, 1, 65535),
            secret_key=_secret_key(env["MATCHMAKER_SECRET_KEY"])
            if env.get("MATCHMAKER_SECRET_KEY")
            else None,
            log_level=(env.get("MATCHMAKER_LOG_LEVEL") or "INFO").upper(),
            log_format=log_format,
            pool_min=integer("MATCHMAKER_POOL_MIN", 1, 0, 100),
            pool_max=integer("MATCHMAKER_POOL_MAX", 10, 1, 200),
            pool_timeout_seconds=seconds("MATCHMAKER_POOL_TIMEOUT_SECONDS", 5.0, 0.1, 300),
            proposal_ttl_hours=integer("MATCHMAKER_PROPOSAL_TTL_HOURS", 168, 1, 24 * 365),
            search_kept=integer("MATCHMAKER_SEARCH_KEPT", 200, 0, 100_000),
            workers=integer("MATCHMAKER_WORKERS", 1, 1, 64),
            worker=worker,
            round_lease_seconds=integer("MATCHMAKER_ROUND_LEASE_SECONDS", 30, 3, 3600),
            trusted_proxies=_proxies(env.get("MATCHMAKER_TRUSTED_PROXIES") or ""),
            sweep_seconds=integer("MATCHMAKER_SWEEP_SECONDS", 60, 2, 3600),
            public_url=_public_url(env.get("MATCHMAKER_PUBLIC_URL") or ""),
            smtp_url=_smtp(env.get("MATCHMAKER_SMTP_URL") or ""),
            mail_from=env.get("MATCHMAKER_MAIL_FROM") or "matchmaker <noreply@localhost>",
            reminder_hours=integer("MATCHMAKER_REMINDER_HOURS", 48, 1, 24 * 30),
            digest_hour=integer("MATCHMAKER_DIGEST_HOUR", 8, 0, 23),
            bell_poll_seconds=integer("MATCHMAKER_BELL_POLL_SECONDS", 20, 1, 3600),
            password_checks=integer("MATCHMAKER_PASSWORD_CHECKS", 2, 1, 64),
            secure_cookies=_flag(
                env.get("MATCHMAKER_SECURE_COOKIES") or "", "MATCHMAKER_SECURE_COOKIES"
            ),
            font_dir=env.get("MATCHMAKER_FONT_DIR") or "",
        )

    def ensure_data_dir(self) -> Path:
        """Create the data folder if needed and prove it is writable, or say which folder fails."""
        folder = self.data_dir.expanduser().resolve()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise Invalid(
                f"data folder {folder} is not writable ({reason}); "
                "set MATCHMAKER_DATA_DIR to a folder you can write",
                field="MATCHMAKER_DATA_DIR",
            ) from None
        return folder

    def resolved_secret_key(self) -> str:
        """The configured secret key, else the one kept in the data folder (made on first use)."""
        if self.secret_key:
            return _secret_key(self.secret_key)
        path = self.ensure_data_dir() / "secret_key"
        if path.exists():
            return _secret_key(path.read_text().strip(), str(path))
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key)
        return key
