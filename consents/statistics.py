"""Anonymised figures for an agency's statistical request (P6), with small-number suppression.

The rule, in the words of DESIGN.md: any count below 5 is shown as "fewer than 5". Zero is below 5 too, so it is
shown the same way: a reader can never tell 0 from 1, 2, 3 or 4. The functions here return ``None`` for a
suppressed count, so the small number never leaves this module and no page, CSV or PDF can print it.

Families per postcode district add up to "families supported", so a single hidden district could be worked out by
subtracting the others from the total. Districts with fewer than 5 families are therefore added together as "Other
districts", and while that sum is still below 5 the smallest shown district joins it. Every number printed is true:
either the exact count (5 or more) or "fewer than 5" for a count that really is.

No figure names a family, a person or a full postcode: districts are the outward code only ("PO2").
"""

import datetime
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Q

from families.models import Family, HouseholdMember, MemberKind, Referral, Visit
from homestart.models import Scheme

THRESHOLD = 5
FEWER_THAN = f"fewer than {THRESHOLD}"
OTHER_DISTRICTS = "Other districts"
SUPPRESSION_RULE = (
    f"To protect families' privacy, any number from 0 to {THRESHOLD - 1} is shown as “{FEWER_THAN}”. Postcode "
    f"districts with fewer than {THRESHOLD} families are added together as “{OTHER_DISTRICTS}” (with the next "
    "smallest district if needed), so that no small number can be worked out from the total."
)
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
NO_DISTRICT = "Postcode not recorded"

Figure = tuple[str, int | None]


def suppress(count: int) -> int | None:
    """The count itself if it is 5 or more; ``None`` (shown as "fewer than 5") for 0 to 4."""
    return count if count >= THRESHOLD else None


def shown(count: int | None) -> str:
    """How a figure is written in every output: the number, or "fewer than 5"."""
    return FEWER_THAN if count is None else str(count)


def postcode_district(postcode: str) -> str:
    """The outward code of a UK postcode ("PO2 7QA" -> "PO2"); anything unrecognisable is not shown."""
    compact = "".join(postcode.split()).upper()
    outward = compact[:-3] if len(compact) > 3 else compact
    return outward if OUTWARD_CODE.match(outward) else NO_DISTRICT


def _supported_in_period(scheme: Scheme, date_from: datetime.date, date_to: datetime.date) -> Q:
    """Support had started by the end of the period and had not ended before it began."""
    return Q(
        scheme=scheme,
        support_started_on__isnull=False,
        support_started_on__lte=date_to,
    ) & (Q(support_ended_on__isnull=True) | Q(support_ended_on__gte=date_from))


def _age_on(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def scheme_figures(scheme: Scheme, date_from: datetime.date, date_to: datetime.date) -> list[Figure]:
    """The scheme's figures for the period (both days included), each 5 or more, or ``None`` for "fewer than 5".

    - Families referred: families with a referral received in the period.
    - Families supported: a volunteer's support had started by the end of the period and not ended before it.
    - Families whose support ended: support (once started) ended in the period.
    - Children in supported families, by age on the last day of the period (babies not yet born are not counted).
    - Visits logged: home visits, phone calls and outings in the period.
    """
    supported = Family.objects.filter(_supported_in_period(scheme, date_from, date_to))
    referred = (
        Referral.objects.filter(family__scheme=scheme, date_received__gte=date_from, date_received__lte=date_to)
        .values("family_id")
        .distinct()
        .count()
    )
    ended = Family.objects.filter(
        scheme=scheme,
        support_started_on__isnull=False,
        support_ended_on__gte=date_from,
        support_ended_on__lte=date_to,
    ).count()
    births = HouseholdMember.objects.filter(
        family__in=supported, kind=MemberKind.CHILD, date_of_birth__isnull=False, date_of_birth__lte=date_to
    ).values_list("date_of_birth", flat=True)
    ages = Counter(min(_age_on(born, date_to), 5) for born in births)
    visits = Visit.objects.filter(family__scheme=scheme, visited_on__gte=date_from, visited_on__lte=date_to).count()
    return [
        ("Families referred", suppress(referred)),
        ("Families supported", suppress(supported.count())),
        ("Families whose support ended", suppress(ended)),
        ("Children under 1 in supported families", suppress(ages[0])),
        ("Children aged 1 to 4 in supported families", suppress(sum(ages[age] for age in range(1, 5)))),
        ("Children aged 5 and over in supported families", suppress(ages[5])),
        ("Visits logged (home visits, phone calls and outings)", suppress(visits)),
    ]


def district_figures(scheme: Scheme, date_from: datetime.date, date_to: datetime.date) -> list[Figure]:
    """Families supported in the period per postcode district (outward code only), small districts merged."""
    postcodes = Family.objects.filter(_supported_in_period(scheme, date_from, date_to)).values_list(
        "postcode", flat=True
    )
    return merge_small_districts(Counter(postcode_district(postcode) for postcode in postcodes))


def merge_small(
    counts: Mapping[str, int], *, prefer: Callable[[str], Any] = lambda name: name
) -> tuple[dict[str, int], list[str], int]:
    """The rule for any set of counts that add up to a total a reader knows (or could work out): which counts may
    be shown on their own, and which are added together so that no small one can be worked out by subtraction.

    Each count of 5 or more is shown; the others (0 included) are added together; while that sum is below 5 and a
    count is still shown on its own, the smallest such count joins it (between equal counts, the first by
    ``prefer``: by name unless the caller says otherwise). Answers the counts
    shown, the names added together (in the order they joined) and their sum: 5 or more, or below 5 only when
    every count joined it (the whole total is small, and is itself "fewer than 5"). Every figure printed from it is
    true: an exact count of 5 or more, or "fewer than 5" for one that really is. Used by the postcode districts
    here and by the outcome report's change in each area (outcomes.report).
    """
    shown = {name: count for name, count in counts.items() if count >= THRESHOLD}
    merged = [name for name, count in counts.items() if count < THRESHOLD]
    other = sum(counts[name] for name in merged)
    while merged and other < THRESHOLD and shown:
        name = min(shown, key=lambda candidate: (shown[candidate], prefer(candidate)))
        other += shown.pop(name)
        merged.append(name)
    return shown, merged, other


def merge_small_districts(counts: Mapping[str, int]) -> list[Figure]:
    """Each district of 5 or more families (alphabetically, "Postcode not recorded" last), then "Other districts".

    "Other districts" adds up the districts with fewer than 5; while that sum is below 5 and a district is still
    shown on its own, the smallest such district joins it, so the sum cannot be worked out from the total either
    (``merge_small``, the rule every figure of this kind follows).
    """
    shown, _merged, other = merge_small({district: count for district, count in counts.items() if count > 0})
    rows: list[Figure] = [
        (district, shown[district]) for district in sorted(shown, key=lambda d: (d == NO_DISTRICT, d))
    ]
    if other:
        rows.append((OTHER_DISTRICTS, suppress(other)))
    return rows
