"""The one entry point everyone calls: documents in, document results out.

``process`` handles one document, ``process_many`` streams any number through ``nlp.pipe`` in
batches. A document whose processing raises is isolated and reported by ``on_error``; the
others in its batch are still processed.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from trialex import PIPELINE_VERSION
from trialex.limits import time_limit
from trialex.nlp import get_nlp
from trialex.records import Document, DocumentResult
from trialex.settings import Settings, default_settings

logger = logging.getLogger(__name__)

ErrorHandler = Callable[[Document, Exception], None]

# Documents processed outside memory zones to warm the tokenizer cache, then documents per spaCy
# memory zone (see process_many).
WARM_UP_DOCS = 64
MEMORY_ZONE_DOCS = 256


def to_result(document: Document, doc: Doc) -> DocumentResult:
    """Turn a processed spaCy ``Doc`` into the document result of ``document``."""
    sections = list(doc._.sections or [])
    languages = list(doc._.languages or sorted({s.language for s in sections if s.language}))
    return DocumentResult(
        doc_id=document.doc_id,
        source=document.source,
        sha256=document.sha256,
        pipeline_version=PIPELINE_VERSION,
        meta=document.meta,
        languages=languages,
        sections=sections,
        records=list(doc._.records or []),
        warnings=[*document.warnings, *(doc._.doc_warnings or [])],
    )


def process(
    document: Document, *, nlp: Language | None = None, settings: Settings | None = None
) -> DocumentResult:
    nlp = nlp or get_nlp(settings)
    doc = nlp(document.text)
    try:
        return to_result(document, doc)
    finally:
        release(doc)


def _raise(document: Document, error: Exception) -> None:
    raise error


def process_many(
    documents: Iterable[Document],
    *,
    nlp: Language | None = None,
    settings: Settings | None = None,
    batch_size: int | None = None,
    on_error: ErrorHandler = _raise,
) -> Iterator[tuple[Document, DocumentResult]]:
    """Yield ``(document, result)`` for each document, streaming in batches through ``nlp.pipe``.

    Memory stays flat: only one batch of documents is held at a time.
    """
    settings = settings or default_settings()
    nlp = nlp or get_nlp(settings)
    size = batch_size or settings.batch_size
    limit = settings.doc_timeout_s
    iterator = iter(documents)
    exhausted = False
    warm = 0
    while not exhausted:
        # The first documents of a process run outside any memory zone, so the tokenizer caches
        # the field's common words once (spaCy does not update its cache inside a zone). After
        # that, each memory zone frees the strings its documents added to the shared vocabulary,
        # so a long run over ever-new text stays flat. Results are plain pydantic objects: no Doc
        # outlives its zone.
        zone = contextlib.nullcontext() if warm < WARM_UP_DOCS else nlp.memory_zone()
        with zone:
            done = 0
            while done < MEMORY_ZONE_DOCS:
                batch = list(islice(iterator, size))
                if not batch:
                    exhausted = True
                    break
                yield from _process_batch(batch, nlp, limit * len(batch), limit, on_error)
                done += len(batch)
                if warm < WARM_UP_DOCS:
                    warm += len(batch)
                    if warm >= WARM_UP_DOCS:
                        break
        # whatever cyclic garbage release() did not break (a failed batch's Docs, components
        # of other pipelines): one full collection per zone
        gc.collect()


def _process_batch(
    batch: list[Document],
    nlp: Language,
    batch_limit: float,
    doc_limit: float,
    on_error: ErrorHandler,
) -> Iterator[tuple[Document, DocumentResult]]:
    try:
        # The batch shares the time budget of its documents; over it, or on any error, the
        # documents are redone one by one so that only the culprit fails.
        with time_limit(batch_limit, f"batch of {len(batch)} documents"):
            docs = list(nlp.pipe((d.text for d in batch), batch_size=len(batch)))
    except Exception:
        logger.debug("batch failed, retrying its documents one by one", exc_info=True)
        for document in batch:
            try:
                with time_limit(doc_limit, document.source):
                    result = process(document, nlp=nlp)
            except Exception as error:
                on_error(document, error)
                continue
            yield document, result
        return
    for document, doc in zip(batch, docs, strict=True):
        try:
            result = to_result(document, doc)
        except Exception as error:
            on_error(document, error)
            continue
        finally:
            release(doc)
        yield document, result


def release(doc: Doc) -> None:
    """Free ``doc`` as soon as it is dropped. A processed Doc is cyclic garbage: its
    ``user_data`` holds Spans of itself (the abbreviations and their long forms, the term
    sources), so it would wait for a full collection, which the collector, counting objects and
    not the Docs' arrays, runs too rarely (peak memory grew 269 -> 310 MB over 100 -> 234 real
    full texts). The result is built: nothing reads the Doc again."""
    doc.user_data.clear()
