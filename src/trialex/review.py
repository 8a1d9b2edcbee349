"""The reviewer's loop: decisions on extracted records, kept beside the output, turned into gold.

A reviewer accepts, rejects or edits each extracted record of a document and adds the records the
extractor missed (their span is a selection of the document text). Every decision is appended to
``<doc_id>.review.json`` beside ``<doc_id>.json`` at once, atomically: who, when, the action, the
record decided on (``target``, as extracted), the record before and after, and the pipeline
version. Undo removes the last decision.

A decision names its record by content, not by position: the extracted record whose span and
value equal the target's (endpoint and statistic break ties). After a re-extraction
:func:`reconcile` keeps the decisions whose record is still there and flags the others ``stale``;
stale decisions are shown but count for nothing. An added record is stale when the text at its
span changed.

:func:`export_gold` writes reviewed documents as gold files (``fixtures/gold/GUIDELINES.md``):
accepted, edited and added records, evidence = the record's span text, sections as anchors,
validated with :func:`trialex.evaluate.load_gold` and the evidence searched in the source text as
the evaluator reads it. :func:`diff_reviews` compares two reviewers' files of one document.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trialex import PIPELINE_VERSION
from trialex.errors import TrialexError
from trialex.evaluate import load_gold, values_equal
from trialex.io import atomic_write_text, output_path
from trialex.records import DocumentResult, Record, Section, Span, Timepoint

REVIEW_SUFFIX = ".review.json"
GOLD_SUFFIX = ".gold.json"
REVIEW_FORMAT = 1

Action = Literal["accept", "reject", "edit", "add"]
Status = Literal["pending", "accept", "reject", "edit", "add"]

# The fields a reviewer may change (GUIDELINES §3); the span, text and language stay.
EDITABLE_FIELDS: tuple[str, ...] = (
    "endpoint",
    "statistic",
    "value",
    "unit",
    "n",
    "N",
    "ci_low",
    "ci_high",
    "ci_level",
    "p_op",
    "p_value",
    "timepoint",
    "group",
    "label",
    "origin",
    "section",
)
_INT_FIELDS = frozenset({"n", "N"})
_FLOAT_FIELDS = frozenset({"value", "ci_low", "ci_high", "ci_level", "p_value"})
# The gold fields of a record (GUIDELINES §3), in the order the hand-made files use.
GOLD_FIELDS: tuple[str, ...] = (
    "endpoint",
    "statistic",
    "value",
    "unit",
    "n",
    "N",
    "ci_low",
    "ci_high",
    "ci_level",
    "p_op",
    "p_value",
    "timepoint",
    "group",
    "label",
    "origin",
    "language",
    "section",
)
ANCHOR_CHARS = 50
ANCHOR_MAX_CHARS = 160


class ReviewError(TrialexError):
    """A decision that cannot be applied (unknown record, bad field value, bad selection)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Decision(_Model):
    """One reviewer decision on one record."""

    action: Action
    reviewer: str
    at: str  # ISO 8601, UTC
    pipeline_version: str  # of the extraction the reviewer saw
    target: Record | None = None  # the record decided on, as extracted or added (None: add)
    before: Record | None = None  # its reviewed state before the decision
    after: Record | None = None  # after (None: rejected)
    stale: bool = False  # its record is gone after a re-extraction


class ReviewFile(_Model):
    """``<doc_id>.review.json``: the decisions on one document, oldest first."""

    format: int = REVIEW_FORMAT
    doc_id: str
    sha256: str = ""  # of the source the decisions were last reconciled with
    decisions: list[Decision] = Field(default_factory=list)


@dataclass(frozen=True)
class RecordState:
    """A record as the reviewer sees it: ``id`` ``r<i>`` (extracted) or ``a<k>`` (added)."""

    id: str
    original: Record  # as extracted (or as first added)
    current: Record | None  # the reviewed record (None when rejected)
    status: Status
    decisions: int  # how many decisions touched it


@dataclass(frozen=True)
class ReviewState:
    records: tuple[RecordState, ...]
    stale: tuple[Decision, ...]

    def get(self, mark_id: str) -> RecordState:
        for state in self.records:
            if state.id == mark_id:
                return state
        raise ReviewError(f"no record {mark_id!r} in this document")

    @property
    def pending(self) -> int:
        return sum(1 for s in self.records if s.status == "pending")


# ---- files -----------------------------------------------------------------------------------


def review_path(out_dir: Path, doc_id: str) -> Path:
    return output_path(Path(out_dir), doc_id, REVIEW_SUFFIX)


def load_review(path: Path, doc_id: str) -> ReviewFile:
    """The review file at ``path``, or an empty one when there is none."""
    path = Path(path)
    if not path.is_file():
        return ReviewFile(doc_id=doc_id)
    try:
        review = ReviewFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrialexError(f"{path}: not a readable review file ({error})") from error
    if review.doc_id != doc_id:
        raise TrialexError(f"{path}: review of {review.doc_id!r}, not of {doc_id!r}")
    return review


def review_json(review: ReviewFile) -> str:
    return json.dumps(review.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"


def save_review(path: Path, review: ReviewFile) -> None:
    """Replace ``path`` atomically (a reader or a kill sees the old file or the new one)."""
    atomic_write_text(Path(path), review_json(review))


# ---- state -----------------------------------------------------------------------------------


def _same(a: Record, b: Record) -> bool:
    return a.span == b.span and values_equal(a.value, b.value)


def _find(records: Sequence[Record], target: Record, taken: Iterable[int] = ()) -> int | None:
    """The index of the record with ``target``'s span and value (same endpoint/statistic first)."""
    skip = set(taken)
    candidates = [i for i, r in enumerate(records) if i not in skip and _same(r, target)]
    exact = [
        i
        for i in candidates
        if records[i].endpoint == target.endpoint and records[i].statistic == target.statistic
    ]
    found = exact or candidates
    return found[0] if found else None


@dataclass
class _Slot:
    id: str
    original: Record
    current: Record | None
    status: Status = "pending"
    decisions: int = 0


@dataclass
class _Replay:
    slots: list[_Slot]
    stale: list[int] = field(default_factory=list)  # decision indices


def _replay(result: DocumentResult, text: str, review: ReviewFile) -> _Replay:
    slots = [_Slot(f"r{i}", r, r) for i, r in enumerate(result.records)]
    replay = _Replay(slots)
    added = 0
    for k, d in enumerate(review.decisions):
        if d.action == "add":
            rec = d.after
            if rec is None or text[rec.span.start : rec.span.end] != rec.text or not rec.text:
                replay.stale.append(k)
                continue
            slots.append(_Slot(f"a{added}", rec, rec, "add", 1))
            added += 1
            continue
        if d.target is None:
            replay.stale.append(k)
            continue
        index = _find([s.original for s in slots], d.target)
        if index is None:
            replay.stale.append(k)
            continue
        slot = slots[index]
        slot.decisions += 1
        slot.current = d.after if d.action != "reject" else None
        if slot.id.startswith("a"):  # an added record stays "add" unless rejected
            slot.status = "reject" if d.action == "reject" else "add"
        else:
            slot.status = d.action
    return replay


def review_state(result: DocumentResult, text: str, review: ReviewFile) -> ReviewState:
    """Every record of ``result`` (and every added one) with its status after the decisions."""
    replay = _replay(result, text, review)
    return ReviewState(
        records=tuple(
            RecordState(s.id, s.original, s.current, s.status, s.decisions) for s in replay.slots
        ),
        stale=tuple(review.decisions[k] for k in replay.stale),
    )


def reconcile(result: DocumentResult, text: str, review: ReviewFile) -> ReviewFile:
    """The review with ``stale`` set on the decisions whose record is gone from ``result``
    (no record with the target's span and value; an added record whose text changed) and
    cleared on the others."""
    stale = set(_replay(result, text, review).stale)
    decisions = [d.model_copy(update={"stale": k in stale}) for k, d in enumerate(review.decisions)]
    return review.model_copy(update={"decisions": decisions, "sha256": result.sha256})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse_field(name: str, raw: Any) -> Any:
    """A form value (a string, or already typed) as the record field ``name`` holds it."""
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            return None
    if raw is None:
        return None
    try:
        if name in _INT_FIELDS:
            number = float(raw)
            if not number.is_integer():
                raise ValueError(raw)
            return int(number)
        if name in _FLOAT_FIELDS:
            return float(raw)
    except (TypeError, ValueError):
        raise ReviewError(f"{name}: {raw!r} is not a number") from None
    if name == "timepoint":
        if isinstance(raw, Mapping):
            return Timepoint.model_validate(raw)
        parts = str(raw).split(maxsplit=1)
        try:
            return Timepoint(value=float(parts[0]), unit=parts[1] if len(parts) > 1 else "")
        except (ValueError, IndexError):
            raise ReviewError(f"timepoint: {raw!r} is not '<number> <unit>'") from None
    return raw


def edited_record(record: Record, changes: Mapping[str, Any]) -> Record:
    """``record`` with the editable ``changes`` applied (span, text and language kept)."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ReviewError(f"not editable: {', '.join(unknown)}")
    data = record.model_dump()
    for name, raw in changes.items():
        data[name] = _parse_field(name, raw)
    if data.get("value") is None:
        raise ReviewError("value: a record needs a value")
    data["warnings"] = []
    try:
        return Record.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReviewError(f"{where}: {first['msg']}") from None


def _section_at(sections: Sequence[Section], pos: int) -> Section | None:
    return next((s for s in sections if s.start <= pos < s.end), None)


def added_record(
    result: DocumentResult, text: str, start: int, end: int, fields: Mapping[str, Any], who: str
) -> Record:
    """A record the extractor missed: span ``text[start:end]``, language and section from the
    section holding it, the other fields from ``fields`` (endpoint, statistic and value needed)."""
    if not (0 <= start < end <= len(text)):
        raise ReviewError(f"selection {start}-{end} is not inside the text ({len(text)} chars)")
    section = _section_at(result.sections, start)
    base = {
        "endpoint": "other",
        "statistic": "proportion",
        "value": 0.0,
        "language": section.language if section else (result.languages or ["en"])[0],
        "section": section.kind if section else "other",
        "span": Span(start=start, end=end),
        "text": text[start:end],
        "extractor": f"review:{who}",
    }
    missing = [k for k in ("endpoint", "statistic", "value") if _blank(fields.get(k))]
    if missing:
        raise ReviewError(f"an added record needs {', '.join(missing)}")
    return edited_record(Record.model_validate(base), fields)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def apply_decision(
    result: DocumentResult,
    text: str,
    review: ReviewFile,
    action: Action,
    *,
    mark_id: str | None = None,
    changes: Mapping[str, Any] | None = None,
    span: tuple[int, int] | None = None,
    reviewer: str,
) -> ReviewFile:
    """The review with one more decision (validated against the current state; raises
    :class:`ReviewError` when it cannot apply)."""
    base = dict(reviewer=reviewer, at=_now(), pipeline_version=result.pipeline_version)
    if action == "add":
        if span is None:
            raise ReviewError("add: no selection")
        record = added_record(result, text, span[0], span[1], changes or {}, reviewer)
        decision = Decision(action="add", after=record, **base)
    else:
        if mark_id is None:
            raise ReviewError(f"{action}: which record?")
        state = review_state(result, text, review).get(mark_id)
        before = state.current
        if action == "reject":
            after = None
        elif action == "accept":
            after = before if before is not None else state.original
        elif action == "edit":
            after = edited_record(before or state.original, changes or {})
        else:
            raise ReviewError(f"unknown action {action!r}")
        decision = Decision(
            action=action, target=state.original, before=before, after=after, **base
        )
    return review.model_copy(update={"decisions": [*review.decisions, decision]})


def undo(review: ReviewFile) -> ReviewFile:
    """The review without its last decision (unchanged when there is none)."""
    return review.model_copy(update={"decisions": review.decisions[:-1]})


# ---- documents in an output folder ---------------------------------------------------------


@dataclass(frozen=True)
class ReviewedDocument:
    result_path: Path
    result: DocumentResult
    text: str

    @property
    def doc_id(self) -> str:
        return self.result.doc_id

    @property
    def review_path(self) -> Path:
        return review_path(self.result_path.parent, self.doc_id)

    def load(self) -> ReviewFile:
        return reconcile(self.result, self.text, load_review(self.review_path, self.doc_id))


def result_files(out_dir: Path) -> dict[str, Path]:
    """``doc_id -> <doc_id>.json`` for every document result in ``out_dir`` (with its text)."""
    found: dict[str, Path] = {}
    for path in sorted(Path(out_dir).glob("*.json")):
        name = path.name
        if name.startswith(("_", ".")) or name.endswith(REVIEW_SUFFIX):
            continue
        if not path.with_suffix(".txt").is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "records" in data and data.get("doc_id"):
            found.setdefault(str(data["doc_id"]), path)
    return found


def open_document(result_path: Path) -> ReviewedDocument:
    from trialex.export import load_result
    from trialex.report import read_text_for

    result = load_result(result_path)
    if result is None:
        raise TrialexError(f"{result_path}: not a document result")
    return ReviewedDocument(Path(result_path), result, read_text_for(result_path))


# ---- gold export -----------------------------------------------------------------------------


def section_anchors(text: str, sections: Sequence[Section]) -> list[dict[str, str]]:
    """GUIDELINES §5 anchors: the first ~50 characters of each section (longer when needed for
    the evaluator's in-order search to land inside the section), sections of blank text left
    out."""
    anchors: list[dict[str, str]] = []
    cursor = 0
    for section in sorted(sections, key=lambda s: (s.start, s.end)):
        body = text[section.start : section.end]
        lead = len(body) - len(body.lstrip())
        start = section.start + lead
        if start >= section.end:
            continue
        anchor = ""
        for size in (ANCHOR_CHARS, 80, 120, ANCHOR_MAX_CHARS):
            anchor = text[start : min(start + size, section.end)].rstrip()
            pos = text.find(anchor, cursor)
            if section.start <= pos < section.end:
                break
        else:
            continue  # not findable in order: leave the section out rather than mislead
        anchors.append({"kind": section.kind, "language": section.language, "anchor": anchor})
        cursor = text.find(anchor, cursor) + 1
    return anchors


def gold_record(record: Record) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    out = {name: data.get(name) for name in GOLD_FIELDS}
    out["evidence"] = record.text
    return out


def gold_document(doc: ReviewedDocument, review: ReviewFile) -> tuple[dict[str, Any], int]:
    """The gold file of a reviewed document and the number of records left unreviewed."""
    state = review_state(doc.result, doc.text, review)
    kept = [
        s.current
        for s in state.records
        if s.current is not None and s.status in ("accept", "edit", "add")
    ]
    kept.sort(key=lambda r: (r.span.start, r.span.end))
    live = [d for d in review.decisions if not d.stale]
    gold = {
        "doc_id": doc.doc_id,
        "source": Path(doc.result.source).name or doc.result.source,  # as hand-made gold: a name
        "sections": section_anchors(doc.text, doc.result.sections),
        "records": [gold_record(r) for r in kept],
        "review": {
            "reviewers": sorted({d.reviewer for d in live}),
            "decisions": len(live),
            "unreviewed_records_left_out": state.pending,
            "pipeline_version": doc.result.pipeline_version,
            "exported_at": _now(),
            "exported_by": PIPELINE_VERSION,
        },
    }
    return gold, state.pending


def validate_gold(path: Path, text: str) -> list[str]:
    """Problems of a gold file as the evaluator would read it: it loads with
    :func:`trialex.evaluate.load_gold`, every evidence is in ``text``, every record is a valid
    record (endpoint and statistic codes, numbers) and every anchor is in ``text``."""
    try:
        gold = load_gold(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [f"{path}: load_gold failed ({error!r})"]
    problems = []
    for g in gold.records:
        if not g.evidence or g.evidence not in text:
            problems.append(f"record {g.index}: evidence not in the source: {g.evidence!r}")
        fields = {k: v for k, v in g.fields.items() if k in Record.model_fields}
        try:
            Record.model_validate(
                {**fields, "span": {"start": 0, "end": 0}, "text": "", "extractor": "gold"}
            )
        except ValidationError as error:
            problems.append(f"record {g.index}: {error.errors()[0]['msg']}")
    for a in gold.sections:
        if a.anchor not in text:
            problems.append(f"anchor not in the source: {a.anchor!r}")
    return problems


def evaluator_text(result_path: Path) -> str:
    """The source text as :func:`trialex.evaluate.evaluate` reads it (``<doc_id>.txt``)."""
    return Path(result_path).with_suffix(".txt").read_text(encoding="utf-8-sig")


@dataclass(frozen=True)
class GoldExport:
    doc_id: str
    path: Path
    records: int
    unreviewed: int
    stale: int


def export_gold(
    out_dir: Path,
    gold_dir: Path,
    *,
    overwrite: bool = False,
    doc_ids: Iterable[str] = (),
    raw_dir: Path | None = None,
) -> list[GoldExport]:
    """Write ``gold_dir/<doc_id>.gold.json`` for every reviewed document of ``out_dir``
    (at least one live decision); validated before it is written. A gold file that exists and
    was not written by this export (hand-made gold) is never replaced unless ``overwrite``.
    With ``raw_dir``, the source text goes there too (``<doc_id>.txt``, where the seed tests and
    ``trialex eval --raw`` look), unless a different text of that name is already there."""
    wanted = set(doc_ids)
    written: list[GoldExport] = []
    for doc_id, path in result_files(out_dir).items():
        if wanted and doc_id not in wanted:
            continue
        doc = open_document(path)
        if not doc.review_path.is_file():
            continue
        review = doc.load()
        if not any(not d.stale for d in review.decisions):
            continue
        gold, unreviewed = gold_document(doc, review)
        target = output_path(Path(gold_dir), doc_id, GOLD_SUFFIX)
        if target.is_file() and not overwrite and not _exported(target):
            raise TrialexError(f"{target}: hand-made gold exists; not replaced (use --force)")
        text = json.dumps(gold, ensure_ascii=False, indent=1) + "\n"
        problems = _validate_text(text, evaluator_text(path))
        if problems:
            raise TrialexError(f"{doc_id}: exported gold is invalid: {'; '.join(problems[:3])}")
        if raw_dir is not None:
            source = output_path(Path(raw_dir), doc_id, ".txt")
            if source.is_file() and source.read_bytes() != path.with_suffix(".txt").read_bytes():
                raise TrialexError(f"{source}: a different text exists; not replaced")
            atomic_write_text(source, doc.text)
        atomic_write_text(target, text)
        written.append(
            GoldExport(
                doc_id,
                target,
                len(gold["records"]),
                unreviewed,
                sum(1 for d in review.decisions if d.stale),
            )
        )
    return written


def _exported(path: Path) -> bool:
    try:
        return "review" in json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def _validate_text(gold_text: str, source: str) -> list[str]:
    fd, tmp = tempfile.mkstemp(suffix=GOLD_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(gold_text)
        return validate_gold(Path(tmp), source)
    finally:
        Path(tmp).unlink(missing_ok=True)


# ---- two reviewers ---------------------------------------------------------------------------


_COMPARED = (*GOLD_FIELDS, "span")


def _final(review: ReviewFile) -> dict[tuple[int, int, float], Record | None]:
    """Each reviewed record's final state, by (span start, span end, value as first seen)."""
    final: dict[tuple[int, int, float], Record | None] = {}
    added: dict[tuple[int, int, float], Record] = {}
    for d in review.decisions:
        if d.stale:
            continue
        if d.action == "add" and d.after is not None:
            key = (d.after.span.start, d.after.span.end, d.after.value)
            final[key] = d.after
            added[key] = d.after
        elif d.target is not None:
            key = (d.target.span.start, d.target.span.end, d.target.value)
            final[key] = d.after
    return final


def _view(record: Record | None) -> dict[str, Any] | None:
    if record is None:
        return None
    data = record.model_dump(mode="json")
    return {k: data[k] for k in _COMPARED}


@dataclass(frozen=True)
class ReviewDiff:
    doc_id: str
    compared: int  # records reviewed by either reviewer
    agreed: int
    differences: tuple[dict[str, Any], ...]  # {"key", "a", "b", "fields"}

    @property
    def agreement(self) -> float:
        return self.agreed / self.compared if self.compared else 1.0


def diff_reviews(a: ReviewFile, b: ReviewFile) -> ReviewDiff:
    """Compare two reviewers' decisions on one document: a record agrees when both kept it with
    the same fields (GUIDELINES §3 and the span) or both rejected it; a record only one of them
    reviewed (or added) is a difference."""
    if a.doc_id != b.doc_id:
        raise TrialexError(f"reviews of different documents: {a.doc_id!r} and {b.doc_id!r}")
    fa, fb = _final(a), _final(b)
    differences = []
    agreed = 0
    for key in sorted(set(fa) | set(fb)):
        va = _view(fa[key]) if key in fa else "unreviewed"
        vb = _view(fb[key]) if key in fb else "unreviewed"
        if va == vb:
            agreed += 1
            continue
        fields = (
            sorted(k for k in _COMPARED if va[k] != vb[k])
            if isinstance(va, dict) and isinstance(vb, dict)
            else []
        )
        differences.append(
            {
                "span": [key[0], key[1]],
                "value": key[2],
                "a": "rejected" if va is None else va,
                "b": "rejected" if vb is None else vb,
                "fields": fields,
            }
        )
    return ReviewDiff(a.doc_id, len(set(fa) | set(fb)), agreed, tuple(differences))


def read_review_file(path: Path) -> ReviewFile:
    try:
        return ReviewFile.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrialexError(f"{path}: not a readable review file ({error})") from error


# ---- selections ------------------------------------------------------------------------------


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _raw_offset(text: str, start: int, count: int) -> int:
    """The offset in ``text`` that is ``count`` characters after ``start`` as a browser counts
    them (an HTML parser reads CR LF and a lone CR as one LF)."""
    pos = start
    for _ in range(count):
        if pos >= len(text):
            break
        pos += 2 if text.startswith("\r\n", pos) else 1
    return pos


def selection_span(text: str, section_start: int, start: int, end: int, selected: str) -> Span:
    """The span of a browser selection given as offsets from ``section_start`` in the page's
    text (newlines normalised); raises unless ``text`` there reads ``selected``."""
    if not (0 <= section_start <= len(text)) or not (0 <= start < end):
        raise ReviewError("selection outside the text")
    a = _raw_offset(text, section_start, start)
    b = _raw_offset(text, a, end - start)
    if _normalise_newlines(text[a:b]) != _normalise_newlines(selected) or not text[a:b].strip():
        raise ReviewError("the selection does not match the document text")
    return Span(start=a, end=b)
