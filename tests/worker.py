"""Real Celery worker processes against the local Redis, for the task tests that matter.

A worker runs ``celery -A tongren_fupin worker`` in a subprocess, with the test database as its
database. Every queue of a test carries a prefix of its own (``TASK_QUEUE_PREFIX``, set for the
test's routing too), so parallel runs and leftovers cannot interfere. ``celery_worker`` is one
worker consuming every queue; ``queue_workers`` starts one worker per named queue, as
production runs them (decision 0031). Tests send tasks through ``worker.app`` (a producer on the
same broker) or through the project's own routing, and may stop the processes.
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

from tongren_fupin.queues import DEFAULT, KINDS, queue_name

ROOT = Path(__file__).resolve().parents[1]


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def database_url_of_test_db() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class WorkerProcess:
    queue: str  # where ``send`` puts a task (the first queue the worker consumes)
    app: Celery
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = field(default=0)
    queues: list[str] = field(default_factory=list)  # every queue consumed (default: ``queue``)

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
                ",".join(self.queues or [self.queue]),
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


def worker_env(prefix: str) -> dict[str, str]:
    url = redis_url()
    return {
        **os.environ,
        "DATABASE_URL": database_url_of_test_db(),
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "TASK_QUEUE_PREFIX": prefix,
    }


def producer() -> Celery:
    url = redis_url()
    redis.Redis.from_url(url).ping()  # fails loudly when Redis is not running
    app = Celery("producer", broker=url, backend=url)
    app.conf.task_acks_late = True
    return app


@pytest.fixture
def queue_prefix(settings: Any) -> str:
    """A prefix of the test's own: the project's routing (outbox, beat) uses it from here on."""
    prefix = f"test-{uuid.uuid4().hex[:10]}-"
    settings.TASK_QUEUE_PREFIX = prefix
    return prefix


@pytest.fixture
def celery_worker(
    transactional_db: None, tmp_path: Path, queue_prefix: str
) -> Iterator[WorkerProcess]:
    """A started worker consuming every queue of the test's prefix; the test database is shared
    with it (transactional tests)."""
    app = producer()
    worker = WorkerProcess(
        queue=queue_name(DEFAULT, queue_prefix),
        queues=[queue_name(kind, queue_prefix) for kind in KINDS],
        app=app,
        env=worker_env(queue_prefix),
        log_path=tmp_path / "worker.log",
    )
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.close()


@pytest.fixture
def queue_workers(
    transactional_db: None, tmp_path: Path, queue_prefix: str
) -> Iterator[Callable[[str], WorkerProcess]]:
    """Start one worker per named queue (``imports``, ``notifications``…), each consuming that
    queue only, as production runs them; all are stopped at the end of the test."""
    app = producer()
    started: list[WorkerProcess] = []

    def start(kind: str) -> WorkerProcess:
        worker = WorkerProcess(
            queue=queue_name(kind, queue_prefix),
            app=app,
            env=worker_env(queue_prefix),
            log_path=tmp_path / f"worker-{kind}.log",
        )
        worker.start()
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
        app.close()
