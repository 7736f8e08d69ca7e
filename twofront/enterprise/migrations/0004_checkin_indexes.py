"""A check-in's employee and enterprise lead composite indexes (once_a_day, enterprise_checkin_ent_day):
their own indexes only cost every check-in a write. Only the indexes are dropped (altering the fields
would drop and re-validate the foreign keys)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enterprise", "0003_roster_phone_checkin_failures_one_open_declaration")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name="healthcheckin", name="employee", field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="checkins", to="enterprise.employee"))],
            database_operations=[migrations.RunSQL('DROP INDEX IF EXISTS "enterprise_healthcheckin_employee_id_9f8878e9"',
                                                   'CREATE INDEX "enterprise_healthcheckin_employee_id_9f8878e9" ON "enterprise_healthcheckin" ("employee_id")')],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name="healthcheckin", name="enterprise", field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="enterprise.enterprise"))],
            database_operations=[migrations.RunSQL('DROP INDEX IF EXISTS "enterprise_healthcheckin_enterprise_id_2aab02a4"',
                                                   'CREATE INDEX "enterprise_healthcheckin_enterprise_id_2aab02a4" ON "enterprise_healthcheckin" ("enterprise_id")')],
        ),
    ]
