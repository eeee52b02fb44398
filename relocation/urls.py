"""Pages of the relocation app."""

from django.urls import URLPattern, path

from relocation import views

app_name = "relocation"


def _record(url: str, record: str) -> URLPattern:
    """The page form of one kind of record of a site's systems (``views.SITE_RECORDS``)."""
    return path(
        f"relocation/sites/<int:pk>/{url}/new/",
        views.site_record_new,
        {"record": record},
        name=f"{record}-new",
    )


urlpatterns: list[URLPattern] = [
    path("relocation/sites/", views.site_list, name="sites"),
    path("relocation/sites/<int:pk>/", views.site_detail, name="site"),
    path("relocation/sites/<int:pk>/households/", views.site_households, name="site-households"),
    path("relocation/zero-employment/", views.zero_employment, name="zero-employment"),
    path("relocation/relocations/new/", views.relocation_new, name="relocation-new"),
    path(
        "relocation/relocations/<int:pk>/transfer-hukou/",
        views.relocation_transfer_hukou,
        name="transfer-hukou",
    ),
    path("relocation/sites/<int:pk>/facilities/", views.site_facilities, name="site-facilities"),
    path("relocation/facilities/<int:pk>/status/", views.facility_status, name="facility-status"),
    _record("facilities", "facility"),
    _record("culture-activities", "culture-activity"),
    _record("governance-units", "governance-unit"),
    _record("party-organisations", "party-organisation"),
]
