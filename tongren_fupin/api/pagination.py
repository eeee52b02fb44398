from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from tongren_fupin.pagination import BoundedPaginator


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` with a ceiling, so no client can ask for the whole register.

    ``count`` is exact up to 10,000 rows; above that it is an estimate and ``count_exact`` is
    false (see tongren_fupin/pagination.py).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        return Response(
            {
                "count": self.page.paginator.count,
                "count_exact": self.page.paginator.count_exact,  # type: ignore[attr-defined]
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "false when count is an estimate (more than 10,000 rows)",
        }
        response["required"] = [*response.get("required", []), "count_exact"]
        return response
