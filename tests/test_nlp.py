"""The tokenizer, the sentence boundaries and the assembled pipeline (trialex.nlp)."""

from __future__ import annotations

import gc
import re

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from _paths import RAW_FILES
from trialex.ner import RulesError, load_text_rules, parse_text_rules
from trialex.nlp import build_nlp, get_nlp, make_tokenizer, throughput, tune_gc
from trialex.settings import Settings


@pytest.fixture(scope="module")
def tokenizer_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


@pytest.fixture(scope="module")
def sentence_nlp() -> Language:
    """Tokenizer + sentence component only (independent of the section rules)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    nlp.add_pipe("trialex_sentences")
    return nlp


TOKEN_CASES = [
    (
        "The overall response rate was 64%.",
        ["The", "overall", "response", "rate", "was", "64", "%", "."],
    ),
    ("(n = 38)", ["(", "n", "=", "38", ")"]),
    ("(n=38)", ["(", "n", "=", "38", ")"]),
    ("10.4 (8.3−14.3)", ["10.4", "(", "8.3", "−", "14.3", ")"]),
    ("8.3–14.3 months", ["8.3", "–", "14.3", "months"]),
    ("0.55-0.93", ["0.55", "-", "0.93"]),
    ("P=0.049", ["P", "=", "0.049"]),
    ("P = .049", ["P", "=", ".049"]),
    ("p<0.001", ["p", "<", "0.001"]),
    ("P≤0.05", ["P", "≤", "0.05"]),
    ("(29 of 64)", ["(", "29", "of", "64", ")"]),
    ("29/64", ["29", "/", "64"]),
    ("CR/CRh", ["CR", "/", "CRh"]),
    ("r/r", ["r", "/", "r"]),
    ("B-ALL", ["B-ALL"]),
    ("Ph+ ALL", ["Ph+", "ALL"]),
    ("3-year OS", ["3-year", "OS"]),
    ("post-blinatumomab relapse", ["post", "-", "blinatumomab", "relapse"]),
    ("anti-CD19 B-cell", ["anti-CD19", "B-cell"]),
    ("53% vs. 24%", ["53", "%", "vs.", "24", "%"]),
    ("HR 0.71; 95% CI", ["HR", "0.71", ";", "95", "%", "CI"]),
    ("≥50 years", ["≥", "50", "years"]),
    ("45%±3", ["45", "%", "±", "3"]),
    ("16 (55.2%) of 29", ["16", "(", "55.2", "%", ")", "of", "29"]),
    ("CD19-negative/dim", ["CD19-negative", "/", "dim"]),
    ("studies.21,25 However", ["studies", ".", "21,25", "However"]),
    ("precursor ALL.1 The", ["precursor", "ALL", ".", "1", "The"]),
    ("et al. e.g. i.e. Fig. approx.", ["et", "al.", "e.g.", "i.e.", "Fig.", "approx."]),
    ("总缓解率为 64%。", ["总", "缓", "解", "率", "为", "64", "%", "。"]),
    ("blinatumomab治疗", ["blinatumomab", "治", "疗"]),
    ("(P=0.049)和", ["(", "P", "=", "0.049", ")", "和"]),
    ("43%(n=38)在", ["43", "%", "(", "n", "=", "38", ")", "在"]),
    ("（n＝38）", ["（", "n", "＝", "38", "）"]),
    ("24%;P=0.005", ["24", "%", ";", "P", "=", "0.005"]),
    ("1,000 patients", ["1,000", "patients"]),
    ("MRD+ALL 患者", ["MRD+", "ALL", "患", "者"]),
    ("(r/r103 例,MRD+29 例)", ["(", "r", "/", "r103", "例", ",", "MRD+", "29", "例", ")"]),
]


@pytest.mark.parametrize(("text", "expected"), TOKEN_CASES, ids=[c[0] for c in TOKEN_CASES])
def test_nlp_tokenizer_splits_clinical_numbers_and_cjk(
    tokenizer_nlp: Language, text: str, expected: list[str]
) -> None:
    doc = tokenizer_nlp(text)
    assert [t.text for t in doc] == expected
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)


SENTENCE_CASES = [
    (
        "The ORR was 64%. Median OS was 8.5 months.",
        ["The ORR was 64%.", "Median OS was 8.5 months."],
    ),
    (
        "Rates were 53% vs. 24% (P = .005). Smith et al. reported e.g. higher rates.",
        ["Rates were 53% vs. 24% (P = .005).", "Smith et al. reported e.g. higher rates."],
    ),
    ("See Fig. 2 for approx. 3 cases. Done.", ["See Fig. 2 for approx. 3 cases.", "Done."]),
    (
        "Median OS was 10.4 months in i.e. older adults.",
        ["Median OS was 10.4 months in i.e. older adults."],
    ),
    (
        "Response was seen (see above.) Then it stopped.",
        ["Response was seen (see above.)", "Then it stopped."],
    ),
    ("Results\nThe ORR was 64%", ["Results", "The ORR was 64%"]),
    (
        "| Group | OS |\n| First salvage | 10.4 (8.3−14.3) |\n| Second salvage | 5.0 |",
        ["| Group | OS |", "| First salvage | 10.4 (8.3−14.3) |", "| Second salvage | 5.0 |"],
    ),
    ("Was it? Yes! It was.", ["Was it?", "Yes!", "It was."]),
    (
        "As in prior studies.21,25 However, Topp et al.1 reported more.",
        ["As in prior studies.21,25", "However, Topp et al.1 reported more."],
    ),
    ("It was a phase III study.2−4 The patients", ["It was a phase III study.2−4", "The patients"]),
    (
        "总缓解率为 64%。既往有髓外受累史(53%比 24%;P=0.005)与风险相关。",
        ["总缓解率为 64%。", "既往有髓外受累史(53%比 24%;P=0.005)与风险相关。"],
    ),
    ("这是第一句；这是第二句！第三句？", ["这是第一句；", "这是第二句！", "第三句？"]),
    ("The ORR was 64%.总缓解率为 64%。", ["The ORR was 64%.", "总缓解率为 64%。"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), SENTENCE_CASES, ids=[c[0][:30] for c in SENTENCE_CASES]
)
def test_nlp_sentences_split_on_rules(
    sentence_nlp: Language, text: str, expected: list[str]
) -> None:
    doc = sentence_nlp(text)
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == expected
    for sent in doc.sents:
        assert text[sent.start_char : sent.end_char] == sent.text


def test_nlp_sentences_every_token_is_annotated(sentence_nlp: Language) -> None:
    doc = sentence_nlp("One. Two three.\n\nFour")
    assert all(t.is_sent_start is not None for t in doc)
    assert not any(t.is_sent_start for t in doc if t.is_space)


def test_nlp_build_pipeline_order() -> None:
    names = build_nlp(Settings()).pipe_names
    assert names[0] == "trialex_sections"
    assert names[-1] == "trialex_records"
    assert names == [
        "trialex_sections",
        "trialex_sentences",
        "trialex_abbreviations",
        "trialex_terms",
        "trialex_records",
    ]


def test_nlp_get_nlp_is_cached_per_settings() -> None:
    assert get_nlp() is get_nlp(Settings())
    assert get_nlp(Settings(batch_size=3)) is not get_nlp()


def test_nlp_get_nlp_tunes_gc_without_changing_thresholds() -> None:
    before = gc.get_threshold()
    tune_gc()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before  # a higher gen-0 threshold let memory grow


def test_nlp_tuned_gc_gives_the_same_records() -> None:
    """The collector settings change when garbage is collected, never a result."""
    text = RAW_FILES[0].read_text(encoding="utf-8")
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # CPython's default: collections all along the run
        plain = [r.model_dump_json() for r in build_nlp()(text)._.records]
    finally:
        gc.set_threshold(*before)
    tuned = [r.model_dump_json() for r in get_nlp()(text)._.records]
    assert tuned == plain and tuned


def test_nlp_warm_up_pays_the_one_time_costs(monkeypatch: pytest.MonkeyPatch) -> None:
    """After warm_up, the langdetect profiles and both languages' value patterns are loaded,
    and the warm-up text itself yields records in both languages."""
    from trialex import language
    from trialex.extract.numbers import patterns_for
    from trialex.nlp import WARM_UP_TEXT, warm_up

    monkeypatch.setattr(language, "_FACTORY", None)
    patterns_for.cache_clear()
    warm_up(get_nlp())
    assert language._FACTORY is not None
    assert patterns_for.cache_info().currsize == 2
    records = get_nlp()(WARM_UP_TEXT)._.records
    assert {r.language for r in records} == {"en", "zh"}


def test_nlp_get_nlp_accepts_long_texts() -> None:
    assert get_nlp().max_length >= 10**8


@pytest.fixture(scope="module")
def raw_docs() -> list[tuple[str, object]]:
    nlp = get_nlp()
    texts = [p.read_text(encoding="utf-8") for p in RAW_FILES]
    return list(zip(texts, nlp.pipe(texts, batch_size=2), strict=True))


def test_nlp_raw_articles_spans_reproduce_their_text(raw_docs) -> None:
    for text, doc in raw_docs:
        assert doc.text == text
        sentences = list(doc.sents)
        assert sentences[0].start == 0 and sentences[-1].end == len(doc)
        for span in [*sentences, *doc.spans["trialex_terms"], *doc._.abbreviations]:
            assert text[span.start_char : span.end_char] == span.text
        labels = {s.label_ for s in doc.spans["trialex_terms"]}
        assert {"ENDPOINT", "DRUG", "DISEASE"} <= labels
        assert all(s._.source in {"vocab", "abbrev"} for s in doc.spans["trialex_terms"])


def test_nlp_pipe_equals_single_calls(raw_docs) -> None:
    nlp = get_nlp()
    for text, piped in raw_docs[:2]:
        single = nlp(text)
        key = "trialex_terms"
        assert [(s.start, s.end, s.label_, s.id_) for s in single.spans[key]] == [
            (s.start, s.end, s.label_, s.id_) for s in piped.spans[key]
        ]
        assert [s.start for s in single.sents] == [s.start for s in piped.sents]


def test_nlp_throughput_reports_every_stage() -> None:
    result = throughput([str(RAW_FILES[1])], target_mb=0.01)
    assert set(result) == {
        "mb",
        "blank_tokenizer",
        "tokenizer",
        "pipeline_without_records",
        "full_pipeline",
    }
    assert all(value > 0 for value in result.values())


TEXT_RULES = load_text_rules()
RULE_EXAMPLES = [
    (rule, kind, text)
    for rule in TEXT_RULES.rules
    for kind in ("match", "no_match")
    for text in rule.examples.get(kind, [])
]


@pytest.mark.parametrize(
    ("rule", "kind", "text"), RULE_EXAMPLES, ids=[f"{r.id}-{k}-{t}" for r, k, t in RULE_EXAMPLES]
)
def test_nlp_tokenizer_rule_examples(rule, kind: str, text: str) -> None:
    assert (re.search(rule.anchored(), text) is not None) == (kind == "match")


def test_nlp_tokenizer_rules_all_have_examples() -> None:
    assert [r.id for r in TEXT_RULES.rules if not r.examples["match"]] == []
    assert "vs." in TEXT_RULES.exceptions
    assert "。" in TEXT_RULES.cjk_sentence_ends


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": 1, "colour": 1}, "unknown keys"),
        ({"rules": [{"id": "a", "kind": "infix", "pattern": "x", "extra": 1}]}, "unknown keys"),
        ({"rules": [{"id": "a", "kind": "middle", "pattern": "x"}]}, "kind must be one of"),
        ({"rules": [{"id": "a", "kind": "infix", "pattern": "("}]}, "bad regex"),
        ({"rules": [{"id": "a", "kind": "infix", "pattern": "x"}] * 2}, "duplicate id 'a'"),
        ({"rules": [{"id": "a", "kind": "infix"}]}, "needs 'id', 'kind' and 'pattern'"),
        ({"sentences": {"stops": ["."]}}, "'sentences' must hold only"),
        ({"exceptions": ["vs.", 3]}, "non-empty strings"),
    ],
)
def test_nlp_tokenizer_file_rejects_bad_rules(data: dict, message: str) -> None:
    with pytest.raises(RulesError, match=message) as caught:
        parse_text_rules(data, "tokenizer.json")
    assert str(caught.value).startswith("tokenizer.json")


def test_nlp_tokenizer_defs_are_substituted() -> None:
    data = {"defs": {"d": "0-9"}, "rules": [{"id": "a", "kind": "prefix", "pattern": "[{d}]"}]}
    rule = parse_text_rules(data, "tokenizer.json").rules[0]
    assert rule.pattern == "[0-9]"
    assert rule.anchored() == "^(?:[0-9])"


@pytest.mark.parametrize("text", ["", " ", "\n\n", "。", "(", ")(", "((((a", "|||"])
def test_nlp_degenerate_texts_pass_every_component(text: str) -> None:
    nlp = get_nlp()
    with nlp.select_pipes(disable=["trialex_records"]):
        doc = nlp(text)
    assert doc.text == text
    assert list(doc.spans["trialex_terms"]) == []


def _token_rows(doc) -> list[tuple[object, ...]]:
    return [(t.text, t.whitespace_, t.norm_, t.idx, t.lex_id, t.is_sent_start) for t in doc]


LINE_CASES = [
    "One line, no break.",
    "Results\nThe ORR was 64% (n=38).\nMedian OS 10.4 (8.3−14.3) months",
    " Opens with a space\nvs. e.g. et al. no. and/or — Fig. 2\n",
    "Trailing space \nand tab\t\nnext",
    "\n\nBlank lines\n\n\n  indented line\n \nlast",
    "CRLF line\r\nnext line\r\n",
    "总缓解率为 64%。\n中位总生存期为14.3个月\n",
    "non-breaking\xa0space\n\xa0starts a line\n\u3000ideographic space",
    "\n",
    "",
]


def _tokenizer(min_piece: int):
    tokenizer = make_tokenizer(spacy.blank("en"))
    tokenizer.min_piece = min_piece  # type: ignore[attr-defined]
    return tokenizer


PIECE_TOKENIZERS = {size: _tokenizer(size) for size in (1, 40, 300)}


@pytest.mark.parametrize("min_piece", sorted(PIECE_TOKENIZERS))
@pytest.mark.parametrize("text", LINE_CASES, ids=[repr(t)[:30] for t in LINE_CASES])
def test_nlp_tokenizer_by_pieces_equals_whole_text(text: str, min_piece: int) -> None:
    """Tokenizing piece by piece (for spaCy's cache) gives exactly the tokens of one call."""
    from spacy.tokenizer import Tokenizer

    tokenizer = PIECE_TOKENIZERS[min_piece]
    doc = tokenizer(text)
    assert _token_rows(doc) == _token_rows(Tokenizer.__call__(tokenizer, text))
    assert doc.text == text
    assert doc.user_data["trialex_text"] == text


FRAGMENTS = [
    *["\n", " ", "\n ", " \n", "\t", "\xa0", "\r\n", "\n\n", "  ", "\u3000", "\x0c"],
    *["vs.", "e.g.", "—", "no.", "et al.", "Fig.", "and/or", ":)", "'s", "don't", "a.m."],
    *["(n=38)", "64%", "10.4 (8.3−14.3)", "P=.049", "CR/CRh", "B-ALL", "(", ")", ".", "a"],
    *["总缓解率为", "。", "https://x.org/a"],
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60), st.sampled_from([1, 40]))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_nlp_tokenizer_by_pieces_equals_whole_text_property(
    parts: list[str], min_piece: int
) -> None:
    from spacy.tokenizer import Tokenizer

    text = "".join(parts)
    tokenizer = PIECE_TOKENIZERS[min_piece]
    assert _token_rows(tokenizer(text)) == _token_rows(Tokenizer.__call__(tokenizer, text))


@pytest.mark.parametrize("min_piece", sorted(PIECE_TOKENIZERS))
def test_nlp_tokenizer_by_pieces_equals_whole_text_on_raw_articles(min_piece: int) -> None:
    from spacy.tokenizer import Tokenizer

    tokenizer = PIECE_TOKENIZERS[min_piece]
    for path in RAW_FILES:
        text = path.read_text(encoding="utf-8")
        assert _token_rows(tokenizer(text)) == _token_rows(Tokenizer.__call__(tokenizer, text))


def test_nlp_tokenizer_in_a_memory_zone_gives_the_tokens_of_pieces() -> None:
    """Inside a spaCy memory zone (nothing is cached) the text is tokenized in one call: the same
    tokens, whitespace, norms and offsets as piece by piece outside the zone."""
    nlp = spacy.blank("en")
    tokenizer = make_tokenizer(nlp)
    tokenizer.min_piece = 1  # type: ignore[attr-defined]
    texts = [*LINE_CASES, *(p.read_text(encoding="utf-8") for p in RAW_FILES[:3])]
    outside = [[row[:4] + row[5:] for row in _token_rows(tokenizer(t))] for t in texts]
    with nlp.memory_zone():
        assert nlp.vocab.in_memory_zone
        inside = [[row[:4] + row[5:] for row in _token_rows(tokenizer(t))] for t in texts]
    assert inside == outside
