"""API routes of the supervision app, included under /api/v1/."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from supervision.api import IndicatorViewSet, ReportViewSet

router = SimpleRouter()
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("reports", ReportViewSet, basename="report")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
