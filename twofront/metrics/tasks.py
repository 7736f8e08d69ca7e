"""Background jobs of the metrics engine. `twofront worker` also runs the refresh at least every minute
(twofront.metrics.scheduler); enqueue it to refresh sooner, e.g. after a bulk import."""

from django_tasks import task

from twofront.metrics import services


@task()
def refresh_metrics() -> int:
    return services.refresh_dirty()


@task()
def rebuild_metrics(keys: list[str] | None = None) -> dict[str, int]:
    return services.rebuild(keys)
