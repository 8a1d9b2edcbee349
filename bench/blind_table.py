"""Write the judged list and the table of a blind precision draw (``fixtures/confidence/``).

    python bench/blind_table.py --pred /tmp/out --seed 20261206 --verdicts wrong.tsv \
        [--notes notes.tsv] --out-dir fixtures/confidence

Draws the same sample as ``bench/spot_check.py --pred OUT --n 100 --seed SEED`` (same loader,
same ``random.Random(seed).sample``), then takes the verdicts judged by hand from
``--verdicts``: one line per *wrong* record, ``rank<TAB>class<TAB>reason`` (every rank not
listed was judged right). ``--notes`` (``rank<TAB>note``) keeps remarks on right records
(e.g. a wrong origin, which the verdict does not count). Writes ``judged_SEED.jsonl`` (record
ids, values and verdicts, never document text) and ``BLIND_SEED.md`` with the count, the AUC
of ``confidence`` and the share of the wrong records in the lower half of its ordering.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from confidence_fit import auc, lower_half_share  # noqa: E402
from spot_check import _load  # noqa: E402


def _tsv(path: Path | None) -> dict[int, list[str]]:
    if path is None:
        return {}
    rows: dict[int, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rank, *rest = line.split("\t")
            rows[int(rank)] = rest
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pred", type=Path, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--verdicts", type=Path, required=True)
    parser.add_argument("--notes", type=Path)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "fixtures" / "confidence")
    parser.add_argument("--title", default="")
    args = parser.parse_args(argv)
    records = _load(args.pred)
    sample = random.Random(args.seed).sample(records, min(args.n, len(records)))
    wrong, notes = _tsv(args.verdicts), _tsv(args.notes)
    rows = []
    for rank, (doc_id, r, _text) in enumerate(sample, 1):
        span = r["span"]
        row = {
            "rank": rank,
            "doc_id": doc_id,
            "id": f"{doc_id}@{span['start']}-{span['end']}",
            "endpoint": r["endpoint"],
            "statistic": r["statistic"],
            "value": r["value"],
            "confidence": r.get("confidence"),
            "seed": args.seed,
            "verdict": "wrong" if rank in wrong else "right",
        }
        if rank in wrong:
            row["class"], row["reason"] = wrong[rank][0], wrong[rank][1]
        if rank in notes:
            row["note"] = notes[rank][0]
        rows.append(row)
    out = args.out_dir / f"judged_{args.seed}.jsonl"
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    out.write_text(text, encoding="utf-8")
    scores = [float(r["confidence"] or 0.0) for r in rows]
    right = [r["verdict"] == "right" for r in rows]
    n_wrong = right.count(False)
    lower = lower_half_share(scores, right)
    classes: dict[str, int] = {}
    for r in rows:
        if "class" in r:
            classes[r["class"]] = classes.get(r["class"], 0) + 1
    lines = [
        f"# Blind precision spot check: {len(rows)} records, `--seed {args.seed}`",
        "",
        args.title,
        "",
        f"**{right.count(True)}/{len(rows)}** with value, endpoint and statistic right. "
        f"Ordering by `confidence`: AUC {auc(scores, right):.3f} (right above wrong); "
        f"{round(lower * n_wrong)} of the {n_wrong} wrong records ({lower:.0%}) in the lower half. "
        "Wrong by class: "
        + ", ".join(f"{k} {v}" for k, v in sorted(classes.items(), key=lambda kv: -kv[1]))
        + " (classes as in `README.md`). Record ids and verdicts only; no text of the documents.",
        "",
        "| # | record id (doc@start-end) | value | endpoint/statistic | confidence | verdict "
        "| reason when wrong / note |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        why = f"{r['class']} {r['reason']}" if "class" in r else r.get("note", "")
        lines.append(
            f"| {r['rank']} | {r['id']} | {r['value']:g} | {r['endpoint']}/{r['statistic']} "
            f"| {r['confidence']} | {r['verdict']} | {why} |"
        )
    (args.out_dir / f"BLIND_{args.seed}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(lines[4])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
