"""Celery queues per kind of work (decision 0031): a city export or a monthly dispatch never
waits in front of a notification. Each queue has its own worker (docker-compose.yml,
docs/operations.md); every task is routed by its name, whoever sends it (a service through the
outbox, beat, another task).

``TASK_QUEUE_PREFIX`` (empty in production) puts every queue of one deployment — or one test
run — under its own names on a shared broker.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

IMPORTS = "imports"
REPORTS = "reports"
MONITORING = "monitoring"
NOTIFICATIONS = "notifications"
DEFAULT = "celery"

#: Every task by its wire name. A task not listed goes to the default queue; the test
#: ``tests/tongren_fupin/test_queues.py`` fails on one, so that each new task is placed.
ROUTES: dict[str, str] = {
    # imports and exports: minutes per job at the city's size
    "households.run_import_job": IMPORTS,
    "imports.run_export_job": IMPORTS,
    # reports and the figures behind them: the dispatch, bulletins, analyses, stored lists
    "supervision.monthly_dispatch": REPORTS,
    "supervision.monthly_bulletin": REPORTS,
    "supervision.quarterly_analysis": REPORTS,
    "supervision.write_report": REPORTS,
    "supervision.write_report_pdf": REPORTS,
    "supervision.current_snapshots": REPORTS,
    "supervision.compute_snapshots": REPORTS,
    "supervision.compute_figures": REPORTS,
    "supervision.look_back": REPORTS,
    "exits.compute_suspects": REPORTS,
    # risk checks (防返贫 monitoring)
    "households.check_risks": MONITORING,
    "supervision.monitoring_checks": MONITORING,
    # notifications: the workbench's, and the bulletin's e-mails
    "workbench.notify_problem_assigned": NOTIFICATIONS,
    "workbench.notify_exit_returned": NOTIFICATIONS,
    "workbench.notify_look_back_assigned": NOTIFICATIONS,
    "workbench.field_reminders": NOTIFICATIONS,
    "supervision.send_report_emails": NOTIFICATIONS,
    # the default queue: the outbox's drain and the health check's ping (seconds, or less)
    "tongren_fupin.drain_outbox": DEFAULT,
    "tongren_fupin.ping": DEFAULT,
}

KINDS = (IMPORTS, REPORTS, MONITORING, NOTIFICATIONS, DEFAULT)


def queue_name(kind: str, prefix: str | None = None) -> str:
    """The broker's name of the queue of ``kind`` (with the deployment's prefix)."""
    return f"{settings.TASK_QUEUE_PREFIX if prefix is None else prefix}{kind}"


def queue_of(task_name: str) -> str:
    return queue_name(ROUTES.get(task_name, DEFAULT))


def route(name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any) -> dict:
    """The router of ``CELERY_TASK_ROUTES``: the queue of the task's kind."""
    return {"queue": queue_of(name)}
