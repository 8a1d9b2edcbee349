"""JATS ingestion over a folder of PMC NXML files, against plain-text renderings of the same
articles.

    python bench/jats_corpus.py                                   # ../shared/corpus/pmc_oa_oncology
    python bench/jats_corpus.py --nxml DIR --txt DIR --json
    python bench/jats_corpus.py --show 5                          # a few disagreements per article

Reports: how many NXML files ingest (and the failures, one line each); records in all, records
from tables (``section == "table"``); and the agreement of *prose* records (every record outside
tables and references) between the JATS text of an article and its plain-text rendering of the
same PMC id: records are compared as multisets of their values ``(endpoint, statistic, value, n,
N, CI, p)``; agreement = 2 * common / (jats + txt), with the two one-sided shares. Some plain-text
renderings flatten a table into a run of prose ("Heart 4/8 2/4 2/0 0.048 Bladder ..."), where
JATS has the table: ``share_of_txt_anywhere_in_jats`` counts a txt prose record as found when
the JATS document has it in prose or in a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trialex.ingest import load_documents, load_path  # noqa: E402
from trialex.pipeline import process_many  # noqa: E402
from trialex.records import DocumentResult, Record  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "pmc_oa_oncology"
NOT_PROSE = frozenset({"table", "references"})

Key = tuple[Any, ...]


def record_key(record: Record) -> Key:
    return (
        record.endpoint,
        record.statistic,
        round(record.value, 6),
        record.n,
        record.N,
        record.ci_low,
        record.ci_high,
        record.p_value,
    )


def prose_keys(result: DocumentResult) -> Counter[Key]:
    return Counter(record_key(r) for r in result.records if r.section not in NOT_PROSE)


def run(nxml_dir: Path, txt_dir: Path, show: int) -> dict[str, Any]:
    files = sorted(p for p in nxml_dir.iterdir() if p.suffix.lower() in {".nxml", ".xml"})
    failures: list[str] = []
    documents = []
    started = time.perf_counter()
    for path in files:
        try:
            documents.extend(load_documents(path))
        except Exception as error:  # every failure is reported, none stops the run
            failures.append(f"{path.name}: {type(error).__name__}: {error}")
    ingest_s = time.perf_counter() - started
    errors: list[str] = []
    jats = {
        d.doc_id: r
        for d, r in process_many(documents, on_error=lambda d, e: errors.append(f"{d.doc_id}: {e}"))
    }
    records = sum(len(r.records) for r in jats.values())
    table_records = sum(1 for r in jats.values() for rec in r.records if rec.section == "table")
    with_table_records = sum(
        1 for r in jats.values() if any(x.section == "table" for x in r.records)
    )
    metas = Counter(
        name for r in jats.values() for name, value in r.meta.model_dump().items() if value
    )

    texts = [
        load_path(txt_dir / f"{doc_id}.txt")
        for doc_id in jats
        if (txt_dir / f"{doc_id}.txt").is_file()
    ]
    plain = {d.doc_id: r for d, r in process_many(texts)}
    common = jats_total = txt_total = anywhere = 0
    per_doc: list[tuple[str, int, int, int]] = []
    for doc_id, txt_result in plain.items():
        a, b = prose_keys(jats[doc_id]), prose_keys(txt_result)
        both = sum((a & b).values())
        every = Counter(record_key(r) for r in jats[doc_id].records)
        anywhere += sum((every & b).values())
        common += both
        jats_total += sum(a.values())
        txt_total += sum(b.values())
        per_doc.append((doc_id, sum(a.values()), sum(b.values()), both))
        if show and a != b:
            only_j = list((a - b).elements())[:show]
            only_t = list((b - a).elements())[:show]
            print(f"{doc_id}: jats-only {only_j}\n{' ' * len(doc_id)}  txt-only {only_t}")
    agree = 2 * common / (jats_total + txt_total) if jats_total + txt_total else 1.0
    identical = sum(1 for _, a, b, c in per_doc if a == b == c)
    return {
        "nxml_files": len(files),
        "ingested_files": len(files) - len(failures),
        "ingest_failures": failures,
        "processing_errors": errors,
        "ingest_seconds": round(ingest_s, 2),
        "documents": len(jats),
        "records": records,
        "table_records": table_records,
        "documents_with_table_records": with_table_records,
        "metadata_fields_filled": dict(sorted(metas.items())),
        "paired_documents": len(plain),
        "prose_records_jats": jats_total,
        "prose_records_txt": txt_total,
        "prose_records_common": common,
        "prose_agreement": round(agree, 4),
        "share_of_jats_in_txt": round(common / jats_total, 4) if jats_total else None,
        "share_of_txt_in_jats": round(common / txt_total, 4) if txt_total else None,
        "share_of_txt_anywhere_in_jats": round(anywhere / txt_total, 4) if txt_total else None,
        "documents_identical_prose_records": identical,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nxml", type=Path, default=DEFAULT / "nxml")
    parser.add_argument("--txt", type=Path, default=DEFAULT / "txt")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show", type=int, default=0, help="disagreeing records per article")
    args = parser.parse_args()
    if not args.nxml.is_dir():
        print(f"{args.nxml}: no such folder", file=sys.stderr)
        return 2
    figures = run(args.nxml, args.txt, args.show)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            if isinstance(value, list):
                print(f"{name}: {len(value)}")
                for line in value:
                    print(f"  {line}")
            else:
                print(f"{name}: {value}")
    return 0 if not figures["ingest_failures"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
