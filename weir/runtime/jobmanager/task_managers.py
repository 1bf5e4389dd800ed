"""Starting, tracking and stopping TaskManager worker processes (the local mini-cluster)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from weir.runtime.network.frames import send_message

log = logging.getLogger("weir.jobmanager")


@dataclass
class TaskManagerHandle:
    tm_id: int
    process: subprocess.Popen
    control: socket.socket | None = None
    data_address: tuple[str, int] | None = None
    pid: int | None = None
    last_heartbeat: float = field(default_factory=time.monotonic)
    metrics: dict[str, Any] = field(default_factory=dict)
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    #: The recovery attempt this worker belongs to; reports of replaced attempts are ignored.
    attempt: int = 0

    def send(self, message: tuple) -> None:
        if self.control is None:
            return
        with self.send_lock:
            send_message(self.control, message)

    def alive(self) -> bool:
        return self.process.poll() is None


def spawn_task_manager(
    tm_id: int, secret: bytes, jm_address: tuple[str, int], log_level: str
) -> TaskManagerHandle:
    """Start one worker process. It gets its own session so that a Ctrl-C in the terminal reaches
    only the JobManager, which then stops the workers in order."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    process = subprocess.Popen(
        [sys.executable, "-m", "weir.runtime.taskmanager"],
        stdin=subprocess.PIPE,
        start_new_session=True,
        env=env,
        close_fds=True,
    )
    bootstrap = {
        "tm_id": tm_id,
        "secret": secret.hex(),
        "jm_host": jm_address[0],
        "jm_port": jm_address[1],
        "sys_path": [os.path.abspath(p) if p else os.getcwd() for p in sys.path],
        "log_level": log_level,
    }
    assert process.stdin is not None
    process.stdin.write((json.dumps(bootstrap) + "\n").encode())
    process.stdin.close()
    return TaskManagerHandle(tm_id, process)


def stop_task_managers(handles: list[TaskManagerHandle], grace: float = 3.0) -> None:
    """Ask every worker to exit, then kill the ones that have not; never leaves orphans."""
    for handle in handles:
        try:
            handle.send(("shutdown",))
        except OSError:
            pass
    deadline = time.monotonic() + grace
    for handle in handles:
        remaining = max(0.0, deadline - time.monotonic())
        try:
            handle.process.wait(remaining)
        except subprocess.TimeoutExpired:
            handle.process.kill()
            handle.process.wait()
        if handle.control is not None:
            try:
                handle.control.close()
            except OSError:
                pass
