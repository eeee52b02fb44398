from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("households/<int:pk>/visit/", views.visit_record, name="visit"),
    path("households/<int:pk>/problems/new/", views.problem_report, name="problem-report"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/thumb/", views.photo, {"size": "thumb"}, name="photo-thumb"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/<str:action>/", views.problem_action, name="problem-action"),
    path("look-back/", views.look_back_list, name="look-back"),
]
