"""The disclosure register as a CSV file: its columns, and cells a spreadsheet shows but never runs."""

import csv
import datetime
from collections.abc import Iterable
from typing import Any, Protocol

from django.db.models import QuerySet

from consents.models import Category, Disclosure

CSV_HEADER = [
    "Date",
    "Family reference",
    "Family name",
    "Shared",
    "Recipient",
    "Role",
    "Organisation",
    "Information",
    "What was shared",
    "Reason for not sharing",
    "Method",
    "Basis",
    "Recorded by",
    "Recorded at (UTC)",
]


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def csv_cell(value: Any) -> str:
    """Text for a spreadsheet cell; a leading = + - @ would make a spreadsheet run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _category_labels(values: Iterable[str]) -> str:
    return "; ".join(Category(value).label for value in values if value in Category.values)


def csv_row(row: Disclosure) -> list[str]:
    """One line of the register, in the order of ``CSV_HEADER``."""
    return [
        csv_cell(value)
        for value in (
            row.disclosed_on.isoformat(),
            row.family.reference,
            row.family.family_name,
            "Yes" if row.shared else "No",
            row.recipient.name,
            row.recipient.role,
            row.recipient.agency.name,
            _category_labels(row.categories),
            row.summary,
            row.reason,
            row.get_method_display(),
            row.basis_label + (f" (their reference {row.reference_number})" if row.reference_number else ""),
            row.recorded_by.get_full_name() or row.recorded_by.username,
            row.recorded_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        )
    ]


def write_register_csv(out: Writable, rows: QuerySet[Disclosure]) -> None:
    """Write the register's rows as CSV to ``out`` (a response, a file), read from the database 500 at a time."""
    out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows.iterator(chunk_size=500):
        writer.writerow(csv_row(row))
