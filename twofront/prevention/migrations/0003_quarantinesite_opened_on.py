# QuarantineSite.opened_on: the day a site was designated. The quarantine capacity metric (a Sum of
# capacity, cumulative) needs a day to count each site from; existing sites get the migration day.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('prevention', '0002_community_lead_key_and_dates'),
    ]

    operations = [
        migrations.AddField(
            model_name='quarantinesite',
            name='opened_on',
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name='designated on'),
        ),
    ]
