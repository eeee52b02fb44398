"""API routes of the relocation app, included under /api/v1/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from relocation.api import RelocationViewSet, SiteViewSet, SummaryView, ZeroEmploymentView

router = SimpleRouter()
router.register("sites", SiteViewSet, basename="relocation-site")
router.register("relocations", RelocationViewSet, basename="relocation")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "relocation/zero-employment/",
        ZeroEmploymentView.as_view(),
        name="relocation-zero-employment",
    ),
    path("relocation/summary/", SummaryView.as_view(), name="relocation-summary"),
    *router.urls,
]
