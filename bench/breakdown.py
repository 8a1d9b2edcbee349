"""CPU time per pipeline pass on real texts, relative to ``spacy.blank("en")`` (by hand).

    python bench/breakdown.py ../shared/corpus/pmc_oa_oncology/txt

Runs ``spacy.blank("en")`` and then trialex (``process_many``) over every ``*.txt`` of the folder
(check-document copies skipped, ``_split.is_check_copy``) in one process and prints the CPU
seconds of the tokenizer, of each component and of the main parts of the record pass, each also
as a multiple of the blank tokeniser's time. CPU time (``time.process_time``), so other load on
the machine moves the figures less than wall time does; still re-run before comparing.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _split import is_check_copy


def main(argv: list[str]) -> int:
    import spacy

    import trialex.extract as extract
    import trialex.extract.prose as prose
    import trialex.language as language
    from trialex.ingest import load_path
    from trialex.nlp import get_nlp, warm_up
    from trialex.pipeline import process_many

    folder = Path(argv[0]) if argv else Path("../shared/corpus/pmc_oa_oncology/txt")
    files = [f for f in sorted(folder.glob("*.txt")) if not is_check_copy(f)]
    nlp = get_nlp()
    warm_up(nlp)
    spent: dict[str, float] = defaultdict(float)

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - start

        return wrapper

    nlp.tokenizer = timed("tokenizer (normalise + tokenise)", nlp.tokenizer)
    for name, proc in nlp.pipeline:
        setattr(proc.__class__, "__call__", timed(name, proc.__class__.__call__))  # noqa: B010
    prose.find_mentions = timed("  records: find_mentions", prose.find_mentions)
    extract.find_terms = timed("  records: find_terms", extract.find_terms)
    extract.candidates = timed("  records: candidates (find_mentions incl.)", extract.candidates)
    language._langdetect = timed("  sections: langdetect", language._langdetect)

    documents = [load_path(f) for f in files]
    blank = spacy.blank("en")
    start = time.process_time()
    for _ in blank.pipe((d.text for d in documents), batch_size=8):
        pass
    base = time.process_time() - start
    start = time.process_time()
    for _ in process_many(iter(documents), nlp=nlp):
        pass
    total = time.process_time() - start
    print(f"{len(documents)} documents: blank {base:.2f} s CPU, trialex {total:.2f} s CPU")
    print(f"throughput ratio (blank time / trialex time): {base / total:.3f}")
    for name, seconds in spent.items():
        print(f"{name:45s} {seconds:6.2f} s  x{seconds / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
