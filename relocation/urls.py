"""Pages of the relocation app."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "relocation"

urlpatterns: list[URLPattern] = []
