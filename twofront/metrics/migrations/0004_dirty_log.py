"""Dirty cells become an append-only log: no unique cell, no foreign-key check, no metrics_touch function (its
share locks on hot rows cost more than the inserts they spared)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_TOUCH = importlib.import_module("twofront.metrics.migrations.0003_touch_function")


def drop_touch(apps, schema_editor):
    _TOUCH.drop(apps, schema_editor)


def create_touch(apps, schema_editor):
    _TOUCH.create(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_seed_risk_rules'),
        ('metrics', '0003_touch_function'),
    ]

    operations = [
        migrations.RunPython(drop_touch, create_touch, elidable=False),
        migrations.RemoveConstraint(
            model_name='dirtycell',
            name='metrics_dirtycell_unique_cell',
        ),
        migrations.AlterField(
            model_name='dirtycell',
            name='region',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.region'),
        ),
    ]
