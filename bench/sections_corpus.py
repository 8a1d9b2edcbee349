"""Section shares over real, unannotated documents: a robustness check of the section model.

    python bench/sections_corpus.py                                  # PMC full texts (default)
    python bench/sections_corpus.py ../shared/corpus/nci_pdq_haem ../shared/corpus/chinaxiv_med
    python bench/sections_corpus.py DIR --per-doc                    # one line per document

For every document: the share of its characters in ``methods`` / ``results`` / ``discussion``
(and the other kinds), and a flag when more than 60% of its characters are ``conclusion``
although its headings do not say so (``conclusion`` sections opened by a conclusion heading
count as said). Corpus copies of the gold-dev check documents are skipped.
Per folder: documents, flagged documents, documents without methods or results,
and the mean share of every kind. Only figures and file names are printed, never text.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT = ROOT.parent / "shared" / "corpus" / "pmc_oa_oncology" / "txt"
SWALLOW_SHARE = 0.60
SUFFIXES = (".txt", ".md", ".markdown")


def headed_conclusion(title: str | None) -> bool:
    """True when a section's own heading names a conclusion ("BODY.CONCLUSIONS:", "5 结论")."""
    from trialex.sections import _path_heading_kind

    return bool(title) and _path_heading_kind(title) == "conclusion"


def shares(text: str) -> tuple[Counter[str], int, bool]:
    """``(characters per kind, conclusion characters under a conclusion heading, any)``."""
    from trialex.sections import split_sections

    size: Counter[str] = Counter()
    headed = 0
    current_headed = False
    for section in split_sections(text):
        n = section.end - section.start
        size[section.kind] += n
        if section.kind == "conclusion":
            if section.title is not None:
                current_headed = headed_conclusion(section.title)
            if current_headed:
                headed += n
        else:
            current_headed = False
    return size, headed, bool(size)


def scan(folder: Path, per_doc: bool) -> dict[str, float]:
    from _split import is_check_copy

    from trialex.ingest import load_path

    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in SUFFIXES and not is_check_copy(p)  # never inspected
    )
    total: Counter[str] = Counter()
    flagged: list[str] = []
    no_methods = no_results = 0
    for path in files:
        text = load_path(path).text
        size, headed, _ = shares(text)
        length = max(sum(size.values()), 1)
        share = {k: v / length for k, v in size.items()}
        for k, v in share.items():
            total[k] += v
        no_methods += share.get("methods", 0) == 0
        no_results += share.get("results", 0) == 0
        concl = share.get("conclusion", 0.0)
        flag = concl > SWALLOW_SHARE and headed / length <= SWALLOW_SHARE
        if flag:
            flagged.append(path.name)
        if per_doc:
            mark = "\tFLAG" if flag else ""
            print(
                f"{path.name}\tmethods {share.get('methods', 0):.2f}"
                f"\tresults {share.get('results', 0):.2f}"
                f"\tdiscussion {share.get('discussion', 0):.2f}"
                f"\tconclusion {concl:.2f}{mark}"
            )
    n = max(len(files), 1)
    print(f"== {folder}: {len(files)} documents")
    print(f"   flagged (>{SWALLOW_SHARE:.0%} conclusion, not by its headings): {len(flagged)}")
    for name in flagged:
        print(f"     {name}")
    print(f"   documents without methods: {no_methods}; without results: {no_results}")
    means = {k: total[k] / n for k in sorted(total, key=lambda k: -total[k])}
    print("   mean share: " + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))
    return {"documents": len(files), "flagged": len(flagged), **means}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--per-doc", action="store_true", help="one line per document")
    args = parser.parse_args(argv)
    missing = [f for f in args.folders if not f.is_dir()]
    if missing:
        print(f"not a folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    flagged = 0
    for folder in args.folders:
        flagged += int(scan(folder, args.per_doc)["flagged"])
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
