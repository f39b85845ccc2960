"""P8, driven by Hypothesis: the family-identifier check never raises, and never lets a family's identifier through.

The scheme and its families are built once per test function; the examples only read them, so they share them
(hence the ``function_scoped_fixture`` health check is suppressed, as in tests/homestart/test_forms_fuzz.py).
"""

import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from homestart.models import Role
from tests.conftest import make_family, make_scheme, make_user
from volunteers.guard import Finding, family_identifiers_in, refusal_message

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KINDS = {"full name", "family name", "postcode", "reference"}

# (surname as stored, child's first name as stored, postcode)
FAMILIES = [
    ("Okafor", "Tobi", "PO2 7QA"),
    ("Kowalski", "Anna", "PO6 3DD"),
    ("O'Brien", "Siobhán", "PO1 2AB"),
    ("Smith-Jones", "Zoë", "BN1 1AA"),
    ("Green", "Lily", "SO14 3JA"),
    ("Young", "Noah", "W1A 0AX"),
]
ORDINARY_SURNAMES = {"Green", "Young"}
OTHER_FIRST_NAMES = ["Tom", "Sarah", "Michael", "Priya", "Mohammed", "Chloe"]


@dataclass
class Scheme:
    pk: int
    references: list[str]


@pytest.fixture
def scheme(db: None) -> Scheme:
    built = make_scheme("PMH")
    coordinator = make_user(built, "coordinator", Role.COORDINATOR)
    references = [
        make_family(coordinator, surname, child_first_name=child, postcode=postcode).reference
        for surname, child, postcode in FAMILIES
    ]
    return Scheme(pk=built.pk, references=references)


# ---------------------------------------------------------------------------------------------------------------
# What the notes are made of
# ---------------------------------------------------------------------------------------------------------------

WHITESPACE = st.sampled_from([" ", "  ", "\n", "\t", "\r\n", "\u00a0", " \n ", "\u2003"])
# What separates an identifier from the words around it: whitespace or punctuation (never a bare apostrophe or
# hyphen, which would make it part of a longer name such as "d'Grace").
SEPARATORS = st.sampled_from(
    [" ", "\n", "\t", ", ", ". ", "; ", ": ", "!", "? ", "(", ")", '"', "“", "”", " - ", "/", "…", "\r\n", " ("]
)
NAMEISH = st.sampled_from(
    ["Grace", "Tobi", "Okafor", "Green", "family", "Mrs", "the", "PO2", "7QA", "PMH", "2026", "-", "'", ",", "\n"]
)
SURROUNDING = st.lists(st.one_of(st.text(max_size=12), NAMEISH), max_size=6).map(" ".join)


def any_case(draw: st.DrawFn, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)


def spelling(draw: st.DrawFn, name: str) -> str:
    """How a volunteer might type a stored name: accents dropped, apostrophe curly or left out, hyphen as a space."""
    if draw(st.booleans()):
        name = name.replace("á", "a").replace("ë", "e")
    name = name.replace("'", draw(st.sampled_from(["'", "’", "", " "])))
    return name.replace("-", draw(st.sampled_from(["-", " ", "‐"])))


@st.composite
def identifiers(draw: st.DrawFn, references: list[str]) -> str:
    """One stretch of text that identifies a family of the scheme."""
    surname, child, postcode = draw(st.sampled_from(FAMILIES))
    reference = references[FAMILIES.index((surname, child, postcode))]
    kind = draw(st.sampled_from(["full name", "first name and surname", "title", "family word", "postcode", "ref"]))
    ordinary = surname in ORDINARY_SURNAMES
    if kind == "full name":
        first = draw(st.sampled_from(["Grace", child]))
        return any_case(draw, spelling(draw, first)) + draw(WHITESPACE) + any_case(draw, spelling(draw, surname))
    if kind == "first name and surname":
        first = draw(st.sampled_from(OTHER_FIRST_NAMES))
        if ordinary:  # "Tom Green": an ordinary-word surname counts as a name when written as one
            return first + draw(WHITESPACE) + surname
        return any_case(draw, first) + draw(WHITESPACE) + any_case(draw, spelling(draw, surname))
    if kind == "title":
        title = draw(st.sampled_from(["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Mr.", "Mrs."]))
        if ordinary:
            return title + draw(WHITESPACE) + surname
        return any_case(draw, title) + draw(WHITESPACE) + any_case(draw, spelling(draw, surname))
    if kind == "family word":
        word = draw(st.sampled_from(["family", "household", "children", "kids", "Family"]))
        written = surname if ordinary else any_case(draw, spelling(draw, surname))
        return ("the " if ordinary else "") + written + draw(WHITESPACE) + word
    if kind == "postcode":
        characters = [c for c in postcode if c != " "]
        spaced = "".join(c + draw(st.sampled_from(["", "", " ", "  ", "\n"])) for c in characters[:-1])
        return any_case(draw, spaced + characters[-1])
    separator = st.sampled_from(["-", " ", "", "/", ".", " - "])
    code, year, number = reference.split("-")
    return any_case(draw, code + draw(separator) + year + draw(separator) + number)


@st.composite
def notes_with_an_identifier(draw: st.DrawFn, references: list[str]) -> tuple[str, int, int]:
    """Notes with one identifier in them, and where it is."""
    before = draw(SURROUNDING)
    before += draw(SEPARATORS) if before else ""
    identifier = draw(identifiers(references))
    after = draw(SURROUNDING)
    after = draw(SEPARATORS) + after if after else ""
    return before + identifier + after, len(before), len(before) + len(identifier)


def covers(text: str, finding: Finding, start: int, end: int) -> bool:
    """Whether some occurrence of the finding's words overlaps the identifier at text[start:end]."""
    return any(m.start() < end and start < m.end() for m in re.finditer(re.escape(finding.words), text))


# ---------------------------------------------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@FUZZ
@given(text=st.one_of(st.text(), st.lists(st.one_of(st.text(), NAMEISH)).map("".join), SURROUNDING))
@example(text="")
@example(text="\x00" * 50)
@example(text="Grace\x00Okafor \ufeff PO2\u200b7QA \u202eGrace Okafor\u202c")
@example(text="😀" * 1000 + " Grace Okafor")
@example(text="مرحبا Grace שלום Okafor")
@example(text="'" * 20 + "-" * 20 + "Grace" + "'-" * 10)
@example(text="\u0301\u0301Grace\u0301 Okafor\u0308")
def test_p8_the_check_never_raises_on_any_text(scheme: Scheme, text: str) -> None:
    findings = family_identifiers_in(text, scheme_id=scheme.pk)
    assert isinstance(findings, list)
    assert len(findings) == len(set(findings))
    for finding in findings:
        assert finding.kind in KINDS
        assert finding.words and finding.words in text
    message = refusal_message(findings)
    assert ("one-to-one supervision" in message) == bool(findings)


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_p8_notes_with_a_family_identifier_are_always_refused(scheme: Scheme, data: st.DataObject) -> None:
    text, start, end = data.draw(notes_with_an_identifier(scheme.references), label="notes")
    findings = family_identifiers_in(text, scheme_id=scheme.pk)
    assert any(covers(text, finding, start, end) for finding in findings), (text[start:end], findings)
    assert "one-to-one supervision" in refusal_message(findings)
