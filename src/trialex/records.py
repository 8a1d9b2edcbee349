"""The data contract of trialex: documents, sections, records and document results.

Everything another tool reads (``extracted/<doc_id>.json``) is defined here as a pydantic model
with ``extra="forbid"``; ``schema/record.schema.json`` is generated from :class:`DocumentResult`
(``python -m trialex.records`` rewrites it; a test keeps it in sync).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)

from trialex.endpoints import LiveOrder, bundled, check_code

SectionKind = Literal[
    "front_matter",
    "key_points",
    "abstract",
    "introduction",
    "methods",
    "results",
    "discussion",
    "conclusion",
    "table",
    "acknowledgments",
    "references",
    "boilerplate",
    "other",
]
SECTION_KINDS: tuple[str, ...] = SectionKind.__args__  # type: ignore[attr-defined]


class _RegistryCodes:
    """The JSON schema of an endpoint code: the codes of the bundled registry
    (``resources/endpoints.json``, :mod:`trialex.endpoints`); a rules folder may add codes."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: GetJsonSchemaHandler) -> Any:
        return {"enum": list(bundled().order()), "type": "string"}


# an endpoint code: one of the registry in force (trialex.endpoints, resources/endpoints.json)
Endpoint = Annotated[str, AfterValidator(check_code), _RegistryCodes]


Statistic = Literal[
    "proportion",
    "count",
    "median",
    "mean",
    "rate",
    "hazard_ratio",
    "odds_ratio",
    "risk_ratio",
    "p_value",
]
STATISTICS: tuple[str, ...] = Statistic.__args__  # type: ignore[attr-defined]

# the endpoint codes in registry order, of the registry in force (a live sequence)
ENDPOINTS: Sequence[str] = LiveOrder()

Origin = Literal["this_study", "cited"]
POp = Literal["=", "<", ">", "<=", ">="]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Character offsets into the document text; ``end`` is exclusive."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        return self


class Timepoint(_Model):
    """The time point of a ``rate`` ("36% at 1 year" -> value 1, unit "years")."""

    value: float
    unit: str


class Flag(_Model):
    """A validation warning: a stable machine code and a sentence for people."""

    code: str
    message: str


class Record(_Model):
    """One mention of a numeric endpoint, as specified by ``fixtures/gold/GUIDELINES.md``."""

    endpoint: Endpoint
    statistic: Statistic
    value: float
    unit: str | None = None
    n: int | None = None
    N: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = None
    p_op: POp | None = None
    p_value: float | None = None
    timepoint: Timepoint | None = None
    group: str | None = None
    label: str | None = None
    origin: Origin = "this_study"
    language: str = "en"
    section: SectionKind = "other"
    span: Span
    text: str
    extractor: str
    confidence: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="How sure assembly is of this record (0-1), from the evidence it used: "
        "how the endpoint was linked, the term's distance, the section, validation warnings.",
    )
    warnings: list[Flag] = Field(default_factory=list)


class Section(_Model):
    """A contiguous block of the text; the sections of a document tile it without gaps."""

    kind: SectionKind
    title: str | None = None
    language: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class DocumentMeta(_Model):
    """Bibliographic metadata of a document, so that a record can be tied to its citation.

    Every field is optional: JATS and MEDLINE XML fill most of them; for plain text and HTML
    only identifiers found safely by pattern in the front matter (DOI, PMID, PMCID, NCT ids).
    """

    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    nct_ids: list[str] = Field(default_factory=list)
    licence: str | None = None
    source_url: str | None = None

    def is_empty(self) -> bool:
        return self == DocumentMeta()


class DocumentResult(_Model):
    """The content of ``extracted/<doc_id>.json``: the contract other tools read."""

    doc_id: str
    source: str
    sha256: str
    pipeline_version: str
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    languages: list[str]
    sections: list[Section]
    records: list[Record]
    warnings: list[Flag] = Field(default_factory=list)


@dataclass(frozen=True)
class Document:
    """An ingested article: the exact text every offset points into, and where it came from.

    ``text`` is the decoded file exactly as it is for ``.txt``/``.md`` (no newline translation)
    and the extracted text for HTML and PDF. ``warnings`` carries ingestion notes (for example
    a PDF page without a text layer) into the document result; ``meta`` its bibliographic
    metadata.
    """

    doc_id: str
    source: str
    sha256: str
    text: str
    format: str = "txt"
    warnings: tuple[Flag, ...] = field(default_factory=tuple)
    meta: DocumentMeta = field(default_factory=DocumentMeta)


SCHEMA_PATH = Path(__file__).parent / "schema" / "record.schema.json"


def json_schema() -> dict[str, object]:
    """The JSON Schema of a document result (``extracted/<doc_id>.json``)."""
    schema = DocumentResult.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://trialex.invalid/schema/record.schema.json"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(write_schema())
