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
