"""The TaskManager process: runs the subtasks the JobManager deploys to it.

Started by the JobManager with a bootstrap message on stdin (never on the command line, which other
users can read): the JobManager's control address, the job secret and this TaskManager's id. It
then connects back, proves the secret, registers its data-server address, and executes
``deploy`` / ``cancel`` / ``shutdown`` messages. It exits as soon as the control connection closes,
so a JobManager that dies leaves no orphan behind.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import socket
import sys
import threading
import time
from typing import Any

import cloudpickle

from weir.runtime.network.auth import client_handshake
from weir.runtime.network.data_server import ChannelRegistry, DataServer
from weir.runtime.network.errors import ConnectionClosed
from weir.runtime.network.frames import FrameReader, send_message
from weir.runtime.tasks.deployment import Deployment, TaskEnvironment
from weir.runtime.tasks.stream_task import StreamTask

log = logging.getLogger("weir.taskmanager")

HEARTBEAT_INTERVAL = 1.0


class TaskExecutor:
    def __init__(self, tm_id: int, secret: bytes, jm_address: tuple[str, int]) -> None:
        self.tm_id = tm_id
        self.secret = secret
        self.registry = ChannelRegistry()
        self.data_server = DataServer(secret, self.registry)
        self.control = socket.create_connection(jm_address, timeout=30)
        client_handshake(self.control, secret)
        self.control.settimeout(None)
        self._send_lock = threading.Lock()
        self.tasks: list[StreamTask] = []
        self.env = TaskEnvironment(tm_id, secret, self.registry, self.send)

    def send(self, message: tuple) -> None:
        with self._send_lock:
            send_message(self.control, message)

    def run(self) -> None:
        self.send(("register", self.tm_id, self.data_server.address, os.getpid()))
        threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True).start()
        reader = FrameReader(self.control)
        while True:
            try:
                message = reader.read_event()
            except (ConnectionClosed, OSError):
                self._exit(0)  # the JobManager is gone: never outlive it
            kind = message[0]
            if kind == "deploy":
                self._deploy(message[1])
            elif kind == "trigger_checkpoint":
                for task in self.tasks:
                    if task.is_source:
                        task.post(("trigger", message[1]))
            elif kind in ("notify_complete", "notify_aborted"):
                for task in self.tasks:
                    task.post((kind, message[1]))
            elif kind == "finish_sources":
                for task in self.tasks:
                    if task.is_source:
                        task.post(("finish",))
            elif kind == "cancel":
                for task in self.tasks:
                    task.cancel()
            elif kind == "shutdown":
                self._exit(0)

    def _deploy(self, deployment: Deployment) -> None:
        from weir.state.factory import load_state_backend

        state_backend = load_state_backend(deployment.config)
        for task_id in deployment.tasks:
            job_graph = cloudpickle.loads(deployment.job_graph_blob)  # fresh operators per subtask
            vertex = job_graph.vertex(task_id.vertex_id)
            self.tasks.append(StreamTask(
                task_id, vertex, deployment, self.env, state_backend,
                deployment.restore.get(task_id),
            ))
        for task in self.tasks:
            task.start()

    def _heartbeat_loop(self) -> None:
        parent = os.getppid()
        while True:
            time.sleep(HEARTBEAT_INTERVAL)
            if os.getppid() != parent:
                self._exit(1)
            metrics: dict[str, Any] = {
                str(task.task_id): task.metrics() for task in self.tasks
            }
            try:
                self.send(("heartbeat", self.tm_id, metrics))
            except OSError:
                self._exit(1)

    def _exit(self, code: int) -> None:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main() -> None:
    bootstrap = json.loads(sys.stdin.readline())
    sys.stdin.close()
    for path in reversed(bootstrap.get("sys_path", [])):
        if path not in sys.path:
            sys.path.insert(0, path)
    logging.basicConfig(
        level=bootstrap.get("log_level", "WARNING"),
        format=f"%(asctime)s %(levelname)s [taskmanager-{bootstrap['tm_id']}] %(name)s: %(message)s",
    )
    # Records are short-lived tuples: with the default threshold the cyclic collector runs every
    # 700 allocations and costs up to a third of the record path. Collect far less often, and
    # keep the imported modules out of collections altogether.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*bootstrap.get("gc_threshold", (100_000, 50, 100)))
    if os.environ.get("WEIR_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(os.environ["WEIR_SWITCH_INTERVAL"]))
    executor = TaskExecutor(
        bootstrap["tm_id"],
        bytes.fromhex(bootstrap["secret"]),
        (bootstrap["jm_host"], bootstrap["jm_port"]),
    )
    executor.run()
