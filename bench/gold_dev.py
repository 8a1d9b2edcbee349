"""Extract and score one half of ``../shared/gold-dev`` (see ``fixtures/gold-dev-split.md``).

    python bench/gold_dev.py --half tune            # scores with miss / false-positive lists
    python bench/gold_dev.py --half check           # figures only: the check half is never read
    python bench/gold_dev.py --half all --json      # both halves, machine-readable
    python bench/gold_dev.py --tagger both          # F1 and group agreement, tagger off vs on,
                                                    # for the check and the tune half (figures)

The tune half is for development; the check half is scored and reported, never inspected, so
its lists are never printed (``--lists`` is refused with ``--half check``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _split import ROOT, check_ids

DEFAULT_DEV = ROOT.parent / "shared" / "gold-dev"


# Forms of gold-dev documents, by the prefix of their doc ids (batches a1-a6 of gold-dev/README).
FORMS = (
    ("a4", "chinese"),
    ("a5", "web_page"),
    ("d", "abstract"),
    ("o", "abstract"),
    ("f", "pmc_fulltext"),
    ("p", "pdf"),
)


def form_of(doc_id: str) -> str:
    return next((form for prefix, form in FORMS if doc_id.startswith(prefix)), "other")


def per_form(evaluation) -> dict[str, dict[str, float]]:
    """Micro P/R/F1 per form (PDF: by value, so its precision is not counted)."""
    from trialex.evaluate import prf

    counts: dict[str, list[int]] = {}
    for d in evaluation.documents:
        c = counts.setdefault(form_of(d.doc_id), [0, 0, 0])
        c[0], c[1], c[2] = c[0] + d.tp, c[1] + d.fp, c[2] + d.fn
    return {form: prf(*c) for form, c in sorted(counts.items())}


def sections_per_form(evaluation) -> dict[str, dict[str, float | int | None]]:
    """Section accuracy (gold anchors in a predicted section of their kind) per form."""
    counts: dict[str, list[int]] = {}
    for d in evaluation.documents:
        c = counts.setdefault(form_of(d.doc_id), [0, 0])
        c[0], c[1] = c[0] + d.anchors_correct, c[1] + d.anchors_total
    return {
        form: {"accuracy": (right / total if total else None), "correct": right, "anchors": total}
        for form, (right, total) in sorted(counts.items())
    }


def half_ids(dev: Path, half: str) -> list[str]:
    every = sorted(p.name.removesuffix(".gold.json") for p in (dev / "gold").glob("*.gold.json"))
    check = set(check_ids())
    if half == "check":
        return [d for d in every if d in check]
    if half == "tune":
        return [d for d in every if d not in check]
    return every


def source_of(dev: Path, doc_id: str) -> Path:
    gold = json.loads((dev / "gold" / f"{doc_id}.gold.json").read_text(encoding="utf-8"))
    return dev / "raw" / gold.get("pdf", gold["source"])


def run(dev: Path, half: str, out: Path, tagger: bool | None = None) -> dict:
    from trialex.evaluate import evaluate
    from trialex.settings import get_settings

    ids = half_ids(dev, half)
    gold_dir = out / "gold"
    pred_dir = out / "pred"
    gold_dir.mkdir(parents=True)
    pred_dir.mkdir()
    for doc_id in ids:
        shutil.copy(dev / "gold" / f"{doc_id}.gold.json", gold_dir)
    from trialex.corpus import run_corpus

    settings = get_settings(tagger=tagger) if tagger is not None else None
    summary = run_corpus([source_of(dev, d) for d in ids], pred_dir, force=True, settings=settings)
    for failure in summary.get("failed_documents", []) or []:
        print(f"failed: {failure}", file=sys.stderr)
    return {"ids": ids, "evaluation": evaluate(pred_dir, gold_dir, raw_dirs=[dev / "raw"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tune", "check", "all"], default="tune")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="the gold-dev folder")
    parser.add_argument("--lists", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--keep", type=Path, help="write the predictions here instead of a temp")
    parser.add_argument(
        "--tagger",
        choices=["default", "off", "on", "both"],
        default="default",
        help="the trained tagger off/on; both: figures only, off vs on for the check and the "
        "tune half in one run",
    )
    args = parser.parse_args(argv)
    if not (args.dev / "gold").is_dir():
        print(f"{args.dev}: no gold-dev here (../shared/gold-dev is absent)", file=sys.stderr)
        return 2
    if args.tagger == "both":
        return tagger_table(args.dev)
    tagger = {"off": False, "on": True}.get(args.tagger)
    if args.half != "tune" and args.lists:
        print("--lists: the check half is never inspected", file=sys.stderr)
        return 2
    lists = args.lists if args.lists is not None else args.half == "tune"
    from trialex.evaluate import format_report, scores_json

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) if args.keep is None else args.keep
        if args.keep is not None and out.exists():
            shutil.rmtree(out)
        result = run(args.dev, args.half, out, tagger)
        evaluation = result["evaluation"]
        if args.json:
            data = json.loads(scores_json(evaluation))
            if not lists:
                for doc in data["documents"]:
                    for key in ("misses", "false_positives", "attribute_errors", "section_errors"):
                        doc.pop(key, None)
            data["per_form"] = per_form(evaluation)
            data["sections_per_form"] = sections_per_form(evaluation)
            print(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            print(f"gold-dev {args.half} half: {len(result['ids'])} documents")
            print(format_report(evaluation, show_lists=lists))
            print("\nPer form (pdf: value recall; precision not counted)")
            for form, s in per_form(evaluation).items():
                print(
                    f"{form:<24} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
                    f" {s['tp']:>5d} {s['fp']:>5d} {s['fn']:>5d}"
                )
            print("\nSection accuracy per form (gold anchors correct / anchors)")
            for form, a in sections_per_form(evaluation).items():
                acc = "  n/a" if a["accuracy"] is None else f"{a['accuracy']:.3f}"
                print(f"{form:<24} {acc:>6} {a['correct']:>5d} / {a['anchors']:<5d}")
    return 0


def tagger_table(dev: Path) -> int:
    """Record F1 and ``group`` agreement with the tagger off and on, check and tune half, side by
    side (figures only: no record of either half is printed)."""
    rows = []
    for half in ("check", "tune"):
        for mode in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                evaluation = run(dev, half, Path(tmp), tagger=mode)["evaluation"]
            overall = evaluation.overall()
            rows.append(
                (half, "on" if mode else "off", overall, evaluation.field_accuracy().get("group"))
            )
    print("half   tagger  P      R      F1     tp    fp    fn    group agreement")
    for half, mode, o, group in rows:
        agreement = f"{group:.3f}" if group is not None else "-"
        print(
            f"{half:<6} {mode:<7} {o['precision']:.3f}  {o['recall']:.3f}  {o['f1']:.3f}  "
            f"{o['tp']:<5d} {o['fp']:<5d} {o['fn']:<5d} {agreement}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
