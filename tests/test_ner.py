"""Vocabulary terms, abbreviation resolution and pluggable statistical NER (trialex.ner)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.training import Example

from _paths import RAW_FILES
from trialex.ner import (
    SPANS_KEY,
    NerModelError,
    RulesError,
    TermMatcher,
    entity_components,
    is_abbreviation,
    load_rules,
    model_name,
    parse_endpoint_terms,
    parse_terms,
    resources_dir,
    terms_between,
)
from trialex.nlp import build_nlp, make_tokenizer
from trialex.settings import Settings


def _without_external(nlp: Language) -> Language:
    """The pipeline minus sections and records (their rules are tested elsewhere)."""
    for name in ("trialex_sections", "trialex_records"):
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    return nlp


@pytest.fixture(scope="module")
def nlp() -> Language:
    return _without_external(build_nlp(Settings()))


@pytest.fixture(scope="module")
def matcher_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp


def _terms(doc) -> set[tuple[str, str, str]]:
    return {(s.label_, s.id_, s.text) for s in doc.spans[SPANS_KEY]}


# --- vocabulary examples --------------------------------------------------------------------

ALL_RULES = load_rules()
VOCAB_RULES = [r for r in ALL_RULES if r.label != "ENDPOINT"]
EXAMPLES = [
    (rule, kind, text)
    for rule in ALL_RULES
    for kind in ("match", "no_match")
    for text in rule.examples.get(kind, [])
    # endpoint no_match examples belong to extraction (they may mention another endpoint code)
    if not (rule.label == "ENDPOINT" and kind == "no_match")
]


@pytest.fixture(scope="module")
def term_matcher(matcher_nlp: Language) -> TermMatcher:
    return TermMatcher(matcher_nlp, ALL_RULES)


@pytest.mark.parametrize(
    ("rule", "kind", "text"), EXAMPLES, ids=[f"{r.id}-{k}-{t[:25]}" for r, k, t in EXAMPLES]
)
def test_ner_vocabulary_examples(
    matcher_nlp: Language, term_matcher: TermMatcher, rule, kind: str, text: str
) -> None:
    doc = matcher_nlp(text)
    found = {(label, span_id) for _, _, label, span_id in term_matcher(doc)}
    assert ((rule.label, rule.span_id) in found) == (kind == "match"), (text, found)


def test_ner_every_vocabulary_rule_has_a_match_example() -> None:
    assert VOCAB_RULES
    assert [r.id for r in VOCAB_RULES if not r.examples.get("match")] == []


def test_ner_vocabularies_cover_all_labels() -> None:
    assert {r.label for r in ALL_RULES} == {"ENDPOINT", "POPULATION", "DRUG", "DISEASE"}
    assert {r.language for r in VOCAB_RULES} == {"en", "zh"}


# --- vocabulary validation ------------------------------------------------------------------

GOOD = {"id": "x", "label": "DRUG", "phrases": ["xab"], "examples": {"match": ["xab"]}}

BAD_LINES = [
    ({**GOOD, "colour": "red"}, "unknown keys"),
    ({k: v for k, v in GOOD.items() if k != "examples"}, "missing keys"),
    ({**GOOD, "label": "GENE"}, "label must be one of"),
    ({**GOOD, "phrases": []}, "needs 'phrases' or 'regex'"),
    ({**GOOD, "phrases": ["ok", ""]}, "non-empty strings"),
    ({**GOOD, "regex": ["(unclosed"]}, "bad regex"),
    ({**GOOD, "id": "Has Space"}, "bad id"),
    ({**GOOD, "examples": {"hit": []}}, "'examples' must be"),
    ({**GOOD, "case_sensitive": "yes"}, "'case_sensitive' must be"),
]


@pytest.mark.parametrize(("entry", "message"), BAD_LINES, ids=[m for _, m in BAD_LINES])
def test_ner_terms_file_rejects_bad_entries(entry: dict, message: str) -> None:
    with pytest.raises(RulesError, match=message) as caught:
        parse_terms([json.dumps(entry)], "terms.jsonl", "en")
    assert str(caught.value).startswith("terms.jsonl:1: ")
    assert "\n" not in str(caught.value)


def test_ner_terms_file_rejects_duplicate_ids_and_bad_json() -> None:
    with pytest.raises(RulesError, match=r"terms.jsonl:3: duplicate id 'x'"):
        parse_terms([json.dumps(GOOD), "", json.dumps(GOOD)], "terms.jsonl", "en")
    with pytest.raises(RulesError, match=r"terms.jsonl:1: invalid JSON"):
        parse_terms(["{not json"], "terms.jsonl", "en")


def _write_rules(root: Path, en: list[dict], zh: list[dict], endpoints: dict | None) -> Path:
    for language, entries in (("en", en), ("zh", zh)):
        (root / language).mkdir(parents=True)
        lines = [json.dumps(e, ensure_ascii=False) for e in entries]
        (root / language / "terms.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if endpoints is not None:
        (root / "endpoints.json").write_text(json.dumps(endpoints), encoding="utf-8")
    return root


ENDPOINTS = {
    "version": 1,
    "endpoints": [
        {
            "id": "orr",
            "code": "ORR",
            "terms": {"en": ["overall response rate", "ORR"], "zh": ["总缓解率"]},
            "examples": {"match": ["The ORR was 64%"], "no_match": []},
        }
    ],
}


def test_ner_load_rules_reads_endpoints_and_both_languages(tmp_path: Path) -> None:
    zh = {**GOOD, "phrases": ["艾克斯单抗"], "examples": {"match": ["艾克斯单抗"]}}
    root = _write_rules(tmp_path, [GOOD], [zh], ENDPOINTS)
    rules = load_rules(root)
    assert [(r.label, r.span_id, r.language) for r in rules] == [
        ("ENDPOINT", "ORR", "en"),
        ("ENDPOINT", "ORR", "zh"),
        ("DRUG", "x", "en"),
        ("DRUG", "x", "zh"),
    ]
    nlp = _without_external(build_nlp(Settings(rules_dir=root)))
    doc = nlp("The ORR was 64% with xab. 总缓解率为 64%, 艾克斯单抗。")
    assert _terms(doc) == {
        ("ENDPOINT", "ORR", "ORR"),
        ("DRUG", "x", "xab"),
        ("ENDPOINT", "ORR", "总缓解率"),
        ("DRUG", "x", "艾克斯单抗"),
    }
    assert all(s._.endpoint == "ORR" for s in doc.spans[SPANS_KEY] if s.label_ == "ENDPOINT")


def test_ner_load_rules_without_endpoints_file(tmp_path: Path) -> None:
    root = _write_rules(tmp_path, [GOOD], [], None)
    assert [r.label for r in load_rules(root)] == ["DRUG"]


def test_ner_load_rules_rejects_label_conflict_across_languages(tmp_path: Path) -> None:
    root = _write_rules(tmp_path, [GOOD], [{**GOOD, "label": "DISEASE"}], None)
    with pytest.raises(RulesError, match="label DISEASE differs from DRUG"):
        load_rules(root)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"endpoints": {}}, "'endpoints' list"),
        ({"endpoints": [{"id": "a", "code": "ORR"}]}, "needs 'id', 'code' and 'terms'"),
        ({"endpoints": [{"id": "a", "code": "ORR", "terms": {"fr": ["x"]}}]}, "'terms' must map"),
        (
            {"endpoints": [{"id": "a", "code": "ORR", "terms": {"en": ["x"]}}] * 2},
            "duplicate id 'a'",
        ),
    ],
)
def test_ner_endpoint_terms_rejects_bad_format(data: dict, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_endpoint_terms(data, "endpoints.json")


def test_ner_bundled_resources_dir_holds_the_vocabularies() -> None:
    base = resources_dir()
    assert (base / "en" / "terms.jsonl").is_file()
    assert (base / "zh" / "terms.jsonl").is_file()


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("ALL", True), ("CR/CRh", True), ("Ph+ ALL", True), ("r/r", False), ("relapse", False)],
)
def test_ner_is_abbreviation(phrase: str, expected: bool) -> None:
    assert is_abbreviation(phrase) is expected


# --- term spans in sentences ----------------------------------------------------------------

TERM_CASES = [
    (
        "Adults with relapsed or refractory B-cell precursor ALL received blinatumomab.",
        [
            ("POPULATION", "relapsed_refractory", "relapsed or refractory"),
            ("DISEASE", "b_all", "B-cell precursor ALL"),
            ("DRUG", "blinatumomab", "blinatumomab"),
        ],
    ),
    (
        "Median OS was 10.4 months in first salvage and 5.0 months in second or later salvage.",
        [
            ("POPULATION", "first_salvage", "first salvage"),
            ("POPULATION", "second_or_later_salvage", "second or later salvage"),
        ],
    ),
    (
        "CR responders and patients aged ≥50 years treated with inotuzumab ozogamicin did well.",
        [
            ("POPULATION", "responders", "CR responders"),
            ("POPULATION", "age_group", "patients aged ≥50 years"),
            ("DRUG", "inotuzumab_ozogamicin", "inotuzumab ozogamicin"),
        ],
    ),
    (
        "Ponatinib and CAR T-cell therapy in Ph+ ALL.",
        [
            ("DRUG", "ponatinib", "Ponatinib"),
            ("DRUG", "car_t", "CAR T-cell therapy"),
            ("DISEASE", "ph_positive_all", "Ph+ ALL"),
        ],
    ),
    (
        "在复发/难治性急性淋巴细胞白血病患者中,贝林妥欧单抗治疗缓解的患者",
        [
            ("POPULATION", "relapsed_refractory", "复发/难治性"),
            ("DISEASE", "all", "急性淋巴细胞白血病"),
            ("DRUG", "blinatumomab", "贝林妥欧单抗"),
            ("POPULATION", "responders", "缓解的患者"),
        ],
    ),
    ("B 细胞 ALL 患者,年龄≥50岁的患者", [("DISEASE", "b_all", "B 细胞 ALL")]),
]


@pytest.mark.parametrize(("text", "expected"), TERM_CASES, ids=[t[:30] for t, _ in TERM_CASES])
def test_ner_term_spans_en_zh(
    nlp: Language, text: str, expected: list[tuple[str, str, str]]
) -> None:
    doc = nlp(text)
    found = _terms(doc)
    for item in expected:
        assert item in found, (item, found)
    for span in doc.spans[SPANS_KEY]:
        assert text[span.start_char : span.end_char] == span.text
        assert span._.source == "vocab"


def test_ner_all_caps_abbreviations_are_case_sensitive(nlp: Language) -> None:
    doc = nlp("In all patients, ALL relapsed.")
    assert [s.text for s in doc.spans[SPANS_KEY] if s.id_ == "all"] == ["ALL"]


def test_ner_overlapping_terms_keep_the_longest_per_label(nlp: Language) -> None:
    doc = nlp("Philadelphia chromosome-negative B cell precursor ALL.")
    diseases = [(s.id_, s.text) for s in doc.spans[SPANS_KEY] if s.label_ == "DISEASE"]
    assert diseases == [
        ("ph_negative_all", "Philadelphia chromosome-negative B cell precursor ALL")
    ]


# --- abbreviations ----------------------------------------------------------------------------


def test_ner_abbreviation_short_forms_resolve_to_their_term(nlp: Language) -> None:
    text = "Patients with Burkitt lymphoma (BL) were excluded. Two BL cases relapsed. 伯基特 BL。"
    doc = nlp(text)
    bl = [s for s in doc.spans[SPANS_KEY] if s.text == "BL"]
    assert len(bl) == 3
    assert {(s.label_, s.id_, s._.source) for s in bl} == {("DISEASE", "burkitt", "abbrev")}
    assert all(text[s.start_char : s.end_char] == "BL" for s in bl)


def test_ner_abbreviation_of_a_non_term_gives_no_span(nlp: Language) -> None:
    doc = nlp("The quality of life questionnaire (QLQ) was used. QLQ scores rose.")
    assert [s for s in doc.spans[SPANS_KEY] if s.text == "QLQ"] == []
    assert {a.text for a in doc._.abbreviations} == {"QLQ"}


def test_ner_abbreviation_in_raw_article_resolves_emd(nlp: Language) -> None:
    text = RAW_FILES[0].read_text(encoding="utf-8")
    doc = nlp(text)
    emd = [s for s in doc.spans[SPANS_KEY] if s.text == "EMD" and s.label_ == "DISEASE"]
    assert len(emd) >= 5
    assert {s.id_ for s in emd} == {"extramedullary_disease"}


# --- pluggable statistical NER --------------------------------------------------------------

TRAIN = [
    ("Patients received zorbatinib daily.", "zorbatinib", "CHEMICAL"),
    ("Zorbatinib was stopped after two cycles.", "Zorbatinib", "CHEMICAL"),
    ("We added quelimab to the regimen.", "quelimab", "CHEMICAL"),
    ("Quelimab caused fever in some patients.", "Quelimab", "CHEMICAL"),
    ("The cohort had glimmer syndrome at baseline.", "glimmer syndrome", "DISEASE"),
    ("Glimmer syndrome was rare in this cohort.", "Glimmer syndrome", "DISEASE"),
    ("Doses of zorbatinib and quelimab were reduced.", "zorbatinib", "CHEMICAL"),
    ("Cells expressing KRX7 were counted.", "KRX7", "GENE"),
    ("The tumour shrinkage rate was high.", "tumour shrinkage rate", "ORR"),
    ("A tumour shrinkage rate of 40% was seen.", "tumour shrinkage rate", "ORR"),
]


def _train_tiny_ner(path: Path) -> Path:
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    examples = []
    for text, entity, label in TRAIN:
        start = text.index(entity)
        ner.add_label(label)
        annotations = {"entities": [(start, start + len(entity), label)]}
        examples.append(Example.from_dict(nlp.make_doc(text), annotations))
    random.seed(0)
    spacy.util.fix_random_seed(0)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _train_tiny_ner(tmp_path_factory.mktemp("models") / "tiny_ner")


def test_ner_model_entities_reach_term_spans(tiny_model: Path) -> None:
    nlp = _without_external(build_nlp(Settings(ner_model=str(tiny_model))))
    assert nlp.pipe_names.index("trialex_ner") < nlp.pipe_names.index("trialex_terms")
    texts = [
        "Patients received zorbatinib daily with blinatumomab.",
        "Glimmer syndrome was rare in this cohort.",
        "Cells expressing KRX7 were counted.",
        "The tumour shrinkage rate was high.",
    ]
    docs = list(nlp.pipe(texts, batch_size=2))
    model = [
        {(s.label_, s.text, s._.source) for s in d.spans[SPANS_KEY] if s._.source != "vocab"}
        for d in docs
    ]
    assert ("DRUG", "zorbatinib", "model:tiny_ner") in model[0]
    assert ("DISEASE", "Glimmer syndrome", "model:tiny_ner") in model[1]
    assert ("GENE", "KRX7", "model:tiny_ner") in model[2]  # unmapped labels are kept
    assert ("ENDPOINT", "tumour shrinkage rate", "model:tiny_ner") in model[3]
    endpoint = [s for s in docs[3].spans[SPANS_KEY] if s.label_ == "ENDPOINT"]
    assert [(s.id_, s._.endpoint) for s in endpoint] == [("ORR", "ORR")]
    # the vocabulary still runs next to the model
    assert ("DRUG", "blinatumomab", "vocab") in {
        (s.label_, s.text, s._.source) for s in docs[0].spans[SPANS_KEY]
    }
    for doc, text in zip(docs, texts, strict=True):
        for span in doc.spans[SPANS_KEY]:
            assert text[span.start_char : span.end_char] == span.text
    assert nlp(texts[0]).spans[SPANS_KEY] is not None  # single-doc path too


def test_ner_missing_model_is_a_one_line_error() -> None:
    with pytest.raises(NerModelError) as caught:
        build_nlp(Settings(ner_model="en_no_such_model_xyz"))
    message = str(caught.value)
    assert "en_no_such_model_xyz" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "short"),
    [("en_core_sci_sm", "en_core_sci_sm"), ("/models/tiny_ner/", "tiny_ner"), ("a\\b", "b")],
)
def test_ner_model_name_is_short(name: str, short: str) -> None:
    assert model_name(name) == short


def test_ner_model_endpoint_entities_reach_records(tiny_model: Path) -> None:
    nlp = build_nlp(Settings(ner_model=str(tiny_model)))
    text = "Results\nA tumour shrinkage rate of 40% was seen."
    doc = nlp(text)
    records = [r for r in doc._.records if r.extractor == "rules+ner:tiny_ner"]
    assert [(r.endpoint, r.value) for r in records] == [("ORR", 40.0)]
    for record in records:
        assert text[record.span.start : record.span.end] == record.text


def test_ner_entity_components_skip_parser_and_tagger() -> None:
    nlp = spacy.blank("en")
    for factory in ("tok2vec", "tagger", "parser", "ner", "entity_ruler"):
        nlp.add_pipe(factory)
    assert entity_components(nlp) == {"tok2vec", "ner", "entity_ruler"}


def test_ner_terms_between_selects_by_range_and_label(nlp: Language) -> None:
    text = "In first salvage, blinatumomab gave CR in 45%. In Ph+ ALL, ponatinib was added."
    doc = nlp(text)
    first = text.index(".") + 1
    assert [(s.label_, s.text) for s in terms_between(doc, 0, first)] == [
        ("POPULATION", "first salvage"),
        ("DRUG", "blinatumomab"),
    ]
    assert [s.text for s in terms_between(doc, first, len(text), ["DISEASE"])] == ["Ph+ ALL"]
    assert terms_between(nlp.make_doc(text), 0, len(text)) == []


def test_ner_abbreviation_of_an_endpoint_term_is_an_endpoint(nlp: Language) -> None:
    doc = nlp("The best overall response (BOR) was 45%. BOR was lower in older adults.")
    bor = [s for s in doc.spans[SPANS_KEY] if s.text == "BOR"]
    assert [(s.label_, s.id_, s._.endpoint, s._.source) for s in bor] == [
        ("ENDPOINT", "ORR", "ORR", "abbrev"),
        ("ENDPOINT", "ORR", "ORR", "abbrev"),
    ]
