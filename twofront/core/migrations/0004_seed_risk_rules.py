from django.db import migrations


def seed(apps, schema_editor):
    from twofront.core.risk import DEFAULT_RULES

    RiskRuleSet = apps.get_model("core", "RiskRuleSet")
    if not RiskRuleSet.objects.exists():
        RiskRuleSet.objects.create(version=1, rules=DEFAULT_RULES, active=True,
                                   notes="The city's initial rules (五类人员, quarantine, tests, travel, check-ins).")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_riskoverride_dutyshift_riskruleset")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
