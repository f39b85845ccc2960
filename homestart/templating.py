"""Django's ``{% url %}`` tag and ``|date`` filter, answered without their general machinery for the common case.

Every list row links to its record and shows a date: on the register, the caseload and the dashboard, Django's
``reverse()`` (about 20 µs a link: namespaces, the resolver's candidates, a regular expression to check the
result) and its ``date`` filter (15 to 22 µs: a ``DateFormat`` object, lazy translations) were a sixth of the
caseload's time (``bench/README.md``, 6 December). This library is one of the template engine's builtins
(``settings.TEMPLATES``), after Django's own, so every template's ``{% url %}`` and ``|date`` are these; each gives
exactly what Django's gives (``tests/homestart/test_templating.py`` compares them over every route and format used):

- ``{% url %}`` with only whole, non-negative numbers as arguments (every record's key) reverses the route once
  per process with marker numbers in place of the arguments and then only puts the numbers in. The markers'
  URL is checked against Django's own for other numbers before it is trusted; anything else (keyword arguments,
  text, a route that refuses a marker) goes to Django's tag unchanged. ``reverse_keys`` is the same for a link
  built in Python for each row of a list.
- ``|date`` with one of the formats the templates use, in English, formats in Python; any other format or
  language, or a value that is not a date, goes to Django's filter.
"""

import datetime
from typing import Any

from django import template
from django.conf import settings
from django.template import defaultfilters, defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape

register = template.Library()

# --- {% url %} ---------------------------------------------------------------------------------------------------

# Far from any key a table will reach, and distinct per position, so each is found once in the reversed URL.
_MARKERS = (9_081_726_354_001, 9_081_726_354_002, 9_081_726_354_003, 9_081_726_354_004)
# (route, arguments, app, prefix, resolver) -> the URL's text around each argument, or None: use Django's reverse.
_SHAPES: dict[tuple[Any, ...], tuple[str, ...] | None] = {}
_UNSET = object()


def _shape(view_name: str, count: int, current_app: str | None) -> tuple[str, ...] | None:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    key = (view_name, count, current_app, get_script_prefix(), get_resolver(urlconf))
    try:
        return _SHAPES[key]
    except KeyError:
        pass
    shape = None
    if 0 < count <= len(_MARKERS):
        try:
            marked = reverse(view_name, args=_MARKERS[:count], current_app=current_app)
        except NoReverseMatch:
            marked = ""
        parts: list[str] = []
        rest = marked
        for marker in _MARKERS[:count]:
            before, found, rest = rest.partition(str(marker))
            if not found or str(marker) in rest:
                break
            parts.append(before)
        else:
            parts.append(rest)
            # Trusted only when it gives what Django gives for other numbers too (a converter that pads would not).
            probe = tuple(range(7, 7 + count))
            if _fill(tuple(parts), probe) == reverse(view_name, args=probe, current_app=current_app):
                shape = tuple(parts)
    _SHAPES[key] = shape
    return shape


def _fill(shape: tuple[str, ...], args: tuple[int, ...]) -> str:
    pieces = [shape[0]]
    for arg, after in zip(args, shape[1:], strict=True):
        pieces.append(str(arg))
        pieces.append(after)
    return "".join(pieces)


def _keyed(view_name: Any, keys: tuple[Any, ...], current_app: str | None) -> str | None:
    """The route's URL for these keys from its shape, or None when they are not all record keys or it has none."""
    if not keys or not isinstance(view_name, str) or not all(type(key) is int and key >= 0 for key in keys):
        return None
    shape = _shape(view_name, len(keys), current_app)
    return _fill(shape, keys) if shape is not None else None


def reverse_keys(view_name: str, *keys: int) -> str:
    """``reverse(view_name, args=keys)``, through the same shapes as ``{% url %}`` when every key is a whole,
    non-negative number: for a link built in Python for each row of a list (the register's evidence links)."""
    url = _keyed(view_name, keys, None)
    return url if url is not None else reverse(view_name, args=keys)


class URLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        if self.kwargs or not self.args:
            return super().render(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        if not all(type(arg) is int and arg >= 0 for arg in args):
            return super().render(context)
        request = getattr(context, "request", None)
        # As Django's tag chooses it: the request's own, else the namespace of the route that answered it.
        current_app = getattr(request, "current_app", _UNSET)
        if current_app is _UNSET:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = _keyed(self.view_name.resolve(context), args, current_app)
        if url is None:
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)


# --- |date -------------------------------------------------------------------------------------------------------

_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_SHORT = tuple(month[:3] for month in _MONTHS)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ENGLISH = {"en", "en-gb", "en-us"}


def _clock(value: datetime.date) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"  # type: ignore[attr-defined]


_FORMATS = {
    "j M Y": lambda d: f"{d.day} {_MONTHS_SHORT[d.month]} {d.year}",
    "j F Y": lambda d: f"{d.day} {_MONTHS[d.month]} {d.year}",
    "l j F Y": lambda d: f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month]} {d.year}",
    "l j F": lambda d: f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month]}",
    "F Y": lambda d: f"{_MONTHS[d.month]} {d.year}",
    "M Y": lambda d: f"{_MONTHS_SHORT[d.month]} {d.year}",
}
_TIMED_FORMATS = {
    "j M Y, H:i": lambda d: f"{_FORMATS['j M Y'](d)}, {_clock(d)}",
    "j F Y, H:i": lambda d: f"{_FORMATS['j F Y'](d)}, {_clock(d)}",
    "H:i": _clock,
}


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    kind = type(value)
    if kind is datetime.datetime:
        formatter = _TIMED_FORMATS.get(arg) or _FORMATS.get(arg)  # type: ignore[arg-type]
    elif kind is datetime.date:
        formatter = _FORMATS.get(arg)  # type: ignore[arg-type]
    else:
        formatter = None
    if formatter is None or translation.get_language() not in _ENGLISH:
        return defaultfilters.date(value, arg)
    return formatter(value)
