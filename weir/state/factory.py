"""Turns the job's state-backend setting into a backend instance inside a TaskManager."""

from __future__ import annotations

from typing import Any

from weir.state.backend import StateBackend
from weir.state.hashmap import HashMapStateBackendImpl


def load_state_backend(config: dict[str, Any]) -> StateBackend:
    configured = config.get("state.backend.object")
    if configured is None:
        return HashMapStateBackendImpl()
    create = getattr(configured, "create_keyed_state_backend", None)
    if create is None:
        raise TypeError(f"{configured!r} is not a state backend")
    return configured
