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
    """The catalogue with its values for a region of the user's jurisdiction, and the chosen metric per
    child region; clicking a child drills down, clicking a metric shows its breakdown (htmx swaps the panel)."""
    form = OverviewForm(request.GET)
    result, status = None, 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = selectors.values(request.user, None, data["region"] or None, data["date_from"], data["date_to"],
                                      group="children")
        except ValidationError as exc:
            apply_errors(form, exc)
    context = {"form": form, "result": result}
    if result is None:
        selectors.visible_region(request.user, None)  # 403 for users who may not read metrics at all
        status = 422
    elif result.values:
        chosen = next((item for item in result.values if item.metric.key == form.cleaned_data["metric"]),
                      result.values[0])
        number = selectors.number
        context.update(
            period=urlencode({"date_from": result.date_from, "date_to": result.date_to}),
            trail=selectors.visible_ancestors(request.user, result.region),
            totals=[(item.metric, KIND_LABELS[item.metric.kind.name], number(item.metric, item.value))
                    for item in result.values],
            chosen=chosen.metric,
            rows=[(child, number(chosen.metric, value)) for child, value in chosen.children],
            direct=number(chosen.metric, chosen.direct_value),
        )
    template = "metrics/partials/panel.html" if is_htmx(request) else "metrics/overview.html"
    return render(request, template, context, status=status)
