"""``/api/v1/regions/``: the region tree, scoped to the caller's jurisdiction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from regions.models import Level, RegionQuerySet, code_validator
from regions.selectors import region_list
from regions.serializers import RegionSerializer
from tongren_fupin.api.schema import ERROR_RESPONSES


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "level", OpenApiTypes.STR, enum=Level.values, description=str(_("Region level"))
            ),
            OpenApiParameter(
                "parent", OpenApiTypes.STR, description=str(_("Code of the parent region"))
            ),
            OpenApiParameter(
                "code_prefix",
                OpenApiTypes.STR,
                description=str(_("Leading digits of the region code")),
            ),
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description=str(_("Part of the name, or leading digits of the code")),
            ),
        ],
        responses={200: RegionSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: RegionSerializer, **ERROR_RESPONSES}),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{12}"
    filter_backends = ()

    def get_queryset(self) -> RegionQuerySet:
        filters = RegionFilterForm(self.request.query_params).filters()
        return region_list(user=self.request.user, **filters)


class RegionFilterForm(forms.Form):
    """The list's query parameters; invalid ones answer 400 naming the parameter."""

    level = forms.ChoiceField(choices=Level.choices, required=False)
    parent = forms.RegexField(
        r"^\d{12}$", required=False, error_messages={"invalid": code_validator.message}
    )
    code_prefix = forms.RegexField(
        r"^\d{1,12}$",
        required=False,
        error_messages={"invalid": _("Give the leading digits of a region code.")},
    )
    search = forms.CharField(required=False, max_length=64)

    def filters(self) -> dict[str, str | None]:
        if not self.is_valid():
            raise serializers.ValidationError(
                {field: [str(error) for error in errors] for field, errors in self.errors.items()}
            )
        return {key: value or None for key, value in self.cleaned_data.items()}
