from django.urls import path

from imports import views

app_name = "imports"


urlpatterns = [
    path("households/imports/", views.import_list, name="list"),
    path("households/imports/<int:pk>/", views.import_job, name="job"),
    path(
        "households/imports/<int:pk>/progress/",
        views.import_job_progress,
        name="progress",
    ),
    path("households/imports/<int:pk>/commit/", views.import_job_commit, name="commit"),
    path("households/imports/<int:pk>/retry/", views.import_job_retry, name="retry"),
    path(
        "households/imports/<int:pk>/discard/",
        views.import_job_discard,
        name="discard",
    ),
    path("households/imports/<int:pk>/report/", views.import_job_report, name="report"),
    path("households/export/", views.register_export, name="export"),
    path("households/export/<int:pk>/", views.export_job, name="export-job"),
    path(
        "households/export/<int:pk>/download/",
        views.export_job_download,
        name="export-download",
    ),
]
