"""The API's default throttles: a rate per signed-in user and one per anonymous address.

The rates are read from settings on each request (``API_THROTTLE_USER``,
``API_THROTTLE_ANON``, e.g. ``"600/minute"``; empty turns a throttle off), not frozen when
DRF is imported. The counts live in the default cache: a cache shared by the web workers
(``CACHE_URL``) makes the rate one for the whole service, not one per worker.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        rate: str = settings.API_THROTTLE_USER
        return rate or None


class AnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        rate: str = settings.API_THROTTLE_ANON
        return rate or None
