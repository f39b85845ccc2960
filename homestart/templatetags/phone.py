"""``{{ number|tel }}``: a phone number as a ``tel:`` link target, for every template that links a phone.

People type numbers with spaces, brackets and dashes ("07700 900108", "+44 (0)23 9200 0000"); a ``tel:`` URI holds
none of those (RFC 3966, and the Nu HTML checker refuses a space), so the link keeps only the digits and a leading
"+". The number shown to the reader stays as it was typed.
"""

import re

from django import template

register = template.Library()


@register.filter
def tel(number: object) -> str:
    """``"07700 900108"`` -> ``"tel:07700900108"``; ``"+44 (0)23 9200 0000"`` -> ``"tel:+442392000000"``.

    An international number drops the UK trunk "(0)" written after the country code; an extension or a note after
    the number ("ext 12", "(evenings)") is left out; text with no digits gives "" (no link rather than a broken one).
    """
    text = re.split(r"[^\d\s()+.\-/]", str(number or ""), maxsplit=1)[0].strip()  # "... ext 12": the number only
    international = text.startswith("+") or text.startswith("00")
    if text.startswith("+"):
        text = text.replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.startswith("00"):
        digits = digits[2:]
    return f"tel:+{digits}" if international else f"tel:{digits}"
