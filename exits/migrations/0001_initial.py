# The exits models, moved from the register app with their tables (households_*).

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ['exitapplication', 'exitstep', 'objection']


def move_content_types(apps, schema_editor):
    """Permissions granted on the moved models stay granted: their content types move too."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="households", model__in=MODELS).update(app_label="exits")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="exits", model__in=MODELS).update(app_label="households")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('households', '0008_move_exits_and_monitoring_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('inspections', '0002_look_back_tasks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (their names are kept by Meta.db_table).
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ExitApplication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2014), django.core.validators.MaxValueValidator(2100)], verbose_name='exit year')),
                        ('state', models.CharField(choices=[('proposed', 'Proposed (democratic appraisal)'), ('verified', 'Verified by the village and the work team'), ('household_agreed', 'Agreed by the household'), ('publicized', 'Publicized in the village'), ('township_reviewed', 'Reviewed by the township'), ('approved', 'Approved by the county'), ('rejected', 'Rejected')], default='proposed', max_length=20, verbose_name='state')),
                        ('proposed_on', models.DateField(verbose_name='date of the democratic appraisal')),
                        ('attendees', models.PositiveSmallIntegerField(default=0, verbose_name='attendees')),
                        ('appraisal_result', models.CharField(max_length=200, verbose_name='appraisal result')),
                        ('snapshot', models.JSONField(default=list, verbose_name='assessment when proposed')),
                        ('publicity_start', models.DateField(blank=True, null=True, verbose_name='publicity start')),
                        ('publicity_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='publicity days')),
                        ('rejection_reason', models.CharField(blank=True, max_length=200, verbose_name='rejection reason')),
                        ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposed by')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exit_applications', to='households.household', verbose_name='household')),
                        ('verification_visit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspections.visit', verbose_name='verification visit')),
                    ],
                    options={
                        'verbose_name': 'exit application',
                        'verbose_name_plural': 'exit applications',
                        'db_table': 'households_exitapplication',
                        'ordering': ['-created'],
                    },
                ),
                migrations.CreateModel(
                    name='ExitStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('proposed', 'Proposed (democratic appraisal)'), ('verified', 'Verified by the village and the work team'), ('household_agreed', 'Agreed by the household'), ('publicized', 'Publicized in the village'), ('township_reviewed', 'Reviewed by the township'), ('approved', 'Approved by the county'), ('rejected', 'Rejected')], max_length=20, verbose_name='state')),
                        ('on', models.DateField(verbose_name='date')),
                        ('note', models.CharField(blank=True, max_length=255, verbose_name='note')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='exits.exitapplication', verbose_name='exit application')),
                    ],
                    options={
                        'verbose_name': 'exit step',
                        'verbose_name_plural': 'exit steps',
                        'db_table': 'households_exitstep',
                        'ordering': ['created', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Objection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('received_on', models.DateField(verbose_name='received on')),
                        ('content', models.TextField(verbose_name='objection')),
                        ('upheld', models.BooleanField(blank=True, null=True, verbose_name='upheld')),
                        ('resolution', models.CharField(blank=True, max_length=255, verbose_name='resolution')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='exits.exitapplication', verbose_name='exit application')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                    ],
                    options={
                        'verbose_name': 'publicity objection',
                        'verbose_name_plural': 'publicity objections',
                        'db_table': 'households_objection',
                        'ordering': ['received_on', 'id'],
                        'abstract': False,
                    },
                ),
                migrations.AddIndex(
                    model_name='exitapplication',
                    index=models.Index(fields=['state', 'household'], name='exit_state_household'),
                ),
                migrations.AddConstraint(
                    model_name='exitapplication',
                    constraint=models.UniqueConstraint(condition=models.Q(('state__in', ['approved', 'rejected']), _negated=True), fields=('household',), name='exit_one_open_application_per_household'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
