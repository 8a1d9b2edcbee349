"""The one loader of rule files, and their one error type.

Every rule file (``resources/*.json``, ``resources/<lang>/*.json``, ``terms.jsonl``) is read
through :func:`load_json` / :func:`load_jsonl`, which

* resolve it in the **rules folder in force**: ``rules_dir`` when given, else the folder of
  :func:`using` (the pipeline sets it from ``Settings.rules_dir`` while it processes a
  document), else the bundled ``trialex/resources``. A rules folder has the layout of
  ``resources/``; **a file it lacks is the bundled one** (so a folder may hold only the files
  it changes; to switch a file's rules off, give it an empty list of them);
* parse strictly: invalid JSON and a key given twice in one object are errors (``json.load``
  silently keeps the last of two equal keys);
* raise :class:`RuleError` for every malformed rule file: one line naming the file, the entry
  and the reason. The loaders of the modules (``ner``, ``normalize``, ``sections``,
  ``extract.*``, ``metadata``, ``endpoints``) raise it too (their old error names are aliases).

:func:`compile_rule` compiles an entry's regex and :func:`examples_of` checks its examples,
both with the same error.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from trialex.errors import TrialexError

BUNDLED = Path(str(resources.files("trialex") / "resources"))
# the languages of the rules: the language folders of the bundled resources (en/, zh/ ...)
LANGUAGES: tuple[str, ...] = tuple(
    sorted(
        p.name for p in BUNDLED.iterdir() if p.is_dir() and len(p.name) == 2 and p.name.isalpha()
    )
)
EXAMPLE_KEYS = ("match", "no_match")

_ACTIVE: contextvars.ContextVar[str | None] = contextvars.ContextVar("trialex_rules_dir")
_UNSET = object()
# the folder of :func:`activate`, for threads that start with a fresh context (a server's)
_PROCESS: list[str | None] = [None]


class RuleError(TrialexError, ValueError):
    """A malformed rule file: ``<file>: <entry>: <reason>`` on one line.

    ``RuleError(file, reason, entry=...)``; the one-argument form takes a whole message (the
    older loaders build theirs so). ``file``, ``entry`` and ``reason`` are kept as attributes.
    """

    def __init__(self, file: str, reason: str | None = None, *, entry: str | None = None) -> None:
        self.file = str(file)
        self.entry = entry
        self.reason = reason
        if reason is None:
            message = self.file
        else:
            message = f"{file}: {entry}: {reason}" if entry else f"{file}: {reason}"
        super().__init__(" ".join(message.split()))


# ---- where the rules are --------------------------------------------------------------------


def active_rules_dir() -> str | None:
    """The rules folder of :func:`using` in force, else of :func:`activate` (None: bundled)."""
    value = _ACTIVE.get(_UNSET)
    return _PROCESS[0] if value is _UNSET else value  # type: ignore[return-value]


@contextlib.contextmanager
def using(rules_dir: str | Path | None) -> Iterator[None]:
    """Loaders called inside read the rules of ``rules_dir`` (None: the bundled ones)."""
    token = _ACTIVE.set(str(rules_dir) if rules_dir is not None else None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def activate(rules_dir: str | Path | None) -> Callable[[], None]:
    """Make ``rules_dir`` the rules folder in force until the returned function is called (the
    CLI activates ``Settings.rules_dir`` for the whole command, server threads included)."""
    folder = str(rules_dir) if rules_dir is not None else None
    before = _PROCESS[0]
    token = _ACTIVE.set(folder)
    _PROCESS[0] = folder

    def restore() -> None:
        _PROCESS[0] = before
        _ACTIVE.reset(token)

    return restore


def rules_key(rules_dir: str | Path | None = None) -> str | None:
    """The rules folder a loader reads (``rules_dir``, else :func:`active_rules_dir`), as the
    string a cache is keyed on; None for the bundled rules."""
    if rules_dir is None:
        value = _ACTIVE.get(_UNSET)
        return _PROCESS[0] if value is _UNSET else value  # type: ignore[return-value]
    return str(rules_dir)


def resolve(name: str, lang: str | None = None, rules_dir: str | Path | None = None) -> Path:
    """The path of rule file ``name`` (of language folder ``lang``): the rules folder's copy if
    it has one, else the bundled one."""
    relative = Path(lang, name) if lang else Path(name)
    folder = rules_key(rules_dir)
    if folder is not None:
        path = Path(folder) / relative
        if path.is_file():
            return path
    return BUNDLED / relative


def exists(name: str, lang: str | None = None, rules_dir: str | Path | None = None) -> bool:
    return resolve(name, lang, rules_dir).is_file()


def label(path: Path) -> str:
    """How an error names a file: relative to the bundled folder when it is a bundled one."""
    try:
        return "resources/" + path.relative_to(BUNDLED).as_posix()
    except ValueError:
        return str(path)


# ---- reading --------------------------------------------------------------------------------


def _strict(where: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise RuleError(where, f"key {key!r} given twice in one object")
            out[key] = value
        return out

    return hook


def parse_json(text: str, where: str) -> Any:
    """``text`` parsed strictly (a key given twice is an error), or :class:`RuleError`."""
    try:
        return json.loads(text, object_pairs_hook=_strict(where))
    except json.JSONDecodeError as error:
        raise RuleError(where, f"invalid JSON ({error.msg}, line {error.lineno})") from None


def read(path: Path) -> str:
    if not path.is_file():
        raise RuleError(label(path), "rule file not found")
    return path.read_text(encoding="utf-8")


def load_json(name: str, lang: str | None = None, rules_dir: str | Path | None = None) -> Any:
    """The parsed rule file ``name`` (of ``lang``) of the rules folder in force."""
    path = resolve(name, lang, rules_dir)
    return parse_json(read(path), label(path))


def load_jsonl(
    name: str, lang: str | None = None, rules_dir: str | Path | None = None
) -> list[tuple[int, Any]]:
    """``(line number, object)`` of every non-blank line of the JSONL rule file ``name``."""
    path = resolve(name, lang, rules_dir)
    where = label(path)
    return [
        (number, parse_json(line, f"{where}:{number}"))
        for number, line in enumerate(read(path).splitlines(), 1)
        if line.strip()
    ]


# ---- checking entries -----------------------------------------------------------------------


def compile_rule(
    pattern: str, file: str, entry: str | None = None, flags: int = 0
) -> re.Pattern[str]:
    """``pattern`` compiled, or :class:`RuleError` naming the file and entry."""
    try:
        return re.compile(pattern, flags)
    except (re.error, TypeError) as error:
        raise RuleError(file, f"bad regex ({error})", entry=entry) from None


def examples_of(
    value: Any, file: str, entry: str | None = None, *, need_match: bool = False
) -> dict[str, list[str]]:
    """An entry's ``examples`` (``{"match": [...], "no_match": [...]}``) checked: an object of
    those keys holding lists of strings; with ``need_match``, at least one ``match``."""
    if not isinstance(value, dict) or set(value) - set(EXAMPLE_KEYS):
        raise RuleError(
            file, f"'examples' must be an object with keys {list(EXAMPLE_KEYS)}", entry=entry
        )
    out: dict[str, list[str]] = {}
    for key in EXAMPLE_KEYS:
        items = value.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise RuleError(file, f"examples.{key} must be a list of strings", entry=entry)
        out[key] = list(items)
    if need_match and not out["match"]:
        raise RuleError(file, "needs at least one 'match' example", entry=entry)
    return out


@contextlib.contextmanager
def parsing(file: str) -> Iterator[None]:
    """Turn what a loader trips over in a malformed file (a missing key, a value of the wrong
    type, a bad regex) into :class:`RuleError` naming ``file``."""
    try:
        yield
    except RuleError:
        raise
    except KeyError as error:
        raise RuleError(file, f"missing key {error}") from None
    except (TypeError, AttributeError, ValueError) as error:
        raise RuleError(file, f"malformed entry ({error})") from None
    except re.error as error:
        raise RuleError(file, f"bad regex ({error})") from None


def unique_ids(entries: list[Any], file: str, key: str = "id") -> None:
    """:class:`RuleError` when two entries share an ``id``."""
    seen: set[Any] = set()
    for entry in entries:
        if isinstance(entry, dict) and key in entry:
            if entry[key] in seen:
                raise RuleError(file, f"duplicate id {entry[key]!r}")
            seen.add(entry[key])
