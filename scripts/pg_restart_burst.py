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


def _call(url: str, token: str) -> tuple[str, bool]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return str(response.status), False
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        return str(error.code), "Traceback" in body
    except OSError as error:  # no answer at all
        return type(error).__name__, False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--marks", required=True, help="file with the restart's start and end")
    args = parser.parse_args()
    answers: list[tuple[float, float, str, bool]] = []
    lock = threading.Lock()
    stop = time.time() + args.seconds

    def client() -> None:
        while time.time() < stop:
            sent = time.time()
            status, traceback = _call(args.url, args.token)
            with lock:
                answers.append((sent, time.time(), status, traceback))

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(args.marks) as marks:
        restart_start, restart_end = (float(line) for line in marks.read().split())

    def offset(moment: float) -> float:
        return round(moment - restart_start, 2)

    failures = sorted((a for a in answers if a[2] != "200"), key=lambda a: a[0])
    sent_after_restart = [a for a in answers if a[0] > restart_end]
    report = {
        "requests": len(answers),
        "by_status": dict(collections.Counter(a[2] for a in answers)),
        "tracebacks": sum(a[3] for a in answers),
        "restart_took_seconds": offset(restart_end),
        "failed_requests_sent_at_seconds": [offset(a[0]) for a in failures],
        "failed_requests_sent_after_the_restart": sum(1 for a in failures if a[0] > restart_end),
        "first_200_sent_after_the_restart_seconds": (
            round(min(a[0] for a in sent_after_restart if a[2] == "200") - restart_end, 2)
            if any(a[2] == "200" for a in sent_after_restart)
            else None
        ),
        "slowest_answer_seconds": round(max(a[1] - a[0] for a in answers), 2),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
