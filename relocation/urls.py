"""Pages of the relocation app."""

from django.urls import URLPattern, path

from relocation import views

app_name = "relocation"

urlpatterns: list[URLPattern] = [
    path("relocation/sites/", views.site_list, name="sites"),
    path("relocation/sites/<int:pk>/", views.site_detail, name="site"),
    path("relocation/sites/<int:pk>/households/", views.site_households, name="site-households"),
    path("relocation/zero-employment/", views.zero_employment, name="zero-employment"),
]
