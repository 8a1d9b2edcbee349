"""Property tests: extraction never raises and every record's span reproduces its text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trialex.extract import doc_with_sections, extract_records

FRAGMENTS = [
    "The overall response rate was ",
    "64%",
    " (29 of 64)",
    " (n = 38)",
    "; P = .049",
    " vs ",
    " 95% CI, 19.4-36.4",
    "median overall survival was 8.5 months",
    " respectively",
    "Twelve (63.2%) of 19 patients",
    " |\n",
    "---|---|\n",
    "162 (99) |\n",
    "总缓解率为 64%",
    "(P=0.049)",
    " CR ",
    " relapse ",
    "(",
    ")",
    ".",
    "\n",
    " 1.58; p < 0.001",
    "Table 1. Baseline characteristics.\n",
]

texts = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.text(max_size=300),
    st.text(alphabet="0123456789.,-−–%()[]|/ =<>pPnN\n;:abc例", max_size=400),
)
kinds = st.sampled_from(["abstract", "results", "table", "introduction", "other"])
languages = st.sampled_from(["en", "zh"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, kind=kinds, language=languages, cut=st.floats(0, 1))
def test_extract_never_raises_and_spans_reproduce_text(
    text: str, kind: str, language: str, cut: float
) -> None:
    split = int(len(text) * cut)
    sections = [(kind, language, 0)] + ([("results", "en", split)] if 0 < split < len(text) else [])
    records, warnings = extract_records(doc_with_sections(text, sections))
    for r in records:
        assert text[r.span.start : r.span.end] == r.text
        assert 0 <= r.span.start <= r.span.end <= len(text)
    assert isinstance(warnings, list)
