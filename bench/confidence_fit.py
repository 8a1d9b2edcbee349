"""Fit ``Record.confidence`` (``src/trialex/resources/confidence.json``) on judged records.

    python bench/confidence_fit.py ../shared/corpus --judged fixtures/confidence/judged.jsonl \
        fixtures/confidence/final_20261205.jsonl fixtures/confidence/judged_20261206.jsonl
    python bench/confidence_fit.py ../shared/corpus --judged ... --dry-run   # figures only

``judged.jsonl`` holds one line per record drawn at random from the output over the corpus
(``bench/spot_check.py``) and judged by hand against its text: its id
(``doc_id@start-end``), its endpoint, statistic and value as extracted, and the verdict
("right": value, endpoint and statistic are right). No text of the documents is stored.
The script re-extracts the judged documents (found under the corpus folder by doc id, the
gold-dev check copies skipped), takes the assembly features of every judged record that the
current code still makes identically (same span, endpoint, statistic, value), fits a small
L2-regularised logistic model and writes its coefficients with the judged set's summary.
It prints the in-sample and cross-validated AUC and the share of wrong records in the lower
half of the confidence ordering.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from _split import is_check_copy  # noqa: E402

MODEL = ROOT / "src" / "trialex" / "resources" / "confidence.json"
# features whose weight is kept <= 0 (prior knowledge: a farther term, a missing term, a
# validation warning, a background section, a term found only in the sentence never add)
NEGATIVE_FEATURES = ("term_gap_100", "no_term", "warnings", "section_background", "how_sentence")
NEGATIVE: list[int] = []


def auc(scores: list[float], right: list[bool]) -> float:
    """Probability that a right record scores above a wrong one (ties count half)."""
    pos = [s for s, r in zip(scores, right, strict=True) if r]
    neg = [s for s, r in zip(scores, right, strict=True) if not r]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def lower_half_share(scores: list[float], right: list[bool]) -> float:
    """Share of the wrong records that sit in the lower half of the ordering."""
    order = sorted(range(len(scores)), key=lambda i: (scores[i], i))
    lower = set(order[: len(order) // 2])
    wrong = [i for i, r in enumerate(right) if not r]
    return sum(i in lower for i in wrong) / len(wrong) if wrong else float("nan")


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 4000) -> np.ndarray:
    """Logistic regression by gradient descent; column 0 is the intercept (not penalised)."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) / len(y)
        grad[1:] += l2 * w[1:] / len(y)
        w -= 0.5 * grad
        w[NEGATIVE] = np.minimum(w[NEGATIVE], 0.0)  # evidence against can only lower it
    return w


def features_of(corpus: Path, doc_ids: set[str]) -> dict[str, dict[str, float]]:
    """``doc_id@start-end:endpoint:statistic:value`` -> features, by re-extracting the docs."""
    import trialex.extract as extract
    from trialex.corpus import doc_id_for, run_corpus
    from trialex.extract.confidence import features

    paths = [
        p
        for p in corpus.rglob("*")
        if p.is_file() and doc_id_for(p) in doc_ids and not is_check_copy(str(p))
    ]
    paths = [p for p in paths if p.suffix in (".txt", ".md")]
    seen: dict[str, dict[str, float]] = {}
    original = extract.with_confidence

    def capture(c, record, threshold):  # type: ignore[no-untyped-def]
        out = original(c, record, threshold)
        key = (
            f"{record.span.start}-{record.span.end}:{record.endpoint}:{record.statistic}:"
            f"{record.value:g}"
        )
        seen.setdefault(key, features(c, out))
        seen[key]["_text_len"] = len(record.text)
        return out

    extract.with_confidence = capture  # type: ignore[assignment]
    by_doc: dict[str, dict[str, dict[str, float]]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for path in paths:
                seen.clear()
                run_corpus([path], Path(tmp))
                by_doc[doc_id_for(path)] = dict(seen)
    finally:
        extract.with_confidence = original  # type: ignore[assignment]
    return {f"{doc}@{key}": f for doc, found in by_doc.items() for key, f in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument(
        "--judged",
        type=Path,
        nargs="+",
        default=[ROOT / "fixtures/confidence/judged.jsonl"],
        help="judged files (a record judged in several counts once, the first verdict)",
    )
    parser.add_argument("--l2", type=float, default=2.0)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--cache", type=Path, help="keep the extracted features here (reused)")
    args = parser.parse_args(argv)
    from trialex.extract.confidence import FEATURES

    NEGATIVE[:] = [1 + FEATURES.index(k) for k in NEGATIVE_FEATURES]
    judged = {}
    for path in args.judged:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                j = json.loads(line)
                judged.setdefault(j["id"], j)  # a record drawn twice counts once
    docs = {j["id"].split("@")[0] for j in judged.values()}
    if args.cache is not None and args.cache.exists():
        found = json.loads(args.cache.read_text(encoding="utf-8"))
    else:
        found = features_of(args.corpus, docs)
        if args.cache is not None:
            args.cache.write_text(json.dumps(found), encoding="utf-8")
    rows, ys = [], []
    for j in judged.values():
        key = f"{j['id']}:{j['endpoint']}:{j['statistic']}:{float(j['value']):g}"
        if key in found:
            rows.append([1.0] + [found[key][k] for k in FEATURES])
            ys.append(1.0 if j["verdict"] == "right" else 0.0)
    x, y = np.array(rows), np.array(ys)
    print(
        f"{len(judged)} judged, {len(rows)} still made identically, {int(len(y) - y.sum())} wrong"
    )
    w = fit(x, y, args.l2)
    scores = list(1 / (1 + np.exp(-(x @ w))))
    right = [bool(v) for v in y]
    # cross-validated scores: 5 stratified folds, 4 repeats (leave-one-out AUC is biased low:
    # leaving out a wrong record raises the intercept for exactly that record)
    cv_aucs, cv_halves = [], []
    for repeat in range(4):
        rng = np.random.default_rng(repeat)
        fold = np.zeros(len(y), dtype=int)
        for cls in (0.0, 1.0):
            idx = rng.permutation(np.flatnonzero(y == cls))
            fold[idx] = np.arange(len(idx)) % 5
        cv = np.zeros(len(y))
        for k in range(5):
            test = fold == k
            wk = fit(x[~test], y[~test], args.l2, steps=1500)
            cv[test] = 1 / (1 + np.exp(-(x[test] @ wk)))
        cv_aucs.append(auc(list(cv), right))
        cv_halves.append(lower_half_share(list(cv), right))
    summary = {
        "judged": len(judged),
        "used": len(rows),
        "right": int(y.sum()),
        "wrong": int(len(y) - y.sum()),
        "auc_in_sample": round(auc(scores, right), 3),
        "auc_cross_validated": round(float(np.mean(cv_aucs)), 3),
        "wrong_in_lower_half": round(lower_half_share(scores, right), 3),
        "wrong_in_lower_half_cross_validated": round(float(np.mean(cv_halves)), 3),
        "l2": args.l2,
        "judgments": [
            str(p.resolve().relative_to(ROOT)) if p.resolve().is_relative_to(ROOT) else str(p)
            for p in args.judged
        ],
    }
    print(json.dumps(summary, indent=1))
    weights = {
        k: round(float(v), 3) for k, v in zip(FEATURES, w[1:], strict=True) if abs(v) >= 0.005
    }
    for k, v in sorted(weights.items(), key=lambda kv: kv[1]):
        print(f"  {k:26s} {v:+.3f}")
    if not args.dry_run:
        data = {
            "version": 1,
            "note": "Logistic model of Record.confidence (trialex.extract.confidence): "
            "p(value, endpoint and statistic right) = sigmoid(intercept + sum of weight x "
            "feature). Fitted by bench/confidence_fit.py on hand-judged records of real "
            "unannotated literature; 'fitted_on' summarises that set.",
            "intercept": round(float(w[0]), 3),
            "weights": weights,
            "fitted_on": summary,
        }
        MODEL.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {MODEL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
