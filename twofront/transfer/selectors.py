"""Reads of import jobs. A job is its importer's: the file may hold rows of many regions, so ownership,
not jurisdiction, decides who sees it (others get 404). The job's region still scopes reports on jobs."""

from django.db.models import QuerySet
from django.http import Http404

from twofront.transfer.models import ImportJob


def visible_jobs(user, dataset: str | None = None) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    qs = ImportJob.objects.all() if user.is_superuser else ImportJob.objects.filter(created_by=user)
    return qs.filter(dataset=dataset) if dataset else qs


def job_or_404(user, job_id) -> ImportJob:
    job = visible_jobs(user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
