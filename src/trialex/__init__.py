"""trialex: numeric endpoints from clinical literature, traceable to their characters."""

from __future__ import annotations

__version__ = "0.1.0"

# Bumped whenever extraction output can change for the same input; stored in every document
# result so that incremental runs know which outputs are stale.
PIPELINE_VERSION = f"{__version__}+rules.5"

__all__ = ["PIPELINE_VERSION", "__version__"]
