"""Background jobs of supervision (督促检查). `twofront worker` runs the overdue-task escalation every
TWOFRONT_ESCALATION_SECONDS (default 600) in-process, on the metrics scheduler's thread class
(twofront.metrics.scheduler.RefreshThread); enqueue escalate_overdue to run it sooner. Several workers may
each run it: the service locks each task and is idempotent, so the others find nothing to do."""

from django_tasks import task

from twofront.conf import env
from twofront.core import context
from twofront.core.choices import AuditSource

DEFAULT_SECONDS = 600


@task()
def escalate_overdue() -> int:
    from twofront.command.services.supervision import escalate_overdue_tasks

    with context.use(AuditSource.TASK):
        return escalate_overdue_tasks()


def interval() -> float:
    return max(float(env("TWOFRONT_ESCALATION_SECONDS", str(DEFAULT_SECONDS))), 0.01)


def start_escalation(seconds: float | None = None):
    from twofront.metrics import scheduler

    return scheduler.start(seconds or interval(), task=escalate_overdue, name="command-escalation")
