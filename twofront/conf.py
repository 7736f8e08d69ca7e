"""Configuration read from the environment, with development keys generated into ./var/ on first use."""

import base64
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def var_dir() -> Path:
    path = Path(env("TWOFRONT_VAR_DIR", str(BASE_DIR / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def dev_secrets() -> dict:
    """Keys for development and tests, created once per checkout in var/ (ignored by git)."""
    path = var_dir() / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    data = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PII_KEYS": f"k1:{_new_key()}",
        "BLIND_INDEX_KEY": _new_key(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)
    return data


def secret(name: str, production: bool) -> str:
    value = env(name)
    if value:
        return value
    if production:
        raise ImproperlyConfigured(f"{name} must be set in the environment in production")
    return dev_secrets()[name]


def parse_pii_keys(spec: str) -> tuple[str, dict[str, bytes]]:
    """'k2:<base64>,k1:<base64>' -> ("k2", {"k2": b"...", "k1": b"..."}); the first key encrypts."""
    keys: dict[str, bytes] = {}
    active = None
    for part in spec.split(","):
        key_id, _, encoded = part.strip().partition(":")
        raw = base64.b64decode(encoded)
        if not key_id or len(raw) != 32:
            raise ImproperlyConfigured("PII_KEYS entries must be 'id:base64(32 bytes)'")
        keys[key_id] = raw
        active = active or key_id
    if not active:
        raise ImproperlyConfigured("PII_KEYS is empty")
    return active, keys
