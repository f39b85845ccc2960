"""The template engine's faster ``{% url %}`` and ``|date`` (homestart.templating) give exactly what Django's give."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.template import defaultfilters, engines
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation

from homestart import templating

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _routes(patterns: list, namespace: str = "") -> list[tuple[str, int]]:
    """Every named route of the site, with the number of arguments its path takes."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", len(entry.pattern.converters)))
    return found


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_site_has_routes_with_arguments_to_compare() -> None:
    assert sum(1 for _name, count in ROUTES if count) > 50


@pytest.mark.parametrize(("name", "count"), [route for route in ROUTES if route[1]])
def test_every_route_reverses_as_django_does_in_a_template_and_in_python(name: str, count: int) -> None:
    for args in ([0] * count, [7] * count, list(range(12, 12 + count)), [2**40 + n for n in range(count)]):
        try:
            expected = reverse(name, args=args)
        except NoReverseMatch:
            # A route whose argument is text: Django's tag answers it (below), and Django's reverse in Python.
            with pytest.raises(NoReverseMatch):
                templating.reverse_keys(name, *args)
            continue
        tags = " ".join(f"a{n}" for n in range(count))
        assert render(f"{{% url '{name}' {tags} %}}", **{f"a{n}": a for n, a in enumerate(args)}) == expected
        assert templating.reverse_keys(name, *args) == expected


def test_links_built_in_python_with_what_is_not_a_key_go_to_djangos_reverse() -> None:
    assert templating.reverse_keys("families:detail", "12") == reverse("families:detail", args=["12"])
    assert templating.reverse_keys("home") == reverse("home")
    for not_a_key in (-1, None, True):
        with pytest.raises(NoReverseMatch):
            templating.reverse_keys("consents:consent_detail", not_a_key)


def test_what_is_not_a_record_key_goes_to_djangos_tag() -> None:
    assert render("{% url 'families:detail' pk %}", pk="12") == reverse("families:detail", args=["12"])
    assert render("{% url 'families:detail' pk=5 %}") == reverse("families:detail", kwargs={"pk": 5})
    assert render("{% url 'home' %}") == reverse("home")
    with pytest.raises(NoReverseMatch):
        render("{% url 'families:detail' n %}", n=-1)
    with pytest.raises(NoReverseMatch):
        render("{% url 'families:detail' flag %}", flag=True)  # a bool is an int, but not a key
    with pytest.raises(NoReverseMatch):
        render("{% url 'families:no_such_page' 5 %}")


def test_as_a_variable_and_escaped_as_djangos() -> None:
    assert render("{% url 'families:detail' 5 as link %}[{{ link }}]") == f"[{reverse('families:detail', args=[5])}]"
    assert render("{% url 'families:no_such_page' 5 as link %}[{{ link }}]") == "[]"
    assert render("{% url name 5 %}", name="families:detail") == reverse("families:detail", args=[5])


@override_settings(FORCE_SCRIPT_NAME="/scheme/")
def test_a_site_under_a_prefix_links_with_it() -> None:
    from django.urls import set_script_prefix

    set_script_prefix("/scheme/")
    try:
        url = render("{% url 'families:detail' 5 %}")
        assert url.startswith("/scheme/")
        assert url == reverse("families:detail", args=[5])
    finally:
        set_script_prefix("/")
    assert render("{% url 'families:detail' 5 %}") == reverse("families:detail", args=[5])


def test_a_route_whose_converter_pads_is_never_trusted() -> None:
    """A shape is kept only when it gives Django's answer for other numbers too."""
    assert templating._fill(("/a/", "/"), (7,)) == "/a/7/"
    shape = templating._shape("families:detail", 1, None)
    assert shape is not None and templating._fill(shape, (31,)) == reverse("families:detail", args=[31])
    assert templating._shape("families:no_such_page", 1, None) is None


# --- |date -------------------------------------------------------------------------------------------------------


def used_formats() -> set[str]:
    """Every format string the templates give ``|date``."""
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        found |= set(re.findall(r'\|date:"([^"]*)"', path.read_text()))
    return found


def test_every_format_the_templates_use_is_answered_in_python() -> None:
    fast = set(templating._FORMATS) | set(templating._TIMED_FORMATS)
    assert used_formats() - fast <= {"t F Y"}, "a new format: add it to homestart.templating, or accept it is slow"


DAYS = [datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in range(0, 400, 3)]
TIMES = [
    datetime.datetime(2026, month, day, hour, minute, tzinfo=LONDON)
    for month, day in ((1, 5), (3, 29), (6, 30), (10, 25), (12, 31))
    for hour, minute in ((0, 0), (0, 59), (1, 30), (9, 5), (12, 0), (23, 59))
]


@pytest.mark.parametrize("fmt", sorted(set(templating._FORMATS) | set(templating._TIMED_FORMATS) | {"t F Y"}))
@pytest.mark.parametrize("language", ["en-gb", "en"])
def test_dates_are_formatted_as_djangos_filter_formats_them(fmt: str, language: str) -> None:
    timed = "H" in fmt  # a date alone has no time to show: Django refuses it, and so no template asks it
    with translation.override(language):
        for value in TIMES if timed else [*DAYS, *TIMES]:
            assert templating.date(value, fmt) == defaultfilters.date(value, fmt), (value, fmt)


def test_in_a_template_a_time_is_shown_in_london_time_as_djangos() -> None:
    utc_evening = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 2 July in London
    assert render('{{ at|date:"j M Y, H:i" }}', at=utc_evening) == "2 Jul 2026, 00:30"
    assert render('{{ at|date:"H:i" }}', at=utc_evening) == "00:30"
    assert defaultfilters.date(timezone.localtime(utc_evening), "j M Y, H:i") == "2 Jul 2026, 00:30"


def test_what_is_not_a_date_or_a_known_format_goes_to_djangos_filter() -> None:
    day = datetime.date(2026, 3, 4)
    assert templating.date(None, "j M Y") == "" == defaultfilters.date(None, "j M Y")
    assert templating.date("", "j M Y") == ""
    assert templating.date("not a date", "j M Y") == defaultfilters.date("not a date", "j M Y")
    assert templating.date(day, "D d/m/y") == defaultfilters.date(day, "D d/m/y") == "Wed 04/03/26"
    assert templating.date(day) == defaultfilters.date(day)
    with translation.override("fr"):
        assert templating.date(day, "j F Y") == defaultfilters.date(day, "j F Y")


def test_the_app_of_the_page_is_asked_as_djangos_tag_asks_it(rf) -> None:
    request = rf.get("/")
    request.resolver_match = resolve(reverse("families:detail", args=[3]))
    page = engines["django"].from_string("{% url 'families:detail' 5 %}")
    assert page.render({}, request) == reverse("families:detail", args=[5], current_app="families")
    request.current_app = None  # set by the view: Django's tag takes it as given
    assert page.render({}, request) == reverse("families:detail", args=[5], current_app=None)
