"""Structured logs: one event per line, JSON (``MATCHMAKER_LOG_FORMAT=json``) or readable console.

The same configuration serves the CLI and the web app, so a line from ``matchmaker seed`` and a line
from a request look alike. Logs go to stderr; stdout stays for a command's own output.

>>> configure(Settings(log_format="json"))  # doctest: +SKIP
>>> structlog.get_logger().info("seeded", communities=24)  # doctest: +SKIP
{"communities": 24, "event": "seeded", "level": "info", "timestamp": "2026-11-21T08:00:00Z"}
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from litestar.logging.config import LoggingConfig, StructLoggingConfig
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin

from matchmaker.settings import Settings

__all__ = ["configure", "escape_controls", "plugin"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Fields that are many lines on purpose (a traceback).
_MULTILINE = ("exception", "stack")


def escape_controls(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Processor: control characters in a value written as escapes (``\\n``, ``\\x00``), so text
    from a request (a path with a newline in it) cannot forge a line of the log.

    >>> escape_controls(None, "info", {"path": "/a\\n2026 [error] forged"})["path"]
    '/a\\\\n2026 [error] forged'
    """
    for key, value in event.items():
        if isinstance(value, str) and key not in _MULTILINE and _CONTROL.search(value):
            event[key] = _CONTROL.sub(lambda m: repr(m[0])[1:-1], value)
    return event


def _renderer(settings: Settings) -> structlog.types.Processor:
    if settings.log_format == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())


def _stdlib_config(settings: Settings, level: int) -> LoggingConfig:
    """Lines from the standard library's loggers (uvicorn, asyncpg) rendered like our own."""
    return LoggingConfig(
        formatters={
            "standard": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    escape_controls,
                    _renderer(settings),
                ],
            }
        },
        handlers={
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "standard",
                "stream": "ext://sys.stderr",
            },
            "queue_listener": {
                "class": "litestar.logging.standard.QueueListenerHandler",
                "handlers": ["cfg://handlers.console"],
            },
        },
        loggers={
            "uvicorn": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False},
            "uvicorn.error": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False},
            # `serve` turns uvicorn's access log off (the app logs its requests itself), but this
            # configuration, run again in each worker, would hand the access logger "uvicorn"'s
            # handler and a line per request through the queue (a profile under load found it)
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            # the embedded server's helper narrates every pg_ctl call at INFO and pastes the whole
            # server log into a failure; matchmaker.embedded says what failed and names the log
            "pgserver": {"level": "CRITICAL", "handlers": ["queue_listener"], "propagate": False},
            # httpx narrates every request (each group-robot post) at INFO
            "httpx": {"level": "WARNING", "handlers": ["queue_listener"], "propagate": False},
        },
        root={"level": logging.getLevelName(level), "handlers": ["queue_listener"]},
        log_exceptions="never",
    )


def _config(settings: Settings) -> StructLoggingConfig:
    level = logging.getLevelNamesMapping().get(settings.log_level, logging.INFO)
    return StructLoggingConfig(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            escape_controls,
            _renderer(settings),
        ],
        standard_lib_logging_config=_stdlib_config(settings, level),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        pretty_print_tty=False,
        log_exceptions="never",  # errors.py logs unexpected ones itself, once
    )


def configure(settings: Settings) -> None:
    """Configure structlog and the standard library's loggers for a command (the app's plugin
    does the same at start-up)."""
    config = _config(settings)
    config.configure()
    if config.standard_lib_logging_config is not None:
        config.standard_lib_logging_config.configure()


def plugin(settings: Settings) -> StructlogPlugin:
    """The Litestar plugin: the same log lines, plus one line per request and per response at
    INFO. Above INFO no such line is written, and the middleware is left out: it reads each
    response's headers and cookies whatever the level (6% of a need page's Python under load)."""
    level = logging.getLevelNamesMapping().get(settings.log_level, logging.INFO)
    lines = LoggingMiddlewareConfig(
        request_log_fields=["method", "path"],
        response_log_fields=["status_code"],
        exclude=["^/health$", "^/ready$", "^/static/"],
    )
    return StructlogPlugin(
        StructlogConfig(
            structlog_logging_config=_config(settings),
            middleware_logging_config=lines,
            enable_middleware_logging=level <= logging.INFO,
        )
    )
