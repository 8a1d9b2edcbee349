"""The outcome/arm tagger's training recipe (on invented data) and the packaged model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from trialex import ner_train
from trialex.tagger import PACKAGED_MODEL, load_tagger

RCT_LINE = {
    "text": "ORR was 40% in the placebo group.",
    "answer": "accept",
    "tokens": [
        {"text": t, "start": s, "end": s + len(t), "ws": ws}
        for t, s, ws in [
            ("ORR", 0, True),
            ("was", 4, True),
            ("40", 8, False),
            ("%", 10, True),
            ("in", 12, True),
            ("the", 15, True),
            ("placebo", 19, True),
            ("group", 27, False),
            (".", 32, False),
        ]
    ],
    "spans": [
        {"start": 0, "end": 3, "label": "OC"},
        {"start": 8, "end": 11, "label": "MEAS"},
        {"start": 19, "end": 32, "label": "INTV"},
    ],
}

IOB = """-DOCSTART- -X- O O

Response JJ B-OC
rate NN I-OC
was VBD O
12 CD O
% NN O
with IN O
drug NN B-INTV
X NN I-INTV
versus IN O
placebo NN B-INTV
. . O

No DT O
numbers NNS B-OC
here RB I-
. . O
"""


def _training_dir(root: Path) -> Path:
    gold = root / "rct_art" / "gold_corpus"
    gold.mkdir(parents=True)
    (gold / "a.jsonl").write_text(json.dumps(RCT_LINE) + "\n", encoding="utf-8")
    ebm = root / "rct_art" / "ebm_nlp_iob"
    ebm.mkdir(parents=True)
    (ebm / "a.iob").write_text(IOB, encoding="utf-8")
    return root


def test_ner_train_rct_art_spans_map_to_labels_and_measures_are_left_out(tmp_path: Path) -> None:
    items = list(
        ner_train.rct_art_items(
            _training_dir(tmp_path) / "rct_art" / "gold_corpus", spacy.blank("en").vocab
        )
    )
    assert [(e.text, e.label_) for e in items[0].doc.ents] == [
        ("ORR", "OUTCOME"),
        ("placebo group", "ARM"),
    ]


def test_ner_train_ebm_sentences_with_a_number_keep_each_span(tmp_path: Path) -> None:
    folder = _training_dir(tmp_path) / "rct_art" / "ebm_nlp_iob"
    items = list(ner_train.ebm_items(folder, spacy.blank("en").vocab))
    assert len(items) == 1  # the sentence without a number is not a result sentence
    assert [(e.text, e.label_) for e in items[0].doc.ents] == [
        ("Response rate", "OUTCOME"),
        ("drug X", "ARM"),
        ("placebo", "ARM"),
    ]


def test_ner_train_split_is_stable_and_seeded() -> None:
    keys = [f"doc{i}" for i in range(400)]
    first = [ner_train.split_of(k, 0) for k in keys]
    assert first == [ner_train.split_of(k, 0) for k in keys]
    assert first != [ner_train.split_of(k, 1) for k in keys]
    share = first.count("test") / len(first)
    assert 0.08 < share < 0.25


def test_ner_train_prepare_writes_the_splits(tmp_path: Path) -> None:
    counts = ner_train.prepare(_training_dir(tmp_path / "data"), tmp_path / "out")
    for name in ("train", "dev", "test", "test_rct_art"):
        assert (tmp_path / "out" / f"{name}.spacy").is_file()
    assert sum(v for k, v in counts.items() if k.endswith(":docs")) == 2


@pytest.mark.skipif(not (PACKAGED_MODEL / "meta.json").is_file(), reason="no packaged model")
def test_ner_train_packaged_model_loads_and_tags_an_arm() -> None:
    tagger = load_tagger(str(PACKAGED_MODEL))
    assert set(tagger.get_pipe("ner").labels) == {"ARM", "OUTCOME"}
    doc = tagger(
        "The response rate was 45% in the inotuzumab ozogamicin group and 12% in the placebo group."
    )
    labels = {(e.text, e.label_) for e in doc.ents}
    assert any(label == "ARM" and "placebo" in text for text, label in labels)
    scores = json.loads((PACKAGED_MODEL / "scores.json").read_text())
    assert scores["test_rct_art"]["ARM"]["f"] > 0.7
