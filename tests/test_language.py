"""Language detection: script check first, bounded statistics, deterministic, never raising."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialex.language import (
    LATIN,
    detect_language,
    document_languages,
    paragraph_languages,
    sample_of,
    script_language,
)
from trialex.records import Section


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # short Chinese, including drug names and abbreviations in Latin letters
        ("结果", "zh"),
        ("摘要", "zh"),
        ("总缓解率为 64%。", "zh"),
        ("CD19 阴性", "zh"),
        ("blinatumomab 治疗复发/难治性急性淋巴细胞白血病时,骨髓外失败较为常见。", "zh"),
        ("既往有 EMD 史预示着blinatumomab 治疗反应较差(P=0.019)。", "zh"),
        # short English headings and table cells
        ("Results", "en"),
        ("Discussion", "en"),
        ("Overall survival", "en"),
        ("CR rate 64%", "en"),
        ("Median OS, months (95% CI)", "en"),
        ("Grade ≥3, n (%)", "en"),
        ("Patients with a fatal TEAE", "en"),
        # an English sentence quoting a Chinese term stays English
        ("The overall response rate (总缓解率) was 64% in 132 patients.", "en"),
        (
            "Blinatumomab is an immunotherapeutic agent with dual specificity for CD3 and CD19.",
            "en",
        ),
        # other languages
        ("La tasa de respuesta global fue del 64% en los pacientes tratados.", "es"),
        ("Die Gesamtansprechrate betrug 64 % bei allen behandelten Patienten.", "de"),
        ("Le taux de réponse global était de 64 % chez les patients traités.", "fr"),
        ("全体患者の奏効率は64%であった。", "ja"),
        ("전체 반응률은 64%였다.", "ko"),
    ],
)
def test_language_detect_short_texts(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "123 | 45 (2.1) |", "---|---|", "≥ 50% — 10−4", "()"]
)
def test_language_letter_free_is_none(text: str) -> None:
    assert detect_language(text) is None
    assert script_language(text) is None


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Overall survival", LATIN),
        ("Общая выживаемость", LATIN),  # letters, but the script does not decide
        ("总生存", "zh"),
        ("Results (结果)", LATIN),
        ("生存率", "zh"),
    ],
)
def test_language_script_check(text: str, script: str) -> None:
    assert script_language(text) == script


def test_language_is_deterministic() -> None:
    texts = [
        "CR rate 64%",
        "Overall survival at 1 year",
        "La tasa de respuesta global",
        "Taux de réponse",
    ]
    first = [detect_language(t) for t in texts]
    random.seed(12345)  # the global random state does not matter: the factory is private
    assert [detect_language(t) for t in texts] == first


def test_language_sample_is_bounded() -> None:
    text = "word " * 10_000
    assert len(sample_of(text)) <= 300
    assert sample_of("a\n\n  b\tc") == "a b c"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_language_never_raises(text: str) -> None:
    result = detect_language(text)
    assert result is None or (isinstance(result, str) and result)


def test_language_paragraph_languages_spans() -> None:
    text = (
        "The overall response rate was 64% in the whole cohort of adults.\n\n"
        "总缓解率为 64%。\n"
        "| 12 | 34 |\n"
        "Table 1\n"
    )
    paragraphs = paragraph_languages(text)
    assert [lang for _, _, lang in paragraphs] == ["en", "zh", None, "zh"]
    for start, end, _ in paragraphs:
        assert text[start:end] == text[start:end].strip()
        assert text[start:end] in text.splitlines()


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([("en", 0, 100), ("zh", 100, 150)], ["en", "zh"]),
        ([("en", 0, 10), ("zh", 10, 150)], ["zh", "en"]),
        ([("en", 0, 10), ("zh", 10, 20), ("en", 20, 30)], ["en", "zh"]),
        ([], []),
    ],
)
def test_language_document_languages_by_size(
    spans: list[tuple[str, int, int]], expected: list[str]
) -> None:
    sections = [Section(kind="other", language=lang, start=s, end=e) for lang, s, e in spans]
    assert document_languages(sections) == expected


@pytest.mark.parametrize(
    "heading",
    [
        "PATIENTS AND METHODS",
        "STATISTICAL ANALYSIS",
        "RESULTS AND DISCUSSION",
        "BACKGROUND AND AIMS",
    ],
)
def test_language_all_caps_english_is_english(heading: str) -> None:
    assert detect_language(heading) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "总缓解率为 $6 2 . 5 0 \\%$ ，高于对照组 $\\mathrm { { C R } }$ 的 $3 0 \\%$ 。",
        "两组间差异有统计学意义（ $\\scriptstyle P = 0 . 0 3$ ）。",
        "<table><tr><td>患者</td><td>Response rate</td></tr></table>低于预期。",
    ],
)
def test_language_chinese_prose_with_latex_or_html_is_chinese(text: str) -> None:
    assert script_language(text) == "zh"
    assert detect_language(text) == "zh"


def test_english_function_words_settle_an_unsure_english_sample_without_langdetect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import trialex.language as language

    sample = (
        "Of the 84 women who were randomised, 61 completed the questionnaires and these were "
        "analysed with their baseline scores from the first visit."
    )
    monkeypatch.setattr(language, "_fast", lambda s: ("en", 0.5))
    monkeypatch.setattr(language, "_langdetect", lambda s: pytest.fail("langdetect was called"))
    language.statistical_language.cache_clear()
    assert language.statistical_language(sample) == "en"
    # a German sample whose words are shared ("in", "was", "die") still gets the second opinion
    called: list[str] = []
    monkeypatch.setattr(language, "_langdetect", lambda s: (called.append(s), ("de", 0.99))[1])
    german = (
        "Die Patienten wurden in zwei Gruppen randomisiert, was die Auswertung der Daten erlaubte."
    )
    assert language.statistical_language(german) == "de"
    assert called
    language.statistical_language.cache_clear()
