"""Benchmark of trialex corpus runs (by hand, not in tests).

    /tmp/venv/bin/python bench/bench.py                 # N=100 throughput, memory at 100 and 1000
    /tmp/venv/bin/python bench/bench.py --throughput-n 50 --memory-n 100 1000 --no-write

Builds corpora of N documents from the raw/ texts (each varied slightly so that hashes differ),
then measures, in one run:

* core extraction throughput (documents read + ``process_many``, nothing written): docs/s and
  MB/s of text, in one process and in 2 processes (each with its own pipeline);
* the ratio of that to ``spacy.blank("en")`` tokenising the same texts (``nlp.pipe``);
* the corpus flow's overhead per document over the library run (``run_corpus``, same writes),
  with the flow on an already started local Prefect server (server start-up not counted);
* peak memory (max RSS of a fresh process streaming the corpus) at each ``--memory-n``:
  documents are streamed, so it must stay flat as N grows.

With ``--corpus DIR`` the documents are real texts instead (every ``*.txt`` of DIR, e.g.
``../shared/corpus/pmc_oa_oncology/txt``; ``--throughput-n`` and ``--memory-n`` take the first N
of them, ``all`` for every file), and the results go to ``bench/RESULTS-real.md``:

    python bench/bench.py --corpus ../shared/corpus/pmc_oa_oncology/txt --throughput-n all \
        --memory-n 100 all --no-flow

Prints a table and writes ``bench/RESULTS.md`` (with the command line) unless ``--no-write``.
Numbers depend on the machine and on the other load on it; the extractor changes often, so
re-run before comparing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
WORK = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"


# ---- corpus -----------------------------------------------------------------------------------


def build_corpus(n: int, folder: Path | None = None) -> Path:
    """``n`` documents cycling through raw/, each with a distinct last line (distinct sha256)."""
    folder = folder or WORK / f"corpus_{n}"
    if folder.is_dir() and len(list(folder.glob("*.txt"))) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    for i in range(n):
        (folder / f"bench{i:06d}.txt").write_text(
            f"{texts[i % len(texts)]}\n[bench copy {i}]\n", encoding="utf-8"
        )
    return folder


def corpus_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt"))


def real_files(folder: Path, n: str) -> list[Path]:
    """The first ``n`` (or ``all``) real texts of ``folder``, by name (never a copy of a check
    document of gold-dev: ``bench/_split.py``)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from _split import is_check_copy

    files = [f for f in corpus_files(folder) if not is_check_copy(f)]
    if not files:
        raise SystemExit(f"{folder}: no .txt files")
    return files if n == "all" else files[: int(n)]


def megabytes(files: list[Path]) -> float:
    return sum(p.stat().st_size for p in files) / 1e6


# ---- measurements -----------------------------------------------------------------------------


def _documents(files: list[Path]) -> Iterator[Any]:
    from trialex.ingest import load_path

    for path in files:
        yield load_path(path)


def core_seconds(files: list[Path], tagger: bool | None = None, cpu: bool = False) -> float:
    """Seconds to read and extract ``files`` in this process (pipeline built beforehand);
    ``tagger`` True/False forces the trained tagger on/off (None: the settings' default);
    ``cpu``: CPU seconds of the process instead of wall seconds (steadier on a shared machine)."""
    from trialex.nlp import build_nlp, get_nlp, warm_up
    from trialex.pipeline import process_many
    from trialex.settings import get_settings

    settings = get_settings(tagger=tagger) if tagger is not None else None
    # a forced mode builds a fresh pipeline: the tagger's sentence cache starts empty each round
    nlp = get_nlp(settings) if settings is None else build_nlp(settings)
    warm_up(nlp)
    clock = time.process_time if cpu else time.perf_counter
    start = clock()
    for _ in process_many(
        _documents(files), nlp=nlp, settings=settings, on_error=lambda d, e: None
    ):
        pass
    return clock() - start


def tagger_rows(files: list[Path], rounds: int = 2) -> list[tuple[str, str]]:
    """Core throughput with the trained tagger off and on, on the same texts, alternating
    ``rounds`` times (best of each: the machine is shared), in CPU seconds of the process (the
    steadier figure when other jobs share the cores) and in wall seconds."""
    rows: list[tuple[str, str]] = []
    n = len(files)
    for cpu in (True, False):
        off: list[float] = []
        on: list[float] = []
        for _ in range(rounds):
            off.append(core_seconds(files, tagger=False, cpu=cpu))
            on.append(core_seconds(files, tagger=True, cpu=cpu))
        best_off, best_on = min(off), min(on)
        unit = "CPU s" if cpu else "s"
        rounds_text = " ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(off, on, strict=True))
        rows += [
            (f"tagger off ({unit})", f"{n / best_off:.2f} docs/s ({best_off:.2f} {unit})"),
            (f"tagger on ({unit})", f"{n / best_on:.2f} docs/s ({best_on:.2f} {unit})"),
            (f"throughput on / off ({unit})", f"x{best_off / best_on:.2f} (best of {rounds})"),
            (f"rounds off / on ({unit})", rounds_text),
        ]
    return rows


def _core_worker(files: list[str]) -> int:
    from trialex.nlp import get_nlp
    from trialex.pipeline import process_many

    count = 0
    for _ in process_many(
        _documents([Path(f) for f in files]), nlp=get_nlp(), on_error=lambda d, e: None
    ):
        count += 1
    return count


def _warm(_: int) -> None:
    from trialex.nlp import get_nlp, warm_up

    warm_up(get_nlp())


def core_seconds_parallel(files: list[Path], processes: int) -> float:
    """Wall seconds for ``processes`` worker processes sharing ``files`` (pipelines prebuilt)."""
    chunks = [[str(f) for f in files[i::processes]] for i in range(processes)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        pool.map(_warm, range(processes))
        start = time.perf_counter()
        pool.map(_core_worker, chunks)
        return time.perf_counter() - start


def blank_seconds(files: list[Path]) -> float:
    """Seconds for ``spacy.blank("en")`` to tokenise the same texts."""
    import spacy

    nlp = spacy.blank("en")
    texts = [p.read_text(encoding="utf-8") for p in files]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=8):
        pass
    return time.perf_counter() - start


def library_run_seconds(folder: Path, out: Path) -> float:
    from trialex.corpus import run_corpus

    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    summary = run_corpus([folder], out)
    assert summary["counts"]["failed"] == 0, summary["failed"][:3]
    return time.perf_counter() - start


def flow_run_seconds(folder: Path, out: Path, *, dask: bool = False) -> float:
    sys.path.insert(0, str(ROOT))
    from flows.corpus import corpus_flow, dask_runner

    selected = corpus_flow.with_options(task_runner=dask_runner()) if dask else corpus_flow
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    summary = selected(inputs=[str(folder)], out=str(out), report=False)
    assert summary["counts"]["failed"] == 0, summary["failed"][:3]
    return time.perf_counter() - start


# VmHWM (peak RSS of this address space), not ru_maxrss: a child's ru_maxrss keeps the parent's
# high-water mark across exec on Linux, which hid the real figure behind the parent's.
MEMORY_SCRIPT = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from bench.bench import _documents, corpus_files
from trialex.nlp import get_nlp, warm_up
from trialex.pipeline import process_many
files = [Path(f) for f in json.loads(Path(sys.argv[1]).read_text())]
def hwm():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
nlp = get_nlp(); warm_up(nlp)
base = hwm()
start = time.perf_counter()
n = sum(1 for _ in process_many(_documents(files), nlp=nlp, on_error=lambda d, e: None))
print(json.dumps({"docs": n, "seconds": time.perf_counter() - start, "base_mb": base,
                  "peak_mb": hwm()}))
"""


def peak_memory(files: list[Path]) -> dict[str, float]:
    """Max RSS of a fresh process that streams ``files`` through the pipeline."""
    WORK.mkdir(parents=True, exist_ok=True)
    listing = WORK / "memory_files.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(listing), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


# ---- report -----------------------------------------------------------------------------------


def per_doc(seconds: float, n: int) -> str:
    return f"{1000 * seconds / n:.1f} ms/doc ({seconds:.2f} s)"


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    lines = [f"| {'measure':<{width}} | value |", f"|{'-' * (width + 2)}|-------|"]
    lines += [f"| {k:<{width}} | {v} |" for k, v in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--throughput-n", default="100", help="documents for throughput")
    parser.add_argument("--memory-n", nargs="+", default=["100", "1000"])
    parser.add_argument("--corpus", type=Path, help="real texts (*.txt) instead of seed copies")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--dask", action="store_true", help="also time the flow on Dask")
    parser.add_argument("--no-flow", action="store_true", help="skip the Prefect measurements")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    parser.add_argument(
        "--tagger",
        choices=("default", "both"),
        default="default",
        help="both: only core throughput with the trained tagger off and on (same texts)",
    )
    args = parser.parse_args(argv)
    # a private Prefect home (database) for the flow runs, before Prefect is imported
    os.environ.setdefault("PREFECT_HOME", str(WORK / "prefect_home"))

    from trialex import PIPELINE_VERSION

    if args.corpus:
        files = real_files(args.corpus, args.throughput_n)
        n = len(files)
        folder = WORK / "corpus_real"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for f in files:
            shutil.copy(f, folder / f.name)
    else:
        n = int(args.throughput_n)
        folder = build_corpus(n)
        files = corpus_files(folder)
    mb = megabytes(files)
    what = f"real texts of {args.corpus}" if args.corpus else "copies of raw/"
    rows: list[tuple[str, str]] = [
        ("pipeline version", PIPELINE_VERSION),
        ("corpus", f"{n} documents, {mb:.2f} MB of text ({what})"),
    ]

    if args.tagger == "both":
        rows.extend(tagger_rows(files))
        print(table(rows))
        return 0
    core = core_seconds(files)
    rows.append(("core, 1 process", f"{n / core:.1f} docs/s, {mb / core:.3f} MB/s ({core:.2f} s)"))
    par = core_seconds_parallel(files, args.processes)
    rows.append(
        (
            f"core, {args.processes} processes",
            f"{n / par:.1f} docs/s, {mb / par:.3f} MB/s ({par:.2f} s; x{core / par:.2f})",
        )
    )
    blank = blank_seconds(files)
    rows.append(
        (
            'spacy.blank("en") tokenising',
            f"{n / blank:.1f} docs/s, {mb / blank:.3f} MB/s ({blank:.2f} s)",
        )
    )
    rows.append(("trialex / blank tokeniser time", f"x{core / blank:.1f}"))

    library = library_run_seconds(folder, WORK / "out_library")
    rows.append(("library run_corpus (read+extract+write)", per_doc(library, n)))
    if not args.no_flow:
        sys.path.insert(0, str(ROOT))
        from flows.corpus import shared_api

        with shared_api():  # server start-up is not measured
            flow_run_seconds(build_corpus(2, WORK / "corpus_warmup"), WORK / "out_warmup")
            flow = flow_run_seconds(folder, WORK / "out_flow")
            rows.append(("corpus flow (default runner)", per_doc(flow, n)))
            overhead = 1000 * (flow - library) / n
            rows.append(("flow overhead over library", f"{overhead:+.1f} ms/doc"))
            if args.dask:
                dask = flow_run_seconds(folder, WORK / "out_dask", dask=True)
                label = "corpus flow (Dask, 2 workers, incl. cluster start)"
                rows.append((label, per_doc(dask, n)))

    for size in args.memory_n:
        if args.corpus:
            subset = real_files(args.corpus, size)
        else:
            subset = corpus_files(build_corpus(int(size)))
        mem = peak_memory(subset)
        rows.append(
            (
                f"peak RSS streaming N={len(subset)}",
                f"{mem['peak_mb']:.0f} MB (after pipeline load {mem['base_mb']:.0f} MB; "
                f"{mem['docs'] / mem['seconds']:.1f} docs/s)",
            )
        )

    text = table(rows)
    print(text)
    if not args.no_write:
        command = " ".join(["python bench/bench.py", *(argv or sys.argv[1:])])
        results = RESULTS.with_name("RESULTS-real.md") if args.corpus else RESULTS
        results.write_text(
            "# trialex benchmark\n\n"
            f"Command: `{command}`  \n"
            f"Date: {datetime.now(UTC).isoformat(timespec='seconds')}  \n"
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared), "
            f"Python {platform.python_version()}\n\n"
            f"{text}\n\n"
            "Core = documents read and run through `process_many`, nothing written. "
            "Library run = `trialex.corpus.run_corpus` (plan, extract, atomic writes with fsync, "
            "summary). Flow overhead = (flow run - library run) / N, Prefect server already up. "
            "Peak RSS = `VmHWM` of a fresh process streaming the corpus.\n",
            encoding="utf-8",
        )
        print(f"\nwritten to {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
