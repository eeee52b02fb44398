"""API routes of the assistance app, included under /api/v1/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from assistance.api import (
    JobPlacementViewSet,
    PairingViewSet,
    PartnerViewSet,
    ProjectViewSet,
    SummaryView,
    TrainingViewSet,
)

router = SimpleRouter()
router.register("partners", PartnerViewSet, basename="partner")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("projects", ProjectViewSet, basename="assistance-project")
router.register("trainings", TrainingViewSet, basename="training")
router.register("job-placements", JobPlacementViewSet, basename="job-placement")

urlpatterns: list[URLPattern | URLResolver] = [
    path("assistance/summary/", SummaryView.as_view(), name="assistance-summary"),
    *router.urls,
]
