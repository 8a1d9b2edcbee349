"""The endpoint registry: the one source of the endpoint codes a record can have.

``resources/endpoints.json`` declares, besides the term entries of the vocabulary
(``endpoints``), the **classes** of endpoints and the **codes**:

* ``classes``: ``{name: {"statistics": [...], "note": ...}}`` — what a value of the class can be;
* ``codes``: ``[{"code", "class", "name", "colour", "statistics"?, "labelled"?, "subtype_of"?,
  "note"?}]`` in the order reports list them. ``statistics`` (default: the class's) says what
  assembly makes of a value of the code: a duration is a ``median``/``mean`` only for codes
  listing ``median``; a percentage is a ``rate`` (at a time point) only for codes listing
  ``rate``, and no record at all for codes listing neither ``rate`` nor ``proportion``; a count
  only for codes listing ``count``. ``labelled``: the record's ``label`` names the outcome (the
  term's own label or the term as printed). ``subtype_of``: a qualified form of another code
  ("CRi" of "CR"; a list "CR and CRi" is the composite). ``colour`` and ``name`` are the report's.

Every code set of the code base derives from this (:func:`registry`, :class:`LiveCodes`):
``records.ENDPOINTS`` and the validation of ``Record.endpoint``, the time/rate endpoint sets of
assembly, the report colours, the codes the vocabularies and context rules may name. The
registry read is the one of the rules folder in force (:mod:`trialex.rulebook`), so adding an
endpoint is a data change: a ``codes`` entry plus its term entry with examples.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trialex import rulebook
from trialex.rulebook import RuleError

FILE = "endpoints.json"
TERM_LANGUAGES = rulebook.LANGUAGES  # the language folders of the rules
_FILE_KEYS = {"version", "note", "classes", "codes", "endpoints"}
_CLASS_KEYS = {"statistics", "note"}
_CODE_KEYS = {"code", "class", "name", "colour", "statistics", "labelled", "subtype_of", "note"}
FALLBACK_COLOUR = "#a0aec0"
_COLOUR = re.compile(r"#[0-9a-f]{6}")


@dataclass(frozen=True)
class EndpointCode:
    code: str
    cls: str  # the class (time_to_event, response, adverse_event ...)
    name: str  # display name
    colour: str  # report colour, "#rrggbb"
    statistics: frozenset[str]
    labelled: bool = False
    subtype_of: str | None = None
    languages: tuple[str, ...] = ()  # the languages its terms are given in


@dataclass(frozen=True)
class Registry:
    codes: Mapping[str, EndpointCode]  # in file order
    classes: Mapping[str, frozenset[str]]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def order(self) -> tuple[str, ...]:
        return tuple(self.codes)

    def allowing(self, statistic: str) -> frozenset[str]:
        """The codes whose values can be of ``statistic``."""
        return frozenset(c for c, e in self.codes.items() if statistic in e.statistics)

    def not_allowing(self, statistic: str) -> frozenset[str]:
        return frozenset(self.codes) - self.allowing(statistic)

    def of_class(self, *classes: str) -> frozenset[str]:
        return frozenset(c for c, e in self.codes.items() if e.cls in classes)

    def labelled(self) -> frozenset[str]:
        return frozenset(c for c, e in self.codes.items() if e.labelled)

    def subtypes(self, of: str) -> frozenset[str]:
        return frozenset(c for c, e in self.codes.items() if e.subtype_of == of)

    def colour(self, code: str) -> str:
        entry = self.codes.get(code) or self.codes.get("other")
        return entry.colour if entry else FALLBACK_COLOUR

    def name(self, code: str) -> str:
        entry = self.codes.get(code)
        return entry.name if entry else code


def parse_registry(data: Any, where: str = FILE) -> Registry:
    """Validate the ``classes`` and ``codes`` of an ``endpoints.json``."""
    from trialex.records import STATISTICS

    if not isinstance(data, dict) or (unknown := set(data) - _FILE_KEYS):
        raise RuleError(where, f"unknown keys {sorted(unknown) if isinstance(data, dict) else ''}")
    raw_classes = data.get("classes")
    if not isinstance(raw_classes, dict) or not raw_classes:
        raise RuleError(where, "needs 'classes': {name: {statistics: [...]}}")
    classes: dict[str, frozenset[str]] = {}
    for name, entry in raw_classes.items():
        if not isinstance(entry, dict) or (unknown := set(entry) - _CLASS_KEYS):
            raise RuleError(where, f"unknown keys {sorted(unknown or [])}", entry=f"class {name}")
        classes[name] = _statistics(entry.get("statistics"), where, f"class {name}", STATISTICS)
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        raise RuleError(where, "needs a 'codes' list")
    codes: dict[str, EndpointCode] = {}
    for index, entry in enumerate(raw_codes):
        at = f"codes[{index}]"
        if not isinstance(entry, dict) or (unknown := set(entry) - _CODE_KEYS):
            raise RuleError(where, f"unknown keys {sorted(unknown or [])}", entry=at)
        code = entry.get("code")
        if not isinstance(code, str) or not code.isidentifier():
            raise RuleError(where, f"bad code {code!r} (letters, digits, _)", entry=at)
        at = f"{at} {code}"
        if code in codes:
            raise RuleError(where, f"duplicate code {code!r}", entry=at)
        if entry.get("class") not in classes:
            raise RuleError(where, f"class {entry.get('class')!r} not in 'classes'", entry=at)
        colour = entry.get("colour")
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
            raise RuleError(where, f"colour {colour!r} is not #rrggbb (lowercase)", entry=at)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RuleError(where, "needs a display 'name'", entry=at)
        statistics = classes[entry["class"]]
        if "statistics" in entry:
            statistics = _statistics(entry["statistics"], where, at, STATISTICS)
        codes[code] = EndpointCode(
            code=code,
            cls=entry["class"],
            name=name,
            colour=colour,
            statistics=statistics,
            labelled=bool(entry.get("labelled", False)),
            subtype_of=entry.get("subtype_of"),
        )
    for entry in codes.values():
        if entry.subtype_of is not None and entry.subtype_of not in codes:
            raise RuleError(where, f"subtype_of {entry.subtype_of!r} unknown", entry=entry.code)
    languages: dict[str, set[str]] = {}
    for index, term in enumerate(data.get("endpoints", [])):
        code = term.get("code") if isinstance(term, dict) else None
        if code not in codes:
            raise RuleError(
                where, f"unknown code {code!r} (not in 'codes')", entry=f"endpoints[{index}]"
            )
        languages.setdefault(code, set()).update(term.get("terms", {}))
    for code, entry in codes.items():
        langs = tuple(lang for lang in TERM_LANGUAGES if lang in languages.get(code, ()))
        codes[code] = EndpointCode(**{**entry.__dict__, "languages": langs})
    return Registry(codes, classes)


def _statistics(value: Any, where: str, at: str, known: Sequence[str]) -> frozenset[str]:
    if not isinstance(value, list) or not value or set(value) - set(known):
        raise RuleError(where, f"'statistics' must be a list of {list(known)}", entry=at)
    return frozenset(value)


@functools.lru_cache(maxsize=8)
def _registry(key: str | None) -> Registry:
    path = rulebook.resolve(FILE, rules_dir=key)
    data = rulebook.load_json(FILE, rules_dir=key)
    if isinstance(data, dict) and "codes" not in data and "classes" not in data and key:
        # a rules folder's endpoints.json of term entries only keeps the bundled code table
        table = rulebook.load_json(FILE, rules_dir=rulebook.BUNDLED)
        data = {**data, "classes": table["classes"], "codes": table["codes"]}
    with rulebook.parsing(rulebook.label(path)):
        return parse_registry(data, rulebook.label(path))


def registry(rules_dir: str | None = None) -> Registry:
    """The registry of ``rules_dir`` (else of the rules folder in force, else the bundled one)."""
    return _registry(rulebook.rules_key(rules_dir))


def bundled() -> Registry:
    return _registry(None)


def check_code(code: str) -> str:
    """``code`` if the registry in force knows it (the validator of ``Record.endpoint``)."""
    if code not in registry().codes:
        raise ValueError(f"unknown endpoint code {code!r} (not in the registry of endpoints.json)")
    return code


class LiveCodes:
    """A code set defined by a query of the registry, evaluated on the registry in force each
    time it is used (``code in TIME_ENDPOINTS``, ``TIME_ENDPOINTS - RATE_ENDPOINTS``), so that
    a rules folder that adds a code changes it. Set operations give plain frozensets."""

    __slots__ = ("_query",)

    def __init__(self, query: Callable[[Registry], frozenset[str]]) -> None:
        self._query = query

    def now(self) -> frozenset[str]:
        return _live(self._query, rulebook.rules_key())

    def __contains__(self, code: object) -> bool:
        return code in self.now()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.now()))

    def __len__(self) -> int:
        return len(self.now())

    def __sub__(self, other: Iterable[str]) -> frozenset[str]:
        return self.now() - frozenset(other)

    def __rsub__(self, other: Iterable[str]) -> frozenset[str]:
        return frozenset(other) - self.now()

    def __or__(self, other: Iterable[str]) -> frozenset[str]:
        return self.now() | frozenset(other)

    def __and__(self, other: Iterable[str]) -> frozenset[str]:
        return self.now() & frozenset(other)

    def __repr__(self) -> str:
        return f"LiveCodes({sorted(self.now())})"


@functools.lru_cache(maxsize=256)
def _live(query: Callable[[Registry], frozenset[str]], key: str | None) -> frozenset[str]:
    return query(_registry(key))


def live(query: Callable[[Registry], frozenset[str]]) -> LiveCodes:
    return LiveCodes(query)


class LiveOrder(Sequence[str]):
    """The codes in registry order, of the registry in force (``records.ENDPOINTS``)."""

    def _codes(self) -> tuple[str, ...]:
        return registry().order()

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._codes()[index]

    def __len__(self) -> int:
        return len(self._codes())

    def __contains__(self, code: object) -> bool:
        return code in registry().codes

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes())

    def index(self, code: Any, start: int = 0, stop: int | None = None) -> int:
        return self._codes().index(code, start, *(() if stop is None else (stop,)))

    def __repr__(self) -> str:
        return repr(self._codes())


class LiveColours(Mapping[str, str]):
    """Code -> report colour, of the registry in force (``report.ENDPOINT_COLOURS``)."""

    def __getitem__(self, code: str) -> str:
        entry = registry().codes.get(code)
        if entry is None:
            raise KeyError(code)
        return entry.colour

    def __iter__(self) -> Iterator[str]:
        return iter(registry().order())

    def __len__(self) -> int:
        return len(registry().codes)

    def __contains__(self, code: object) -> bool:
        return code in registry().codes
