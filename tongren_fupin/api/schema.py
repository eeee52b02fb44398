"""Shared pieces of the OpenAPI description."""

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
