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
