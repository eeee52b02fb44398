from django.urls import path

from workbench import offline_views, views

app_name = "workbench"

urlpatterns = [
    path("households/<int:pk>/timeline/", views.household_timeline, name="timeline"),
    path("offline/", offline_views.offline_pack, name="offline-pack"),
    path("offline/app/", offline_views.offline_app, name="offline-app"),
    path("offline/queue/", offline_views.offline_queue, name="offline-queue"),
    path("offline/fallback/", offline_views.offline_fallback, name="offline-fallback"),
]
