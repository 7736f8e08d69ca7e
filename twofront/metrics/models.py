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
    """The value of a stored metric over one region's whole subtree (the region's own records and those of
    every region below it) on one day. Pre-summed up the tree by the refresh, so that a dashboard read
    touches (children x days) rows, however many records and grids lie below."""

    key = models.CharField(max_length=100)
    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    value = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        # Also the index of every read: one key, a few regions, a day range.
        constraints = [models.UniqueConstraint(fields=["key", "region", "day"],
                                               name="%(app_label)s_%(class)s_unique_cell")]

    def __str__(self) -> str:
        return f"{self.key} {self.region_id} {self.day} = {self.value}"
