"""Spot-check the precision of endpoint terms and records on real, unannotated text.

    python bench/term_precision.py                                  # ../shared/corpus defaults
    python bench/term_precision.py ../shared/corpus/pubmed_cdr --limit 300 --show other,CR
    python bench/term_precision.py DIR ... --samples 8 --seed 1 --json

Prints, over the documents of the given folders (``*.txt``): records per endpoint, endpoint
terms per code, the terms that touch a letter or digit on either side (a term inside another
token, "CR" in "CRP": should be 0), and for the endpoints of ``--show`` a seeded sample of
records with their context, to be judged by eye. Nothing of the corpus is written anywhere.
The corpus copies of the gold-dev check documents (``bench/_split.py``) are skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_DIRS = [CORPUS / "pmc_oa_oncology" / "txt", CORPUS / "pubmed_cdr"]
_INSIDE = re.compile(r"[A-Za-z0-9]")


def texts(folders: list[Path], limit: int | None) -> list[tuple[str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _split import is_check_copy  # the check half is never inspected

    paths = sorted(
        p for folder in folders for p in folder.glob("*.txt") if not is_check_copy(p.resolve())
    )
    if limit:
        paths = paths[:limit]
    return [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in paths]


def context(text: str, start: int, end: int, width: int = 70) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"...{left}[[{text[start:end]}]]{right}..."


def run(folders: list[Path], limit: int | None, show: set[str], samples: int, seed: int) -> dict:
    from trialex.extract.rules import find_terms
    from trialex.nlp import build_nlp
    from trialex.settings import Settings

    nlp = build_nlp(Settings())
    docs = texts(folders, limit)
    records: Counter[str] = Counter()
    terms: Counter[str] = Counter()
    inside: list[str] = []
    pool: dict[str, list[str]] = defaultdict(list)
    for (name, text), doc in zip(docs, nlp.pipe(t for _, t in docs), strict=True):
        for term in find_terms(doc):
            terms[term.code] += 1
            before = text[term.start - 1 : term.start] if term.start else ""
            after = text[term.end : term.end + 1]
            if _INSIDE.match(before or " ") or _INSIDE.match(after or " "):
                inside.append(f"{name}: {term.code} {context(text, term.start, term.end, 20)}")
        for record in doc._.records:
            records[record.endpoint] += 1
            if record.endpoint in show:
                label = f" label={record.label!r}" if record.label else ""
                pool[record.endpoint].append(
                    f"{name}: {record.statistic}={record.value:g}{label} "
                    f"{context(text, record.span.start, record.span.end)}"
                )
    rng = random.Random(seed)
    sampled = {ep: rng.sample(items, min(samples, len(items))) for ep, items in pool.items()}
    return {
        "documents": len(docs),
        "records": dict(records.most_common()),
        "terms": dict(terms.most_common()),
        "terms_inside_a_token": len(inside),
        "inside_examples": inside[:20],
        "samples": sampled,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_DIRS)
    parser.add_argument("--limit", type=int, default=None, help="documents per run (sorted)")
    parser.add_argument("--show", default="other,adverse_events,CR,OS,ORR,mortality")
    parser.add_argument("--samples", type=int, default=6, help="sampled records per endpoint")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    missing = [f for f in args.folders if not f.is_dir()]
    if missing:
        print(
            f"not a folder: {', '.join(map(str, missing))} (../shared/corpus absent?)",
            file=sys.stderr,
        )
        return 2
    result = run(args.folders, args.limit, set(args.show.split(",")), args.samples, args.seed)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"documents: {result['documents']}")
    print("records per endpoint: " + ", ".join(f"{k} {v}" for k, v in result["records"].items()))
    print("terms per code: " + ", ".join(f"{k} {v}" for k, v in result["terms"].items()))
    print(f"terms inside another token: {result['terms_inside_a_token']}")
    for line in result["inside_examples"]:
        print(f"  {line}")
    for endpoint, lines in result["samples"].items():
        print(f"== {endpoint}")
        for line in lines:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
