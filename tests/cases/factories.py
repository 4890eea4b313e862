"""Cases are made through the intake service, as in production."""

from cases.services.intake import ItemInput, ReportInput, report_submit


def submit(
    submitter, *urls, jurisdiction="DE", acute=False, source="hotline", items=None, **kwargs
):
    items = items or [ItemInput(url=url) for url in urls]
    return report_submit(
        data=ReportInput(
            source=source,
            reporting_jurisdiction=jurisdiction,
            acute=acute,
            items=items,
            summary=kwargs.pop("summary", "synthetic test report"),
        ),
        submitter=submitter,
        **kwargs,
    )


def open_case(submitter, *urls, **kwargs):
    result = submit(submitter, *(urls or ("https://a-video.test/v/1",)), **kwargs)
    return result.cases_opened[0]


def assessed_case(officer, *urls, depiction="real", **kwargs):
    from cases.services.triage import case_assess

    case = open_case(officer, *urls, **kwargs)
    case_assess(
        case=case,
        officer=officer,
        depiction_type=depiction,
        age_group="prepubescent",
        severity=4,
        risk_score=80,
        classification=None,
        expected_version=None,
        now=kwargs.get("now"),
    )
    return case


def order_request_for(officer, *urls, **kwargs):
    """A case led by the officer's desk, assessed, with an order requested for all items."""
    from cases.services.triage import order_request_create

    case = assessed_case(officer, *urls, **kwargs)
    items = list(case.items.all())
    return order_request_create(
        case=case,
        officer=officer,
        platform=items[0].platform,
        items=items,
        expected_version=None,
        now=kwargs.get("now"),
    )


def join(officer, url, *, jurisdiction, lead):
    """``officer``'s desk reports ``url`` of an existing case and ``lead`` (an officer
    of the lead desk) lets it in, as in production: a matching report alone joins
    nothing."""
    from cases.choices import JoinStatus
    from cases.models import JoinRequest
    from cases.services.joins import join_decide

    result = submit(officer, url, jurisdiction=jurisdiction)
    pending = JoinRequest.objects.get(case__in=result.cases_joined, status=JoinStatus.PENDING)
    return join_decide(join=pending, officer=lead, accept=True)
