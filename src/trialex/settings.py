"""Settings: limits, models and rules, from keyword arguments or ``TRIALEX_*`` variables."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MAX_FILE_MB = 64.0
DEFAULT_MAX_PAGES = 500
DEFAULT_DOC_TIMEOUT_S = 120.0


class Settings(BaseSettings):
    """Every knob of the pipeline. ``TRIALEX_NER_MODEL=en_core_sci_sm`` and so on."""

    model_config = SettingsConfigDict(env_prefix="TRIALEX_", extra="forbid", frozen=True)

    ner_model: str | None = Field(
        default=None,
        description="A spaCy/scispaCy pipeline (package name or path) whose entities feed "
        "assembly; None runs the offline rule pipeline only.",
    )
    tagger: bool = Field(
        default=False,
        description="Run the packaged OUTCOME/ARM tagger (resources/ner/model) on the sentences "
        "the rules leave open: its ARM spans fill a group the rules could only default, its "
        "OUTCOME spans the endpoint of a value the rules name none for.",
    )
    tagger_model: str | None = Field(
        default=None, description="Another tagger pipeline (a path) instead of the packaged one."
    )
    rules_dir: Path | None = Field(
        default=None,
        description="A folder of rule files with the layout of resources/ (trialex.rulebook): "
        "each file it holds replaces the bundled one, a file it lacks is the bundled one.",
    )
    max_file_mb: float = Field(default=DEFAULT_MAX_FILE_MB, gt=0)
    max_pages: int = Field(default=DEFAULT_MAX_PAGES, gt=0)
    doc_timeout_s: float = Field(default=DEFAULT_DOC_TIMEOUT_S, gt=0)
    follow_symlinks: bool = False
    confidence_threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Records whose confidence is below this carry a low_confidence warning "
        "(kept, flagged, never dropped).",
    )
    batch_size: int = Field(
        default=32,
        gt=0,
        description="Documents per nlp.pipe batch and per Prefect task (a task costs ~3 ms on "
        "the local API, ~70 ms on Dask: batches amortise it).",
    )
    pubmed_email: str | None = Field(
        default=None, description="Sent to NCBI E-utilities with every request (their policy)."
    )
    pubmed_api_key: str | None = Field(
        default=None, description="NCBI API key: 10 requests/s instead of 3."
    )
    eutils_url: str = Field(
        default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
        description="Base URL of E-utilities (a mirror, or a local recording in tests).",
    )
    pubmed_lookback_days: int = Field(
        default=30, gt=0, description="How far back the first run of a PubMed query looks."
    )
    pubmed_max_results: int = Field(default=1000, gt=0, description="PMIDs per query and run.")


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]


def default_settings() -> Settings:
    """``Settings()`` for the current ``TRIALEX_*`` variables, built once per distinct set of them.

    Building reads and validates every variable (~1.5 ms): too much to repeat per document when
    a caller of :func:`trialex.ingest.load_path` passes no settings. A changed variable gives a
    fresh instance; settings are frozen, so a shared one cannot be altered.
    """
    prefix = Settings.model_config.get("env_prefix", "TRIALEX_").upper()
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(prefix)))
    return _settings_for(env)


@functools.lru_cache(maxsize=16)
def _settings_for(env: tuple[tuple[str, str], ...]) -> Settings:
    return Settings()
