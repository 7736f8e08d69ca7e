"""The prevention metrics, declared per line of work in metrics_<area>.py."""

from twofront.prevention import (
    metrics_checkpoints,
    metrics_compounds,
    metrics_quarantine,
    metrics_screening,
    metrics_testing,
    metrics_venues,
)

METRICS = [*metrics_checkpoints.METRICS, *metrics_compounds.METRICS, *metrics_screening.METRICS,
           *metrics_testing.METRICS, *metrics_quarantine.METRICS, *metrics_venues.METRICS]
