"""Did an optimisation change any output? Extract a fixed sample, then compare two runs.

    python bench/same_records.py extract /tmp/before      # seeds, gold-dev tune half, corpus sample
    ... change the code ...
    python bench/same_records.py extract /tmp/after
    python bench/same_records.py compare /tmp/before /tmp/after

The sample: every seed of ``raw/``, the sources of the gold-dev tune half (never the check half)
and a fixed slice of ``../shared/corpus`` (every 5th PMC text, every 25th PubMed abstract, every
3rd PDQ page and ChinaXiv paper), check-document copies skipped (``_split.is_check_copy``).
Each document's result is written as ``<doc_id>.json`` (sorted keys; results hold no timings);
``compare`` lists the documents whose results differ and the first differing record of each
(figures and offsets only, no document text), and exits 1 when any differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _split import ROOT, is_check_copy

SHARED = ROOT.parent / "shared"


def sample() -> list[Path]:
    files = sorted((ROOT / "raw").glob("*.txt"))
    dev = SHARED / "gold-dev"
    if dev.is_dir():
        from gold_dev import half_ids, source_of

        files += [source_of(dev, d) for d in half_ids(dev, "tune")]
    corpus = SHARED / "corpus"
    for folder, pattern, step in (
        ("pmc_oa_oncology/txt", "*.txt", 5),
        ("pubmed_cdr", "*.txt", 25),
        ("nci_pdq_haem", "*.md", 3),
        ("chinaxiv_med", "*.txt", 3),
    ):
        files += sorted((corpus / folder).glob(pattern))[::step]
    return [f for f in files if not is_check_copy(f)]


def extract(out: Path) -> int:
    from trialex.ingest import load_path
    from trialex.pipeline import process_many

    out.mkdir(parents=True, exist_ok=True)
    files = sample()
    start = time.perf_counter()
    documents = (load_path(f) for f in files)
    n = 0
    for document, result in process_many(documents):
        name = document.doc_id
        data = json.loads(result.model_dump_json())
        (out / f"{name}.json").write_text(json.dumps(data, sort_keys=True, indent=1))
        n += 1
    print(f"{n} documents -> {out} ({time.perf_counter() - start:.1f} s)")
    return 0


def _first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            return f"record {i}: fields {keys} (span {x.get('span')} vs {y.get('span')})"
    return f"{len(a)} vs {len(b)} records"


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.glob("*.json")} | {p.name for p in b.glob("*.json")})
    differ = 0
    for name in names:
        pa, pb = a / name, b / name
        if not (pa.is_file() and pb.is_file()):
            print(f"{name}: only in {'first' if pa.is_file() else 'second'}")
            differ += 1
            continue
        x, y = json.loads(pa.read_text()), json.loads(pb.read_text())
        if x == y:
            continue
        differ += 1
        keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
        detail = _first_difference(x["records"], y["records"]) if "records" in keys else ""
        print(f"{name}: {keys} {detail}")
    print(f"{len(names)} documents, {differ} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("extract").add_argument("out", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "extract":
        return extract(args.out)
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
