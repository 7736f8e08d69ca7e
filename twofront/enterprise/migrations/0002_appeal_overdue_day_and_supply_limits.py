# Appeal.escalation_note keeps what the commissioner tells the department.
# Appeal.overdue_on and Appeal.hours_to_close give the metrics engine plain columns for the "overdue" day
# dimension and the "average time to close" sum; the two constraints hold the supply and rating rules.

import datetime

from django.db import migrations, models


def fill_appeal_metric_columns(apps, schema_editor):
    Appeal = apps.get_model("enterprise", "Appeal")
    for appeal in Appeal.objects.all().iterator():
        appeal.overdue_on = appeal.deadline + datetime.timedelta(days=1)
        if appeal.closed_at:
            hours = (appeal.closed_at - appeal.created_at).total_seconds() / 3600
            appeal.hours_to_close = round(max(hours, 0), 1)
        appeal.save(update_fields=["overdue_on", "hours_to_close"])


class Migration(migrations.Migration):

    dependencies = [
        ('enterprise', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='appeal',
            name='hours_to_close',
            field=models.DecimalField(decimal_places=1, editable=False, max_digits=8, null=True, verbose_name='hours to close'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='overdue_on',
            field=models.DateField(editable=False, null=True, verbose_name='overdue from'),
        ),
        migrations.AddField(
            model_name='appeal',
            name='escalation_note',
            field=models.TextField(blank=True, verbose_name='note to the department'),
        ),
        migrations.RunPython(fill_appeal_metric_columns, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='appeal',
            constraint=models.CheckConstraint(condition=models.Q(('rating__isnull', True), ('status', 'closed'), _connector='OR'), name='enterprise_appeal_rated_only_when_closed'),
        ),
        migrations.AddConstraint(
            model_name='supplyrequestline',
            constraint=models.CheckConstraint(condition=models.Q(('allocated__lte', models.F('quantity'))), name='enterprise_supplyrequestline_allocated_within_quantity'),
        ),
    ]
