from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a request carrying an Idempotency-Key, replayed to its retries."""

    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=100)
    # Who sent it: a user, or for anonymous forms (QR check-ins) a stable subject such as a roster entry.
    principal = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "scope", "key"],
                                               name="%(app_label)s_%(class)s_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


