"""Idempotency-Key claims: the key row commits with the write it guards, in the same transaction.

`Claim.take()` inserts the key row with `ON CONFLICT DO NOTHING`: True means this request holds the key
and must write (its transaction commits the key and the write together, or neither); False means an
earlier request committed it (a concurrent first request is waited for by the database, not polled),
and `first()` reads the stored response to replay. A hot path whose response is known before it
writes can put the key row in its own write statement (`insert_sql`) instead of a separate one.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from twofront.core.db import hot_cursor, write
from twofront.core.models import IdempotencyRecord

_TABLE = IdempotencyRecord._meta.db_table
_COLUMNS = ("key", "scope", "principal", "request_hash", "status_code", "response", "created_at")
_INSERT = (f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "  # noqa: S608
           "ON CONFLICT (principal, scope, key) DO NOTHING RETURNING id")

_STORE = f"UPDATE {_TABLE} SET status_code = %s, response = %s WHERE id = %s"  # noqa: S608


def hash_payload(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Claim:
    principal: str
    scope: str
    key: str
    request_hash: str
    record_id: int | None = None  # the key row, once take() has inserted it

    @classmethod
    def of(cls, key: str, *, principal: str, scope: str, payload: Any) -> "Claim":
        if len(key) > 128 or not key.isprintable():
            raise ValidationError({"Idempotency-Key": ["Use at most 128 printable characters."]})
        return cls(principal=principal[:100], scope=scope, key=key, request_hash=hash_payload(payload))

    def insert_sql(self, status: int = 0, response: Any = None) -> tuple[str, list]:
        """The key row's `INSERT ... ON CONFLICT DO NOTHING RETURNING id` (no row back: the key is taken)."""
        values = {"key": self.key, "scope": self.scope, "principal": self.principal,
                  "request_hash": self.request_hash, "status_code": status, "response": response,
                  "created_at": timezone.now()}
        meta = IdempotencyRecord._meta
        return _INSERT, [meta.get_field(c).get_db_prep_save(values[c], connection) for c in _COLUMNS]

    def take(self, status: int = 0, response: Any = None) -> bool:
        """Inside the caller's transaction: True when this request now holds the key."""
        sql, params = self.insert_sql(status, response)
        with hot_cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        self.record_id = row[0] if row else None
        return row is not None

    def store(self, status: int, response: Any) -> None:
        """The response of the request that took the key, on its row (same transaction; joins an open
        core.db.batched_writes() block)."""
        if self.record_id is None:
            raise RuntimeError("store() needs the key taken by take()")
        field = IdempotencyRecord._meta.get_field("response")
        write(_STORE, [status, field.get_db_prep_save(response, connection), self.record_id])

    def first(self) -> IdempotencyRecord | None:
        """The committed first request of this key, if any. ValidationError when it had another body."""
        existing = IdempotencyRecord.objects.filter(principal=self.principal, scope=self.scope, key=self.key).first()
        if existing is not None and existing.request_hash != self.request_hash:
            raise ValidationError({"Idempotency-Key": ["此幂等键已用于另一请求 / this key was used with a different body"]})
        return existing
