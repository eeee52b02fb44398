from rest_framework import serializers

from regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    unit_kind = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "level",
            "level_display",
            "unit_kind",
            "parent",
            "is_poor_county",
            "is_poor_village",
            "is_deep_poverty",
            "exit_year",
        ]
        read_only_fields = fields
