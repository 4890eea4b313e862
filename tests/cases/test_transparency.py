import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from cases import transparency
from cases.services.triage import case_assess
from tests.cases.factories import open_case, submit
from tests.conftest import login
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_data(actors):
    now = timezone.now()
    cases = [
        open_case(actors["owner"], f"https://b-social.test/p/t{n}", now=now - timedelta(hours=30))
        for n in range(6)
    ]
    for case in cases:
        case_assess(
            case=case,
            officer=actors["owner"],
            depiction_type="real",
            age_group="pubescent",
            severity=3,
            risk_score=40,
            classification=None,
            expected_version=None,
            now=now - timedelta(hours=20),
        )
    submit(
        actors["outsider"], "https://b-social.test/p/t0", jurisdiction="NL"
    )  # a duplicate avoided
    return now


def test_network_figures_on_known_data(year_of_data):
    report = transparency.compute(
        period=transparency.Period.parse(str(year_of_data.year)), scope=transparency.Scope()
    )
    assert report["reports_received"] == 7 and report["items_reported"] == 7
    assert report["duplicates_avoided"] == 1 and report["cases_opened"] == 6
    assert report["time_to_assessment"]["count"] == 6
    assert report["time_to_assessment"]["median_seconds"] == 10 * 3600
    assert report["within_deadline"]["assessment"] == {"finished": 6, "on_time": 6, "share": 1.0}


def test_public_variant_suppresses_small_cells(year_of_data):
    period = transparency.Period.parse(str(year_of_data.year))
    report = transparency.public(transparency.compute(period=period, scope=transparency.Scope()))
    assert report["duplicates_avoided"] == "<5"  # one
    assert report["cases_opened"] == 6  # at or above the threshold
    nl = transparency.public(
        transparency.compute(period=period, scope=transparency.Scope(jurisdiction="NL"))
    )
    assert nl["reports_received"] == "<5"
    assert nl["time_to_assessment"]["median_seconds"] is None


def test_pages_exports_and_command_agree(year_of_data, client, actors, capsys):
    year = year_of_data.year
    public_json = client.get(f"/transparency/?period={year}&format=json").json()
    assert public_json["duplicates_avoided"] == "<5"
    assert client.get(f"/transparency/?period={year}").status_code == 200
    csv_body = client.get(f"/transparency/?period={year}&format=csv").content.decode()
    assert "duplicates_avoided,<5" in csv_body
    assert client.get(f"/transparency/?period={year}&format=svg")["Content-Type"] == "image/svg+xml"
    assert client.get("/transparency/full/").status_code in (302, 403)
    full = login(actors["owner"]).get(f"/transparency/full/?period={year}&format=json").json()
    assert full["duplicates_avoided"] == 1
    call_command("transparency_report", period=str(year), format="json")
    assert json.loads(capsys.readouterr().out) == full
    call_command("transparency_report", period=str(year), format="json", public=True)
    assert json.loads(capsys.readouterr().out) == public_json
    assert client.get("/transparency/?period=last-year").status_code == 400
    assert login(UserFactory()).get(f"/transparency/full/?period={year}").status_code == 403


@pytest.mark.parametrize(
    ("text", "start_month", "end"),
    [("2026", 1, (2027, 1)), ("2026-Q4", 10, (2027, 1)), ("2026-05", 5, (2026, 6))],
)
def test_periods(text, start_month, end):
    period = transparency.Period.parse(text)
    assert period.start.month == start_month and (period.end.year, period.end.month) == end


def test_the_public_page_reads_like_a_report(year_of_data, client):
    year = year_of_data.year
    html = client.get(f"/transparency/?period={year}").content.decode()
    headlines = html.split("data-headlines")[1].split("</ul>")[0]
    assert "7 reports were received, naming 7 items." in headlines
    # The median assessment took 10 hours: said in hours, not seconds.
    assert "Half of the reports were assessed within 10 h 0 min" in headlines
    assert "100 % of the clocks for “Assessment” finished within the binding deadline." in (
        headlines
    )
    assert "36000" not in html  # no raw seconds in the table either
    body = html.split("<main", 1)[1]
    assert "How to read this" in body and "What is suppressed and why" in body
    assert 'shows counts from 1 to 4 as "&lt;5"' in body
    # The downloads are the figures, unchanged.
    data = client.get(f"/transparency/?period={year}&format=json").json()
    assert data["time_to_assessment"]["median_seconds"] == 10 * 3600


def test_a_scope_too_small_says_nothing_that_could_identify(year_of_data, client):
    html = client.get(f"/transparency/?period={year_of_data.year}&jurisdiction=NL").content
    html = html.decode()
    assert "reports were received" not in html  # the counts are "<5": not said
    assert "assessed within" not in html  # a median of fewer than 5 cases: not said


def test_each_group_of_figures_has_its_chart_and_its_table(year_of_data, client):
    year = year_of_data.year
    html = client.get(f"/transparency/?period={year}").content.decode()
    report = client.get(f"/transparency/?period={year}&format=json").json()
    # Every figure of the download is in a table, under its raw name and in words.
    shown = set(re.findall(r'data-figure="([^"]+)"', html))
    figures = {name for name, _value in transparency.flatten(report)}
    assert shown == figures - {"period", "scope", "suppression"}
    assert '<th scope="row" class="fw-normal">Reports received</th>' in html
    assert "Assessment of a report: half within" in html
    assert "reports_received</th>" not in html  # the raw name is not the label
    # A chart per section that has something to draw; each says the period.
    charts = re.findall(r"format=svg&amp;chart=(\w+)", html)
    assert charts == ["volumes", "durations", "deadlines"]  # no grounds, no MLA yet
    for chart in charts:
        response = client.get(f"/transparency/?period={year}&format=svg&chart={chart}")
        assert response["Content-Type"] == "image/svg+xml"
        assert str(year) in response.content.decode()
    volumes = client.get(f"/transparency/?period={year}&format=svg&chart=volumes")
    assert "Reports received" in volumes.content.decode()
    durations = client.get(f"/transparency/?period={year}&format=svg&chart=durations")
    assert "half within (median)" in durations.content.decode()  # a legend: two series
    assert ">10<" in durations.content.decode() or ">10.0<" in durations.content.decode()
    wrong = client.get(f"/transparency/?period={year}&format=svg&chart=pie")
    assert wrong.status_code == 400 and "volumes" in wrong.json()["error"]


def test_figures_are_written_as_the_readers_language_writes_numbers():
    report = {
        "period": "2026",
        "scope": "network",
        "reports_received": 12345,
        "items_reported": 23456,
        "within_deadline": {"removal": {"finished": 2000, "on_time": 1500, "share": 0.75}},
    }
    english = {n: v for s in transparency.sections(report) for n, _l, v in s["rows"]}
    assert english["reports_received"] == "12,345"
    assert english["within_deadline.removal.share"] == "75 %"
    with translation.override("de"):
        german = {n: v for s in transparency.sections(report) for n, _l, v in s["rows"]}
        labels = {n: label for s in transparency.sections(report) for n, label, _v in s["rows"]}
        (first, *_rest) = transparency.headlines(report)
    assert german["reports_received"] == "12.345"
    assert "12.345" in first and "23.456" in first
    assert "Removal" not in labels["within_deadline.removal.finished"]


def test_the_page_names_its_scope_in_words(year_of_data, client):
    html = client.get(f"/transparency/?period={year_of_data.year}&jurisdiction=NL").content
    assert "jurisdiction NL" in html.decode()
    german = client.get(
        f"/transparency/?period={year_of_data.year}", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "the whole network" not in german and "network</h1>" not in german
