"""Pages of the supervision app."""

from django.urls import URLPattern, path

from supervision import views

app_name = "supervision"

urlpatterns: list[URLPattern] = [
    path("supervision/", views.dashboard, name="dashboard"),
    path("supervision/readiness/<str:code>/", views.readiness, name="readiness"),
    path("supervision/reports/", views.report_list, name="reports"),
    path("supervision/reports/<int:pk>/", views.report_detail, name="report"),
    path("supervision/reports/<int:pk>/<str:fmt>/", views.report_file, name="report-file"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
]
