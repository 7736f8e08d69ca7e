"""Pages: upload a file, watch its job, download templates, error workbooks and exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from twofront.core import scope
from twofront.core.errors import Conflict
from twofront.core.generic import ServiceFormView
from twofront.transfer import responses, selectors, services
from twofront.transfer.forms import ImportForm
from twofront.transfer.spec import all_specs


class ImportView(ServiceFormView):
    form_class = ImportForm
    template_name = "transfer/import.html"
    success_message = _("File received.")

    @cached_property
    def spec(self):
        return services.spec_or_404(self.kwargs["dataset"])

    @property
    def title(self):
        return _("Import: %(dataset)s") % {"dataset": self.spec.label}

    def recent_jobs(self):
        return selectors.visible_jobs(self.request.user, dataset=self.spec.dataset)[:10]

    def check_allowed(self):
        services.require_import(self.request.user, self.spec)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        return services.submit_import(actor=self.request.user, dataset=self.spec.dataset, upload=upload,
                                      name=upload.name, policy=form.cleaned_data["policy"])

    def success_url(self, job):
        return reverse("transfer:job_detail", args=[job.pk])


@login_required
@require_GET
def job_list(request):
    datasets = [spec for spec in all_specs() if scope.has_permission_anywhere(request.user, spec.permission)]
    jobs = selectors.visible_jobs(request.user).select_related("created_by")[:50]
    return render(request, "transfer/job_list.html", {"title": _("Imports"), "jobs": jobs, "datasets": datasets})


@login_required
@require_GET
def job_detail(request, pk: int):
    return _job_page(request, selectors.job_or_404(request.user, pk))


def _job_page(request, job, *, errors=(), status: int = 200):
    return render(request, "transfer/job.html", {"title": _("Import job %(id)s") % {"id": job.pk}, "job": job,
                                                 "spec": services.spec_or_404(job.dataset), "errors": errors},
                  status=status)


@login_required
@require_POST
def job_retry(request, pk: int):
    job = selectors.job_or_404(request.user, pk)
    try:
        services.retry_import(job, actor=request.user)
    except Conflict as exc:  # e.g. pressed again in an old tab: the page as it is now, with the reason
        job.refresh_from_db()
        return _job_page(request, job, errors=[exc.message], status=409)
    messages.success(request, _("The import is running again."))
    return redirect("transfer:job_detail", pk=pk)


@login_required
@require_GET
def job_progress(request, pk: int):
    return render(request, "transfer/partials/progress.html", {"job": selectors.job_or_404(request.user, pk)})


@login_required
@require_GET
def job_errors(request, pk: int):
    return responses.errors_response(selectors.job_or_404(request.user, pk))


@login_required
@require_GET
def template(request, dataset: str):
    spec = services.spec_or_404(dataset)
    services.require_import(request.user, spec)
    return responses.template_response(spec)


@login_required
@require_GET
def export_persons(request):
    """The person list's Export button: the list's filters (region, name, id_number) and a format."""
    def text(name: str, limit: int) -> str | None:  # as the list's filter form would clean it
        return "".join(ch for ch in request.GET.get(name, "") if ch.isprintable()).strip()[:limit] or None

    fmt = request.GET.get("format") if request.GET.get("format") in services.EXPORT_FORMATS else "xlsx"
    export = services.export_persons(actor=request.user, fmt=fmt, region=text("region", 20), name=text("name", 64),
                                     id_number=text("id_number", 32), language=get_language() or "")
    return responses.export_response(export)
