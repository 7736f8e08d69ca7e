# The five categories of key people (五类人员) the city tested, with the codes core.risk.DEFAULT_RULES
# matches on. They stay editable on the categories page (names, order, in use); codes are fixed.

from django.db import migrations

CATEGORIES = [
    ("confirmed", "确诊病例", "Confirmed case", "red"),
    ("suspected", "疑似病例", "Suspected case", "red"),
    ("fever", "不能排除感染的发热患者", "Fever patient, infection not excluded", "yellow"),
    ("close_contact", "密切接触者", "Close contact", "red"),
    ("high_risk_arrival", "来自疫情高发地区人员", "Arrival from a high-risk area", "yellow"),
]


def seed(apps, schema_editor):
    KeyCategory = apps.get_model("prevention", "KeyCategory")
    for order, (code, name, name_en, level) in enumerate(CATEGORIES, 1):
        KeyCategory.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "risk_level": level,
                                                               "order": order * 10})


def unseed(apps, schema_editor):
    KeyCategory = apps.get_model("prevention", "KeyCategory")
    KeyCategory.objects.filter(code__in=[c[0] for c in CATEGORIES], entries__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("prevention", "0003_quarantinesite_opened_on")]
    operations = [migrations.RunPython(seed, unseed)]
