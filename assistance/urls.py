"""Pages of the assistance app."""

from django.urls import URLPattern, path

from assistance import views

app_name = "assistance"

urlpatterns: list[URLPattern] = [
    path("assistance/nine-plus-two/", views.nine_plus_two, name="nine-plus-two"),
    path("assistance/pairings/", views.pairing_list, name="pairings"),
    path("assistance/partners/", views.partner_list, name="partners"),
    path("assistance/partners/<int:pk>/", views.partner_detail, name="partner"),
    path("assistance/projects/", views.project_list, name="projects"),
    path("assistance/projects/new/", views.project_new, name="project-new"),
    path("assistance/projects/<int:pk>/", views.project_detail, name="project"),
    path(
        "assistance/projects/<int:pk>/fund-flows/new/",
        views.fund_flow_new,
        name="fund-flow-new",
    ),
    path("assistance/projects/<int:pk>/advance/", views.project_advance, name="project-advance"),
    path("assistance/vouchers/<int:pk>/", views.voucher_photo, name="voucher"),
    path(
        "assistance/vouchers/<int:pk>/thumb/",
        views.voucher_photo,
        {"size": "thumb"},
        name="voucher-thumb",
    ),
    path("assistance/trainings/", views.training_list, name="trainings"),
    path("assistance/trainings/new/", views.training_new, name="training-new"),
    path("assistance/job-placements/", views.job_placement_list, name="job-placements"),
    path("assistance/job-placements/new/", views.job_placement_new, name="job-placement-new"),
]
