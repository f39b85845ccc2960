"""Phone numbers link as ``tel:`` without spaces (the Nu HTML checker refuses ``tel:07700 900108``), through one
filter in core, ``{{ number|tel }}``, which every template that links a phone uses."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from homestart.templatetags.phone import tel

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    "number, link",
    [
        ("07700 900108", "tel:07700900108"),
        (" 023 9200-0000 ", "tel:02392000000"),
        ("(023) 9200 0000", "tel:02392000000"),
        ("+44 (0)23 9200 0000", "tel:+442392000000"),
        ("+44 7700 900108", "tel:+447700900108"),
        ("0044 7700 900108", "tel:+447700900108"),
        ("023 9200 0000 ext 12", "tel:02392000000"),
        ("07700 900108 (evenings)", "tel:07700900108"),
        ("999", "tel:999"),
        ("", ""),
        ("ask at reception", ""),
        (None, ""),
    ],
)
def test_a_phone_number_becomes_a_tel_link_of_digits(number: object, link: str) -> None:
    assert tel(number) == link


def test_the_filter_in_a_template_escapes_nothing_it_should_not() -> None:
    html = Template('{% load phone %}<a href="{{ n|tel }}">{{ n }}</a>').render(Context({"n": '07700 900108 "<b>'}))
    assert html == '<a href="tel:07700900108">07700 900108 &quot;&lt;b&gt;</a>'


def test_every_template_links_phones_through_the_filter() -> None:
    raw = re.compile(r"""href=["']tel:\{\{""")
    offenders = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html") if raw.search(path.read_text())]
    assert not offenders, f"templates linking a phone without the tel filter: {offenders}"
