# ruff: noqa: E501 (the XML fixture keeps its lines)
"""The silver section benchmark (bench/sections_silver.py) on an invented JATS article: the kinds
it reads from the XML, how it locates blocks in a rendering, and the agreement it scores."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from types import ModuleType

from _paths import ROOT
from trialex.jats import jats_to_text, parse_xml

XML = b"""<article><front><article-meta>
<title-group><article-title>Drug A in relapsed lymphoma</article-title></title-group>
<abstract><sec><title>Background</title><p>Relapsed lymphoma has a poor outcome.</p></sec>
<sec><title>Results</title><p>The response rate was 45% in forty patients.</p></sec></abstract>
</article-meta></front><body>
<sec sec-type="intro"><title>Introduction</title><p>Lymphoma that relapses is rarely cured.</p></sec>
<sec sec-type="methods"><title>Methods</title><p>Forty patients received drug A every week.</p>
<sec><title>Outcomes</title><p>The primary outcome was the overall response rate.</p></sec></sec>
<sec sec-type="conclusions"><title>Discussion</title><p>Drug A was active in this population.</p>
<fig id="f1"><label>Figure 1</label><caption><p>Survival by arm of the trial.</p></caption></fig>
<sec><title>Conflicts of interest</title><p>The authors declare no competing interests.</p></sec>
</sec><sec><title>Commentary</title><p>A man of 60 years was treated with drug A.</p></sec>
</body><back><ack><p>We thank the patients and their families.</p></ack>
<fn-group><fn fn-type="financial-disclosure"><p>Funding: the foundation paid for the trial.</p></fn></fn-group>
</back></article>"""


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sections_silver", ROOT / "bench" / "sections_silver.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["sections_silver"] = module
    spec.loader.exec_module(module)
    return module


def test_silver_kinds_come_from_the_xml_structure() -> None:
    bench = _bench()
    kinds = {b.text[:24]: b.kind for b in bench.blocks_of(parse_xml(XML, "a.nxml"))}
    assert kinds["Drug A in relapsed lympho"[:24]] == "front_matter"
    assert kinds["The response rate was 45"] == "abstract"
    assert kinds["Lymphoma that relapses i"[:24]] == "introduction"
    assert kinds["The primary outcome was "] == "methods"  # a subsection: its parent's kind
    assert kinds["Drug A was active in thi"] == "discussion"  # the title over the sec-type
    assert kinds["Figure 1 Survival by arm"] == "other"  # a figure caption
    assert kinds["The authors declare no c"] == "references"  # a disclosure
    assert kinds["A man of 60 years was tr"] == "?"  # no kind stated: not scored
    assert kinds["We thank the patients an"] == "acknowledgments"
    assert kinds["Funding: the foundation "] == "acknowledgments"


def test_silver_locates_blocks_and_scores_the_jats_text() -> None:
    bench = _bench()
    root = parse_xml(XML, "a.nxml")
    blocks = bench.blocks_of(root)
    text = jats_to_text(root, source="a.nxml").text
    places = bench.locate(blocks, text)
    assert all(p is not None for p in places)
    for block, start, end in (p for p in places if p is not None):
        assert bench.norm_only(text[start:end]) == bench.norm_only(block.text)
    confusion: Counter[tuple[str, str]] = Counter()
    score = bench.score(blocks, text, confusion, [], "a")
    assert score.scored_blocks == len(blocks) - 2  # all but the undetermined commentary
    assert score.char_accuracy == 1.0


def test_silver_block_end_stops_where_the_rendering_stops_matching() -> None:
    bench = _bench()
    block = bench.Block(
        "table", "table", "Table 1 Baseline characteristics of the patients by arm Age 57 Sex 12"
    )
    text = (
        "Table 1 Baseline characteristics of the patients by arm\n\n"
        "The response rate was 45% in both arms."
    )
    ((_, start, end),) = bench.locate([block], text)
    assert text[start:end] == "Table 1 Baseline characteristics of the patients by arm"
