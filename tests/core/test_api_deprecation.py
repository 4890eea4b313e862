"""An operation that is going says so on every answer (Deprecation, Sunset, Link) and
in the OpenAPI document; one that is not going carries none of it."""

from datetime import UTC, date, datetime

import pytest
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from liaison.api.views import WhoAmI
from takedown.core.api.deprecation import Deprecation
from tests.liaison.factories import PlatformFactory, api_key_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class OldWhoAmI(WhoAmI):
    deprecation = Deprecation(
        since=date(2026, 12, 2), sunset=date(2027, 6, 30), link="https://docs.example.org/whoami"
    )


API = [
    path("api/v1/old-whoami/", OldWhoAmI.as_view()),
    path("api/v1/whoami/", WhoAmI.as_view()),
]
urlpatterns = [*API, path("", include("takedown.urls"))]  # problem types resolve as ever


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=PlatformFactory())}")
    return client


def test_a_deprecated_operation_says_so_on_every_answer(api):
    for answer in (api.get("/api/v1/old-whoami/"), APIClient().get("/api/v1/old-whoami/")):
        assert answer.status_code in (200, 401)
        since = int(datetime(2026, 12, 2, tzinfo=UTC).timestamp())
        assert answer.headers["Deprecation"] == f"@{since}"
        assert answer.headers["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
        assert answer.headers["Link"] == '<https://docs.example.org/whoami>; rel="deprecation"'


def test_an_operation_that_stays_has_no_such_headers(api):
    answer = api.get("/api/v1/whoami/")
    assert answer.status_code == 200
    assert not {"Deprecation", "Sunset", "Link"} & set(answer.headers)


def test_the_schema_marks_the_deprecated_operation():
    paths = SchemaGenerator(patterns=API).get_schema(request=None, public=True)["paths"]
    assert paths["/api/v1/old-whoami/"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/whoami/"]["get"]


def test_without_a_sunset_only_the_deprecation_is_announced():
    headers = Deprecation(since=date(2027, 1, 1)).headers()
    assert set(headers) == {"Deprecation"}
