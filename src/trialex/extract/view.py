"""One view of a document's text structure, built once and read by every extraction pass.

The passes of :mod:`trialex.extract` read the same text again and again: a block's sentences
are split once to read it and again, paragraph by paragraph, to look ahead for the arms a
paragraph defines; a sentence's clauses are split to read it and again for every count in it;
every sentence is searched for arm definitions once when read and once when looked ahead.
:class:`DocView` holds that structure in character offsets of the text the passes read
(the document's view, :mod:`trialex.normalize`, folded by :func:`trialex.extract.numbers.fold`):
its lines, sentences, clauses, bracket depths, arm definitions and endpoint terms, each computed
on first use and kept for the rest of the document.

:func:`extract_records` builds one per document, sets it on ``doc._.view`` and makes it the
current view while the records are assembled (:func:`reading`); the text-structure functions
of the assembly passes (``units.sentences``, ``units.clauses``, ``arms.define_arms``) answer from it
when they are asked about its text, and compute as before otherwise (tests, other texts), so
the results are the same either way.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from trialex.extract.rules import Term

_LINE = re.compile(r"[^\n]*\n|[^\n]+$")

Offsets = tuple[int, int]


@dataclass
class DocView:
    """The text structure of one document (character offsets into ``text``)."""

    text: str
    terms: list[Term] = field(default_factory=list)
    _sentences: dict[Offsets, list[Offsets]] = field(default_factory=dict, repr=False)
    _clauses: dict[Offsets, list[Offsets]] = field(default_factory=dict, repr=False)
    _arms: dict[Offsets, Any] = field(default_factory=dict, repr=False)
    _lines: list[Offsets] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[Offsets]:
        """``(start, end)`` of every line, its line break included."""
        if self._lines is None:
            self._lines = [m.span() for m in _LINE.finditer(self.text)]
        return self._lines

    def sentences(
        self, start: int, end: int, split: Callable[[str, int, int], Iterator[Offsets]]
    ) -> list[Offsets]:
        """The sentences of ``text[start:end]`` as ``split`` finds them, split once."""
        key = (start, end)
        found = self._sentences.get(key)
        if found is None:
            found = self._sentences[key] = list(split(self.text, start, end))
        return found

    def clauses(
        self, start: int, end: int, split: Callable[[str, int, int], list[Offsets]]
    ) -> list[Offsets]:
        """The clauses of the sentence ``text[start:end]`` as ``split`` finds them, split once."""
        key = (start, end)
        found = self._clauses.get(key)
        if found is None:
            found = self._clauses[key] = split(self.text, start, end)
        return found

    def arm_definition(self, start: int, end: int, find: Callable[[str, int, int], Any]) -> Any:
        """What the sentence ``text[start:end]`` defines as arms (``find``'s answer), found once."""
        key = (start, end)
        if key not in self._arms:
            self._arms[key] = find(self.text, start, end)
        return self._arms[key]


_CURRENT: contextvars.ContextVar[DocView | None] = contextvars.ContextVar(
    "trialex_doc_view", default=None
)


def current(text: str) -> DocView | None:
    """The view being read, when ``text`` is its text (the very same string)."""
    view = _CURRENT.get()
    return view if view is not None and view.text is text else None


@contextlib.contextmanager
def reading(view: DocView) -> Iterator[DocView]:
    """Make ``view`` the current view while its document's records are assembled."""
    token = _CURRENT.set(view)
    try:
        yield view
    finally:
        _CURRENT.reset(token)
