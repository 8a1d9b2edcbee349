"""Prefect flows of trialex: orchestration only; every decision is made in the library."""

import os as _os

# The temporary local server's anonymous telemetry heartbeat races the first database migration
# on a fresh machine ("database is locked" tracebacks in the first run's log); trialex runs
# offline anyway. Set PREFECT_SERVER_ANALYTICS_ENABLED=true to opt back in.
_os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
