from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from exits.api import ExitApplicationViewSet, HouseholdExitAssessmentView, MisclassificationView
from fieldsync.api import ConflictViewSet, OfflinePackView, SyncRecordView, SyncView
from households.api import HouseholdViewSet, PovertyLineViewSet
from imports.api import ExportJobViewSet, ImportJobViewSet
from inspections.api import PhotoFileViewSet, ProblemViewSet, VisitViewSet
from inspections.look_back_api import LookBackTaskViewSet
from monitoring.api import MonitoringCaseViewSet
from regions.api import RegionViewSet
from tongren_fupin.api.views import ObtainTokenView
from tongren_fupin.health import health
from tongren_fupin.views import ping
from workbench.api import MyTasksView
from workbench.offline_views import manifest, service_worker
from workbench.views import home

router = DefaultRouter()
router.include_root_view = False
router.register("regions", RegionViewSet, basename="region")
router.register("households", HouseholdViewSet, basename="household")
router.register("poverty-lines", PovertyLineViewSet, basename="poverty-line")
router.register("imports", ImportJobViewSet, basename="import-job")
router.register("exports", ExportJobViewSet, basename="export-job")
router.register("exit-applications", ExitApplicationViewSet, basename="exit-application")
router.register("visits", VisitViewSet, basename="visit")
router.register("problems", ProblemViewSet, basename="problem")
router.register("photos", PhotoFileViewSet, basename="photo")
router.register("monitoring-cases", MonitoringCaseViewSet, basename="monitoring-case")
router.register("look-back-tasks", LookBackTaskViewSet, basename="look-back-task")
router.register("conflicts", ConflictViewSet, basename="conflict")

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("misclassification/", MisclassificationView.as_view(), name="misclassification"),
    path("my-tasks/", MyTasksView.as_view(), name="my-tasks"),
    path("offline-pack/", OfflinePackView.as_view(), name="offline-pack"),
    path("sync/", SyncView.as_view(), name="sync"),
    path("sync/<uuid:client_token>/", SyncRecordView.as_view(), name="sync-record"),
    path(
        "households/<int:pk>/exit-assessment/",
        HouseholdExitAssessmentView.as_view(),
        name="household-exit-assessment",
    ),
    *router.urls,
    path("", include("assistance.api_urls")),
    path("", include("relocation.api_urls")),
    path("", include("supervision.api_urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("ping/", ping, name="ping"),
    # The web app: its worker and manifest answer from the root (the worker's scope is the site).
    path("sw.js", service_worker, name="service-worker"),
    path("manifest.webmanifest", manifest, name="web-manifest"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("regions.urls")),
    path("", include("households.urls")),
    path("", include("inspections.urls")),
    path("", include("exits.urls")),
    path("", include("monitoring.urls")),
    path("", include("imports.urls")),
    path("", include("assistance.urls")),
    path("", include("relocation.urls")),
    path("", include("supervision.urls")),
    path("", include("fieldsync.urls")),
    path("", include("workbench.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script): the CSP forbids inline ones.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "铜仁扶贫 · 管理后台"
admin.site.site_title = "铜仁扶贫"
admin.site.index_title = "系统管理"

# Uploaded files are never served from MEDIA_URL, not even in development: photos of households
# are read only through the scoped views of their app (decision 0025).

handler400 = "tongren_fupin.views.bad_request"
handler403 = "tongren_fupin.views.permission_denied"
