# ruff: noqa: E501 (XML fixtures keep their lines)
"""MEDLINE XML (PubmedArticleSet): one document per article, labelled abstract parts as headings,
the Chinese OtherAbstract as the zh abstract, metadata; incremental corpus runs per article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trialex import corpus
from trialex.errors import InputError
from trialex.ingest import load_bytes, load_documents
from trialex.sections import split_sections

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "medline"


def _article(pmid: str, title: str, results: str, *, extra: str = "") -> str:
    return f"""<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">{pmid}</PMID>
<Article PubModel="Print"><Journal><JournalIssue><PubDate><MedlineDate>2019 Jan-Feb</MedlineDate></PubDate></JournalIssue>
<Title>Journal of Invented Haematology</Title></Journal>
<ArticleTitle>{title}</ArticleTitle>
<ELocationID EIdType="doi" ValidYN="Y">10.1000/jih.{pmid}</ELocationID>
<Abstract>
<AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Drug Y is new.</AbstractText>
<AbstractText Label="RESULTS" NlmCategory="RESULTS">{results}</AbstractText>
<AbstractText>Funded by nobody; ClinicalTrials.gov number, NCT07654321.</AbstractText>
</Abstract>
<AuthorList><Author><LastName>Li</LastName><ForeName>Wei</ForeName></Author>
<Author><CollectiveName>Invented Group</CollectiveName></Author></AuthorList>
<DataBankList><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>
<AccessionNumberList><AccessionNumber>NCT01111111</AccessionNumber></AccessionNumberList></DataBank></DataBankList>
</Article>{extra}
</MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId><ArticleId IdType="pmc">PMC99{pmid}</ArticleId></ArticleIdList>
<ReferenceList><Reference><ArticleIdList><ArticleId IdType="doi">10.9999/cited</ArticleId></ArticleIdList></Reference></ReferenceList>
</PubmedData></PubmedArticle>"""


ZH = (
    '<OtherAbstract Type="Publisher" Language="chi"><AbstractText Label="结果">'
    "总缓解率为45%。</AbstractText></OtherAbstract>"
)


def _set(*articles: str) -> bytes:
    return (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        '1st January 2019//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">\n'
        "<PubmedArticleSet>" + "".join(articles) + "</PubmedArticleSet>"
    ).encode()


def _write(path: Path, *articles: str) -> Path:
    path.write_bytes(_set(*articles))
    return path


def test_medline_one_document_per_article(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "search.xml",
        _article("111", "First trial.", "The response rate was 40% (8/20)."),
        _article("222", "Second trial.", "Median OS was 11.2 months.", extra=ZH),
    )
    documents = load_documents(path)
    assert [d.doc_id for d in documents] == ["pmid111", "pmid222"]
    assert all(d.format == "medline" and d.source == str(path) for d in documents)
    assert documents[0].sha256 != documents[1].sha256


def test_medline_labels_are_headings_and_chinese_is_the_zh_abstract(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "a.xml", _article("222", "A trial.", "Median OS was 11 months.", extra=ZH)
    )
    (document,) = load_documents(path)
    lines = document.text.split("\n")
    assert lines[0] == "A trial."
    assert {"Abstract", "BACKGROUND", "RESULTS", "摘要", "结果"} <= set(lines)
    sections = split_sections(document.text)
    zh = [s for s in sections if s.language == "zh"]
    assert zh and all(s.kind == "abstract" for s in zh)
    results = next(s for s in sections if "Median OS" in document.text[s.start : s.end])
    assert results.kind == "abstract"  # structured-abstract labels stay in the abstract


def test_medline_metadata(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.xml", _article("333", "A trial.", "Median OS was 11 months."))
    (document,) = load_documents(path)
    meta = document.meta
    assert meta.title == "A trial."
    assert meta.journal == "Journal of Invented Haematology"
    assert meta.year == 2019  # from a MedlineDate
    assert meta.pmid == "333" and meta.pmcid == "PMC99333"
    assert meta.doi == "10.1000/jih.333"  # not the cited article's DOI
    assert meta.authors == ["Wei Li", "Invented Group"]
    assert meta.nct_ids == ["NCT01111111", "NCT07654321"]
    assert meta.source_url == "https://pubmed.ncbi.nlm.nih.gov/333/"


def test_medline_single_article_by_load_bytes_and_several_refused() -> None:
    one = load_bytes(_set(_article("1", "T.", "x 5%.")), name="one.xml")
    assert one.doc_id == "pmid1"
    with pytest.raises(InputError, match="MEDLINE file of 2 articles"):
        load_bytes(_set(_article("1", "T.", "x."), _article("2", "U.", "y.")), name="two.xml")


def test_medline_corpus_run_is_incremental_per_article(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    out = tmp_path / "out"
    first = _article("111", "First trial.", "The response rate was 40% (8/20).")
    second = _article("222", "Second trial.", "Median OS was 11.2 months.")
    _write(inputs / "search.xml", first, second)
    summary = corpus.run_corpus([inputs], out)
    assert summary["counts"]["new"] == 2 and summary["exit_status"] == 0
    assert {p.name for p in out.glob("pmid*.json")} == {"pmid111.json", "pmid222.json"}
    data = json.loads((out / "pmid111.json").read_text(encoding="utf-8"))
    assert data["meta"]["pmid"] == "111"
    assert corpus.run_corpus([inputs], out)["counts"]["skipped"] == 2
    # a re-fetched file with one article changed and one new: only those two are extracted
    changed = _article("222", "Second trial.", "Median OS was 12.4 months.")
    _write(inputs / "search.xml", first, changed, _article("333", "Third.", "CR 10%."))
    summary = corpus.run_corpus([inputs], out)
    by_id = {d["doc_id"]: d["status"] for d in summary["documents"]}
    assert by_id == {"pmid111": "skipped", "pmid222": "changed", "pmid333": "new"}


def test_medline_malformed_file_fails_alone_in_a_corpus_run(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "bad.xml").write_bytes(b"<PubmedArticleSet><PubmedArticle>")
    (inputs / "ok.txt").write_text("The overall response rate was 40% (8/20).", encoding="utf-8")
    summary = corpus.run_corpus([inputs], tmp_path / "out")
    assert summary["counts"]["failed"] == 1 and summary["counts"]["new"] == 1
    (failure,) = summary["failed"]
    assert "bad.xml: malformed XML" in failure["reason"] and "\n" not in failure["reason"]


def test_medline_real_efetch_answer() -> None:
    files = sorted(SHARED.glob("*.xml")) if SHARED.is_dir() else []
    if not files:
        pytest.skip("../shared/corpus/medline absent: a real efetch answer")
    for path in files:
        documents = load_documents(path)
        assert documents
        for document in documents:
            assert document.doc_id.startswith("pmid")
            assert document.meta.pmid and document.meta.title and document.meta.doi
            assert "RESULTS" in document.text.split("\n")


def test_medline_pubmed_source_files_become_documents_with_metadata(tmp_path: Path) -> None:
    """The files the PubMed source writes (one-article sets, JATS full texts) ingest as their
    articles, ids matching the file names."""
    from trialex import pubmed

    answer = _set(_article("111", "First.", "ORR 40%."), _article("222", "Second.", "CR 10%."))
    for pmid, data in pubmed.split_articles(answer):
        (tmp_path / f"pmid{pmid}.xml").write_bytes(data)
    jats = pubmed.jats_full_text(
        b'<?xml version="1.0" ?><pmc-articleset><article><front><article-meta>'
        b'<article-id pub-id-type="pmc">555</article-id><title-group><article-title>T'
        b"</article-title></title-group></article-meta></front><body><sec><title>Results"
        b"</title><p>ORR was 45%.</p></sec></body></article></pmc-articleset>"
    )
    assert jats is not None
    (tmp_path / "PMC555.nxml").write_bytes(jats)
    plan = corpus.plan_corpus([tmp_path], tmp_path / "out")
    assert [(p.doc_id, p.status) for p in plan] == [
        ("PMC555", "new"),
        ("pmid111", "new"),
        ("pmid222", "new"),
    ]
    for path in sorted(tmp_path.glob("*.*ml")):
        (document,) = load_documents(path)
        assert document.doc_id == path.stem
        assert document.meta.pmid or document.meta.pmcid == "PMC555"
