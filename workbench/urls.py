from django.urls import path

from workbench import views

app_name = "workbench"

urlpatterns = [
    path("households/<int:pk>/timeline/", views.household_timeline, name="timeline"),
]
