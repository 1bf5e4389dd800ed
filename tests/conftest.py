"""Shared fixtures: every test checks that it left no worker process behind."""

from __future__ import annotations

import os
import time

import psutil
import pytest


def live_children() -> list[psutil.Process]:
    out = []
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


@pytest.fixture(autouse=True)
def no_orphan_workers():
    before = {p.pid for p in live_children()}
    yield
    deadline = time.monotonic() + 5
    leftover = []
    while time.monotonic() < deadline:
        leftover = [p for p in live_children() if p.pid not in before]
        if not leftover:
            break
        time.sleep(0.05)
    for p in leftover:
        p.kill()
    assert not leftover, f"worker processes left running: {[p.pid for p in leftover]}"
