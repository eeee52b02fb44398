from django.urls import path

from exits import notices, views

app_name = "exits"

urlpatterns = [
    path("households/<int:pk>/exit/propose/", views.exit_propose, name="propose"),
    path("exits/", views.exit_queue, name="queue"),
    path("exits/<int:pk>/", views.exit_detail, name="detail"),
    path("exits/<int:pk>/approve/", views.exit_approve, name="approve"),
    path("misclassification/", views.misclassification, name="misclassification"),
    # The public notices (exits/notices.py), each as a page and as a PDF.
    path(
        "exits/<int:pk>/publicity-notice/",
        notices.exit_publicity_notice,
        name="publicity_notice",
    ),
    path(
        "exits/<int:pk>/publicity-notice/pdf/",
        notices.exit_publicity_notice,
        {"as_pdf": True},
        name="publicity_notice_pdf",
    ),
    path("exits/<int:pk>/announcement/", notices.exit_announcement, name="announcement"),
    path(
        "exits/<int:pk>/announcement/pdf/",
        notices.exit_announcement,
        {"as_pdf": True},
        name="announcement_pdf",
    ),
]
