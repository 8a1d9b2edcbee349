"""Share of the numbers printed inside LaTeX math that extraction recovers as values.

    python bench/latex_values.py ../shared/corpus/chinaxiv_med          # a folder of conversions
    python bench/latex_values.py ../shared/gold-dev/raw/a4z01_*.txt --gold ../shared/gold-dev/gold

Without ``--gold``: every number inside a ``$...$`` formula (spaced digits joined, as
:mod:`trialex.normalize` reads them) is counted, and it is *recovered* when the value mention
grammar (:func:`trialex.extract.numbers.find_mentions`, run on the document's view) reads a
mention covering it, i.e. it can become a value of a record. With ``--gold``: the share of the
gold values whose evidence holds a formula that some record of the document carries (value
equal, span overlapping the evidence).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])([^$\n]{1,1000}?)(?<=[^\s$\\])\$(?!\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def formula_numbers(text: str) -> list[tuple[int, int, float]]:
    """(formula start, formula end, value) of every number inside a formula."""
    from trialex.normalize import load_rules, read_latex

    rules = load_rules()
    out = []
    for m in _MATH.finditer(text):
        clean = read_latex(m.group(1), rules)
        for n in _NUMBER.finditer(clean):
            out.append((m.start(), m.end(), float(n.group())))
    return out


_RESULT_FORMULA = re.compile(r"\\%|[Pp]\s?\{?\s?[=<>]|\bC\s?I\b|\\pm|\b(?:O\s?R|H\s?R|R\s?R)\b")


def corpus_share(paths: list[Path]) -> dict[str, float]:
    """Numbers in formulas read as values; apart, those in formulas that print a result
    (a percentage, a p value, a CI, ±, OR/HR/RR): the rest are units, isotopes, doses,
    exponents, statistics of laboratory work."""
    total = found = r_total = r_found = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        numbers = formula_numbers(text)
        if not numbers:
            continue
        covered = _mentions(text)
        for start, end, value in numbers:
            hit = any(s < end and start < e and value in vals for s, e, vals in covered)
            total += 1
            found += hit
            if _RESULT_FORMULA.search(text, start, end):
                r_total += 1
                r_found += hit
    return {
        "files": len(paths),
        "numbers_in_formulas": total,
        "read_as_values": found,
        "share": found / total if total else 0.0,
        "numbers_in_result_formulas": r_total,
        "result_read_as_values": r_found,
        "result_share": r_found / r_total if r_total else 0.0,
    }


def _mentions(text: str) -> list[tuple[int, int, set[float]]]:
    """(source start, source end, values) of every value mention of the document's view."""
    from trialex.extract.numbers import find_mentions
    from trialex.normalize import normalize

    view = normalize(text)
    out = []
    for language in ("zh", "en"):
        for m in find_mentions(view.text, language):
            s, e = view.to_source(m.start, m.end)
            parts = (m.value, m.n, m.N, m.p_value, m.ci_low, m.ci_high, m.lo, m.hi)
            out.append((s, e, {float(v) for v in parts if v is not None}))
    return out


def gold_share(paths: list[Path], gold_dir: Path) -> dict[str, float]:
    from trialex.pipeline import process
    from trialex.records import Document

    total = found = read = 0
    for path in paths:
        gold_path = gold_dir / f"{path.stem}.gold.json"
        if not gold_path.is_file():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        result = process(Document(doc_id=path.stem, source=str(path), sha256="", text=text))
        mentions = _mentions(text)
        for g in gold["records"]:
            if g.get("optional") or "$" not in g["evidence"]:
                continue
            spans = [(m.start(), m.end()) for m in re.finditer(re.escape(g["evidence"]), text)]
            total += 1
            value = float(g["value"])
            if any(
                s < e0 and s0 < e and any(abs(value - v) < 1e-6 for v in vals)
                for s, e, vals in mentions
                for s0, e0 in spans
            ):
                read += 1
            if any(
                r.value is not None
                and abs(r.value - float(g["value"])) < 1e-6
                and any(r.span.start < e and s < r.span.end for s, e in spans)
                for r in result.records
            ):
                found += 1
    return {
        "gold_values_in_math": total,
        "read_as_values": read,
        "share_read_as_values": read / total if total else 0.0,
        "in_a_record": found,
        "share_in_a_record": found / total if total else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--gold", type=Path, help="gold folder: score the gold values instead")
    args = parser.parse_args(argv)
    files: list[Path] = []
    for p in args.paths:
        files.extend(sorted(p.glob("*.txt")) + sorted(p.glob("*.md")) if p.is_dir() else [p])
    if not files:
        print("no files", file=sys.stderr)
        return 2
    result = gold_share(files, args.gold) if args.gold else corpus_share(files)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
