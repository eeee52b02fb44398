"""Pages of the assistance app."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "assistance"

urlpatterns: list[URLPattern] = []
