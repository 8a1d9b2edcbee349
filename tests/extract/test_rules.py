"""The endpoint vocabulary and the assembly cue file: loading, validation, examples."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from trialex.extract.rules import (
    ENDPOINT_KEYS,
    RuleFileError,
    assembly,
    endpoints,
    load_assembly,
    load_endpoints,
    match_terms,
)
from trialex.records import ENDPOINTS


def _raw(name: str) -> dict:
    return json.loads((resources.files("trialex") / "resources" / name).read_text("utf-8"))


def test_rules_endpoints_file_format() -> None:
    data = _raw("endpoints.json")
    assert data["version"] == 1
    ids = [e["id"] for e in data["endpoints"]]
    assert len(ids) == len(set(ids))
    for entry in data["endpoints"]:
        assert {"id", "code", "terms", "examples"} <= set(entry) <= ENDPOINT_KEYS
        assert entry["code"] in ENDPOINTS
        assert entry["terms"]["en"], entry["id"]


def test_rules_endpoints_cover_every_outcome_code() -> None:
    codes = {e.code for e in endpoints()}
    assert set(ENDPOINTS) - codes <= {"sample_size"}


def test_rules_endpoints_have_chinese_terms() -> None:
    zh = {t for e in endpoints() for t in e.terms.get("zh", [])}
    for term in (
        "完全缓解",
        "总生存",
        "无复发生存",
        "细胞因子释放综合征",
        "髓外失败",
        "中枢神经系统",
    ):
        assert term in zh


@pytest.mark.parametrize("entry", endpoints(), ids=lambda e: e.id)
def test_rules_endpoint_examples(entry) -> None:  # type: ignore[no-untyped-def]
    for example in entry.examples["match"]:
        codes = {t.code for t in match_terms(example)}
        assert entry.code in codes, (entry.id, example, codes)
    for example in entry.examples["no_match"]:
        assert entry.code not in {t.code for t in match_terms(example)}, (entry.id, example)


@pytest.mark.parametrize(
    ("text", "term", "code"),
    [
        ("The overall response rate was 64%", "overall response rate", "ORR"),
        ("the median relapse-free survival was 7.4 months", "relapse-free survival", "RFS"),
        ("grade 3 cytokine release syndrome in 2 patients", "cytokine release syndrome", "CRS"),
        ("Acute GVHD was seen", "Acute GVHD", "aGVHD"),
        ("achieved a CR/CRh within", "CR/CRh", "CR_CRh"),
        ("总缓解率为 64%", "总缓解率", "ORR"),
        ("发生中枢神经系统(CNS)失败", "中枢神经系统", "CNS_failure"),
    ],
)
def test_rules_match_terms(text: str, term: str, code: str) -> None:
    found = [(text[t.start : t.end], t.code) for t in match_terms(text)]
    assert (term, code) in found


def test_rules_abbreviations_are_case_sensitive() -> None:
    assert not [t for t in match_terms("the cr and os of the os") if t.code in ("CR", "OS")]
    assert {t.code for t in match_terms("CR and OS")} == {"CR", "OS"}


@pytest.mark.parametrize(
    "data",
    [
        {"version": 1, "endpoints": [], "x": 1},
        {
            "version": 1,
            "endpoints": [
                {"id": "a", "code": "OS", "terms": {"en": ["OS"]}, "examples": {}},
                {"id": "a", "code": "OS", "terms": {"en": ["OS"]}, "examples": {}},
            ],
        },
        {
            "version": 1,
            "endpoints": [{"id": "a", "code": "XX", "terms": {"en": []}, "examples": {}}],
        },
        {
            "version": 1,
            "endpoints": [{"id": "a", "code": "OS", "terms": {"fr": []}, "examples": {}}],
        },
        {
            "version": 1,
            "endpoints": [
                {"id": "a", "code": "OS", "terms": {"en": []}, "examples": {}, "prio": 1}
            ],
        },
    ],
)
def test_rules_endpoint_file_rejects_bad_data(data: dict) -> None:
    with pytest.raises(RuleFileError):
        load_endpoints(data)


def test_rules_assembly_rejects_unknown_keys_and_codes() -> None:
    good = _raw("assembly.json")
    with pytest.raises(RuleFileError):
        load_assembly({**good, "extra": 1})
    with pytest.raises(RuleFileError):
        load_assembly({**good, "priority": {"NOPE": 1}})


@pytest.mark.parametrize("name", sorted(assembly().cues), ids=str)
def test_rules_cue_examples(name: str) -> None:
    c = assembly().cues[name]
    for example in c.examples.get("match", []):
        assert c.regex.search(example), (name, example)
    for example in c.examples.get("no_match", []):
        assert not c.regex.search(example), (name, example)


def test_rules_pipeline_terms_are_completed_by_the_vocabulary() -> None:
    """A phrase the pipeline's tokens missed ("(CR)/complete" as one token, a U+2010 hyphen)
    is taken from the vocabulary; a pipeline span that a longer vocabulary phrase contains is
    replaced by the phrase."""
    import spacy
    from spacy.tokens import Span

    from trialex.extract.numbers import fold
    from trialex.extract.rules import find_terms

    text = "The event\u2010free survival and the complete remission rate were reported."
    doc = spacy.blank("en")(text)
    remission = next(t.i for t in doc if t.text == "remission")
    doc.spans["trialex_terms"] = [
        Span(doc, remission, remission + 1, label="ENDPOINT", span_id="CR"),
    ]
    found = {(text[t.start : t.end], t.code) for t in find_terms(doc, fold(text))}
    assert found == {("event\u2010free survival", "EFS"), ("complete remission", "CR")}


def test_match_terms_reads_a_lowered_text_as_ignorecase_would(monkeypatch) -> None:
    import trialex.extract.rules as rules

    texts = [
        "Overall Survival and PROGRESSION-FREE SURVIVAL; the Objective Response Rate was 41%.",
        "Kaplan–Meier overall survival (µg/L, β2-microglobulin) and complete remission",
        "Oſ the dıſease-free survival, İnterim overall survival",  # letters IGNORECASE folds
    ]
    fast = [rules.match_terms(t) for t in texts]
    monkeypatch.setattr(rules, "_lowers_alike", lambda text, unsafe: False)
    assert fast == [rules.match_terms(t) for t in texts]
    assert any(t.code == "OS" for t in fast[0])
