# The exit procedure and the monitoring cases move to their own apps (exits, monitoring).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0007_monitoring_cases'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are (their names are kept by Meta.db_table).
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='exitstep',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='objection',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='exitstep',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='monitoringcase',
                    name='household',
                ),
                migrations.RemoveField(
                    model_name='monitoringcase',
                    name='opened_by',
                ),
                migrations.RemoveField(
                    model_name='monitoringobjection',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='monitoringstep',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='monitoringobjection',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='monitoringstep',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='objection',
                    name='decided_by',
                ),
                migrations.DeleteModel(
                    name='ExitApplication',
                ),
                migrations.DeleteModel(
                    name='ExitStep',
                ),
                migrations.DeleteModel(
                    name='MonitoringCase',
                ),
                migrations.DeleteModel(
                    name='MonitoringObjection',
                ),
                migrations.DeleteModel(
                    name='MonitoringStep',
                ),
                migrations.DeleteModel(
                    name='Objection',
                ),
            ],
        ),
    ]
