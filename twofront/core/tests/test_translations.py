"""The interface is Chinese first: every message has a Chinese translation."""

from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert untranslated == []


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"%\(\w+\)s|\{\w+\}")
    for entry in polib.pofile(str(PO)):
        if entry.msgstr:
            assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), entry.msgid
