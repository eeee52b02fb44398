from django.urls import path

from inspections import views

app_name = "inspections"

urlpatterns = [
    path("households/<int:pk>/visit/", views.visit_record, name="visit"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/<int:pk>/<str:action>/", views.problem_action, name="problem-action"),
    path("look-back/", views.look_back_list, name="look-back"),
]
