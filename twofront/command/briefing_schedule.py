"""The morning briefings: `twofront worker` starts this thread next to the metrics refresh thread
(twofront.metrics.scheduler), in the same way: a daemon thread that wakes every minute.

Once the local time has passed TWOFRONT_BRIEFING_HOUR (default 7), it generates the day before's briefing
for the city and every district that has none yet (services.briefings.generate_daily, which refreshes the
metrics rollups first). A briefing is unique per region and day, so several workers, or a restart, find
the briefings already there; a region that failed is tried again an hour later. Enqueue the
`generate_daily_briefings` task to produce them at another time.
"""

import datetime
import logging
import threading

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks import task

from twofront.conf import env

logger = logging.getLogger(__name__)
WAKE_SECONDS = 60.0
RETRY_AFTER = datetime.timedelta(hours=1)


def hour() -> int:
    return min(max(int(env("TWOFRONT_BRIEFING_HOUR", "7")), 0), 23)


@task()
def generate_daily_briefings(day: str | None = None) -> int:
    from twofront.command.services import briefings

    return len(briefings.generate_daily(datetime.date.fromisoformat(day) if day else None))


def due(now: datetime.datetime, last_attempt: datetime.datetime | None) -> datetime.date | None:
    """The day whose briefings should be generated now, if any (only after the hour, once an hour at most)."""
    local = timezone.localtime(now)
    if local.hour < hour() or (last_attempt is not None and now - last_attempt < RETRY_AFTER):
        return None
    return local.date() - datetime.timedelta(days=1)


class BriefingThread(threading.Thread):
    def __init__(self, seconds: float = WAKE_SECONDS):
        super().__init__(name="briefings", daemon=True)
        self.seconds = seconds
        self.stopped = threading.Event()
        self.last_attempt: datetime.datetime | None = None

    def run_once(self) -> int:
        from twofront.command.services import briefings
        from twofront.core import context
        from twofront.core.choices import AuditSource

        now = timezone.now()
        day = due(now, self.last_attempt)
        if day is None:
            return 0
        regions = briefings.missing_regions(day)
        if not regions:
            return 0
        self.last_attempt = now
        with context.use(AuditSource.TASK):
            return len(briefings.generate_daily(day, regions=regions))

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - log and try again later
                logger.exception("daily briefings failed")
            finally:
                connection.close()
            self.stopped.wait(self.seconds)

    def stop(self, timeout: float | None = None) -> None:
        self.stopped.set()
        self.join(timeout)


def start(seconds: float = WAKE_SECONDS) -> BriefingThread:
    thread = BriefingThread(seconds)
    thread.start()
    return thread
