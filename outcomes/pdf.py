"""Printed outcomes (WeasyPrint, through homestart.pdf): the worksheet a family fills in at a visit, and the scheme
report. Never called from a view directly: the services that print them audit it."""

from django.template.loader import render_to_string
from django.utils import timezone

from families.models import Family
from homestart import pdf
from outcomes.models import FrameworkVersion
from outcomes.report import Report


def worksheet(*, family: Family, version: FrameworkVersion) -> bytes:
    """A4: the scheme's letterhead, the family's reference (and no name), and for every need of the version a large
    tick box for each point of the scale with its words, and room for a comment."""
    html = render_to_string(
        "outcomes/worksheet_pdf.html",
        {
            "family": family,
            "scheme": family.scheme,
            "version": version,
            "points": list(version.scale_points.all()),
            "areas": list(version.areas.all()),
            "printed_on": timezone.localdate(),
        },
    )
    return pdf.render_html(html)


def report_pdf(report: Report) -> bytes:
    """The scheme report as the page shows it: counts only, small numbers hidden."""
    html = render_to_string(
        "outcomes/report_pdf.html",
        {"report": report, "scheme": report.scheme, "printed_on": timezone.localdate()},
    )
    return pdf.render_html(html)
