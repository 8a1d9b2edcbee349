"""Document results built from the gold files, for report and export tests.

The extractor may not find much yet, so the report tests render the seed texts with records made
from their gold annotations (evidence located in the text), some dropped (misses) and some
invented (false positives), plus warnings.
"""

from __future__ import annotations

import json
from pathlib import Path

from trialex.io import write_result
from trialex.records import DocumentResult, Flag, Record, Section, Span

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
GOLD = ROOT / "fixtures" / "gold"
SEED_IDS = sorted(p.name.removesuffix(".gold.json") for p in GOLD.glob("*.gold.json"))
RECORD_FIELDS = set(Record.model_fields)


def seed_text(doc_id: str) -> str:
    with (RAW / f"{doc_id}.txt").open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _sections(text: str, anchors: list[dict[str, str]]) -> list[Section]:
    starts: list[tuple[int, dict[str, str]]] = []
    cursor = 0
    for anchor in anchors:
        pos = text.find(anchor["anchor"], cursor)
        if pos == -1:
            continue
        starts.append((pos, anchor))
        cursor = pos + 1
    if not starts or starts[0][0] != 0:
        starts.insert(0, (0, {"kind": "other", "language": "en"}))
    sections = []
    for k, (pos, anchor) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        if end > pos:
            sections.append(
                Section(kind=anchor["kind"], language=anchor["language"], start=pos, end=end)
            )
    return sections


def seed_result(doc_id: str, *, drop_every: int = 7, invent: int = 2) -> tuple[DocumentResult, str]:
    """A result for seed ``doc_id``: gold records (every ``drop_every``-th dropped) + ``invent``
    false positives; every third record carries a warning."""
    text = seed_text(doc_id)
    gold = json.loads((GOLD / f"{doc_id}.gold.json").read_text(encoding="utf-8"))
    records: list[Record] = []
    for k, g in enumerate(gold["records"]):
        pos = text.find(g["evidence"])
        if pos == -1 or (drop_every and k % drop_every == drop_every - 1):
            continue
        fields = {key: value for key, value in g.items() if key in RECORD_FIELDS}
        fields["value"] = float(fields["value"])
        warnings = [Flag(code="ci_order", message="check the interval")] if k % 3 == 0 else []
        records.append(
            Record(
                **fields,
                span=Span(start=pos, end=pos + len(g["evidence"])),
                text=g["evidence"],
                extractor="gold-copy",
                warnings=warnings,
            )
        )
    for k in range(invent):
        start = 40 * k + 10
        records.append(
            Record(
                endpoint="other",
                statistic="count",
                value=999.0 + k,
                span=Span(start=start, end=start + 12),
                text=text[start : start + 12],
                extractor="invented",
            )
        )
    sections = _sections(text, gold["sections"])
    result = DocumentResult(
        doc_id=doc_id,
        source=f"{doc_id}.txt",
        sha256="0" * 64,
        pipeline_version="test",
        languages=sorted({s.language for s in sections}),
        sections=sections,
        records=records,
        warnings=[Flag(code="pdf_page_empty", message="page 3 has no text layer")],
    )
    return result, text


def write_seed_results(out_dir: Path, **kwargs: int) -> list[Path]:
    paths = []
    for doc_id in SEED_IDS:
        result, text = seed_result(doc_id, **kwargs)
        paths.append(write_result(result, text, out_dir))
    return paths
