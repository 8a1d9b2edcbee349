"""Training data and training of trialex's outcome/arm tagger (spaCy tok2vec + ner on CPU).

Labels: ``OUTCOME`` (the outcome a number belongs to: "time to treatment failure", "grade >= 3
febrile neutropenia") and ``ARM`` (an intervention, comparator or subgroup: "the inotuzumab
group", "patients receiving placebo").

Sources, all read from ``../shared/training`` (they are third-party data: never copied into the
repository; only the trained weights are shipped):

* RCT-ART's gold corpus (Apache-2.0): result sentences of RCT abstracts with character spans
  ``INTV`` -> ARM and ``OC`` -> OUTCOME (``MEAS`` is left to the rule value finder). Expert
  labels: oversampled (:data:`RCT_ART_REPEAT`) and the source of the held-out test figures.
* EBM-NLP token tags (crowd labels, noisy): ``INTV`` -> ARM, ``OC`` -> OUTCOME; filtered to
  sentences that hold a number (result sentences, where trialex needs the tagger) and no span
  longer than :data:`MAX_SPAN_TOKENS` tokens (the crowd's run-on spans).

Documents are split train/dev/test by a seeded hash of their key (RCT-ART: the sentence; EBM-NLP:
the abstract), so a sentence of a test abstract never reaches training.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.util import filter_spans

logger = logging.getLogger(__name__)

LABELS = ("ARM", "OUTCOME")
SOURCE_LABELS = {"INTV": "ARM", "OC": "OUTCOME"}
RCT_ART_REPEAT = 3
MAX_SPAN_TOKENS = 15
MAX_SENTENCE_TOKENS = 80
SPLITS = {"test": 0.15, "dev": 0.10}
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Item:
    key: str  # the unit of the split (sentence or abstract)
    source: str  # "rct_art" | "ebm_nlp"
    doc: Doc


def split_of(key: str, seed: int = 0) -> str:
    """``train`` / ``dev`` / ``test`` for a document key, stable across runs and machines."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    if share < SPLITS["test"]:
        return "test"
    if share < SPLITS["test"] + SPLITS["dev"]:
        return "dev"
    return "train"


def rct_art_items(folder: Path, vocab: Any) -> Iterator[Item]:
    """RCT-ART Prodigy JSONL (``tokens`` with ``ws``, character ``spans``) as Docs."""
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            task = json.loads(line)
            if task.get("answer", "accept") != "accept":
                continue
            tokens = task["tokens"]
            doc = Doc(vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
            spans = []
            for s in task.get("spans", []):
                label = SOURCE_LABELS.get(s["label"])
                if label is None:
                    continue
                span = doc.char_span(s["start"], s["end"], label=label, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            doc.ents = filter_spans(spans)
            yield Item(key=f"rct_art:{task['text']}", source="rct_art", doc=doc)


def _ebm_sentences(path: Path) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """``(abstract index, [(word, tag)])`` per sentence of an EBM-NLP ``.iob`` file."""
    abstract, sentence = -1, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            if sentence:
                yield abstract, sentence
            abstract, sentence = abstract + 1, []
            continue
        parts = line.split()
        if not parts:
            if sentence:
                yield abstract, sentence
            sentence = []
            continue
        sentence.append((parts[0], parts[-1] if len(parts) >= 3 else "O"))
    if sentence:
        yield abstract, sentence


def ebm_items(folder: Path, vocab: Any) -> Iterator[Item]:
    """EBM-NLP sentences with a number and clean spans, as Docs (see the module docstring)."""
    for path in sorted(folder.glob("*.iob")):
        for abstract, sentence in _ebm_sentences(path):
            words = [w for w, _ in sentence]
            if len(words) > MAX_SENTENCE_TOKENS or not any(_DIGIT.search(w) for w in words):
                continue
            doc = Doc(vocab, words=words)
            spans: list[Span] = []
            start, label = None, None
            tags = [t for _, t in sentence] + ["O"]
            for i, tag in enumerate(tags):
                kind = tag[2:] if tag[:2] in ("B-", "I-") else None
                mapped = SOURCE_LABELS.get(kind or "")
                begins = tag.startswith("B-") or (mapped is not None and mapped != label)
                if label is not None and (mapped != label or begins):
                    spans.append(Span(doc, start, i, label=label))
                    start, label = None, None
                if mapped is not None and label is None:
                    start, label = i, mapped
            if any(len(s) > MAX_SPAN_TOKENS for s in spans):
                continue
            doc.ents = filter_spans(spans)
            yield Item(key=f"ebm:{path.stem}:{abstract}", source="ebm_nlp", doc=doc)


def prepare(training_dir: Path, out_dir: Path, *, seed: int = 0) -> dict[str, Any]:
    """Write ``train.spacy``, ``dev.spacy``, ``test.spacy`` (and ``test_rct_art.spacy``, the
    expert-labelled part of the test split) into ``out_dir``; returns the counts."""
    nlp = spacy.blank("en")
    rct = training_dir / "rct_art" / "gold_corpus"
    ebm = training_dir / "rct_art" / "ebm_nlp_iob"
    if not rct.is_dir() and not ebm.is_dir():
        raise FileNotFoundError(f"{training_dir}: no rct_art/gold_corpus or rct_art/ebm_nlp_iob")
    bins = {name: DocBin(store_user_data=False) for name in ("train", "dev", "test")}
    expert_test = DocBin(store_user_data=False)
    counts: Counter[str] = Counter()
    items: Iterable[Item] = [
        *(rct_art_items(rct, nlp.vocab) if rct.is_dir() else []),
        *(ebm_items(ebm, nlp.vocab) if ebm.is_dir() else []),
    ]
    for item in items:
        split = split_of(item.key, seed)
        repeat = RCT_ART_REPEAT if item.source == "rct_art" and split == "train" else 1
        for _ in range(repeat):
            bins[split].add(item.doc)
        if split == "test" and item.source == "rct_art":
            expert_test.add(item.doc)
        counts[f"{split}:{item.source}:docs"] += 1
        for ent in item.doc.ents:
            counts[f"{split}:{item.source}:{ent.label_}"] += 1
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, docbin in bins.items():
        docbin.to_disk(out_dir / f"{name}.spacy")
    expert_test.to_disk(out_dir / "test_rct_art.spacy")
    return dict(sorted(counts.items()))


def train(
    config: Path, data_dir: Path, output: Path, *, seed: int = 0, overrides: dict | None = None
) -> Path:
    """Train with spaCy's own loop; the best model goes to ``output`` (replaced)."""
    from spacy.cli.train import train as spacy_train

    work = output.with_name(output.name + ".training")
    shutil.rmtree(work, ignore_errors=True)
    spacy_train(
        config,
        work,
        overrides={
            "paths.train": str(data_dir / "train.spacy"),
            "paths.dev": str(data_dir / "dev.spacy"),
            "system.seed": seed,
            **(overrides or {}),
        },
    )
    shutil.rmtree(output, ignore_errors=True)
    shutil.copytree(work / "model-best", output)
    shutil.rmtree(work, ignore_errors=True)
    write_meta(output)
    return output


MODEL_META = {
    "name": "trialex_arms_outcomes",
    "version": "0.1.0",
    "description": "OUTCOME and ARM spans of clinical-trial result sentences (trialex)",
    "license": "weights trained on RCT-ART (Apache-2.0) and EBM-NLP tags; see MODEL_CARD.md",
}


def write_meta(model: Path) -> None:
    """Name, version and licence note of the trained pipeline in its ``meta.json``."""
    path = model / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(MODEL_META)
    meta.pop("performance", None)  # spaCy's dev scores: the held-out ones are in scores.json
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def score(model: Path | Any, docbin: Path) -> dict[str, dict[str, float]]:
    """Span P/R/F1 per label (and ``ALL``) of ``model`` on the gold Docs of ``docbin``.

    The model runs on the gold tokens (its tokenizer is skipped), so the figures are about spans,
    not about tokenisation."""
    from spacy.scorer import Scorer

    nlp = spacy.load(model) if isinstance(model, str | Path) else model
    examples = []
    for gold in DocBin().from_disk(docbin).get_docs(nlp.vocab):
        doc = Doc(
            nlp.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold]
        )
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        examples.append(Example(doc, gold))
    result = Scorer.score_spans(examples, "ents")
    per = {
        label: {"p": v["p"], "r": v["r"], "f": v["f"]}
        for label, v in sorted((result.get("ents_per_type") or {}).items())
    }
    per["ALL"] = {"p": result["ents_p"], "r": result["ents_r"], "f": result["ents_f"]}
    return per


DEFAULT_CONFIG = Path(__file__).parent / "resources" / "ner" / "config.cfg"
DEFAULT_MODEL = Path(__file__).parent / "resources" / "ner" / "model"


def train_and_score(
    training_dir: Path,
    output: Path = DEFAULT_MODEL,
    *,
    config: Path = DEFAULT_CONFIG,
    seed: int = 0,
    work: Path | None = None,
) -> dict[str, Any]:
    """Prepare the data, train, score the held-out splits; writes ``<output>/scores.json``."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(work or tmp)
        counts = prepare(training_dir, data, seed=seed)
        train(config, data, output, seed=seed)
        scores = {
            "seed": seed,
            "data": counts,
            "test_rct_art": score(output, data / "test_rct_art.spacy"),
            "test_all": score(output, data / "test.spacy"),
        }
    (output / "scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return scores
