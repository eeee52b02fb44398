"""Shared pieces of the OpenAPI description."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "errors": serializers.DictField(),
    },
)

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="请求无效"),
    401: OpenApiResponse(ErrorSerializer, description="未登录或令牌无效"),
    403: OpenApiResponse(ErrorSerializer, description="无权执行此操作"),
    404: OpenApiResponse(ErrorSerializer, description="不存在或不在您的管辖范围内"),
}

# The token endpoint: too many calls (the throttle) or a locked account (django-axes).
TOO_MANY_REQUESTS_RESPONSE = {
    429: OpenApiResponse(
        ErrorSerializer, description="请求过于频繁，或账号因多次登录失败已被暂时锁定"
    ),
}

ERROR_COMPONENT = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}},
    },
    "required": ["code", "message", "errors"],
}


def document_unsupported_media_type(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation that takes a body answers 415 to a body it cannot parse.

    DRF's parsers give that answer before any view runs, so no view declares it; this
    post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds it everywhere.
    """
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "Error", ERROR_COMPONENT
    )
    response = {
        "description": "不支持的请求格式（Content-Type）",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["responses"].setdefault("415", response)
    return result
