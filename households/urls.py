from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("households/", views.household_list, name="list"),
    path("households/new/", views.household_register, name="register"),
    path("households/<int:pk>/", views.household_detail, name="detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="edit"),
    path("households/<int:pk>/members/new/", views.member_add, name="member-add"),
    path(
        "households/<int:pk>/members/<int:member_id>/edit/", views.member_edit, name="member-edit"
    ),
    path(
        "households/<int:pk>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("households/<int:pk>/incomes/record/", views.income_record, name="income-record"),
    path("households/<int:pk>/measures/new/", views.measure_add, name="measure-add"),
    path("households/<int:pk>/status/", views.household_status, name="status"),
    path("households/<int:pk>/change-head/", views.household_change_head, name="change-head"),
]
