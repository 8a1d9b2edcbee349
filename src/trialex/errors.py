"""Errors with a one-line message that names the file they concern."""

from __future__ import annotations


class TrialexError(Exception):
    """Base class of every error trialex raises on purpose."""


class InputError(TrialexError):
    """A file that cannot be read as an article (empty, binary, bad encoding, broken PDF, too big).

    ``str(error)`` is one line: ``<source>: <reason>``.
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = " ".join(reason.split())
        super().__init__(f"{source}: {self.reason}")


class LimitExceeded(InputError):
    """An input over a configured limit (file size, pages, time per document)."""
