"""Prefect flows of trialex: orchestration only; every decision is made in the library."""

import os as _os

# The temporary local server's anonymous telemetry heartbeat races the first database migration
# on a fresh machine ("database is locked" tracebacks in the first run's log); trialex runs
# offline anyway. Set PREFECT_SERVER_ANALYTICS_ENABLED=true to opt back in.
_os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Prefect's temporary API gives up after 20 s, which a busy 2-core machine exceeds on the first
# run (database migrations); the corpus flow also retries once (flows.corpus._retry_startup).
_os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
