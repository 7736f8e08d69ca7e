# Closed management and screening (community line of defence):
# - Lead.lead_key: the natural key the lead-list import upserts on (one lead per campaign and person);
# - Lead.created_at, Lead.visit: the days the "leads total / visited" metrics count on, and which visit settled it;
# - MonitoringPost.created_at: the day the "active posts" metric counts a post from;
# - one open closure period per compound, so two officials cannot both start a closure.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def key_existing_leads(apps, schema_editor):
    Lead = apps.get_model("prevention", "Lead")
    for lead in Lead.objects.filter(lead_key__isnull=True).only("pk", "campaign_id", "household_id", "person_id"):
        Lead.objects.filter(pk=lead.pk).update(lead_key=f"{lead.campaign_id}:legacy{lead.pk}")


class Migration(migrations.Migration):

    dependencies = [
        ('prevention', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='lead',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='lead',
            name='lead_key',
            field=models.CharField(editable=False, max_length=100, null=True),
        ),
        migrations.RunPython(key_existing_leads, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='lead',
            name='lead_key',
            field=models.CharField(editable=False, max_length=100, unique=True),
        ),
        migrations.AddField(
            model_name='lead',
            name='visit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='leads', to='prevention.screeningvisit', verbose_name='settled by visit'),
        ),
        migrations.AddField(
            model_name='monitoringpost',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name='closureperiod',
            constraint=models.UniqueConstraint(condition=models.Q(('ends_on__isnull', True)), fields=('compound',), name='prevention_closureperiod_one_open_per_compound'),
        ),
    ]
