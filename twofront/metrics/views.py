from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_GET

from twofront.core.generic import apply_errors, is_htmx
from twofront.metrics import selectors
from twofront.metrics.forms import OverviewForm
from twofront.metrics.registry import KIND_LABELS


@login_required
@require_GET
def overview(request):
    """The catalogue with its values for a region of the user's jurisdiction, and one row per child
    region; clicking a child drills down (htmx swaps the panel)."""
    form = OverviewForm(request.GET)
    result, status = None, 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = selectors.values(request.user, None, data["region"] or None, data["date_from"], data["date_to"],
                                      group="children")
        except ValidationError as exc:
            apply_errors(form, exc)
    if result is None:
        selectors.visible_region(request.user, None)  # 403 for users who may not read metrics at all
        status = 422
    context = {"form": form, "result": result}
    if result is not None:
        period = urlencode({"date_from": result.date_from, "date_to": result.date_to})
        context.update(
            period=period,
            trail=selectors.visible_ancestors(request.user, result.region),
            totals=[(item.metric, KIND_LABELS[item.metric.kind.name], selectors.number(item.metric, item.value),
                     selectors.number(item.metric, item.direct_value)) for item in result.values],
            rows=[(child, [selectors.number(item.metric, item.children[i][1]) for item in result.values])
                  for i, child in enumerate(result.values[0].children if result.values else [])],
        )
    template = "metrics/partials/panel.html" if is_htmx(request) else "metrics/overview.html"
    return render(request, template, context, status=status)
