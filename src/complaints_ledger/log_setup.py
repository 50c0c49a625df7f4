"""structlog set-up, called once per process at the entry point."""

from __future__ import annotations

import logging
import sys
from typing import TextIO, cast

import structlog

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


class CurrentStderr:
    """Writes to whatever `sys.stderr` is when a message is logged, not when logging was set up:
    a caller that swaps stderr for a while (a test runner capturing a command's output) and
    closes its stand-in must not leave every later log line writing to a closed file."""

    def write(self, text: str) -> int:
        return _stderr().write(text)

    def flush(self) -> None:
        _stderr().flush()


def _stderr() -> TextIO:
    return sys.stderr


def configure_logging(level: str = "info", log_format: str = "auto") -> None:
    as_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    # JSON lines carry an exception as structured data (type, message, frames); the console
    # renderer prints the traceback itself.
    rendering: list[structlog.types.Processor] = (
        [structlog.processors.dict_tracebacks, structlog.processors.JSONRenderer()]
        if as_json
        else [structlog.dev.ConsoleRenderer()]
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            *rendering,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(LEVELS[level]),
        logger_factory=structlog.PrintLoggerFactory(file=cast("TextIO", CurrentStderr())),
        cache_logger_on_first_use=True,
    )
