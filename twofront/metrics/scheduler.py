"""Keeps rollups fresh: `twofront worker` starts this thread next to the django-tasks database worker.

Every TWOFRONT_METRICS_REFRESH_SECONDS (default 30, at most 60) the thread runs the refresh_metrics
task in-process instead of enqueueing it: no task row every half minute, no pile of queued refreshes
when the worker is busy with a long import, and the refresh still runs while a long task occupies the
worker loop. Several workers may each run one; services serialise refreshes with a lock, so the
others find nothing to do. Enqueue refresh_metrics to refresh sooner.
"""

import logging
import threading

from django.db import close_old_connections, connection

from twofront.conf import env

logger = logging.getLogger(__name__)
MAX_SECONDS = 60.0


def interval() -> float:
    return min(max(float(env("TWOFRONT_METRICS_REFRESH_SECONDS", "30")), 0.01), MAX_SECONDS)


class RefreshThread(threading.Thread):
    """Runs a task in-process every `seconds` (default: refresh_metrics). Other periodic jobs reuse it by
    passing their own task and thread name (e.g. the command centre's overdue-task escalation)."""

    def __init__(self, seconds: float, task=None, name: str = "metrics-refresh"):
        super().__init__(name=name, daemon=True)
        self.seconds = seconds
        self.task = task
        self.stopped = threading.Event()

    def run(self) -> None:
        from twofront.metrics.tasks import refresh_metrics

        task = self.task or refresh_metrics
        while not self.stopped.is_set():
            close_old_connections()
            try:
                task.call()
            except Exception:  # noqa: BLE001 - log and try again next round; the cells stay dirty
                logger.exception("%s failed; retrying in %s s", self.name, self.seconds)
            finally:
                connection.close()
            self.stopped.wait(self.seconds)

    def stop(self, timeout: float | None = None) -> None:
        self.stopped.set()
        self.join(timeout)


def start(seconds: float | None = None, task=None, name: str = "metrics-refresh") -> RefreshThread:
    thread = RefreshThread(seconds or interval(), task=task, name=name)
    thread.start()
    return thread
