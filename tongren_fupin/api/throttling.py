"""The API's default throttle: a rate per signed-in user.

The rate is read from settings on each request (``API_THROTTLE_USER``, e.g. ``"600/minute"``;
empty turns it off), not frozen when DRF is imported. The counts live in the default cache: a
cache shared by the web workers (``CACHE_URL``) makes the rate one for the whole service, not
one per worker.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class UserThrottle(UserRateThrottle):
    def get_rate(self) -> str | None:
        rate: str = settings.API_THROTTLE_USER
        return rate or None
