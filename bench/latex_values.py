"""Share of the numbers printed inside LaTeX math that extraction recovers as values.

    python bench/latex_values.py ../shared/corpus/chinaxiv_med          # a folder of conversions
    python bench/latex_values.py ../shared/gold-dev/raw/a4z01_*.txt --gold ../shared/gold-dev/gold

Without ``--gold``: every number inside a ``$...$`` formula (spaced digits joined, as
:mod:`trialex.normalize` reads them) is counted, and it is *recovered* when the value mention
grammar (:func:`trialex.extract.numbers.find_mentions`, run on the document's view) reads a
mention covering it, i.e. it can become a value of a record. Numbers that are no value of any
record are not counted: test statistics (``χ^2 = 8.1``, ``t =``, ``Z =``, ``F =``), exponents
and sub-/superscripts (``10^{9}``, ``IC_{50}``). A folder is read without the corpus copies of
the gold-dev check documents (``bench/_split.py``). ``--unread N`` lists N formulas (seeded
sample) whose result numbers stay unread, with the form each one shows. With ``--gold``: the
share of the gold values whose evidence holds a formula that some record of the document
carries (value equal, span overlapping the evidence).

    python bench/latex_values.py ../shared/corpus/chinaxiv_med --unread 30
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# a number that is no value of a record: glued to a letter or a script mark ("IC50", "CO2",
# "10^9", "χ^2"), or a test statistic ("χ^2=8.101", "t=3.6", "Z=-6.2", "F=1.75")
_SCRIPT_BEFORE = re.compile(r"(?:[\^_]|[A-Za-zα-ωΑ-Ω])$")
_STATISTIC_BEFORE = re.compile(
    r"(?:χ\^?2|(?<![A-Za-z])(?:[tZFUHrB]|KW|df|SD|SE)(?:\(\d+(?:,\s?\d+)?\))?)\s?[=<>]\s?[-−]?$"
)


def formula_numbers(text: str) -> list[tuple[int, int, float]]:
    """(formula start, formula end, value) of every number inside a formula that could be the
    value of a record (test statistics, exponents and sub-/superscripts are left out)."""
    from trialex.normalize import _MATH, load_rules, read_latex

    rules = load_rules()
    out = []
    for m in _MATH.finditer(text):
        clean = read_latex(m.group("inline") or m.group("display") or "", rules)
        for n in _NUMBER.finditer(clean):
            before = clean[: n.start()]
            if _SCRIPT_BEFORE.search(before) or _STATISTIC_BEFORE.search(before):
                continue
            out.append((m.start(), m.end(), float(n.group())))
    return out


_PLUSMINUS = re.compile(r"\\pm")
_RESULT_FORMULA = re.compile(r"\\%|[Pp]\s?\{?\s?[=<>]|\bC\s?I\b|\\pm|\b(?:O\s?R|H\s?R|R\s?R)\b")

# the forms of a formula whose result numbers stay unread (the first that applies names it)
UNREAD_FORMS = (
    (
        "split: the formula ends on an operator or an open bracket",
        re.compile(r"(?:\\pm|[=(,;~]|\\sim|\{)\s*\$$"),
    ),
    ("split: the formula starts after its value", re.compile(r"^\$\s*(?:[)=,;]|\\pm|\\%)")),
    ("mean ± SD", re.compile(r"\\pm")),
    ("array environment", re.compile(r"\\begin\s*\{")),
    ("percent list joined by '.'", re.compile(r"\\%\s*\.\s*\d")),
    ("command without its backslash", re.compile(r"(?<!\\)\b(?:scriptstyle|mathrm|mathbf)\b")),
    ("CI level or bound outside the formula", re.compile(r"C\s?I")),
)


def unread_form(formula: str) -> str:
    return next((name for name, rx in UNREAD_FORMS if rx.search(formula)), "other")


def corpus_share(paths: list[Path], unread: int = 0, seed: int = 13) -> dict:
    """Numbers in formulas read as values; apart, those in formulas that print a result
    (a percentage, a p value, a CI, ±, OR/HR/RR): the rest are units, isotopes, doses,
    exponents, statistics of laboratory work. With ``unread``: that many unread result
    formulas (a seeded sample) with their forms, and the count of each form."""
    total = found = r_total = r_found = pm_total = pm_found = 0
    missed: dict[tuple[str, int], str] = {}
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
                if _PLUSMINUS.search(text, start, end):
                    pm_total += 1
                    pm_found += hit
                if not hit:
                    missed[(path.name, start)] = text[start:end]
    result: dict = {
        "files": len(paths),
        "numbers_in_formulas": total,
        "read_as_values": found,
        "share": round(found / total, 4) if total else 0.0,
        "numbers_in_result_formulas": r_total,
        "result_read_as_values": r_found,
        "result_share": round(r_found / r_total, 4) if r_total else 0.0,
        # a mean ± SD ("$4 5 . 0 8 \pm 7 . 2 3$") is read into the view ("45.08±7.23"), but its
        # mean is a bare number the value grammar takes for no record value (baseline and
        # laboratory means): the share of the other result numbers, apart
        "numbers_in_mean_sd_formulas": pm_total,
        "result_share_without_mean_sd": (
            round((r_found - pm_found) / (r_total - pm_total), 4) if r_total > pm_total else 0.0
        ),
    }
    if unread:
        forms: dict[str, int] = {}
        for formula in missed.values():
            form = unread_form(formula)
            forms[form] = forms.get(form, 0) + 1
        result["unread_result_formulas"] = len(missed)
        result["unread_forms"] = dict(sorted(forms.items(), key=lambda kv: -kv[1]))
        keys = sorted(missed)
        random.Random(seed).shuffle(keys)
        result["unread_sample"] = [
            {"file": f, "at": at, "form": unread_form(missed[(f, at)]), "formula": missed[(f, at)]}
            for f, at in keys[:unread]
        ]
    return result


def _mentions(text: str) -> list[tuple[int, int, set[float]]]:
    """(source start, source end, values) of every value mention of the document's view."""
    from trialex.extract.numbers import find_mentions
    from trialex.normalize import normalize

    view = normalize(text)
    out = []
    for language in ("zh", "en"):
        for m in find_mentions(view.text, language):
            s, e = view.to_source(m.start, m.end)
            parts = (m.value, m.n, m.N, m.p_value, m.ci_low, m.ci_high, m.ci_level, m.lo, m.hi)
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


def corpus_files(paths: list[Path]) -> list[Path]:
    """The files named, a folder's .txt/.md files, without the check documents' copies."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _split import is_check_copy

    files: list[Path] = []
    for p in paths:
        found = sorted(p.glob("*.txt")) + sorted(p.glob("*.md")) if p.is_dir() else [p]
        files.extend(f for f in found if not (p.is_dir() and is_check_copy(f)))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--gold", type=Path, help="gold folder: score the gold values instead")
    parser.add_argument("--unread", type=int, default=0, help="list this many unread formulas")
    args = parser.parse_args(argv)
    files = corpus_files(args.paths)
    if not files:
        print("no files", file=sys.stderr)
        return 2
    result = gold_share(files, args.gold) if args.gold else corpus_share(files, args.unread)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
