"""MEDLINE / PubMed XML (``PubmedArticleSet``, as E-utilities ``efetch`` answers): one text and
metadata per article.

Each ``PubmedArticle`` (or ``PubmedBookArticle``) becomes its own document, ``pmid<PMID>``. Its
text is the title, then "Abstract" and each ``AbstractText`` with its ``Label`` as a heading line
of its own (so that structured-abstract labels are read as the abstract's parts), then a Chinese
``OtherAbstract`` under "摘要" (the ``zh`` abstract). Metadata: title, authors, journal, year,
PMID, PMCID, DOI, NCT numbers (``DataBankList`` and the abstract's text), the PubMed address.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from lxml import etree

from trialex.jats import HEADING_ZH, collapse, inline_text, local
from trialex.metadata import clean_doi
from trialex.records import DocumentMeta

__all__ = ["MedlineArticle", "medline_articles"]

ARTICLE_TAGS = frozenset({"PubmedArticle", "PubmedBookArticle"})
CHINESE = frozenset({"chi", "zho", "zh"})
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
_NCT = re.compile(r"NCT\d{8}(?!\d)")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True)
class MedlineArticle:
    """One article of a MEDLINE file: its document id, the sha256 of its XML, text, metadata."""

    doc_id: str
    sha256: str
    text: str
    meta: DocumentMeta


def article_elements(root: etree._Element) -> list[etree._Element]:
    if local(root) in ARTICLE_TAGS:
        return [root]
    return [child for child in root if local(child) in ARTICLE_TAGS]


def _find(node: etree._Element | None, *names: str) -> etree._Element | None:
    """The first descendant of ``node`` along the path of local names ``names``."""
    for name in names:
        if node is None:
            return None
        node = next((c for c in node.iter() if c is not node and local(c) == name), None)
    return node


def _all(node: etree._Element | None, name: str) -> list[etree._Element]:
    if node is None:
        return []
    return [c for c in node.iter() if local(c) == name]


def _text(node: etree._Element | None) -> str:
    return inline_text(node) if node is not None else ""


def _abstract_lines(abstract: etree._Element | None, heading: str) -> list[str]:
    if abstract is None:
        return []
    blocks: list[str] = []
    for part in abstract:
        if local(part) != "AbstractText":
            continue
        text = _text(part)
        label = collapse(part.get("Label") or "")
        if label and label.upper() not in {"UNLABELLED", "UNASSIGNED"}:
            blocks.append(label)
        if text:
            blocks.append(text)
    return [heading, *blocks] if blocks else []


def article_text(article: etree._Element) -> str:
    citation = _find(article, "MedlineCitation")
    scope = citation if citation is not None else article
    title = _text(_find(scope, "ArticleTitle")) or _text(_find(scope, "BookTitle"))
    vernacular = _text(_find(scope, "VernacularTitle"))
    blocks = [b for b in (title, vernacular) if b]
    abstract = _find(scope, "Abstract")
    blocks += _abstract_lines(abstract, "Abstract")
    for other in _all(scope, "OtherAbstract"):
        if (other.get("Language") or "").lower() in CHINESE:
            blocks += _abstract_lines(other, HEADING_ZH)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def article_meta(article: etree._Element) -> DocumentMeta:
    citation = _find(article, "MedlineCitation")
    scope = citation if citation is not None else article
    pmid = (
        collapse("".join(_find(scope, "PMID").itertext()))
        if _find(scope, "PMID") is not None
        else ""
    )
    data: dict[str, object] = {}
    if pmid.isdigit():
        data["pmid"] = pmid
        data["source_url"] = PUBMED_URL.format(pmid=pmid)
    title = _text(_find(scope, "ArticleTitle")) or _text(_find(scope, "BookTitle"))
    data["title"] = title or None
    journal = _find(scope, "Journal")
    data["journal"] = _text(_find(journal, "Title")) or _text(_find(journal, "ISOAbbreviation"))
    data["year"] = _pub_year(scope)
    authors = []
    for author in _all(_find(scope, "AuthorList"), "Author"):
        collective = _text(_find(author, "CollectiveName"))
        names = [_text(_find(author, "ForeName")), _text(_find(author, "LastName"))]
        name = " ".join(n for n in names if n) or collective
        if name:
            authors.append(name)
    data["authors"] = authors
    for location in _all(scope, "ELocationID"):
        if (location.get("EIdType") or "").lower() == "doi":
            data["doi"] = clean_doi(_text(location))
            break
    for article_id in _all(article, "ArticleId"):
        if article_id.getparent() is not None and local(article_id.getparent()) != "ArticleIdList":
            continue
        if any(local(a) == "ReferenceList" for a in article_id.iterancestors()):
            continue  # identifiers of cited articles
        kind = (article_id.get("IdType") or "").lower()
        value = _text(article_id)
        if kind == "doi" and not data.get("doi"):
            data["doi"] = clean_doi(value)
        elif kind == "pmc" and value.upper().startswith("PMC"):
            data.setdefault("pmcid", value.upper())
    data["nct_ids"] = _trial_numbers(scope)
    return DocumentMeta(**{k: v for k, v in data.items() if v not in (None, "", [])})


def _pub_year(scope: etree._Element) -> int | None:
    for path in (("JournalIssue", "PubDate"), ("ArticleDate",), ("PubDate",)):
        date = _find(scope, *path)
        if date is None:
            continue
        year = _text(_find(date, "Year"))
        if year.isdigit():
            return int(year)
        found = _YEAR.search(_text(_find(date, "MedlineDate")))
        if found:
            return int(found.group(1))
    return None


def _trial_numbers(scope: etree._Element) -> list[str]:
    found: list[str] = []
    for bank in _all(scope, "DataBank"):
        name = _text(_find(bank, "DataBankName")).lower()
        for number in _all(bank, "AccessionNumber"):
            value = _text(number)
            if (name.startswith("clinicaltrials") or _NCT.fullmatch(value)) and value not in found:
                found.append(value)
    for abstract in [_find(scope, "Abstract"), *_all(scope, "OtherAbstract")]:
        if abstract is None:
            continue
        for number in _NCT.findall(" ".join(abstract.itertext())):
            if number not in found:
                found.append(number)
    return found


def medline_articles(root: etree._Element, *, fallback_id: str) -> list[MedlineArticle]:
    """Every article of a MEDLINE file, in file order; ids ``pmid<PMID>`` (``<fallback_id>_<n>``
    for an article without a PMID)."""
    articles: list[MedlineArticle] = []
    for index, element in enumerate(article_elements(root), start=1):
        meta = article_meta(element)
        doc_id = f"pmid{meta.pmid}" if meta.pmid else f"{fallback_id}_{index}"
        sha = hashlib.sha256(etree.tostring(element, with_tail=False)).hexdigest()
        articles.append(MedlineArticle(doc_id, sha, article_text(element), meta))
    return articles
