"""A local stand-in for NCBI E-utilities: scripted answers served over real HTTP on 127.0.0.1.

The answers are small invented MEDLINE/PMC records in the shape NCBI sends them.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse


def article(pmid: str, *, pmc: str | None = None, cited_pmc: str | None = None) -> str:
    ids = f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'
    if pmc:
        ids += f'<ArticleId IdType="pmc">{pmc}</ArticleId>'
    refs = ""
    if cited_pmc:  # a reference's ids must not be taken for the article's own
        refs = (
            "<ReferenceList><Reference><ArticleIdList>"
            f'<ArticleId IdType="pmc">{cited_pmc}</ArticleId>'
            "</ArticleIdList></Reference></ReferenceList>"
        )
    return (
        f'<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>'
        f'<ArticleTitle>Trial {pmid}</ArticleTitle><Abstract><AbstractText Label="RESULTS">'
        "The overall response rate was 45% (18/40).</AbstractText></Abstract></Article>"
        f"</MedlineCitation><PubmedData><ArticleIdList>{ids}</ArticleIdList>{refs}"
        "</PubmedData></PubmedArticle>"
    )


def medline(*articles: str) -> bytes:
    body = "\n".join(articles)
    return f'<?xml version="1.0" ?>\n<PubmedArticleSet>\n{body}\n</PubmedArticleSet>\n'.encode()


def pmc_answer(with_body: bool) -> bytes:
    body = "<body><sec><title>Results</title><p>ORR was 45%.</p></sec></body>" if with_body else ""
    return (
        '<?xml version="1.0" ?>\n<pmc-articleset><article article-type="research-article">'
        f"<front><article-meta><title-group><article-title>T</article-title></title-group>"
        f"</article-meta></front>{body}</article></pmc-articleset>\n"
    ).encode()


def esearch(*pmids: str) -> bytes:
    return json.dumps({"esearchresult": {"count": str(len(pmids)), "idlist": list(pmids)}}).encode()


@dataclass
class Recording:
    """Scripted answers per utility (each a queue; the last one repeats) and the requests."""

    answers: dict[str, list[tuple[int, bytes, dict[str, str]]]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)

    def add(self, utility: str, body: bytes, status: int = 200, **headers: str) -> None:
        self.answers.setdefault(utility, []).append((status, body, headers))

    def take(self, utility: str) -> tuple[int, bytes, dict[str, str]]:
        queue = self.answers.get(utility) or [(404, b"no recording", {})]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def calls(self, utility: str) -> list[dict[str, list[str]]]:
        return [q for u, q in self.requests if u == utility]


@contextlib.contextmanager
def recorded_eutils() -> Iterator[tuple[str, Recording]]:
    """``(base URL, recording)`` of a local server answering ``<utility>.fcgi`` requests."""
    recording = Recording()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            utility = Path(url.path).name.removesuffix(".fcgi")
            recording.requests.append((utility, parse_qs(url.query)))
            status, body, headers = recording.take(utility)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/entrez/eutils", recording
    finally:
        server.shutdown()
        server.server_close()
