"""The command line's and the app's logging: one line per record, URLs redacted.

A log line, and the traceback under it, may name a URL that is a credential
(a chat webhook's path is its token; ``user:password@``). Every URL is shown
as ``scheme://host/…`` at most, and the HTTP libraries, which log every
request's full URL at INFO, are quiet below WARNING unless asked.
"""

from __future__ import annotations

import logging

from desktop_integrations.redaction import redact_urls

#: Third-party loggers kept to warnings and errors unless ``--verbose``.
QUIET_LOGGERS = ("httpx", "httpcore")


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, with every URL redacted."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the formatted record with its URLs redacted."""
        return redact_urls(super().format(record))


def configure_logging(verbose: bool) -> None:
    """Log to stderr: INFO (DEBUG with ``verbose``), secrets never shown in full."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.WARNING)
