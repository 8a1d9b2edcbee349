# ruff: noqa: E501 (XML fixtures keep their lines)
"""JATS / PMC NXML: text in reading order, headings, abstracts, tables, footnotes, references,
metadata; safe parsing; the real corpus ingests (skipped when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialex.errors import InputError
from trialex.extract.tables import table_blocks
from trialex.ingest import discover, load_bytes, load_documents, load_path
from trialex.jats import jats_to_text, parse_xml, table_lines
from trialex.pipeline import process
from trialex.sections import split_sections

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pmc_oa_oncology" / "nxml"

ARTICLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving DTD v1.2//EN" "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:mml="http://www.w3.org/1998/Math/MathML" article-type="research-article">
<front>
<journal-meta><journal-title-group><journal-title>Journal of Invented Oncology</journal-title></journal-title-group></journal-meta>
<article-meta>
<article-id pub-id-type="pmid">12345678</article-id>
<article-id pub-id-type="pmc">7654321</article-id>
<article-id pub-id-type="doi">10.1000/jio.2020.01</article-id>
<title-group><article-title>Drug X in relapsed <italic>lymphoma</italic></article-title></title-group>
<contrib-group>
<contrib contrib-type="author"><name><surname>Smith</surname><given-names>Ann</given-names></name></contrib>
<contrib contrib-type="author"><collab>Invented Study Group</collab></contrib>
<contrib contrib-type="editor"><name><surname>Editor</surname><given-names>Ed</given-names></name></contrib>
</contrib-group>
<pub-date pub-type="epub"><day>3</day><month>2</month><year>2020</year></pub-date>
<permissions><license xlink:href="https://creativecommons.org/licenses/by/4.0/"><license-p>Open access.</license-p></license></permissions>
<abstract>
<sec><title>Background</title><p>Drug X was tested.</p></sec>
<sec><title>Results</title><p>The overall response rate was 45% (18/40).</p></sec>
</abstract>
<trans-abstract xml:lang="zh"><p>总缓解率为45%。</p></trans-abstract>
</article-meta>
</front>
<body>
<sec><title>Introduction</title><p>Lymphoma is common [<xref ref-type="bibr" rid="r1">1</xref>].</p></sec>
<sec><label>2</label><title>Methods</title><p>Forty patients were enrolled (registered as NCT01234567).</p></sec>
<sec><title>Results</title>
<p>Responses are shown in <xref ref-type="table" rid="t1">Table 1</xref>. Median OS was 12.5 months<sup><xref ref-type="bibr" rid="r2">2</xref></sup>.
<table-wrap id="t1"><label>Table 1</label><caption><title>Responses by arm</title></caption>
<table>
<thead><tr><th rowspan="2">Outcome</th><th colspan="2">Arm</th></tr><tr><th>A (n = 20)</th><th>B (n = 20)</th></tr></thead>
<tbody><tr><td>CR</td><td>5 (25%)</td><td>2 (10%)</td></tr><tr><td>PR | partial</td><td>4 (20%)</td><td>7 (35%)</td></tr></tbody>
</table>
<table-wrap-foot><fn id="tf1"><p>CR, complete response.</p></fn></table-wrap-foot>
</table-wrap>
</p>
<p>Grade&#x000a0;3 events occurred in n&#x02009;=&#x02009;3 patients.</p>
</sec>
</body>
<back>
<ack><p>We thank the patients.</p></ack>
<fn-group><fn><p>Conflicts of interest: none.</p></fn></fn-group>
<ref-list><ref id="r1"><label>1</label><mixed-citation>Doe J. Lymphoma. Blood. 2001;1:1-2.</mixed-citation></ref>
<ref id="r2"><element-citation><person-group><name><surname>Roe</surname></name></person-group><article-title>Survival</article-title><source>Lancet</source><year>2002</year></element-citation></ref></ref-list>
</back>
</article>
"""


def _article(tmp_path: Path, text: str = ARTICLE, name: str = "PMC7654321.nxml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_jats_reading_order_headings_and_doc_id(tmp_path: Path) -> None:
    document = load_path(_article(tmp_path))
    assert document.doc_id == "PMC7654321"
    assert document.format == "jats"
    lines = document.text.split("\n")
    for heading in ("Abstract", "Background", "Introduction", "2 Methods", "Results"):
        assert heading in lines  # a heading is a line of its own
    text = document.text
    assert text.index("Drug X in relapsed lymphoma") < text.index("Abstract")
    assert text.index("Abstract") < text.index("摘要") < text.index("Introduction")
    assert text.index("Introduction") < text.index("Median OS") < text.index("Table 1. Responses")
    assert "<" not in text.replace("< ", "")  # no markup left


def test_jats_sections_read_the_headings(tmp_path: Path) -> None:
    text = load_path(_article(tmp_path)).text
    kinds = [(s.kind, s.title) for s in split_sections(text)]
    kind_at = {s.title: s.kind for s in split_sections(text) if s.title}
    assert kind_at.get("Abstract") == "abstract"
    assert kind_at.get("2 Methods") == "methods"
    assert kind_at.get("References") == "references"
    assert ("abstract", "摘要") in kinds or any(k == "abstract" for k, _ in kinds)


def test_jats_citation_superscripts_and_spaces(tmp_path: Path) -> None:
    text = load_path(_article(tmp_path)).text
    assert "12.5 months [2]." in text  # a superscript citation cannot join the value
    assert "[1]" in text
    assert "n = 3 patients" in text  # thin spaces become spaces
    assert "Grade 3 events" in text


def test_jats_table_rows_as_the_assembly_reads_them(tmp_path: Path) -> None:
    text = load_path(_article(tmp_path)).text
    assert (
        "Table 1. Responses by arm\nOutcome | Arm A (n = 20) | Arm B (n = 20) |\n---|---|---|\n"
        in text
    )
    assert "CR | 5 (25%) | 2 (10%) |" in text
    assert "PR / partial | 4 (20%) | 7 (35%) |" in text  # a pipe in a cell cannot split it
    blocks = table_blocks(text, 0, len(text))
    assert len(blocks) == 1
    start, end = blocks[0]
    assert "CR, complete response." not in text[start:end]  # the footnote is kept apart
    assert "\n\nCR, complete response." in text


def test_jats_table_records_come_from_cells(tmp_path: Path) -> None:
    result = process(load_path(_article(tmp_path)))
    from_table = [r for r in result.records if r.section == "table"]
    assert from_table, result.records
    for record in result.records:
        assert (
            record.text == load_path(_article(tmp_path)).text[record.span.start : record.span.end]
        )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "<tr><th>a</th><th>b</th></tr><tr><td>x</td><td>1</td></tr>",
            ["a | b |", "---|---|", "x | 1 |"],
        ),
        (  # a row label spanning two rows labels both; other spanned cells stay empty
            '<tr><th>g</th><th>v</th><th>p</th></tr><tr><td rowspan="2">A</td><td>1</td>'
            '<td rowspan="2">0.1</td></tr><tr><td>2</td></tr>',
            ["g | v | p |", "---|---|---|", "A | 1 | 0.1 |", "A | 2 | |"],
        ),
        (  # a group row spanning the columns is padded
            '<tr><td colspan="3">Grade 3</td></tr><tr><td>x</td><td>1</td><td>2</td></tr>',
            ["Grade 3 | | |", "x | 1 | 2 |"],
        ),
        ('<tr><td colspan="100000">wide</td></tr>', ["wide |"]),  # absurd spans read as 1
    ],
    ids=["simple", "rowspan", "colspan_group", "absurd_span"],
)
def test_jats_table_lines(rows: str, expected: list[str]) -> None:
    table = parse_xml(f"<table>{rows}</table>".encode(), "t")
    assert table_lines(table) == expected


def test_jats_metadata(tmp_path: Path) -> None:
    meta = load_path(_article(tmp_path)).meta
    assert meta.title == "Drug X in relapsed lymphoma"
    assert meta.authors == ["Ann Smith", "Invented Study Group"]
    assert meta.journal == "Journal of Invented Oncology"
    assert meta.year == 2020
    assert meta.doi == "10.1000/jio.2020.01"
    assert meta.pmid == "12345678"
    assert meta.pmcid == "PMC7654321"
    assert meta.licence == "https://creativecommons.org/licenses/by/4.0/"
    assert meta.nct_ids == ["NCT01234567"]
    assert meta.source_url == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7654321/"
    result = process(load_path(_article(tmp_path)))
    assert result.meta == meta


def test_jats_back_matter_footnotes_and_references(tmp_path: Path) -> None:
    text = load_path(_article(tmp_path)).text
    assert text.index("We thank the patients.") < text.index("Footnotes")
    assert text.index("Footnotes") < text.index("Conflicts of interest") < text.index("References")
    assert "1 Doe J. Lymphoma. Blood. 2001;1:1-2." in text
    assert "Roe Survival Lancet 2002" in text


@pytest.mark.parametrize(
    "xml",
    [
        '<!DOCTYPE article [<!ENTITY e "boom">]><article><body><p>ok &e;</p></body></article>',
        '<!DOCTYPE article [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<article><body><p>a &x; b</p></body></article>",
        '<!DOCTYPE article [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><article><body><p>ok &c;</p></body></article>',
    ],
    ids=["internal_entity", "external_entity", "entity_expansion"],
)
def test_jats_entities_are_not_expanded(xml: str) -> None:
    text = jats_to_text(parse_xml(xml.encode(), "x.xml"), source="x.xml").text
    assert text.startswith(("ok", "a")) and "boom" not in text and "root:" not in text
    assert "aaaa" not in text


def test_jats_named_html_entities_without_dtd() -> None:
    xml = (
        b'<!DOCTYPE article SYSTEM "x.dtd"><article><body><p>a&nbsp;b &alpha;</p></body></article>'
    )
    assert jats_to_text(parse_xml(xml, "x"), source="x").text == "a b \u03b1\n"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("broken.nxml", b"<article><body><p>unclosed</body></article>", "malformed XML"),
        ("other.xml", b"<catalog><item>1</item></catalog>", "unknown kind"),
        ("empty.nxml", b"<article><front/></article>", "without text"),
    ],
)
def test_jats_bad_files_are_one_line_errors(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as info:
        load_bytes(data, name=name)
    message = str(info.value)
    assert message.startswith(name) and reason in message and "\n" not in message


def test_jats_folder_is_discovered(tmp_path: Path) -> None:
    _article(tmp_path)
    _article(tmp_path, name="PMC2.xml")
    assert [p.name for p in discover([tmp_path])] == ["PMC2.xml", "PMC7654321.nxml"]


@pytest.mark.slow
def test_jats_every_corpus_file_ingests() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/pmc_oa_oncology/nxml absent: the real NXML files")
    files = sorted(CORPUS.glob("*.nxml"))
    failures = []
    for path in files:
        try:
            (document,) = load_documents(path)
        except Exception as error:
            failures.append(f"{path.name}: {error}")
            continue
        assert document.doc_id == path.stem
        assert document.meta.pmcid and document.meta.title
        assert "</" not in document.text
    assert not failures, failures


def test_jats_footnote_in_prose_is_kept_apart() -> None:
    xml = (
        b"<article><body><sec><title>Results</title><p>The ORR was 40%"
        b"<fn><p>Assessed centrally.</p></fn> in arm A.</p></sec></body></article>"
    )
    document = load_bytes(xml, name="a.xml")  # an .xml holding an <article> is JATS
    assert document.format == "jats" and document.doc_id == "a"
    assert "The ORR was 40% in arm A." in document.text
    assert document.text.index("Footnotes") < document.text.index("Assessed centrally.")


@pytest.mark.parametrize(
    "body",
    [
        "<p>Untitled opening paragraph of the article body.</p>",
        "<sec><title>Commentary</title><p>Untitled opening paragraph of the article body.</p></sec>",
        "<boxed-text><p>Key box.</p></boxed-text><p>Untitled opening paragraph of the article body.</p>",
    ],
    ids=["untitled_paragraphs", "unknown_heading", "box_first"],
)
def test_jats_body_never_reads_as_the_abstract(body: str) -> None:
    xml = (
        "<article><front><article-meta><abstract><p>Short abstract of the study.</p></abstract>"
        f"</article-meta></front><body>{body}</body></article>"
    ).encode()
    text = load_bytes(xml, name="a.nxml").text
    start = text.index("Untitled opening")
    (section,) = [s for s in split_sections(text) if s.start <= start < s.end]
    assert section.kind != "abstract"


def test_jats_known_first_heading_gets_no_extra_heading() -> None:
    xml = (
        b"<article><front><article-meta><abstract><p>Abstract text.</p></abstract></article-meta>"
        b"</front><body><sec><title>Introduction</title><p>Intro.</p></sec></body></article>"
    )
    assert "Main text" not in load_bytes(xml, name="a.nxml").text


def test_jats_table_footnote_marker_is_set_off_and_the_footnotes_stay_in_the_table() -> None:
    xml = (
        b"<article><body><sec><title>Results</title><p>The ORR was 40% in arm A.</p>"
        b"<table-wrap><label>Table 2</label><caption><p>Responses</p></caption><table>"
        b"<thead><tr><th>Response</th><th>Arm A</th></tr></thead>"
        b"<tbody><tr><td>CR</td><td>10</td></tr></tbody></table>"
        b"<table-wrap-foot><p><sup>a</sup>One sample was not assessable.</p>"
        b"<p>Abbreviations: CR, complete response; PR, partial response; SD, stable disease;"
        b" PD, progressive disease; NA, not assessable; ORR, overall response rate;"
        b" CI, confidence interval; HR, hazard ratio; OS, overall survival.</p>"
        b"</table-wrap-foot></table-wrap></sec>"
        b"<sec><title>Subgroups</title><p>Responses were similar in the subgroups defined by"
        b" age and by stage.</p></sec></body></article>"
    )
    text = load_bytes(xml, name="a.nxml").text
    assert "a One sample was not assessable." in text
    sections = split_sections(text)

    def kind(needle: str) -> str:
        start = text.index(needle)
        return next(s.kind for s in sections if s.start <= start < s.end)

    assert kind("One sample") == "table"
    assert kind("Abbreviations:") == "table"
    assert kind("Responses were similar") == "results"


def test_jats_back_matter_titles_and_untitled_notes() -> None:
    # an <ack> titled "Conflict of interest" holding a titled <sec>; an untitled <notes>
    xml = (
        b"<article><body><sec><title>Discussion</title><p>Drug A was active.</p></sec></body>"
        b"<back><ack><title>Acknowledgements</title><p>We thank the patients.</p>"
        b"<sec><title>Compliance with ethical standards</title><p>The study was approved.</p>"
        b"</sec></ack><ack><title>Conflict of interest</title><p>JD has nothing to disclose.</p>"
        b"<sec><title>Statement of informed consent</title><p>Consent was obtained.</p></sec>"
        b"</ack><notes><p>The authors declare no competing interest.</p></notes></back></article>"
    )
    text = load_bytes(xml, name="a.nxml").text
    assert "Acknowledgements\n\nWe thank" in text
    assert "Conflict of interest\n\nJD has nothing" in text
    assert "Notes\n\nThe authors declare" in text
    sections = split_sections(text)

    def kind(needle: str) -> str:
        start = text.index(needle)
        return next(s.kind for s in sections if s.start <= start < s.end)

    assert kind("We thank") == "acknowledgments"
    assert kind("JD has nothing") == "references"
    assert kind("The authors declare") == "references"
