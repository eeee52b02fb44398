"""API: 我的任务 as the home page shows them, for a field app (``GET /api/v1/my-tasks/``)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tongren_fupin.api.schema import ERROR_RESPONSES
from workbench import selectors


class TaskRowSerializer(serializers.Serializer):
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The page to open for this task.")
    household_no = serializers.CharField(source="household.household_no", default="")
    head_name = serializers.CharField(source="household.head_name", default="", allow_null=True)
    late = serializers.BooleanField()


class TaskListSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(help_text="The count with its noun, in the user's language.")
    count = serializers.IntegerField()
    url = serializers.CharField(help_text="The page of the whole list.")
    rows = TaskRowSerializer(many=True, help_text="The first rows (at most 8).")


class MyTasksView(APIView):
    """The user's task lists by role: look-back visits, my problems, exit steps, cases to
    identify, households not visited (village); reviews, 销号, overdue rectification, cases past
    their deadline (township, county, city). Empty for a role without such work."""

    @extend_schema(responses={200: TaskListSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        lists = selectors.my_tasks(user=request.user, today=timezone.localdate())
        return Response(TaskListSerializer(lists, many=True).data)
