from django.urls import path

from exits import views

app_name = "exits"

urlpatterns = [
    path("households/<int:pk>/exit/propose/", views.exit_propose, name="propose"),
    path("exits/", views.exit_queue, name="queue"),
    path("exits/<int:pk>/", views.exit_detail, name="detail"),
    path("exits/<int:pk>/approve/", views.exit_approve, name="approve"),
    path("misclassification/", views.misclassification, name="misclassification"),
]
