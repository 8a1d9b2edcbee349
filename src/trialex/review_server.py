"""``trialex review``: a local web app over an output folder (standard library HTTP server).

Every request must carry the app's token (``?token=`` or the ``X-Trialex-Token`` header,
compared with :func:`hmac.compare_digest`), else 403. Documents are named by the stem of a
``<doc_id>.json`` found in the folder (with its ``.txt``); any other name is 404, so no path
outside the folder is ever opened. When bound to a loopback address, a request whose ``Host``
is not that address is refused (DNS rebinding). Decisions are serialised by one lock and saved
atomically before the answer is sent.

Routes: ``GET /`` (documents), ``GET /doc/<id>`` (review page), ``GET /api/doc/<id>`` (state as
JSON), ``POST /api/doc/<id>/decide`` (``{"action", "mark", "changes", "selection"}``),
``POST /api/doc/<id>/undo``.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from trialex.errors import TrialexError
from trialex.review import (
    ReviewedDocument,
    ReviewError,
    apply_decision,
    open_document,
    result_files,
    review_state,
    save_review,
    selection_span,
    undo,
)
from trialex.review_page import CSP, render_review_index, render_review_page

logger = logging.getLogger(__name__)

MAX_BODY = 1 << 20
TOKEN_HEADER = "X-Trialex-Token"


@dataclass
class ReviewApp:
    """What the handler needs: the folder, the token, the reviewer's name."""

    out_dir: Path
    reviewer: str
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def documents(self) -> dict[str, Path]:
        return result_files(self.out_dir)

    def document(self, key: str) -> ReviewedDocument | None:
        path = self.documents().get(key)
        return open_document(path) if path is not None else None

    def authorised(self, supplied: str | None) -> bool:
        return supplied is not None and hmac.compare_digest(
            supplied.encode("utf-8", "surrogateescape"), self.token.encode("utf-8")
        )


def _state_json(doc: ReviewedDocument) -> dict[str, Any]:
    review = doc.load()
    state = review_state(doc.result, doc.text, review)
    return {
        "doc_id": doc.doc_id,
        "decisions": len(review.decisions),
        "stale": len(state.stale),
        "records": [
            {
                "id": s.id,
                "status": s.status,
                "record": s.current.model_dump(mode="json") if s.current else None,
            }
            for s in state.records
        ],
    }


def make_handler(app: ReviewApp, allowed_hosts: frozenset[str] | None) -> type:
    class Handler(BaseHTTPRequestHandler):
        server_version = "trialex-review"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            logger.info("%s %s", self.address_string(), format % args)

        # -- responses --

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, data: Mapping[str, Any]) -> None:
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self._send(status, body, "application/json; charset=utf-8")

        def _html(self, text: str) -> None:
            self._send(HTTPStatus.OK, text.encode("utf-8"), "text/html; charset=utf-8")

        def _error(self, status: int, message: str) -> None:
            self._json(status, {"error": message})

        # -- routing --

        def _route(self) -> tuple[list[str], str] | None:
            """The path's segments and the query string to keep in links, or None (answered)."""
            url = urlsplit(self.path)
            if allowed_hosts is not None and self.headers.get("Host", "") not in allowed_hosts:
                self._error(HTTPStatus.FORBIDDEN, "unexpected Host header")
                return None
            supplied = self.headers.get(TOKEN_HEADER)
            if supplied is None:
                supplied = (parse_qs(url.query).get("token") or [None])[0]
            if not app.authorised(supplied):
                self._error(HTTPStatus.FORBIDDEN, "missing or wrong token")
                return None
            parts = [unquote(p) for p in url.path.split("/") if p]
            return parts, "?token=" + app.token

        def _doc(self, key: str) -> ReviewedDocument | None:
            doc = app.document(key)
            if doc is None:
                self._error(HTTPStatus.NOT_FOUND, "no such document in the output folder")
            return doc

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            routed = self._route()
            if routed is None:
                return
            parts, query = routed
            try:
                if not parts:
                    self._html(self._index(query))
                elif len(parts) == 2 and parts[0] == "doc":
                    doc = self._doc(parts[1])
                    if doc is not None:
                        state = review_state(doc.result, doc.text, doc.load())
                        page = render_review_page(
                            doc.result,
                            doc.text,
                            state,
                            reviewer=app.reviewer,
                            doc_key=parts[1],
                            query=query,
                        )
                        self._html(page)
                elif len(parts) == 3 and parts[:2] == ["api", "doc"]:
                    doc = self._doc(parts[2])
                    if doc is not None:
                        self._json(HTTPStatus.OK, _state_json(doc))
                else:
                    self._error(HTTPStatus.NOT_FOUND, "not found")
            except TrialexError as error:
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))

        def do_POST(self) -> None:
            routed = self._route()
            if routed is None:
                return
            parts, _ = routed
            if len(parts) != 4 or parts[:2] != ["api", "doc"] or parts[3] not in ("decide", "undo"):
                self._error(HTTPStatus.NOT_FOUND, "not found")
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_BODY:
                self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
                return
            try:
                payload = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._error(HTTPStatus.BAD_REQUEST, "the body is not JSON")
                return
            if not isinstance(payload, dict):
                self._error(HTTPStatus.BAD_REQUEST, "the body is not a JSON object")
                return
            with app.lock:
                doc = self._doc(parts[2])
                if doc is None:
                    return
                try:
                    focus = self._change(doc, parts[3], payload)
                except ReviewError as error:
                    self._error(HTTPStatus.BAD_REQUEST, str(error))
                    return
                except TrialexError as error:
                    self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
                    return
            self._json(HTTPStatus.OK, {"ok": True, "focus": focus, **_state_json(doc)})

        def _change(self, doc: ReviewedDocument, verb: str, payload: dict[str, Any]) -> str | None:
            review = doc.load()
            if verb == "undo":
                if not review.decisions:
                    raise ReviewError("nothing to undo")
                last = review.decisions[-1]
                save_review(doc.review_path, undo(review))
                target = last.target or last.after
                return _mark_of(doc, target)
            action = payload.get("action")
            if action not in ("accept", "reject", "edit", "add"):
                raise ReviewError(f"unknown action {action!r}")
            changes = payload.get("changes") or {}
            if not isinstance(changes, dict):
                raise ReviewError("changes: not an object")
            span = None
            if action == "add":
                sel = payload.get("selection")
                if not isinstance(sel, dict):
                    raise ReviewError("add: no selection")
                try:
                    found = selection_span(
                        doc.text,
                        int(sel["section_start"]),
                        int(sel["from"]),
                        int(sel["to"]),
                        str(sel["text"]),
                    )
                except (KeyError, TypeError, ValueError):
                    raise ReviewError("add: bad selection") from None
                span = (found.start, found.end)
            mark = payload.get("mark")
            updated = apply_decision(
                doc.result,
                doc.text,
                review,
                action,
                mark_id=str(mark) if mark is not None else None,
                changes=changes,
                span=span,
                reviewer=app.reviewer,
            )
            save_review(doc.review_path, updated)
            if action == "add":
                added = [s for s in review_state(doc.result, doc.text, updated).records]
                return added[-1].id
            return str(mark)

        def _index(self, query: str) -> str:
            rows = []
            for key, path in app.documents().items():
                try:
                    doc = open_document(path)
                    state = review_state(doc.result, doc.text, doc.load())
                except TrialexError as error:
                    logger.warning("%s", error)
                    continue
                rows.append(
                    {
                        "key": key,
                        "doc_id": doc.doc_id,
                        "records": len(doc.result.records),
                        "reviewed": sum(
                            1 for s in state.records if s.status != "pending" and s.id[0] == "r"
                        ),
                        "added": sum(1 for s in state.records if s.id[0] == "a"),
                        "pending": state.pending,
                        "stale": len(state.stale),
                    }
                )
            return render_review_index(rows, str(app.out_dir), app.reviewer, query)

    return Handler


def _mark_of(doc: ReviewedDocument, record: Any) -> str | None:
    if record is None:
        return None
    state = review_state(doc.result, doc.text, doc.load())
    for s in state.records:
        if s.original.span == record.span and s.original.value == record.value:
            return s.id
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(app: ReviewApp, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A server for ``app`` bound to ``host:port`` (port 0: any free port); not started."""
    server = ThreadingHTTPServer((host, port), make_handler(app, None))
    bound = server.server_address[1]
    if _loopback(host):
        names = {host, "127.0.0.1", "localhost", "[::1]"}
        hosts = frozenset(f"{n}:{bound}" for n in names)
        server.RequestHandlerClass = make_handler(app, hosts)
    server.daemon_threads = True
    return server


def app_url(server: ThreadingHTTPServer, app: ReviewApp) -> str:
    host, port = server.server_address[:2]
    shown = f"[{host}]" if ":" in str(host) else str(host)
    return f"http://{shown}:{port}/?token={app.token}"
