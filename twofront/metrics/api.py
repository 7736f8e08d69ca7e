"""GET /api/v1/metrics (values) and /api/v1/metrics/catalog (declarations)."""

from functools import partial

from ninja import Query, Router

from twofront.core.apikit import ERRORS
from twofront.metrics import selectors
from twofront.metrics.registry import Metric
from twofront.metrics.schemas import MetricOut, MetricsFilter, MetricsOut

router = Router(tags=["metrics"])


def metric_out(metric: Metric) -> dict:
    return {"key": metric.key, "label": str(metric.label), "unit": str(metric.display_unit), "kind": metric.kind.name,
            "cumulative": metric.cumulative, "depends_on": list(metric.depends_on),
            "dimensions": list(metric.dimensions), "description": str(metric.description)}


def values_out(result: selectors.MetricValues) -> dict:
    metrics = []
    for item in result.values:
        number = partial(selectors.number, item.metric)
        out = {**metric_out(item.metric), "value": number(item.value)}
        if item.children is not None:
            out["direct_value"] = number(item.direct_value)
            out["children"] = [{"code": r.code, "name": r.name, "level": r.level, "value": number(v)}
                               for r, v in item.children]
        if item.series is not None:
            out["series"] = [{"day": day, "value": number(v)} for day, v in item.series]
        metrics.append(out)
    region = result.region
    return {"region": {"code": region.code, "name": region.name, "level": region.level},
            "from": result.date_from, "to": result.date_to, "group": result.group, "metrics": metrics}


@router.get("", response={200: MetricsOut, **ERRORS}, operation_id="metrics_values", by_alias=True,
            summary="Metric values for a region of my jurisdiction, optionally per child region or per day")
def metric_values(request, filters: Query[MetricsFilter]):
    result = selectors.values(request.user, filters.keys, filters.region, filters.date_from, filters.date_to,
                              filters.group)
    return values_out(result)


@router.get("/catalog", response={200: list[MetricOut], **ERRORS}, operation_id="metrics_catalog",
            summary="The declared metrics")
def metric_catalog(request):
    return [metric_out(m) for m in selectors.catalog(request.user)]
