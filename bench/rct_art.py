"""How trialex reads result sentences it was never tuned on: RCT-ART's expert annotations.

    python bench/rct_art.py                       # ../shared/training/rct_art/gold_corpus
    python bench/rct_art.py --split test          # only the tagger's held-out sentences
    python bench/rct_art.py --json
    python bench/rct_art.py --split test --tagger both    # the trained tagger off, then on

RCT-ART (Apache-2.0) marks, in ~350 result sentences of RCT abstracts of five disease areas, every
measure (``MEAS``: "14 ( 28 % )", "median 8.1 months") with relations to its arm (``INTV``) and
outcome (``OC``). Each sentence is run through trialex as a document of its own (under a
"Results" heading: alone, a sentence reads as a title), and:

* **measure coverage**: the share of MEAS spans that some record's span overlaps — how many of
  the numbers a trial reports as results become records;
* **group agreement**: on covered measures linked to an arm, the share whose record names that
  arm (``trialex.evaluate.groups_agree``: half of the arm's content words);
* records that overlap no MEAS span (numbers the annotators did not call a result).

No rule was written from these sentences (they are the tagger's training data, whose held-out
``test`` split ``--split test`` selects), so the figures are an estimate on unseen phrasing. The
sentences are pre-tokenised ("14 ( 28 % )", "P=0.008"): a little harder than printed text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "training" / "rct_art" / "gold_corpus"
HEADING = "Results\n\n"


def sentences(folder: Path, split: str | None) -> list[dict]:
    from trialex.ner_train import split_of

    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            task = json.loads(line)
            if split and split_of(f"rct_art:{task['text']}") != split:
                continue
            task["_domain"], task["_id"] = path.stem, f"{path.stem}_{i:03d}"
            out.append(task)
    return out


def measures(task: dict) -> list[tuple[int, int, str | None]]:
    """(start, end, linked arm text) of every MEAS span."""
    tokens = {s["token_end"]: s for s in task.get("spans", [])}
    arms: dict[int, str] = {}
    for rel in task.get("relations", []):
        head = tokens.get(rel["head"])
        if head is not None and head["label"] == "INTV" and rel["label"].endswith("_RES"):
            arms[rel["child"]] = task["text"][head["start"] : head["end"]]
    return [
        (s["start"], s["end"], arms.get(s["token_end"]))
        for s in task.get("spans", [])
        if s["label"] == "MEAS"
    ]


def run(folder: Path, split: str | None, tagger: bool | None = None) -> dict:
    from trialex.evaluate import groups_agree
    from trialex.ingest import document_from_text
    from trialex.pipeline import process_many
    from trialex.settings import get_settings

    settings = get_settings(tagger=tagger) if tagger is not None else None

    tasks = sentences(folder, split)
    # a lone sentence would be read as a title (front matter): each stands under a heading
    docs = [
        document_from_text(HEADING + t["text"], doc_id=t["_id"], source=f"rct_art/{t['_id']}")
        for t in tasks
    ]
    counts: Counter[str] = Counter()
    per_domain: dict[str, Counter[str]] = {}
    endpoints: Counter[str] = Counter()
    for task, (_, result) in zip(tasks, process_many(docs, settings=settings), strict=True):
        c = per_domain.setdefault(task["_domain"], Counter())
        shift = len(HEADING)
        spans = [(r.span.start - shift, r.span.end - shift, r) for r in result.records]
        used: set[int] = set()
        for start, end, arm in measures(task):
            c["measures"] += 1
            hit = [(i, r) for i, (s, e, r) in enumerate(spans) if s < end and start < e]
            if not hit:
                continue
            c["covered"] += 1
            used.update(i for i, _ in hit)
            endpoints[hit[0][1].endpoint] += 1
            if arm:
                c["with_arm"] += 1
                c["group_agree"] += any(groups_agree(r.group, arm) for _, r in hit)
        c["records"] += len(spans)
        c["records_off_measure"] += len(spans) - len(used)
    for c in per_domain.values():
        counts.update(c)

    def figures(c: Counter[str]) -> dict[str, float]:
        return {
            "sentences": 0,
            "measures": c["measures"],
            "coverage": c["covered"] / c["measures"] if c["measures"] else 0.0,
            "group_agreement": c["group_agree"] / c["with_arm"] if c["with_arm"] else 0.0,
            "records": c["records"],
            "records_off_measure": c["records_off_measure"],
        }

    out = {"overall": figures(counts), "per_domain": {}, "endpoints": dict(endpoints)}
    out["overall"]["sentences"] = len(tasks)
    for domain, c in sorted(per_domain.items()):
        out["per_domain"][domain] = figures(c)
        out["per_domain"][domain]["sentences"] = sum(1 for t in tasks if t["_domain"] == domain)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--split", choices=["train", "dev", "test"], default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tagger", choices=["default", "off", "on", "both"], default="default")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: RCT-ART gold corpus absent", file=sys.stderr)
        return 2
    modes = {"default": [None], "off": [False], "on": [True], "both": [False, True]}
    for mode in modes[args.tagger]:
        if mode is not None:
            print(f"tagger {'on' if mode else 'off'}")
        report(run(args.data, args.split, mode), args.json)
    return 0


def report(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'':<24} {'sent':>5} {'meas':>5} {'cover':>6} {'group':>6} {'recs':>5} {'off':>5}")
    rows = [("OVERALL", result["overall"]), *result["per_domain"].items()]
    for name, f in rows:
        print(
            f"{name:<24} {f['sentences']:>5} {f['measures']:>5} {f['coverage']:>6.3f}"
            f" {f['group_agreement']:>6.3f} {f['records']:>5} {f['records_off_measure']:>5}"
        )
    top = ", ".join(f"{k} {v}" for k, v in Counter(result["endpoints"]).most_common(8))
    print(f"endpoints of covered measures: {top}")


if __name__ == "__main__":
    sys.exit(main())
