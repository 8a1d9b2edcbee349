"""Settings from TRIALEX_* variables; the shared default instance."""

from __future__ import annotations

import pydantic
import pytest

from trialex.settings import Settings, default_settings


def test_default_settings_is_built_once_per_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIALEX_BATCH_SIZE", raising=False)
    first = default_settings()
    assert default_settings() is first
    monkeypatch.setenv("TRIALEX_BATCH_SIZE", "7")
    changed = default_settings()
    assert changed.batch_size == 7 and changed is not first
    monkeypatch.setenv("trialex_batch_size", "9")  # variables are case-insensitive
    monkeypatch.delenv("TRIALEX_BATCH_SIZE")
    assert default_settings().batch_size == 9


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(pydantic.ValidationError):
        settings.batch_size = 3  # type: ignore[misc]
    assert settings.model_copy(update={"batch_size": 3}).batch_size == 3
