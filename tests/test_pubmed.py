"""The PubMed source, against recorded E-utilities answers replayed by a local HTTP server.

The real HTTP code path runs (httpx to 127.0.0.1); nothing leaves the machine. The answers are
small invented MEDLINE/PMC records in the shape NCBI sends (and, where ``../shared`` is there,
the real efetch answer in ``../shared/corpus/medline``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from _eutils import Recording, article, esearch, medline, pmc_answer, recorded_eutils
from _paths import ROOT
from trialex import pubmed

TODAY = dt.date(2026, 12, 4)
SHARED_MEDLINE = ROOT.parent / "shared" / "corpus" / "medline"


@pytest.fixture
def eutils() -> Iterator[tuple[str, Recording]]:
    with recorded_eutils() as served:
        yield served


def client(url: str, sleeps: list[float] | None = None, **kwargs: object) -> pubmed.Client:
    record: Callable[[float], None] = sleeps.append if sleeps is not None else lambda s: None
    return pubmed.Client(base_url=url, email="dev@example.org", sleep=record, **kwargs)  # type: ignore[arg-type]


def test_pubmed_fetches_new_articles_one_file_each_and_saves_state(
    eutils: tuple[str, Recording], tmp_path: Path
) -> None:
    url, rec = eutils
    rec.add("esearch", esearch("101", "102"))
    rec.add("efetch", medline(article("101"), article("102")))
    result = pubmed.fetch_new(
        "asthma[ti]", tmp_path / "src", tmp_path, client=client(url), today=TODAY
    )
    assert result.new == ["101", "102"]
    assert sorted(p.name for p in result.files) == ["pmid101.xml", "pmid102.xml"]
    one = (tmp_path / "src" / "pmid101.xml").read_bytes()
    assert one.count(b"<PubmedArticle>") == 1 and b'<PMID Version="1">101</PMID>' in one
    search = rec.calls("esearch")[0]
    assert search["datetype"] == ["edat"] and search["maxdate"] == ["2026/12/04"]
    assert search["mindate"] == ["2026/11/04"]  # first run: the lookback
    assert search["email"] == ["dev@example.org"] and search["tool"] == ["trialex"]
    state = json.loads((tmp_path / pubmed.STATE_FILE).read_text())
    assert state["queries"]["asthma[ti]"]["seen"] == ["101", "102"]
    assert state["queries"]["asthma[ti]"]["last_run"] == "2026/12/04"


def test_pubmed_second_run_with_nothing_new_fetches_nothing_then_exactly_the_new_one(
    eutils: tuple[str, Recording], tmp_path: Path
) -> None:
    url, rec = eutils
    rec.add("esearch", esearch("101", "102"))
    rec.add("esearch", esearch("101", "102"))
    rec.add("esearch", esearch("102", "103"))
    rec.add("efetch", medline(article("101"), article("102")))
    rec.add("efetch", medline(article("103")))
    c = client(url)
    pubmed.fetch_new("q", tmp_path / "src", tmp_path, client=c, today=TODAY)
    again = pubmed.fetch_new("q", tmp_path / "src", tmp_path, client=c, today=TODAY)
    assert again.new == [] and again.files == []
    assert len(rec.calls("efetch")) == 1
    later = pubmed.fetch_new("q", tmp_path / "src", tmp_path, client=c, today=TODAY)
    assert later.new == ["103"]
    assert rec.calls("efetch")[-1]["id"] == ["103"]
    assert rec.calls("esearch")[-1]["mindate"] == ["2026/12/04"]  # since the last run


def test_pubmed_retries_a_429_honouring_retry_after(
    eutils: tuple[str, Recording], tmp_path: Path
) -> None:
    url, rec = eutils
    rec.add("esearch", b"Too Many Requests", status=429, **{"Retry-After": "7"})
    rec.add("esearch", esearch("101"))
    rec.add("efetch", medline(article("101")))
    sleeps: list[float] = []
    result = pubmed.fetch_new(
        "q", tmp_path / "s", tmp_path, client=client(url, sleeps), today=TODAY
    )
    assert result.new == ["101"]
    assert len(rec.calls("esearch")) == 2
    assert 7.0 in sleeps


def test_pubmed_retries_a_truncated_answer_and_gives_up_in_one_line(
    eutils: tuple[str, Recording], tmp_path: Path
) -> None:
    url, rec = eutils
    full = medline(article("101"))
    rec.add("esearch", esearch("101"))
    rec.add("efetch", full[: len(full) // 2])
    rec.add("efetch", full)
    result = pubmed.fetch_new("q", tmp_path / "s", tmp_path, client=client(url), today=TODAY)
    assert [p.name for p in result.files] == ["pmid101.xml"]
    assert len(rec.calls("efetch")) == 2

    rec.answers["efetch"] = [(200, full[:40], {})]
    rec.answers["esearch"] = [(200, esearch("101", "104"), {})]
    with pytest.raises(pubmed.PubMedError, match=r"efetch: truncated answer .* after 3 attempts"):
        pubmed.fetch_new("q", tmp_path / "s", tmp_path, client=client(url, retries=2), today=TODAY)
    state = json.loads((tmp_path / pubmed.STATE_FILE).read_text())
    assert state["queries"]["q"]["seen"] == ["101"]  # the failed run saved nothing


def test_pubmed_query_with_no_results_writes_nothing(
    eutils: tuple[str, Recording], tmp_path: Path
) -> None:
    url, rec = eutils
    rec.add("esearch", esearch())
    result = pubmed.fetch_new("nothing", tmp_path / "s", tmp_path, client=client(url), today=TODAY)
    assert result.found == 0 and result.files == []
    assert rec.calls("efetch") == []


def test_pubmed_esearch_error_is_a_one_line_error(
    eutils: tuple[str, Recording], tmp_path: Path
) -> None:
    url, rec = eutils
    rec.add("esearch", json.dumps({"esearchresult": {"ERROR": "Invalid query"}}).encode())
    with pytest.raises(pubmed.PubMedError, match="esearch: Invalid query"):
        pubmed.fetch_new("((", tmp_path / "s", tmp_path, client=client(url), today=TODAY)


@pytest.mark.parametrize("with_body", [True, False], ids=["open-access", "no-body"])
def test_pubmed_takes_pmc_full_text_where_it_has_a_body(
    eutils: tuple[str, Recording], tmp_path: Path, with_body: bool
) -> None:
    url, rec = eutils
    rec.add("esearch", esearch("101"))
    rec.add("efetch", medline(article("101", pmc="PMC555", cited_pmc="PMC999")))
    rec.answers["efetch"].append((200, pmc_answer(with_body), {}))
    result = pubmed.fetch_new("q", tmp_path / "s", tmp_path, client=client(url), today=TODAY)
    pmc_call = rec.calls("efetch")[-1]
    assert pmc_call["db"] == ["pmc"] and pmc_call["id"] == ["555"]
    names = [p.name for p in result.files]
    assert names == (["PMC555.nxml"] if with_body else ["pmid101.xml"])
    if with_body:
        text = (tmp_path / "s" / "PMC555.nxml").read_bytes()
        assert text.startswith(b"<?xml") and b"<pmc-articleset>" not in text


def test_pubmed_own_pmc_id_ignores_cited_references() -> None:
    assert pubmed.pmc_id(article("1", cited_pmc="PMC999").encode()) is None
    assert pubmed.pmc_id(article("1", pmc="PMC5", cited_pmc="PMC9").encode()) == "PMC5"


def test_pubmed_rate_limit_spaces_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 0.0, 0.1, 0.1])
    monkeypatch.setattr(pubmed.time, "monotonic", lambda: next(clock))
    sleeps: list[float] = []
    c = pubmed.Client(sleep=sleeps.append)
    c._wait_turn()
    c._wait_turn()
    assert sleeps == [pytest.approx(1 / 3 - 0.1)]
    assert pubmed.Client(api_key="k").min_interval_s == pytest.approx(0.1)


@pytest.mark.skipif(not SHARED_MEDLINE.is_dir(), reason="../shared/corpus/medline absent")
def test_pubmed_splits_a_real_efetch_answer(tmp_path: Path) -> None:
    answer = next(SHARED_MEDLINE.glob("*.xml")).read_bytes()
    articles = list(pubmed.split_articles(answer))
    assert [pmid for pmid, _ in articles] == ["29768149"]
    assert articles[0][1].rstrip().endswith(b"</PubmedArticleSet>")
