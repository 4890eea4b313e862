"""One chart style: on time green, late red, values printed on the bars (colour is never
the only carrier), titles that say the period; no script in the SVG."""

import pytest
from django.urls import reverse

from takedown.core import charts
from tests.cases.factories import assessed_case
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_the_boards_chart_is_green_for_on_time_and_red_for_late(actors):
    assessed_case(actors["owner"], "https://b-social.test/p/chart")  # one clock met on time
    response = login(actors["owner"]).get(reverse("cases:board-chart"))
    svg = response.content.decode()
    assert charts.ON_TIME in svg and charts.LATE in svg
    assert svg.index(charts.ON_TIME) < svg.index(charts.LATE)  # the on-time series first
    assert "the last 12 weeks" in svg
    assert 'class="value' in svg  # the figures are printed on the bars
    # Shown as an image, and nothing in it may run.
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_transparency_chart_says_its_period(actors):
    from django.utils import timezone

    assessed_case(actors["owner"], "https://b-social.test/p/chart-period")
    year = timezone.now().year
    svg = login(actors["owner"]).get(
        reverse("transparency:full"), {"period": year, "format": "svg"}
    )
    text = svg.content.decode()
    assert f"the binding deadline, {year}" in text and charts.ON_TIME in text
