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
    # the folder has no ctcae.json: the bundled one adds its terms (trialex.rulebook)
    rules = [r for r in load_rules(root) if not r.id.startswith("ctcae.")]
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


def test_ner_load_rules_without_endpoints_file_reads_the_bundled_one(tmp_path: Path) -> None:
    """A file a rules folder lacks is the bundled one (trialex.rulebook)."""
    root = _write_rules(tmp_path, [GOOD], [], None)
    rules = load_rules(root)
    assert [r.label for r in rules if r.label != "ENDPOINT"] == ["DRUG"]
    assert {r.span_id for r in rules if r.label == "ENDPOINT"} >= {"ORR", "OS", "CR"}


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


# --- open endpoint vocabulary: CTCAE terms, word boundaries, term context --------------------

from trialex.extract.rules import find_terms, match_terms  # noqa: E402
from trialex.ner import (  # noqa: E402
    apply_term_context,
    ctcae_entries,
    load_term_context,
    parse_term_context,
)

BUNDLED = resources_dir()
ENDPOINT_ENTRIES = json.loads((BUNDLED / "endpoints.json").read_text("utf-8"))["endpoints"]
CTCAE = ctcae_entries(BUNDLED, ENDPOINT_ENTRIES)
CTCAE_PHRASES = [
    (entry["id"], entry["code"], language, phrase)
    for entry in CTCAE
    for language, phrases in entry["terms"].items()
    for phrase in phrases
]


def test_ner_ctcae_file_is_a_sourced_terminology() -> None:
    data = json.loads((BUNDLED / "ctcae.json").read_text("utf-8"))
    assert "CTCAE" in data["source"] and "ctep.cancer.gov" in data["source"]
    assert "public domain" in data["licence"]
    assert len(CTCAE) >= 150
    assert {e["code"] for e in CTCAE} >= {"adverse_events", "other", "neurotoxicity", "CRS"}


@pytest.mark.parametrize(
    ("entry_id", "code", "language", "phrase"),
    CTCAE_PHRASES,
    ids=[f"{i}-{p}" for i, _, _, p in CTCAE_PHRASES],
)
def test_ner_ctcae_every_phrase_is_a_term_of_its_code(
    entry_id: str, code: str, language: str, phrase: str
) -> None:
    text = f"{phrase}发生率为12%" if language == "zh" else f"In all, {phrase} occurred in 12%."
    found = {(text[t.start : t.end], t.code) for t in match_terms(text)}
    assert (phrase, code) in found, (entry_id, found)


@pytest.mark.parametrize(
    ("text", "phrase", "code"),
    [
        (
            "Grade 3 or higher cytokine-release syndrome occurred in 1.1%",
            "cytokine-release syndrome",
            "CRS",
        ),
        (
            "Peripheral neuropathy was observed only in 2.5 % of patients",
            "Peripheral neuropathy",
            "neurotoxicity",
        ),
        (
            "One patient had focal seizures and transient hemiparesis",
            "focal seizures",
            "neurotoxicity",
        ),
        (
            "grade 3 or 4 granulocytopenia was seen in 59% of patients",
            "granulocytopenia",
            "adverse_events",
        ),
        ("including febrile neutropenia (44.8%)", "febrile neutropenia", "adverse_events"),
        ("hepatic veno-occlusive disease in 3 patients", "hepatic veno-occlusive disease", "SOS"),
        ("A grade 2 or 3 infection occurred in 16% of patients", "infection", "other"),
        ("Two patients died of sepsis", "sepsis", "other"),
        ("Arm lymphoedema was reported by 14% of women", "Arm lymphoedema", "other"),
        ("3级中性粒细胞减少 12例", "中性粒细胞减少", "adverse_events"),
        ("高CRP组23人曾发生败血症", "败血症", "other"),
    ],
)
def test_ner_ctcae_terms_take_the_guideline_codes(text: str, phrase: str, code: str) -> None:
    assert (phrase, code) in {(text[t.start : t.end], t.code) for t in match_terms(text)}


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ([{"id": "a", "term": "A", "soc": "Nowhere"}], "not in soc_codes"),
        ([{"id": "a", "term": "A", "soc": "S", "colour": 1}], "unknown keys"),
        ([{"id": "a", "term": "A", "soc": "S", "code": "NOPE"}], "unknown code"),
        ([{"id": "a", "term": "A", "soc": "S"}, {"id": "a", "term": "B", "soc": "S"}], "duplicate"),
    ],
)
def test_ner_ctcae_file_rejects_bad_terms(tmp_path: Path, terms: list, message: str) -> None:
    data = {"version": 1, "soc_codes": {"S": "adverse_events"}, "terms": terms}
    (tmp_path / "ctcae.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        ctcae_entries(tmp_path)


def test_ner_ctcae_phrase_of_endpoints_json_keeps_its_code(tmp_path: Path) -> None:
    data = {
        "version": 1,
        "soc_codes": {"S": "other"},
        "terms": [{"id": "a", "term": "Wheeze", "soc": "S", "synonyms": {"en": ["toxicity"]}}],
    }
    (tmp_path / "ctcae.json").write_text(json.dumps(data), encoding="utf-8")
    existing = [{"id": "ae", "code": "adverse_events", "terms": {"en": ["Toxicity"]}}]
    assert [e["terms"] for e in ctcae_entries(tmp_path, existing)] == [{"en": ["Wheeze"]}]


@pytest.mark.parametrize(
    "text",
    [
        "CRP was 23.3 mg/L in 43% of patients",
        "patients on PCR-B (33%) and PCR (3%)",
        "CRC screening uptake was 40%",
        "an ACR20 response in 60%",
        "women with PCOS (n = 40)",
        "高CRP组43名患者",
    ],
)
def test_ner_endpoint_abbreviations_match_whole_words_only(text: str) -> None:
    inside = [(text[t.start : t.end], t.code) for t in match_terms(text) if t.code in ("CR", "OS")]
    assert inside == []


@pytest.mark.parametrize(
    ("text", "term", "code"),
    [
        ("高CRP组2年OS率较低", "OS", "OS"),
        ("完全缓解(CR)率为 50%", "CR", "CR"),
        ("(CR) in 5", "CR", "CR"),
    ],
)
def test_ner_abbreviations_next_to_cjk_or_brackets_still_match(
    text: str, term: str, code: str
) -> None:
    assert (term, code) in {(text[t.start : t.end], t.code) for t in match_terms(text)}


CONTEXT_RULES = load_term_context()
CONTEXT_EXAMPLES = [
    (rule, kind, text)
    for rule in CONTEXT_RULES
    for kind in ("match", "no_match")
    for text in rule.examples[kind]
]


@pytest.mark.parametrize(
    ("rule", "kind", "text"),
    CONTEXT_EXAMPLES,
    ids=[f"{r.id}-{k}-{t[:25]}" for r, k, t in CONTEXT_EXAMPLES],
)
def test_ner_term_context_examples(rule, kind: str, text: str) -> None:  # type: ignore[no-untyped-def]
    terms = match_terms(text)
    own = [
        (t.start, t.end, t.code, t.label)
        for t in terms
        if t.code in rule.codes
        and (not rule.terms or text[t.start : t.end] in rule.terms)
        and (rule.term_pattern is None or rule.term_pattern.search(text[t.start : t.end]))
    ]
    assert own, f"{rule.id}: the example holds no term of {sorted(rule.codes)}"
    after = {(t.start, t.end, t.code, t.label) for t in apply_term_context(text, terms, [rule])}
    changed = any(t not in after for t in own)
    assert changed is (kind == "match")


def test_ner_every_context_rule_has_both_examples() -> None:
    assert CONTEXT_RULES
    for rule in CONTEXT_RULES:
        assert rule.examples["match"] and rule.examples["no_match"], rule.id


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"id": "a", "codes": ["ORR"], "effect": "explode", "examples": {}}, "effect must be"),
        ({"id": "a", "codes": ["NOPE"], "effect": "drop", "examples": {}}, "unknown codes"),
        ({"id": "a", "codes": ["ORR"], "effect": "drop", "examples": {}}, "needs a 'pattern'"),
        (
            {"id": "a", "codes": ["ORR"], "effect": "recode", "pattern": "x", "examples": {}},
            "known 'code'",
        ),
        (
            {"id": "a", "codes": ["TTP"], "effect": "defined_only", "examples": {}},
            "needs its 'terms'",
        ),
        (
            {"id": "a", "codes": ["ORR"], "effect": "drop", "pattern": "(", "examples": {}},
            "bad regex",
        ),
        (
            {"id": "a", "codes": ["ORR"], "effect": "drop", "pattern": "x", "examples": {}, "x": 1},
            "unknown keys",
        ),
    ],
)
def test_ner_term_context_rejects_bad_rules(rule: dict, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_term_context({"version": 1, "rules": [rule]}, "term_context.json")


def _records(nlp: Language, text: str) -> list:
    """The records of ``text`` as the results of an abstract (a title line first)."""
    return list(nlp(f"A trial of a new treatment.\n\nRESULTS: {text}")._.records)


@pytest.fixture(scope="module")
def full_nlp() -> Language:
    return build_nlp(Settings())


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The response rate to the mailed questionnaire was 65%.", "ORR"),
        ("Death occurred in 25% of simulation runs.", "mortality"),
        ("Thrombotic thrombocytopenic purpura (TTP) was excluded. TTP in 12% of cases.", "TTP"),
    ],
)
def test_ner_context_keeps_non_outcomes_out_of_records(
    full_nlp: Language, text: str, absent: str
) -> None:
    assert absent not in {r.endpoint for r in _records(full_nlp, text)}


def test_ner_abbreviation_of_the_field_is_an_endpoint_unless_defined_otherwise(
    full_nlp: Language,
) -> None:
    assert [(r.endpoint, r.value) for r in _records(full_nlp, "Median TTP was 12 months.")] == [
        ("TTP", 12.0)
    ]
    text = "Treatment-free survival (TFS) was assessed. Median TFS was 14 months."
    assert ("time_to_event", 14.0) in {(r.endpoint, r.value) for r in _records(full_nlp, text)}
    undefined = "Median TFS was 14 months."
    assert "time_to_event" not in {r.endpoint for r in _records(full_nlp, undefined)}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "A complete response (no vomiting or retching, and no rescue) was seen in 41% of "
            "patients.",
            "antiemetic",
        ),
        ("Overall disease control rate was 47.1%.", "disease control rate"),
        ("The pCR rate was 28% with the combination.", "pathologic complete response"),
        ("The 5-year local recurrence rate was 4.1%.", "local recurrence"),
        ("Continuous abstinence at week 12 was 44%.", "continuous abstinence"),
    ],
)
def test_ner_other_outcomes_become_records_with_their_label(
    full_nlp: Language, text: str, label: str
) -> None:
    found = [(r.endpoint, r.label) for r in _records(full_nlp, text)]
    assert any(code == "other" and label in (got or "").lower() for code, got in found), found


def test_ner_an_endpoint_is_added_from_data_alone(tmp_path: Path) -> None:
    """A new outcome is one entry in a rules folder's endpoints.json (with its examples): the
    pipeline built on that folder gives records for it, the bundled one does not."""
    import shutil

    root = tmp_path / "rules"
    shutil.copytree(BUNDLED, root)
    data = json.loads((root / "endpoints.json").read_text("utf-8"))
    data["endpoints"].append(
        {
            "id": "wound_dehiscence",
            "code": "other",
            "label": "wound dehiscence",
            "terms": {"en": ["wound dehiscence"], "zh": ["伤口裂开"]},
            "examples": {"match": ["Wound dehiscence occurred in 7% of patients"], "no_match": []},
        }
    )
    (root / "endpoints.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    # a phrasing outside the open outcome grammar (trialex.extract.outcomes), which would
    # otherwise name the outcome from the clause alone
    text = "We saw wound dehiscence in 7% of patients after surgery."
    assert not [r for r in _records(build_nlp(Settings()), text) if r.value == 7.0]
    records = _records(build_nlp(Settings(rules_dir=root)), text)
    assert [(r.endpoint, r.statistic, r.value, r.label) for r in records] == [
        ("other", "proportion", 7.0, "wound dehiscence")
    ]


def test_ner_find_terms_applies_the_context_of_the_rules_dir(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "rules"
    shutil.copytree(BUNDLED, root)
    (root / "en" / "term_context.json").write_text(
        json.dumps(
            {
                "version": 1,
                "rules": [
                    {
                        "id": "no_os",
                        "codes": ["OS"],
                        "effect": "drop",
                        "pattern": "hamster",
                        "examples": {"match": ["OS of hamsters"], "no_match": ["OS"]},
                    }
                ],
            }
        ),
        "utf-8",
    )
    nlp = _without_external(build_nlp(Settings(rules_dir=root)))
    doc = nlp("The OS of hamsters was 3 months. The OS of patients was 9 months.")
    codes = [(doc.text[t.start : t.end], t.start) for t in find_terms(doc) if t.code == "OS"]
    assert [start for _, start in codes] == [doc.text.index("OS", 10)]


def test_definitions_count_short_then_long_forms_only_at_a_word_start() -> None:
    from trialex.ner import _definitions

    text = "CR (complete remission) was seen. The PCR (polymerase chain reaction) was negative."
    assert _definitions(text, [], "CR") == (1, 0)
    assert _definitions("CR(complete remission) in 5", [], "CR")[0] == 1
    assert _definitions("xCR (complete remission) in 5", [], "CR")[0] == 0
