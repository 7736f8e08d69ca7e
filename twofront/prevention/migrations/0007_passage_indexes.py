"""Passage indexes kept to what reads use, as every car writes them: the checkpoint leads prevention_passage_cp_time
and the passage the travellers' once_per_passage constraint (only those indexes are dropped: altering the fields would
drop and re-validate the foreign keys); plates are searched by substring, which neither plate index served."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("prevention", "0006_opened_on")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name="passage", name="checkpoint", field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="passages", to="prevention.checkpoint", verbose_name="checkpoint"))],
            database_operations=[migrations.RunSQL('DROP INDEX IF EXISTS "prevention_passage_checkpoint_id_8646b9b3"',
                                                   'CREATE INDEX "prevention_passage_checkpoint_id_8646b9b3" ON "prevention_passage" ("checkpoint_id")')],
        ),
        migrations.AlterField(model_name="passage", name="plate",
                              field=models.CharField(blank=True, max_length=12, verbose_name="plate")),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(model_name="passagetraveller", name="passage", field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="travellers", to="prevention.passage"))],
            database_operations=[migrations.RunSQL('DROP INDEX IF EXISTS "prevention_passagetraveller_passage_id_5885250d"',
                                                   'CREATE INDEX "prevention_passagetraveller_passage_id_5885250d" ON "prevention_passagetraveller" ("passage_id")')],
        ),
    ]
