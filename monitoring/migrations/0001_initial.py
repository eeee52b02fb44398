# The monitoring models, moved from the register app with their tables (households_*).

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ['monitoringcase', 'monitoringstep', 'monitoringobjection']


def move_content_types(apps, schema_editor):
    """Permissions granted on the moved models stay granted: their content types move too."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="households", model__in=MODELS).update(app_label="monitoring")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="monitoring", model__in=MODELS).update(app_label="households")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('households', '0008_move_exits_and_monitoring_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (their names are kept by Meta.db_table).
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='MonitoringCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('unstable_exited', 'Unstable exited household'), ('edge', 'Edge household at risk of poverty'), ('sudden_hardship', 'Household in sudden serious hardship')], max_length=20, verbose_name='category')),
                        ('status', models.CharField(choices=[('identifying', 'Being identified'), ('assisting', 'Being assisted'), ('risk_cleared', 'Risk cleared'), ('not_included', 'Not included after verification')], default='identifying', max_length=20, verbose_name='status')),
                        ('opened', models.DateField(verbose_name='opened on')),
                        ('risks', models.JSONField(blank=True, default=list, verbose_name='risks')),
                        ('identified_on', models.DateField(blank=True, null=True, verbose_name='identified on')),
                        ('measures', models.TextField(blank=True, verbose_name='assistance measures')),
                        ('publicity_start', models.DateField(blank=True, null=True, verbose_name='publicity start')),
                        ('publicity_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(60)], verbose_name='publicity days')),
                        ('closed_on', models.DateField(blank=True, null=True, verbose_name='closed on')),
                        ('close_reason', models.CharField(blank=True, max_length=255, verbose_name='reason')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monitoring_cases', to='households.household', verbose_name='household')),
                        ('opened_by', models.ForeignKey(blank=True, help_text='Empty when the monitoring check opened it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
                    ],
                    options={
                        'verbose_name': 'monitoring case',
                        'verbose_name_plural': 'monitoring cases',
                        'db_table': 'households_monitoringcase',
                        'ordering': ['-opened', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='MonitoringObjection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('received_on', models.DateField(verbose_name='received on')),
                        ('content', models.TextField(verbose_name='objection')),
                        ('upheld', models.BooleanField(blank=True, null=True, verbose_name='upheld')),
                        ('resolution', models.CharField(blank=True, max_length=255, verbose_name='resolution')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='monitoring.monitoringcase', verbose_name='monitoring case')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                    ],
                    options={
                        'verbose_name': 'monitoring objection',
                        'verbose_name_plural': 'monitoring objections',
                        'db_table': 'households_monitoringobjection',
                        'ordering': ['received_on', 'id'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='MonitoringStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('identifying', 'Being identified'), ('assisting', 'Being assisted'), ('risk_cleared', 'Risk cleared'), ('not_included', 'Not included after verification')], max_length=20, verbose_name='status')),
                        ('on', models.DateField(verbose_name='date')),
                        ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='monitoring.monitoringcase', verbose_name='monitoring case')),
                    ],
                    options={
                        'verbose_name': 'monitoring step',
                        'verbose_name_plural': 'monitoring steps',
                        'db_table': 'households_monitoringstep',
                        'ordering': ['created', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='monitoringcase',
                    index=models.Index(fields=['status', 'opened'], name='monitoring_status_opened'),
                ),
                migrations.AddConstraint(
                    model_name='monitoringcase',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['identifying', 'assisting'])), fields=('household',), name='monitoring_one_open_case_per_household'),
                ),
                migrations.AddConstraint(
                    model_name='monitoringcase',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['identifying', 'assisting']), ('closed_on__isnull', False), _connector='OR'), name='monitoring_closed_case_has_date'),
                ),
                migrations.AddConstraint(
                    model_name='monitoringcase',
                    constraint=models.CheckConstraint(condition=models.Q(('publicity_days__gte', 5)), name='monitoring_publicity_at_least_5_days'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
