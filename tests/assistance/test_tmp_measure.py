from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assistance.models import JobPlacement
from tests.households.factories import MemberFactory


def test_measure(county_supervisor, city_supervisor, tongren_assistance):
    for _ in range(20):
        m = MemberFactory(name="张家明")
        JobPlacement.objects.create(member=m, employer="x", place="suzhou", placed_on="2020-01-01")
    for user in (county_supervisor, city_supervisor):
        c = Client()
        c.force_login(user)
        for url in ["/assistance/job-placements/new/?q=张家", "/assistance/job-placements/", "/assistance/pairings/", "/assistance/projects/new/"]:
            c.get(url)
            with CaptureQueriesContext(connection) as q:
                r = c.get(url)
            print(user.username, url, r.status_code, len(q.captured_queries), len(r.content))
