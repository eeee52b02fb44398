from django.urls import path

from fieldsync import views

app_name = "fieldsync"

urlpatterns = [
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/<int:pk>/", views.conflict_resolve, name="conflict"),
]
