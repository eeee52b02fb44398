"""Authentication endpoint of the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from tongren_fupin.api.schema import TOO_MANY_REQUESTS_RESPONSE, ErrorSerializer
from tongren_fupin.errors import DomainError
from tongren_fupin.login_protection import LOCKED_OUT_CODE, LOCKED_OUT_STATUS, lockout_message


class TokenThrottle(AnonRateThrottle):
    rate = "30/minute"


class ObtainTokenView(APIView):
    """``POST {"username", "password"}`` → ``{"token": …}`` for ``Authorization: Token …``."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (TokenThrottle,)
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(
                ErrorSerializer, description=str(_("Wrong username or password."))
            ),
            **TOO_MANY_REQUESTS_RESPONSE,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes flags the request it was given (this DRF request) when the username +
            # address pair or the address is locked; its middleware only answers for Django's
            # own request.
            if getattr(request, "axes_locked_out", False):
                raise DomainError(
                    LOCKED_OUT_CODE, lockout_message(request), status=LOCKED_OUT_STATUS
                )
            raise serializers.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
