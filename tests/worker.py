"""A real Celery worker process against the local Redis, for the task tests that matter.

The worker runs ``celery -A tongren_fupin worker`` in a subprocess, with the test database as its
database and a queue of its own, so parallel runs and leftovers cannot interfere. Tests send
tasks through ``worker.app`` (a producer on the same broker) and may stop the process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def database_url_of_test_db() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class WorkerProcess:
    queue: str
    app: Celery
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = field(default=0)

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tongren_fupin",
                "worker",
                "-P",
                "solo",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def send(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.app.send_task(name, args=args, kwargs=kwargs, queue=self.queue)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for(
    condition: Callable[[], Any], *, seconds: float = 120, worker: WorkerProcess | None = None
) -> Any:
    """Poll ``condition`` until it gives a true value, and return that value; on a timeout fail
    with the end of the worker's log, when there is a worker."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    log = f"; the worker's log:\n{worker.log()[-3000:]}" if worker is not None else ""
    raise AssertionError(f"timed out waiting{log}")


@pytest.fixture
def celery_worker(transactional_db: None, tmp_path: Path) -> Iterator[WorkerProcess]:
    """A started worker process; the test database is shared with it (transactional tests)."""
    url = redis_url()
    redis.Redis.from_url(url).ping()  # fails loudly when Redis is not running
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_db(),
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "CELERY_VISIBILITY_TIMEOUT": "5",
    }
    app = Celery("producer", broker=url, backend=url)
    app.conf.task_acks_late = True
    worker = WorkerProcess(queue=queue, app=app, env=env, log_path=tmp_path / "worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.close()
