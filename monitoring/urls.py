from django.urls import path

from monitoring import views

app_name = "monitoring"


urlpatterns = [
    path("monitoring/", views.monitoring_case_list, name="list"),
    path("monitoring/<int:pk>/", views.monitoring_case_detail, name="detail"),
    path(
        "monitoring/<int:pk>/notice/",
        views.monitoring_case_notice,
        name="notice",
    ),
    path(
        "monitoring/<int:pk>/notice/pdf/",
        views.monitoring_case_notice,
        {"as_pdf": True},
        name="notice_pdf",
    ),
    path(
        "households/<int:pk>/monitoring/open/",
        views.monitoring_case_open,
        name="open",
    ),
]
