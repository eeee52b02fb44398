"""A burst of API requests across a PostgreSQL restart: what each answered, and when.

Used by scripts/pg-restart-drill.sh (docs/operations.md, "PostgreSQL restart"). Requests are
sent by ``--clients`` threads for ``--seconds``; the restart is run by the drill script and its
start and end times are read from ``--marks``. Prints the counts by status, whether any answer
carried a traceback, and how long after the restart began the service answered 200 again.
"""

from __future__ import annotations

import argparse
import collections
import json
import threading
import time
import urllib.error
import urllib.request


def _call(url: str, token: str) -> tuple[int, bool]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, False
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        return error.code, "Traceback" in body
    except OSError:
        return 0, False  # no answer at all (connection refused or reset)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--marks", required=True, help="file with the restart's start and end")
    args = parser.parse_args()
    answers: list[tuple[float, int, bool]] = []
    lock = threading.Lock()
    stop = time.time() + args.seconds

    def client() -> None:
        while time.time() < stop:
            status, traceback = _call(args.url, args.token)
            with lock:
                answers.append((time.time(), status, traceback))

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(args.marks) as marks:
        restart_start, restart_end = (float(line) for line in marks.read().split())
    failures = [a for a in answers if a[1] != 200]
    recovered = [a[0] for a in answers if a[1] == 200 and a[0] > restart_start]
    after_failures = [a[0] for a in answers if a[1] == 200 and failures and a[0] > failures[-1][0]]
    report = {
        "requests": len(answers),
        "by_status": dict(collections.Counter(a[1] for a in answers)),
        "tracebacks": sum(a[2] for a in answers),
        "restart_seconds": round(restart_end - restart_start, 2),
        "failing_window_seconds": round(failures[-1][0] - failures[0][0], 2) if failures else 0,
        "first_200_after_restart_began_seconds": (
            round(min(recovered) - restart_start, 2) if recovered else None
        ),
        "first_200_after_last_failure_seconds": (
            round(min(after_failures) - failures[-1][0], 2) if after_failures else None
        ),
        "failures_after_restart_ended": sum(1 for a in failures if a[0] > restart_end + 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
