"""Print a seeded random sample of records with their context, for judging precision by hand.

    python bench/spot_check.py ../shared/corpus/pmc_oa_oncology/txt ../shared/corpus/nci_pdq_haem \
        --n 60 --seed 10 --out /tmp/spot          # extract (incremental), then sample
    python bench/spot_check.py --pred /tmp/spot --n 60 --seed 10   # sample existing output
    python bench/spot_check.py --pred /tmp/spot --stats            # origin/section counts

Each sampled record is printed as one block: document, endpoint/statistic/value, n/N, CI, p,
timepoint, group, label, origin, section, then the sentence around its span with the span in
[[...]]. Documents of the gold-dev check half are left out. The corpus is third-party
text: the script reads it from where it lies and writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(pred: Path) -> list[tuple[str, dict, str]]:
    """(doc_id, record, document text) for every record of the extracted folder, leaving out
    the corpus copies of the gold-dev check documents (``bench/_split.py``: never read)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from _split import is_check_copy

    out = []
    for path in sorted(pred.glob("*.json")):
        if path.name.startswith("_"):
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        if is_check_copy(str(result.get("source", ""))):
            continue
        text_path = path.with_suffix(".txt")
        text = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
        for record in result.get("records", []):
            out.append((result["doc_id"], record, text))
    return out


def _context(text: str, start: int, end: int, width: int = 220) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    snippet = f"{text[lo:start]}[[{text[start:end]}]]{text[end:hi]}"
    return " ".join(snippet.split())


def describe(doc_id: str, r: dict, text: str) -> str:
    span = r["span"]
    ci = f" CI {r['ci_low']}-{r['ci_high']}" if r.get("ci_low") is not None else ""
    p = f" p{r['p_op']}{r['p_value']}" if r.get("p_value") is not None else ""
    tp = r.get("timepoint")
    tps = f" at {tp['value']:g} {tp['unit']}" if tp else ""
    nn = f" n={r['n']}" if r.get("n") is not None else ""
    nn += f" N={r['N']}" if r.get("N") is not None else ""
    return (
        f"{doc_id} @{span['start']}  {r['endpoint']}/{r['statistic']}={r['value']:g}"
        f"{' ' + r['unit'] if r.get('unit') else ''}{nn}{ci}{p}{tps}"
        f"  group={r.get('group')!r} label={r.get('label')!r} origin={r['origin']}"
        f" section={r['section']}\n    {_context(text, span['start'], span['end'])}"
    )


def stats(records: list[tuple[str, dict, str]]) -> None:
    by = Counter((r["section"], r["origin"]) for _, r, _ in records)
    print(f"{len(records)} records in {len({d for d, _, _ in records})} documents")
    for (section, origin), k in sorted(by.items()):
        print(f"  {section:14s} {origin:10s} {k}")
    print("  endpoints:", Counter(r["endpoint"] for _, r, _ in records).most_common(12))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, help="folders or files to extract")
    parser.add_argument("--out", type=Path, help="where to extract the inputs")
    parser.add_argument("--pred", type=Path, help="an extracted folder to sample from")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--stats", action="store_true", help="print origin/section counts")
    args = parser.parse_args(argv)
    pred = args.pred or args.out
    if pred is None:
        parser.error("give --pred, or inputs with --out")
    if args.inputs:
        from trialex.corpus import run_corpus

        run_corpus(args.inputs, pred)
    records = _load(pred)  # the check half is never read
    if args.stats:
        stats(records)
        return 0
    sample = random.Random(args.seed).sample(records, min(args.n, len(records)))
    for i, (doc_id, r, text) in enumerate(sample, 1):
        print(f"{i:3d}. {describe(doc_id, r, text)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
