"""A person's blind indexes are only matched exactly: a unique constraint and a plain index replace the field options,
which on PostgreSQL also built a varchar_pattern_ops index of each for every insert to maintain. The region leads
core_person_region_name: only its own index is dropped (altering the field would drop and re-validate the foreign key)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_seed_risk_rules'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='id_number_index',
            field=models.CharField(editable=False, max_length=40),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone_index',
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='person',
                name='region',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='region'),
            )],
            database_operations=[migrations.RunSQL('DROP INDEX IF EXISTS "core_person_region_id_16f1605f"',
                                                   'CREATE INDEX "core_person_region_id_16f1605f" ON "core_person" ("region_id")')],
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['phone_index'], name='core_person_phone_index'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(fields=('id_number_index',), name='core_person_id_number_unique'),
        ),
    ]
