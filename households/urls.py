from django.urls import path

from households import exit_views, views

app_name = "households"

urlpatterns = [
    path("households/", views.household_list, name="list"),
    path("households/new/", views.household_register, name="register"),
    path("households/<int:pk>/", views.household_detail, name="detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="edit"),
    path("households/<int:pk>/members/new/", views.member_add, name="member-add"),
    path(
        "households/<int:pk>/members/<int:member_id>/edit/", views.member_edit, name="member-edit"
    ),
    path(
        "households/<int:pk>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("households/<int:pk>/incomes/record/", views.income_record, name="income-record"),
    path("households/<int:pk>/measures/new/", views.measure_add, name="measure-add"),
    path("households/<int:pk>/status/", views.household_status, name="status"),
    path("households/<int:pk>/change-head/", views.household_change_head, name="change-head"),
    path("households/<int:pk>/exit/propose/", exit_views.exit_propose, name="exit-propose"),
    path("exits/", exit_views.exit_queue, name="exit-queue"),
    path("exits/<int:pk>/", exit_views.exit_detail, name="exit-detail"),
]

# Import and export of the register in the national format (households/import_views.py).
from households import import_views  # noqa: E402

urlpatterns += [
    path("households/imports/", import_views.import_list, name="imports"),
    path("households/imports/<int:pk>/", import_views.import_job, name="import-job"),
    path(
        "households/imports/<int:pk>/progress/",
        import_views.import_job_progress,
        name="import-progress",
    ),
    path(
        "households/imports/<int:pk>/commit/", import_views.import_job_commit, name="import-commit"
    ),
    path("households/imports/<int:pk>/retry/", import_views.import_job_retry, name="import-retry"),
    path(
        "households/imports/<int:pk>/discard/",
        import_views.import_job_discard,
        name="import-discard",
    ),
    path(
        "households/imports/<int:pk>/report/", import_views.import_job_report, name="import-report"
    ),
    path("households/export/", import_views.register_export, name="export"),
]

# Monitoring after exit (households/monitoring_views.py).
from households import monitoring_views  # noqa: E402

urlpatterns += [
    path("monitoring/", monitoring_views.monitoring_case_list, name="monitoring-list"),
    path("monitoring/<int:pk>/", monitoring_views.monitoring_case_detail, name="monitoring-detail"),
    path(
        "monitoring/<int:pk>/notice/",
        monitoring_views.monitoring_case_notice,
        name="monitoring-notice",
    ),
    path(
        "households/<int:pk>/monitoring/open/",
        monitoring_views.monitoring_case_open,
        name="monitoring-open",
    ),
]
