"""P8: group-meeting notes that identify a family of the scheme are refused, and ordinary text is accepted.

The families, built through the services as the referral pages would build them (each household has an adult
"Grace <surname>" and a child):

=========== ============ ============ ======================================================
family      child        postcode     why it is here
=========== ============ ============ ======================================================
Okafor      Tobi         PO2 7QA      a surname that is no English word
Green       Lily         SO14 3JA     a surname that is an ordinary word
Young       Noah         PO4 8EE      "a young family", "Young children…"
Hill        Ann          PO9 1BB      "Annual", "Hillside", "Portsdown Hill"
O'Brien     Siobhán      PO1 2AB      an apostrophe, an accent
Smith-Jones Zoë          BN1 1AA      a hyphen, "Zoë" written "Zoe"
Kowalski    Anna         PO6 3DD      support has ended: still protected
Evans       Tobi         SO23 8TT     another scheme's family: not this scheme's business
=========== ============ ============ ======================================================
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from families import services as family_services
from families.models import Family
from homestart.models import Role, Scheme
from tests.conftest import make_family, make_scheme, make_user
from volunteers.guard import Finding, family_identifiers_in, refusal_message


@dataclass
class Schemes:
    scheme: Scheme
    other_scheme: Scheme
    references: dict[str, str]  # family name -> reference

    def expand(self, text: str) -> str:
        """Put the real references (which carry the year of the referral) into a case's text."""
        okafor = self.references["Okafor"]
        code, year, number = okafor.split("-")
        return text.format(
            ref=okafor,
            ref_compact=f"{code}{year}{number}".lower(),
            ref_spaced=f"{code.lower()} {year} {number}",
            ref_number=f"{year}-{number}",
            ended_ref=self.references["Kowalski"],
            other_ref=self.references["Evans"],
        )


@pytest.fixture
def schemes(db: None) -> Schemes:
    scheme = make_scheme("PMH")
    other_scheme = make_scheme("WIN")
    coordinator = make_user(scheme, "coordinator", Role.COORDINATOR)
    other_coordinator = make_user(other_scheme, "othercoordinator", Role.COORDINATOR)
    families = [
        make_family(coordinator, "Okafor", child_first_name="Tobi", postcode="PO2 7QA"),
        make_family(coordinator, "Green", child_first_name="Lily", postcode="SO14 3JA"),
        make_family(coordinator, "Young", child_first_name="Noah", postcode="PO4 8EE"),
        make_family(coordinator, "Hill", child_first_name="Ann", postcode="PO9 1BB"),
        make_family(coordinator, "O'Brien", child_first_name="Siobhán", postcode="PO1 2AB"),
        make_family(coordinator, "Smith-Jones", child_first_name="Zoë", postcode="BN1 1AA"),
        make_family(coordinator, "Kowalski", child_first_name="Anna", postcode="PO6 3DD"),
        make_family(other_coordinator, "Evans", child_first_name="Tobi", postcode="SO23 8TT"),
    ]
    ended = next(family for family in families if family.family_name == "Kowalski")
    family_services.family_end_support(
        family=ended,
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
        reason="Moved away.",
        actor=coordinator,
    )
    return Schemes(
        scheme=scheme,
        other_scheme=other_scheme,
        references={family.family_name: family.reference for family in Family.objects.all()},
    )


FULL = "full name"
SURNAME = "family name"
POSTCODE = "postcode"
REFERENCE = "reference"

REFUSED = [
    # full names
    ("We talked about Grace Okafor today.", [(FULL, "Grace Okafor")]),
    ("grace okafor was mentioned", [(FULL, "grace okafor")]),
    ("GRACE OKAFOR", [(FULL, "GRACE OKAFOR")]),
    ("Some news about Grace\nOkafor and her son", [(FULL, "Grace\nOkafor")]),
    ("Grace  \t Okafor", [(FULL, "Grace  \t Okafor")]),
    ("(Tobi Okafor), who is two,", [(FULL, "Tobi Okafor")]),
    ("“Tobi Okafor!” she said", [(FULL, "Tobi Okafor")]),
    ("Grace Okafor's baby is teething", [(FULL, "Grace Okafor")]),
    ("write to grace.okafor@example.com", [(FULL, "grace.okafor")]),
    ("Okafor, Grace: second visit", [(FULL, "Okafor, Grace")]),
    ("grace green is doing well", [(FULL, "grace green")]),
    ("Ann Hill came along", [(FULL, "Ann Hill")]),
    ("Grace O'Brien rang", [(FULL, "Grace O'Brien")]),
    ("Grace O’Brien rang", [(FULL, "Grace O’Brien")]),
    ("grace obrien rang", [(FULL, "grace obrien")]),
    ("Siobhan O Brien is two", [(FULL, "Siobhan O Brien")]),
    ("Grace Smith-Jones", [(FULL, "Grace Smith-Jones")]),
    ("grace smith jones", [(FULL, "grace smith jones")]),
    ("Zoe Smith-Jones started nursery", [(FULL, "Zoe Smith-Jones")]),
    ("ZOË SMITH-JONES", [(FULL, "ZOË SMITH-JONES")]),
    ("Grace Smith said", [(FULL, "Grace Smith")]),
    ("Anna Kowalski has moved", [(FULL, "Anna Kowalski")]),
    ("Grace Oka\u00adfor", [(FULL, "Grace Oka\u00adfor")]),
    ("Ｇｒａｃｅ Ｏｋａｆｏｒ", [(FULL, "Ｇｒａｃｅ Ｏｋａｆｏｒ")]),
    # a family surname beside a first name, a title or a family word
    ("Tom Green helped out", [(SURNAME, "Tom Green")]),
    ("michael okafor phoned", [(SURNAME, "michael okafor")]),
    ("Jean-Paul Okafor", [(SURNAME, "Paul Okafor")]),
    ("Grace Okafor-Smith", [(FULL, "Grace Okafor")]),
    ("Mrs Okafor came", [(SURNAME, "Mrs Okafor")]),
    ("asked mrs okafor", [(SURNAME, "mrs okafor")]),
    ("Mr. Green said", [(SURNAME, "Mr. Green")]),
    ("We met Miss Young", [(SURNAME, "Miss Young")]),
    ("Dr Kowalski", [(SURNAME, "Dr Kowalski")]),
    ("We visited the Okafor family", [(SURNAME, "Okafor family")]),
    ("the okafor kids", [(SURNAME, "okafor kids")]),
    ("We visited the Green family", [(SURNAME, "Green family")]),
    ("the Young children", [(SURNAME, "Young children")]),
    ("Okafor's kids", [(SURNAME, "Okafor's kids")]),
    ("we saw the Okafors", [(SURNAME, "the Okafors")]),
    ("we saw the Greens", [(SURNAME, "the Greens")]),
    ("the Kowalski household has moved", [(SURNAME, "Kowalski household")]),
    # postcodes
    ("lives at PO2 7QA", [(POSTCODE, "PO2 7QA")]),
    ("lives at PO27QA", [(POSTCODE, "PO27QA")]),
    ("lives at po2 7qa", [(POSTCODE, "po2 7qa")]),
    ("P O 2 7 Q A", [(POSTCODE, "P O 2 7 Q A")]),
    ("PO2  7QA", [(POSTCODE, "PO2  7QA")]),
    ("PO2\n7QA.", [(POSTCODE, "PO2\n7QA")]),
    ("near so143ja?", [(POSTCODE, "so143ja")]),
    ("PO6 3DD (ended)", [(POSTCODE, "PO6 3DD")]),
    # references
    ("see {ref}", [(REFERENCE, "{ref}")]),
    ("see {ref_compact}", [(REFERENCE, "{ref_compact}")]),
    ("see {ref_spaced} please", [(REFERENCE, "{ref_spaced}")]),
    ("family {ref_number}", [(REFERENCE, "{ref_number}")]),
    ("{ended_ref}", [(REFERENCE, "{ended_ref}")]),
    # several, in order of appearance, each once
    (
        "Grace Okafor (PO2 7QA) and the Green family; Grace Okafor again",
        [(FULL, "Grace Okafor"), (POSTCODE, "PO2 7QA"), (SURNAME, "Green family")],
    ),
    ("Grace Okafor family", [(FULL, "Grace Okafor")]),
]

ACCEPTED = [
    "",
    "   \n\t ",
    "The group talked about sleep routines and settling toddlers.",
    "Grace came to the group and brought cake.",  # a first name alone
    "Tobi",
    "Okafor",  # a surname alone
    "We walked in Green Park after the meeting.",
    "Young children need a lot of attention.",
    "A young family joined the toddler group.",
    "We painted the green family room.",
    "we miss green spaces in the city",
    "gave Tom green paint",
    "Up the hill, Grace said, it is windier.",
    "Annual review of the volunteer rota.",  # Ann inside Annual
    "Hillside Road has a new play park.",  # Hill inside Hillside
    "The view from Portsdown Hill.",
    "Grace will read to the children.",
    "The Portsmouth area, PO2, has a new family centre.",  # an outward code alone
    "Sector PO2 7 is large.",
    "PO27QAX is not a postcode",
    "Grace Evans, Tobi Evans",  # another scheme's family
    "the Evans family at SO23 8TT",
    "{other_ref}",
    "In 2026 we plan two trips.",
    "Brien came",
    "Smithy Jones",
    "😀🙂 مرحبا שלום \u202e evil \u202c",
    "\x00\x01\x02 nul and control characters \x7f",
]


def _expected(schemes: Schemes, pairs: list[tuple[str, str]]) -> list[Finding]:
    return [Finding(kind=kind, words=schemes.expand(words)) for kind, words in pairs]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), REFUSED, ids=[text[:40] for text, _ in REFUSED])
def test_p8_notes_naming_a_family_of_the_scheme_are_refused(
    schemes: Schemes, text: str, expected: list[tuple[str, str]]
) -> None:
    findings = family_identifiers_in(schemes.expand(text), scheme_id=schemes.scheme.pk)
    assert findings == _expected(schemes, expected)
    message = refusal_message(findings)
    for finding in findings:
        assert f"“{' '.join(finding.words.split())}”" in message
    assert "one-to-one supervision" in message


@pytest.mark.django_db
@pytest.mark.parametrize("text", ACCEPTED, ids=[text[:40] or "empty" for text in ACCEPTED])
def test_p8_notes_that_name_no_family_of_the_scheme_are_accepted(schemes: Schemes, text: str) -> None:
    assert family_identifiers_in(schemes.expand(text), scheme_id=schemes.scheme.pk) == []


@pytest.mark.django_db
def test_p8_another_schemes_families_are_checked_against_their_own_scheme(schemes: Schemes) -> None:
    """The same words are refused for the scheme that supports the family, and only for it."""
    text = "Grace Evans, SO23 8TT"
    assert family_identifiers_in(text, scheme_id=schemes.other_scheme.pk) == [
        Finding(FULL, "Grace Evans"),
        Finding(POSTCODE, "SO23 8TT"),
    ]
    assert family_identifiers_in("Grace Okafor", scheme_id=schemes.other_scheme.pk) == []


@pytest.mark.django_db
def test_p8_a_family_added_a_moment_ago_is_protected_at_once(schemes: Schemes) -> None:
    coordinator = schemes.scheme.users.get(username="coordinator")
    assert family_identifiers_in("Grace Nwosu", scheme_id=schemes.scheme.pk) == []
    make_family(coordinator, "Nwosu", accept=False, postcode="PO3 5AA")
    assert family_identifiers_in("Grace Nwosu at PO3 5AA", scheme_id=schemes.scheme.pk) == [
        Finding(FULL, "Grace Nwosu"),
        Finding(POSTCODE, "PO3 5AA"),
    ]


def test_p8_refusal_message_names_the_words_once_and_points_to_supervision() -> None:
    message = refusal_message(
        [Finding(FULL, "Grace\nOkafor"), Finding(POSTCODE, "PO2 7QA"), Finding(FULL, "Grace Okafor")]
    )
    assert message == (
        "These words identify a family: “Grace Okafor”, “PO2 7QA”. Families are discussed one at a time only in "
        "one-to-one supervision: remove them and save the notes again."
    )
    assert refusal_message([]) == ""


def test_p8_refusal_message_counts_what_it_does_not_quote() -> None:
    message = refusal_message([Finding(FULL, f"Grace Family{n}") for n in range(14)])
    assert "“Grace Family9”" in message
    assert "Family10" not in message
    assert "and 4 more" in message


def _queries_for(scheme: Scheme) -> int:
    with CaptureQueriesContext(connection) as captured:
        family_identifiers_in("Grace Okafor lives at PO2 7QA; the Green family came too.", scheme_id=scheme.pk)
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_p8_the_check_runs_the_same_two_queries_for_5_or_200_families(django_assert_max_num_queries) -> None:
    small = make_scheme("SML")
    large = make_scheme("LRG")
    small_coordinator = make_user(small, "small", Role.COORDINATOR)
    large_coordinator = make_user(large, "large", Role.COORDINATOR)
    for n in range(5):
        make_family(small_coordinator, f"Family{n}", accept=False, postcode=f"PO{n % 9 + 1} {n % 10}AA")
    for n in range(200):
        make_family(large_coordinator, f"Family{n}", accept=False, postcode=f"PO{n % 9 + 1} {n % 10}AB")
    assert _queries_for(small) == _queries_for(large) == 2
    with django_assert_max_num_queries(2):
        family_identifiers_in("Some notes with Grace Family150 in them", scheme_id=large.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filler",
    [
        "Sleep routines and settling toddlers were discussed at length. ",
        "Grace ",
        "a'b-c ",
        "P O 2 ",
        "\x00\u200b\u00ad",
        "😀 ",
        "x" * 5000 + " ",
    ],
    ids=["prose", "first names", "apostrophes", "postcode pieces", "invisible", "emoji", "long words"],
)
def test_p8_very_long_notes_are_checked_to_the_end(schemes: Schemes, filler: str) -> None:
    text = filler * (500_000 // len(filler)) + "\nGrace Okafor"
    findings = family_identifiers_in(text, scheme_id=schemes.scheme.pk)
    assert findings[-1] == Finding(FULL, "Grace Okafor")
