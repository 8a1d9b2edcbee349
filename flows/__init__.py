"""Prefect flows of trialex: orchestration only; every decision is made in the library."""
