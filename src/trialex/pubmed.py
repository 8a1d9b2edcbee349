"""New literature from PubMed: NCBI E-utilities ``esearch`` + ``efetch``, incremental by date.

:func:`fetch_new` asks ``esearch`` for the PMIDs a query matches with an entry date (``edat``)
since the last successful run, fetches the new ones as MEDLINE XML (``efetch``, 200 a request)
and writes one file per article into a folder: ``PMC<id>.nxml`` (the JATS full text) where the
article is in PMC with a body (the open-access subset; other PMC records carry no ``<body>``),
``pmid<PMID>.xml`` (a one-article ``PubmedArticleSet``) otherwise. The corpus run then reads
those files like any other input. A state file (``_pubmed.json``, written atomically) keeps, per
query, the date of the last successful run and the PMIDs already fetched, so a run with nothing
new fetches nothing.

The client is plain ``httpx`` (already a dependency, through Prefect) rather than
``Bio.Entrez``: Biopython would add a large dependency for four GET requests, and its module-level
configuration (email, base URL, rate) is global state that tests cannot point at a local
recording. Here: NCBI's rate limit (3 requests/s, 10 with an API key), retries with exponential
backoff on 429 / 5xx / transport errors / truncated answers (honouring ``Retry-After``), and a
one-line :class:`PubMedError` when retries run out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from trialex.errors import TrialexError
from trialex.io import atomic_write_text

logger = logging.getLogger(__name__)

EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
STATE_FILE = "_pubmed.json"
FETCH_BATCH = 200
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
DATE_FORMAT = "%Y/%m/%d"

_ARTICLE = re.compile(
    rb"<(PubmedArticle|PubmedBookArticle)>.*?</\1>", re.DOTALL
)  # one article of a PubmedArticleSet, bytes as NCBI sent them
_PMID = re.compile(rb"<PMID[^>]*>(\d+)</PMID>")
_JATS_ARTICLE = re.compile(rb"<article[\s>].*</article>", re.DOTALL)
_XML_HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class PubMedError(TrialexError):
    """E-utilities failed after its retries, or answered something unreadable (one line)."""


@dataclass
class Client:
    """A polite E-utilities client: rate-limited, retrying, identifying itself (tool, email)."""

    base_url: str = EUTILS_URL
    email: str | None = None
    api_key: str | None = None
    retries: int = 4
    backoff_s: float = 1.0
    timeout_s: float = 30.0
    tool: str = "trialex"
    sleep: Callable[[float], None] = time.sleep
    _last: float = field(default=float("-inf"), repr=False)
    _http: httpx.Client | None = field(default=None, repr=False)
    _retry_after: str | None = field(default=None, repr=False)

    @property
    def min_interval_s(self) -> float:
        return 1.0 / (10.0 if self.api_key else 3.0)

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {"tool": self.tool}
        if self.email:
            extra["email"] = self.email
        if self.api_key:
            extra["api_key"] = self.api_key
        return {**params, **extra}

    def _wait_turn(self) -> None:
        delay = self._last + self.min_interval_s - time.monotonic()
        if delay > 0:
            self.sleep(delay)
        self._last = time.monotonic()

    def get(self, utility: str, params: dict[str, Any], complete: Callable[[bytes], bool]) -> bytes:
        """GET ``<base>/<utility>.fcgi``; retried while the answer is an error or incomplete."""
        url = f"{self.base_url.rstrip('/')}/{utility}.fcgi"
        http = self._http or httpx.Client(timeout=self.timeout_s, follow_redirects=True)
        self._http = http
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self._backoff(attempt, problem))
            self._wait_turn()
            try:
                response = http.get(url, params=self._params(params))
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}"
                continue
            if response.status_code in RETRY_STATUS:
                problem = f"HTTP {response.status_code}"
                self._retry_after = response.headers.get("Retry-After")
                continue
            if response.status_code != 200:
                raise PubMedError(f"{utility}: HTTP {response.status_code} from {url}")
            if not complete(response.content):
                problem = f"truncated answer ({len(response.content)} bytes)"
                continue
            return response.content
        raise PubMedError(f"{utility}: {problem} after {self.retries + 1} attempts ({url})")

    def _backoff(self, attempt: int, problem: str) -> float:
        wait = self.backoff_s * 2 ** (attempt - 1)
        if problem.startswith("HTTP 429") and self._retry_after:
            with contextlib.suppress(ValueError):
                wait = max(wait, float(self._retry_after))
        self._retry_after = None
        return wait

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # ---- the utilities --------------------------------------------------------------------

    def esearch(
        self, term: str, *, mindate: str | None, maxdate: str, retmax: int = 10000
    ) -> list[str]:
        """PMIDs matching ``term`` with an entry date in [mindate, maxdate] (``YYYY/MM/DD``)."""
        params: dict[str, Any] = {
            "db": "pubmed",
            "term": term,
            "retmode": "json",
            "retmax": retmax,
            "datetype": "edat",
            "maxdate": maxdate,
            "mindate": mindate or "1800/01/01",
        }
        body = self.get("esearch", params, _is_json)
        result = json.loads(body).get("esearchresult", {})
        if "ERROR" in result:
            raise PubMedError(f"esearch: {result['ERROR']}")
        return [str(i) for i in result.get("idlist", [])]

    def efetch_medline(self, pmids: list[str]) -> bytes:
        params = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml"}
        return self.get("efetch", params, _ends_with(b"</PubmedArticleSet>"))

    def efetch_pmc(self, pmcid: str) -> bytes:
        params = {"db": "pmc", "id": pmcid.removeprefix("PMC"), "retmode": "xml"}
        return self.get("efetch", params, _ends_with(b"</pmc-articleset>"))


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _ends_with(tag: bytes) -> Callable[[bytes], bool]:
    return lambda body: body.rstrip().endswith(tag)


# ---- MEDLINE / PMC answers, as bytes (the reader of each file parses it properly later) ----


def split_articles(medline: bytes) -> Iterator[tuple[str, bytes]]:
    """``(pmid, one-article PubmedArticleSet)`` for each article of an efetch answer."""
    for match in _ARTICLE.finditer(medline):
        chunk = match.group(0)
        pmid = _PMID.search(chunk)
        if pmid is None:
            continue
        body = b"<PubmedArticleSet>\n" + chunk + b"\n</PubmedArticleSet>\n"
        yield pmid.group(1).decode(), _XML_HEADER + body


def pmc_id(article: bytes) -> str | None:
    """The article's own PMC id (``PMC123``), from PubmedData's ArticleIdList — not from the
    ids of the references it cites."""
    start = article.find(b"<PubmedData>")
    if start == -1:
        return None
    end = article.find(b"</ArticleIdList>", start)
    ids = article[start:end] if end != -1 else b""
    found = re.search(rb'<ArticleId IdType="pmc">\s*(PMC\d+)\s*</ArticleId>', ids)
    return found.group(1).decode() if found else None


def jats_full_text(answer: bytes) -> bytes | None:
    """The ``<article>`` of a PMC efetch answer when it has a body (open access), else None."""
    found = _JATS_ARTICLE.search(answer)
    if found is None or b"<body" not in found.group(0):
        return None
    return _XML_HEADER + found.group(0) + b"\n"


# ---- state and the incremental fetch ----------------------------------------------------------


def read_state(out_dir: Path) -> dict[str, Any]:
    path = Path(out_dir) / STATE_FILE
    if not path.is_file():
        return {"queries": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise PubMedError(f"{path}: unreadable state file ({error})") from None
    data.setdefault("queries", {})
    return data  # type: ignore[no-any-return]


def write_state(out_dir: Path, state: dict[str, Any]) -> None:
    atomic_write_text(Path(out_dir) / STATE_FILE, json.dumps(state, indent=2, sort_keys=True))


@dataclass
class FetchResult:
    query: str
    mindate: str | None
    maxdate: str
    found: int
    new: list[str]
    files: list[Path]
    full_texts: int


def _write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` beside ``path`` and rename it over: never a half-written article."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def fetch_new(
    query: str,
    dest: Path,
    state_dir: Path,
    *,
    client: Client,
    today: dt.date | None = None,
    lookback_days: int = 30,
    max_results: int = 1000,
    full_text: bool = True,
) -> FetchResult:
    """Fetch what ``query`` matches that no earlier run fetched; write one file per article.

    The first run of a query looks back ``lookback_days``; later runs ask from the day of the
    last successful run (inclusive: PMIDs already seen are dropped). The state is saved only
    after every file is written, so a failed run is simply repeated.
    """
    today = today or dt.date.today()
    state = read_state(state_dir)
    entry = state["queries"].get(query, {})
    seen = set(entry.get("seen", []))
    mindate = entry.get("last_run") or (today - dt.timedelta(days=lookback_days)).strftime(
        DATE_FORMAT
    )
    maxdate = today.strftime(DATE_FORMAT)
    pmids = client.esearch(query, mindate=mindate, maxdate=maxdate, retmax=max_results)
    new = [p for p in pmids if p not in seen]
    dest.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    full_texts = 0
    for batch in _chunks(new, FETCH_BATCH):
        for pmid, article in split_articles(client.efetch_medline(batch)):
            pmc = pmc_id(article) if full_text else None
            jats = jats_full_text(client.efetch_pmc(pmc)) if pmc else None
            if jats is not None:
                path = _write_bytes(dest / f"{pmc}.nxml", jats)
                full_texts += 1
            else:
                path = _write_bytes(dest / f"pmid{pmid}.xml", article)
            files.append(path)
    entry = {
        "last_run": maxdate,
        "seen": sorted(seen | set(new), key=int),
        "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    state["queries"][query] = entry
    write_state(state_dir, state)
    logger.info("pubmed %r: %d found, %d new, %d files", query, len(pmids), len(new), len(files))
    return FetchResult(query, mindate, maxdate, len(pmids), new, files, full_texts)


def sources_dir(out_dir: Path) -> Path:
    """Where a corpus run keeps the articles it fetched: inside its output folder."""
    return Path(out_dir) / "sources" / "pubmed"


def fetch_for_run(
    query: str, out_dir: Path, settings: Any, today: dt.date | None = None
) -> dict[str, Any]:
    """Fetch what is new for ``query`` into :func:`sources_dir` with the client that
    ``settings`` (:class:`trialex.settings.Settings`) describe; a summary for the run."""
    client = Client(
        base_url=settings.eutils_url, email=settings.pubmed_email, api_key=settings.pubmed_api_key
    )
    try:
        result = fetch_new(
            query,
            sources_dir(out_dir),
            Path(out_dir),
            client=client,
            today=today,
            lookback_days=settings.pubmed_lookback_days,
            max_results=settings.pubmed_max_results,
        )
    finally:
        client.close()
    return {
        "query": result.query,
        "mindate": result.mindate,
        "maxdate": result.maxdate,
        "found": result.found,
        "new": len(result.new),
        "full_texts": result.full_texts,
        "folder": str(sources_dir(out_dir)),
    }
