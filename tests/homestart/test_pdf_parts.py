"""A long document laid out in parts, one a core (homestart/pdf.py, ADR 0018): the result never depends on a child."""

import io
import os
import subprocess
from functools import partial
from typing import Any

import pytest
from pypdf import PdfReader

from homestart import pdf

PAGE = '<p style="break-after: page">{text}</p>'


def _html(*texts: str, numbered_after: bool = True) -> str:
    style = '<link rel="stylesheet" href="/static/css/letter-numbered-after.css">' if numbered_after else ""
    body = "".join(PAGE.format(text=text) for text in texts)
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Parts</title>'
        f'<link rel="stylesheet" href="/static/css/letter.css">{style}</head><body>{body}</body></html>'
    )


def _pages(document: bytes) -> list[str]:
    result = subprocess.run(  # noqa: S603 - a fixed program on bytes we made
        ["/usr/bin/pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=document, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return [" ".join(page.split()) for page in pages if page.strip()]


PARTS = [
    partial(pdf.render_html, html)
    for html in [_html("Alpha one", "Alpha two"), _html("Bravo one"), _html("Charlie one", "Charlie two")]
]


@pytest.fixture
def two_cores(monkeypatch: Any) -> None:
    monkeypatch.setattr(pdf, "parts_available", lambda: 2)


def test_the_parts_are_joined_in_order_and_numbered_across_them(two_cores: None) -> None:
    document = pdf.join_and_number(pdf.render_side_by_side(PARTS))

    assert _pages(document) == [
        f"{text} Page {number} of 5"
        for number, text in enumerate(["Alpha one", "Alpha two", "Bravo one", "Charlie one", "Charlie two"], 1)
    ]
    assert PdfReader(io.BytesIO(document)).metadata.title == "Parts"  # the first part's metadata kept


def test_the_number_sits_where_the_letters_own_numbering_does(tmp_path: Any) -> None:
    """Drawn onto a page, "Page 1 of 1" lands on the same line, right-aligned to the same margin, as letter.css's."""
    ours = pdf.join_and_number([pdf.render_html(_html("Same place"))])
    theirs = pdf.render_html(_html("Same place", numbered_after=False))

    def box(document: bytes) -> tuple[float, float]:
        result = subprocess.run(  # noqa: S603 - a fixed program on bytes we made
            ["/usr/bin/pdftotext", "-bbox", "-", "-"], input=document, capture_output=True, check=True
        )
        words = result.stdout.decode("utf-8").splitlines()
        last = next(line for line in reversed(words) if line.strip().startswith("<word"))
        attributes = dict(part.split("=") for part in last.split("<word ")[1].split(">")[0].split())
        return float(attributes["xMax"].strip('"')), float(attributes["yMax"].strip('"'))

    (x_ours, y_ours), (x_theirs, y_theirs) = box(ours), box(theirs)
    assert abs(x_ours - x_theirs) < 1.5  # points
    assert abs(y_ours - y_theirs) < 1.5


def test_a_part_whose_child_fails_is_rendered_here(two_cores: None, monkeypatch: Any) -> None:
    def fails(render: Any, sender: Any) -> None:
        sender.send_bytes(b"")  # what a child sends when WeasyPrint raised

    monkeypatch.setattr(pdf, "_render_into", fails)
    assert _pages(pdf.join_and_number(pdf.render_side_by_side(PARTS)))[2] == "Bravo one Page 3 of 5"


def test_a_part_whose_child_dies_is_rendered_here(two_cores: None, monkeypatch: Any) -> None:
    def dies(render: Any, sender: Any) -> None:
        os._exit(9)

    monkeypatch.setattr(pdf, "_render_into", dies)
    assert len(_pages(pdf.join_and_number(pdf.render_side_by_side(PARTS)))) == 5


def test_a_threaded_process_renders_in_one_part(monkeypatch: Any) -> None:
    """Forking beside other threads could copy a lock one of them holds: a threaded server renders here alone."""
    monkeypatch.setattr(pdf.threading, "active_count", lambda: 3)
    assert pdf.parts_available() == 1

    def no_fork(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("forked")

    monkeypatch.setattr(pdf.multiprocessing, "get_context", no_fork)
    assert len(_pages(pdf.join_and_number(pdf.render_side_by_side(PARTS)))) == 5


@pytest.mark.django_db
def test_a_child_never_uses_the_parents_database_connection(two_cores: None) -> None:
    """A part that reads the database in its child reads it on a connection of its own: the parent's session goes on
    (its backend's pid is the same before and after, and it still answers)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1")
        before = cursor.fetchone()[0]

    def reads_the_database() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1")
            pid = cursor.fetchone()[0]
        return pdf.render_html(_html(f"Read by {'another' if pid != before else 'the same'} session"))

    pages = _pages(pdf.join_and_number(pdf.render_side_by_side([PARTS[1], reads_the_database])))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1")
        assert cursor.fetchone()[0] == before
    if connection.vendor == "postgresql":
        assert pages[1] == "Read by another session Page 2 of 2"
