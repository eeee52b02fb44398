"""API routes of the relocation app, included under /api/v1/."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
