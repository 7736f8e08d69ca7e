"""Personal data at rest: AES-GCM encryption with a key id for rotation, HMAC blind indexes for lookup."""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


@cache
def _cipher(key_id: str) -> AESGCM:
    return AESGCM(settings.PII_KEYS[key_id])


def encrypt(value: str) -> str:
    """'k1:' + base64(nonce || ciphertext); the key id is also the associated data."""
    if not value:
        return ""
    key_id = settings.PII_ACTIVE_KEY_ID
    nonce = os.urandom(12)
    sealed = _cipher(key_id).encrypt(nonce, value.encode(), key_id.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    if not token:
        return ""
    key_id, _, payload = token.partition(":")
    raw = base64.b64decode(payload)
    return _cipher(key_id).decrypt(raw[:12], raw[12:], key_id.encode()).decode()


def key_id_of(token: str) -> str:
    return token.partition(":")[0]


def blind_index(value: str, purpose: str) -> str:
    """Keyed hash for exact-match lookup and uniqueness; `purpose` keeps indexes of different fields apart."""
    if not value:
        return ""
    digest = hmac.new(settings.BLIND_INDEX_KEY, f"{purpose}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]
