"""Settings, health, key rotation, audit immutability and PII-free logs."""

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, transaction

from twofront.core import pii
from twofront.core.logging import MaskPIIFilter
from twofront.core.models import AuditEvent
from twofront.core.models.audit import AppendOnlyError

ROOT = Path(__file__).resolve().parents[3]


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    key = base64.b64encode(os.urandom(32)).decode()
    env = {**os.environ, "TWOFRONT_ENV": "production", "SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
           "PII_KEYS": f"k1:{key}", "BLIND_INDEX_KEY": key, "ALLOWED_HOSTS": "twofront.example.cn",
           "TWOFRONT_VAR_DIR": str(tmp_path), "DEBUG": ""}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_keys(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PII_KEYS", "BLIND_INDEX_KEY"}}
    env.update(TWOFRONT_ENV="production", TWOFRONT_VAR_DIR=str(tmp_path), ALLOWED_HOSTS="x")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "must be set in the environment" in result.stderr


def test_development_keys_live_in_var_and_are_ignored_by_git():
    assert (Path(settings.VAR_DIR) / "dev-secrets.json").exists()
    tracked = subprocess.run(["git", "ls-files", "var"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked == ""


def test_key_rotation_keeps_old_ciphertexts_readable(settings):
    old = pii.encrypt("520102199001011234")
    new_key = base64.b64encode(os.urandom(32))
    settings.PII_KEYS = {**settings.PII_KEYS, "k9": base64.b64decode(new_key)}
    settings.PII_ACTIVE_KEY_ID = "k9"
    fresh = pii.encrypt("520102199001011234")
    assert pii.key_id_of(fresh) == "k9" and pii.key_id_of(old) != "k9"
    assert pii.decrypt(old) == pii.decrypt(fresh) == "520102199001011234"
    assert fresh != pii.encrypt("520102199001011234")  # random nonce


def test_ciphertext_is_authenticated():
    token = pii.encrypt("13800001111")
    key_id, _, payload = token.partition(":")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - cryptography raises InvalidTag
        pii.decrypt(f"{key_id}:{base64.b64encode(bytes(raw)).decode()}")


def test_blind_index_separates_purposes():
    assert pii.blind_index("13800001111", "a") != pii.blind_index("13800001111", "b")
    assert pii.blind_index("13800001111", "a") == pii.blind_index("13800001111", "a")


def test_audit_events_are_append_only(personas, person_nanming):
    event = AuditEvent.objects.filter(action="core.person.created").first()
    event.reason = "tamper"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tamper")


def test_audit_never_holds_raw_numbers(personas, person_nanming, client_as):
    number, phone = pii.decrypt(person_nanming.id_number_ct), pii.decrypt(person_nanming.phone_ct)
    client_as(personas["nanming"]).post(f"/api/v1/persons/{person_nanming.pk}/reveal",
                                        {"reason": f"核实 {number} {phone}"}, content_type="application/json")
    dump = " ".join(str(row) for row in AuditEvent.objects.values_list())
    assert number not in dump and phone not in dump
    assert AuditEvent.objects.filter(action="core.person.revealed").exists()


def test_log_filter_masks_ids_and_phones():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "lookup %s by %s", ("52010219900101123X", "13800001111"),
                               None)
    MaskPIIFilter().filter(record)
    assert record.getMessage() == "lookup 5201**********123X by 138****1111"


def test_security_headers_on_pages(client, db):
    response = client.get("/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_login_page_is_chinese_by_default_with_english_switch(client, db):
    html = client.get("/login/").content.decode()
    assert 'lang="zh-hans"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert 'lang="en"' in client.get("/login/").content.decode()


def test_rotate_pii_reencrypts_under_the_new_key_and_reindexes(personas, person_nanming, settings):
    from django.core.management import call_command

    from twofront.core.models import Person
    from twofront.core.services.people import id_number_index

    number = pii.decrypt(person_nanming.id_number_ct)
    settings.PII_KEYS = {**settings.PII_KEYS, "k2": os.urandom(32)}
    settings.PII_ACTIVE_KEY_ID = "k2"
    settings.BLIND_INDEX_KEY = os.urandom(32)
    call_command("rotate_pii", "--reindex", stdout=open(os.devnull, "w"))  # noqa: SIM115
    person = Person.objects.get(pk=person_nanming.pk)
    assert pii.key_id_of(person.id_number_ct) == "k2" and pii.decrypt(person.id_number_ct) == number
    assert person.id_number_index == id_number_index(number) != person_nanming.id_number_index
    assert AuditEvent.objects.filter(action="core.pii.rotated").exists()


def test_audit_files_an_event_under_the_first_region_of_a_multi_region_model(personas):
    from twofront.core.audit import _region_of

    class Task:  # scoped by issuer and assignee, as supervision tasks are
        scope_region_field = ("issuer_region", "assignee__region")

    task = Task()
    task.issuer_region, task.assignee = None, type("A", (), {"region": personas.region("520103")})()
    assert _region_of(task, None) == personas.region("520103")
    task.issuer_region = personas.region("520100")
    assert _region_of(task, None) == personas.region("520100")
