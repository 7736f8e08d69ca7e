from django.db import models


class DirtyCell(models.Model):
    """A mark that (source model, region, day) must have its rollups recomputed: appended by services in the
    same transaction as the records they change, consumed (deleted) by the refresh job. An append-only log:
    the same cell may be marked by many writers, and no writer updates or locks a row another one wrote."""

    source = models.CharField(max_length=100)  # model label, e.g. "core.person"
    # No foreign-key constraint or index: its check would share-lock the region row on every mark (the hot
    # rows every writer of a district touches). A mark of a deleted region is consumed like any other.
    region = models.ForeignKey("core.Region", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False,
                               db_index=False)
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

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
