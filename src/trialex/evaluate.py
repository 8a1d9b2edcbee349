"""Compare extracted records and sections with gold records (``fixtures/gold``).

Matching (the rules of ``fixtures/gold/GUIDELINES.md``): a predicted record matches a gold record
when endpoint, statistic and language are equal, the values are equal, and the predicted span
overlaps an occurrence of the gold ``evidence`` in the source text. Matching is one-to-one and
maximal (augmenting paths), required gold records first. Then:

- a prediction matched to a required gold record is a true positive;
- an unmatched required gold record is a miss (false negative);
- a gold record with ``"optional": true`` neither rewards nor penalises: a prediction that
  matches one is ignored;
- a prediction that matches an already matched gold record at *another* occurrence of its
  evidence is a repeat (the guidelines: "if the same evidence string occurs several times, one
  record covers every occurrence") and ignored;
- any other prediction is a false positive.

Section accuracy: the share of gold section anchors (found in order in the text) that fall in a
predicted section of the same kind and language.

GUIDELINES §6: a gold file with ``"pdf"`` is scored **by value** (endpoint, statistic, language
and value agree, anywhere in the document, one prediction per gold record); its precision is not
counted (no false positives) and its section anchors are not scored. ``"regions"`` limit a
document to the parts that were annotated: a prediction outside every region is neither
rewarded nor penalised.

``group`` agreement: on matched records whose gold names a group, the predicted group agrees when
it holds at least half of the gold group's content words (case-folded; "group", "arm", "the",
"patients" and the like are not content).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trialex.records import DocumentResult, Record, Section

FIELD_CHECKS = ("n", "N", "ci", "p_value", "origin", "section", "group")
_GROUP_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "with",
        "and",
        "or",
        "to",
        "for",
        "group",
        "groups",
        "arm",
        "arms",
        "patients",
        "patient",
        "cohort",
        "subjects",
        "participants",
        "who",
        "were",
        "was",
        "received",
        "receiving",
        "treated",
        "plus",
        "alone",
        "",
    ]
)
_REL_TOL = 1e-6


@dataclass(frozen=True)
class GoldRecord:
    endpoint: str
    statistic: str
    value: float
    language: str
    evidence: str
    optional: bool
    fields: Mapping[str, Any]
    index: int

    def describe(self) -> str:
        opt = " (optional)" if self.optional else ""
        return f"{self.endpoint}/{self.statistic}={_fmt(self.value)} [{self.language}]{opt}"


@dataclass(frozen=True)
class GoldAnchor:
    kind: str
    language: str
    anchor: str


@dataclass(frozen=True)
class GoldDocument:
    doc_id: str
    source: str
    sections: tuple[GoldAnchor, ...]
    records: tuple[GoldRecord, ...]
    pdf: str | None = None
    regions: tuple[tuple[str, str | None], ...] = ()

    @property
    def by_value(self) -> bool:
        """PDF gold (GUIDELINES §6) is matched by value, anywhere in the document."""
        return self.pdf is not None


def _fmt(value: float | None) -> str:
    if value is None:
        return "null"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def load_gold(path: Path) -> GoldDocument:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    records = tuple(
        GoldRecord(
            endpoint=r["endpoint"],
            statistic=r["statistic"],
            value=float(r["value"]),
            language=r.get("language", "en"),
            evidence=r["evidence"],
            optional=bool(r.get("optional", False)),
            fields=r,
            index=i,
        )
        for i, r in enumerate(data["records"])
    )
    sections = tuple(
        GoldAnchor(kind=s["kind"], language=s["language"], anchor=s["anchor"])
        for s in data.get("sections", [])
    )
    regions = tuple((r["start"], r.get("end")) for r in data.get("regions", []))
    return GoldDocument(
        doc_id=data["doc_id"],
        source=data.get("source", ""),
        sections=sections,
        records=records,
        pdf=data.get("pdf"),
        regions=regions,
    )


def region_spans(text: str, regions: Sequence[tuple[str, str | None]]) -> list[tuple[int, int]]:
    """Character ranges of ``regions`` in ``text``: from the first occurrence of ``start`` to the
    end of the first occurrence of ``end`` after it (or the end of the text when ``end`` is null
    or not found). A region whose start is not in the text covers nothing."""
    spans = []
    for start, end in regions:
        pos = text.find(start)
        if pos == -1:
            continue
        stop = len(text)
        if end:
            found = text.find(end, pos + len(start))
            if found != -1:
                stop = found + len(end)
        spans.append((pos, stop))
    return spans


def content_words(text: str | None) -> set[str]:
    """The content words of a group name, case-folded (see the module docstring)."""
    words = re.findall(r"\w+", (text or "").casefold())
    return {w for w in words if w not in _GROUP_STOPWORDS}


def groups_agree(predicted: str | None, gold: str | None) -> bool:
    want = content_words(gold)
    if not want:
        return not content_words(predicted)
    return len(want & content_words(predicted)) * 2 >= len(want)


def load_gold_dir(gold_dir: Path) -> dict[str, GoldDocument]:
    docs = (load_gold(p) for p in sorted(Path(gold_dir).glob("*.gold.json")))
    return {d.doc_id: d for d in docs}


def values_equal(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=_REL_TOL, abs_tol=1e-9)


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every occurrence of ``needle`` in ``text`` (overlapping ones too), as (start, end)."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    start = text.find(needle)
    while start != -1:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Pair:
    """A matched prediction and gold record, with the attribute checks made on them."""

    pred: int
    gold: int
    checks: dict[str, bool]


@dataclass
class DocumentScore:
    doc_id: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0
    pairs: list[Pair] = field(default_factory=list)
    misses: list[GoldRecord] = field(default_factory=list)
    false_positives: list[Record] = field(default_factory=list)
    missing_evidence: list[GoldRecord] = field(default_factory=list)
    anchors_total: int = 0
    anchors_correct: int = 0
    anchor_errors: list[str] = field(default_factory=list)
    predicted: bool = True
    outside_regions: int = 0


def _compatible(pred: Record, gold: GoldRecord) -> bool:
    return (
        pred.endpoint == gold.endpoint
        and pred.statistic == gold.statistic
        and pred.language == gold.language
        and values_equal(pred.value, gold.value)
    )


def _max_matching(edges: Mapping[int, Sequence[int]], owner: dict[int, int]) -> None:
    """Extend ``owner`` (gold -> pred) to a maximum matching over ``edges`` (pred -> golds)."""

    def augment(pred: int, seen: set[int]) -> bool:
        for gold in edges.get(pred, ()):
            if gold in seen:
                continue
            seen.add(gold)
            if gold not in owner or augment(owner[gold], seen):
                owner[gold] = pred
                return True
        return False

    matched_preds = set(owner.values())
    for pred in edges:
        if pred not in matched_preds:
            augment(pred, set())


def _checks(pred: Record, gold: Mapping[str, Any], section_kind: str | None) -> dict[str, bool]:
    checks = {
        "n": pred.n == gold.get("n"),
        "N": gold.get("N") == pred.N,
        "ci": values_equal(pred.ci_low, gold.get("ci_low"))
        and values_equal(pred.ci_high, gold.get("ci_high")),
        "p_value": pred.p_op == gold.get("p_op")
        and values_equal(pred.p_value, gold.get("p_value")),
        "origin": pred.origin == gold.get("origin", "this_study"),
        "section": pred.section == (section_kind or gold.get("section")),
    }
    if gold.get("group"):
        checks["group"] = groups_agree(pred.group, gold.get("group"))
    return checks


def score_sections(
    text: str, sections: Sequence[Section], anchors: Sequence[GoldAnchor], score: DocumentScore
) -> None:
    cursor = 0
    for anchor in anchors:
        score.anchors_total += 1
        pos = text.find(anchor.anchor, cursor)
        if pos == -1:
            pos = text.find(anchor.anchor)
        if pos == -1:
            score.anchor_errors.append(f"anchor not in text: {anchor.anchor!r}")
            continue
        cursor = pos + 1
        found = next((s for s in sections if s.start <= pos < s.end), None)
        if found is not None and found.kind == anchor.kind and found.language == anchor.language:
            score.anchors_correct += 1
        else:
            got = f"{found.kind}/{found.language}" if found else "no section"
            score.anchor_errors.append(
                f"{anchor.kind}/{anchor.language} expected, {got} predicted at {anchor.anchor!r}"
            )


def score_document(text: str, result: DocumentResult | None, gold: GoldDocument) -> DocumentScore:
    """Match one document's predictions against its gold records and section anchors."""
    score = DocumentScore(doc_id=gold.doc_id, predicted=result is not None)
    preds: list[Record] = list(result.records) if result else []
    occurrences = {g.index: find_all(text, g.evidence) for g in gold.records}
    score.missing_evidence = [g for g in gold.records if not occurrences[g.index]]

    by_value = gold.by_value
    if by_value:
        score.missing_evidence = []  # the evidence refers to the gold's own PDF text
    outside: set[int] = set()
    if gold.regions and not by_value:
        inside = region_spans(text, gold.regions)
        outside = {
            i
            for i, p in enumerate(preds)
            if not any(_overlap((p.span.start, p.span.end), r) for r in inside)
        }
        score.outside_regions = len(outside)

    def hits(pred: Record, g: GoldRecord) -> list[tuple[int, int]]:
        if not _compatible(pred, g):
            return []
        span = (pred.span.start, pred.span.end)
        if by_value:
            return [span]
        return [occ for occ in occurrences[g.index] if _overlap(span, occ)]

    def preference(pred: Record, g: GoldRecord) -> tuple[int, float]:
        """Among equal candidates prefer agreeing attributes, then the closest evidence."""
        span = (pred.span.start, pred.span.end)
        agree = sum(_checks(pred, g.fields, None).values())
        iou = max(
            (min(span[1], o[1]) - max(span[0], o[0])) / (max(span[1], o[1]) - min(span[0], o[0]))
            for o in hits(pred, g)
        )
        return (-agree, -iou)

    def edges(pool: list[GoldRecord], pred: Record) -> list[int]:
        found = [g for g in pool if hits(pred, g)]
        return [g.index for g in sorted(found, key=lambda g: preference(pred, g))]

    required = [g for g in gold.records if not g.optional]
    optional = [g for g in gold.records if g.optional]
    req_edges = {i: edges(required, p) for i, p in enumerate(preds) if i not in outside}
    owner: dict[int, int] = {}
    _max_matching({i: e for i, e in req_edges.items() if e}, owner)
    matched_preds = set(owner.values())

    opt_edges = {
        i: edges(optional, p)
        for i, p in enumerate(preds)
        if i not in matched_preds and i not in outside
    }
    opt_owner: dict[int, int] = {}
    _max_matching({i: e for i, e in opt_edges.items() if e}, opt_owner)
    absorbed = set(opt_owner.values())

    by_index = {g.index: g for g in gold.records}
    sections = list(result.sections) if result else []
    for gold_index, pred_index in sorted(owner.items()):
        pred = preds[pred_index]
        g = by_index[gold_index]
        score.pairs.append(Pair(pred_index, gold_index, _checks(pred, g.fields, None)))
    score.tp = len(owner)
    score.misses = [g for g in required if g.index not in owner]
    score.fn = len(score.misses)

    for i, pred in enumerate(preds):
        if i in matched_preds or i in absorbed or i in outside:
            continue
        if by_value:
            score.ignored += 1  # precision is not counted on PDFs (GUIDELINES §6)
            continue
        if any(hits(pred, g) for g in gold.records):
            score.ignored += 1  # repeat of a matched record, or a second optional reading
            continue
        score.false_positives.append(pred)
    score.ignored += len(absorbed)
    score.fp = len(score.false_positives)
    if not by_value:
        score_sections(text, sections, gold.sections, score)
    return score


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


@dataclass
class Evaluation:
    documents: list[DocumentScore]
    gold: dict[str, GoldDocument]
    results: dict[str, DocumentResult]
    texts: dict[str, str]
    unmatched_predictions: list[str] = field(default_factory=list)

    # ---- aggregates -------------------------------------------------------------------------
    def overall(self) -> dict[str, float]:
        return prf(
            sum(d.tp for d in self.documents),
            sum(d.fp for d in self.documents),
            sum(d.fn for d in self.documents),
        )

    def per_document(self) -> dict[str, dict[str, float]]:
        return {d.doc_id: prf(d.tp, d.fp, d.fn) for d in self.documents}

    def _counts_by(self, key: str) -> dict[str, Counter[str]]:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for d in self.documents:
            gold = {g.index: g for g in self.gold[d.doc_id].records}
            for pair in d.pairs:
                counts[str(getattr(gold[pair.gold], key))]["tp"] += 1
            for g in d.misses:
                counts[str(getattr(g, key))]["fn"] += 1
            for p in d.false_positives:
                counts[str(getattr(p, key))]["fp"] += 1
        return counts

    def per_endpoint(self) -> dict[str, dict[str, float]]:
        counts = self._counts_by("endpoint")
        return {k: prf(c["tp"], c["fp"], c["fn"]) for k, c in sorted(counts.items())}

    def per_language(self) -> dict[str, dict[str, float]]:
        counts = self._counts_by("language")
        return {k: prf(c["tp"], c["fp"], c["fn"]) for k, c in sorted(counts.items())}

    def field_accuracy(self) -> dict[str, float | None]:
        totals: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for d in self.documents:
            for pair in d.pairs:
                for name, ok in pair.checks.items():
                    totals[name] += 1
                    right[name] += int(ok)
        return {
            name: (right[name] / totals[name] if totals[name] else None) for name in FIELD_CHECKS
        }

    def section_accuracy(self) -> float:
        total = sum(d.anchors_total for d in self.documents)
        return sum(d.anchors_correct for d in self.documents) / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        docs = []
        for d in self.documents:
            result = self.results.get(d.doc_id)
            docs.append(
                {
                    "doc_id": d.doc_id,
                    "predicted": d.predicted,
                    "scored_by": "value" if self.gold[d.doc_id].by_value else "span",
                    "outside_regions": d.outside_regions,
                    **prf(d.tp, d.fp, d.fn),
                    "ignored": d.ignored,
                    "section_accuracy": (
                        d.anchors_correct / d.anchors_total if d.anchors_total else None
                    ),
                    "section_errors": d.anchor_errors,
                    "misses": [_gold_view(g) for g in d.misses],
                    "false_positives": [_pred_view(p) for p in d.false_positives],
                    "attribute_errors": _attribute_errors(d, self.gold[d.doc_id], result),
                    "gold_evidence_not_found": [g.evidence for g in d.missing_evidence],
                }
            )
        return {
            "overall": self.overall(),
            "per_language": self.per_language(),
            "per_endpoint": self.per_endpoint(),
            "field_accuracy": self.field_accuracy(),
            "section_accuracy": self.section_accuracy(),
            "documents": docs,
            "predictions_without_gold": self.unmatched_predictions,
        }


def _gold_view(g: GoldRecord) -> dict[str, Any]:
    return {
        "endpoint": g.endpoint,
        "statistic": g.statistic,
        "value": g.value,
        "language": g.language,
        "evidence": g.evidence,
    }


def _pred_view(p: Record) -> dict[str, Any]:
    return {
        "endpoint": p.endpoint,
        "statistic": p.statistic,
        "value": p.value,
        "language": p.language,
        "section": p.section,
        "span": [p.span.start, p.span.end],
        "text": p.text,
    }


def _attribute_errors(
    d: DocumentScore, gold: GoldDocument, result: DocumentResult | None
) -> list[dict[str, Any]]:
    if result is None:
        return []
    by_index = {g.index: g for g in gold.records}
    errors = []
    for pair in d.pairs:
        wrong = [name for name, ok in pair.checks.items() if not ok]
        if wrong:
            g = by_index[pair.gold]
            p = result.records[pair.pred]
            errors.append(
                {
                    "record": g.describe(),
                    "evidence": g.evidence,
                    "wrong": {
                        name: {"predicted": _field(p, name), "gold": _gold_field(g, name)}
                        for name in wrong
                    },
                }
            )
    return errors


def _field(p: Record, name: str) -> Any:
    if name == "ci":
        return [p.ci_low, p.ci_high]
    if name == "p_value":
        return [p.p_op, p.p_value]
    return getattr(p, name)


def _gold_field(g: GoldRecord, name: str) -> Any:
    if name == "ci":
        return [g.fields.get("ci_low"), g.fields.get("ci_high")]
    if name == "p_value":
        return [g.fields.get("p_op"), g.fields.get("p_value")]
    return g.fields.get(name)


def _read_text(pred_dir: Path, doc_id: str, raw_dirs: Iterable[Path], source: str) -> str | None:
    candidates = [pred_dir / f"{doc_id}.txt"]
    for raw in raw_dirs:
        candidates += [raw / source, raw / f"{doc_id}.txt"]
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8-sig")
    return None


def evaluate(
    pred_dir: Path, gold_dir: Path, *, raw_dirs: Sequence[Path] = (Path("raw"),)
) -> Evaluation:
    """Score every gold document against ``pred_dir/<doc_id>.json`` (missing = all misses)."""
    pred_dir, gold_dir = Path(pred_dir), Path(gold_dir)
    gold = load_gold_dir(gold_dir)
    results: dict[str, DocumentResult] = {}
    for path in sorted(pred_dir.glob("*.json")):
        if path.name.startswith("_"):
            continue
        try:
            result = DocumentResult.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        results[result.doc_id] = result
    texts: dict[str, str] = {}
    scores = []
    for doc_id, g in gold.items():
        text = _read_text(pred_dir, doc_id, [Path(r) for r in raw_dirs], g.source) or ""
        texts[doc_id] = text
        scores.append(score_document(text, results.get(doc_id), g))
    return Evaluation(
        documents=scores,
        gold=gold,
        results=results,
        texts=texts,
        unmatched_predictions=sorted(set(results) - set(gold)),
    )


# ---- text report -----------------------------------------------------------------------------


def _row(name: str, s: Mapping[str, float], width: int = 24) -> str:
    return (
        f"{name:<{width}} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
        f" {int(s['tp']):>5d} {int(s['fp']):>5d} {int(s['fn']):>5d}"
    )


def format_report(evaluation: Evaluation, *, show_lists: bool = True) -> str:
    data = evaluation.to_dict()
    header = f"{'':<24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
    lines: list[str] = []
    if show_lists:
        for doc in data["documents"]:
            if not (doc["misses"] or doc["false_positives"] or doc["section_errors"]):
                continue
            lines.append(f"== {doc['doc_id']}")
            for m in doc["misses"]:
                lines.append(
                    f"  MISS {m['endpoint']}/{m['statistic']}={_fmt(m['value'])} [{m['language']}]"
                    f"  {m['evidence']!r}"
                )
            for p in doc["false_positives"]:
                lines.append(
                    f"  FP   {p['endpoint']}/{p['statistic']}={_fmt(p['value'])} [{p['language']}]"
                    f" {p['section']} @{p['span'][0]}  {p['text']!r}"
                )
            for a in doc["attribute_errors"]:
                wrong = ", ".join(
                    f"{k}: {v['predicted']} != gold {v['gold']}" for k, v in a["wrong"].items()
                )
                lines.append(f"  ATTR {a['record']}  {wrong}  {a['evidence']!r}")
            for e in doc["section_errors"]:
                lines.append(f"  SECT {e}")
        lines.append("")
    lines.append("Per endpoint")
    lines.append(header)
    lines += [_row(k, v) for k, v in data["per_endpoint"].items()]
    lines.append("")
    lines.append("Per document")
    lines.append(header)
    lines += [
        _row(d["doc_id"] + (" (by value)" if d["scored_by"] == "value" else ""), d)
        for d in data["documents"]
    ]
    lines.append("")
    lines.append("Per language")
    lines.append(header)
    lines += [_row(k, v) for k, v in data["per_language"].items()]
    lines.append("")
    acc = data["field_accuracy"]
    lines.append(
        "Attributes on matched records: "
        + "  ".join(f"{k} {v:.3f}" if v is not None else f"{k} -" for k, v in acc.items())
    )
    lines.append(f"Section accuracy (gold anchors): {data['section_accuracy']:.3f}")
    lines.append(header)
    lines.append(_row("OVERALL (micro)", data["overall"]))
    return "\n".join(lines)


def scores_json(evaluation: Evaluation) -> str:
    return json.dumps(evaluation.to_dict(), indent=2, ensure_ascii=False, default=_default)


def _default(obj: object) -> object:
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)  # type: ignore[call-overload]
    raise TypeError(type(obj).__name__)
