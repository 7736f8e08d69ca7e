from django.db import models


class DirtyCell(models.Model):
    """A (source model, region, day) whose rollups must be recomputed: written by services in the same
    transaction as the records they change, consumed by the refresh job."""

    source = models.CharField(max_length=100)  # model label, e.g. "core.person"
    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "region", "day"],
                                               name="%(app_label)s_%(class)s_unique_cell")]

    def __str__(self) -> str:
        return f"{self.source} {self.region_id} {self.day}"


class Rollup(models.Model):
    """The value of a stored metric for the records of one region (their own region, usually a grid or
    community, not its ancestors) on one day. Reads sum these over a region's subtree."""

    key = models.CharField(max_length=100)
    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    value = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "region", "day"],
                                               name="%(app_label)s_%(class)s_unique_cell")]
        # Dashboard reads take one key over a day range and join the region; on PostgreSQL the included
        # columns make that an index-only scan.
        indexes = [models.Index(fields=["key", "day"], include=["region", "value"], name="metrics_rollup_key_day")]

    def __str__(self) -> str:
        return f"{self.key} {self.region_id} {self.day} = {self.value}"
