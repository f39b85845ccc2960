"""SECURITY.md 27 for the consent and register pages: every form driven by Hypothesis, like tests/homestart/test_forms_fuzz.

Arbitrary unicode, very long text, control characters, markup and near-miss values (another scheme's professional,
a child as signer, a category that does not exist, a text file dressed as a PDF): the answer is a page or a
redirect, never a 500; a refused form stores nothing; posted markup is shown escaped.
"""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from consents import services
from consents.models import CONSENTABLE_CATEGORIES, Category, Consent, ConsentStatus, Purpose
from families.models import AgencyKind, MemberKind, Professional
from families.services import professional_add
from tests.consents.conftest import pdf_upload, png_upload
from tests.homestart.test_forms_fuzz import (
    EXPECT,
    FUZZ,
    Ref,
    assert_no_raw_markup,
    domain_snapshot,
    follow,
    form_data,
    junk,
    past_date,
    prose,
    recent_date,
    resolve,
    submit,
    today,
    upload_names,
)

CATEGORY_VALUES = [value for value, _label in CONSENTABLE_CATEGORIES]
categories = st.lists(st.sampled_from(CATEGORY_VALUES), min_size=1, max_size=4, unique=True)
near_categories = [["private_notes"], ["support_status", "<script>alert(1)</script>"], [], "support_status,household"]
future_date = st.dates(today + datetime.timedelta(days=1), datetime.date(9999, 12, 31)).map(datetime.date.isoformat)
note_text = st.one_of(st.just(""), prose)


def _refs(world: Any, **extra: Any) -> dict[str, Any]:
    """Primary keys known once the records exist, for Ref(...) values (also inside lists)."""
    refs = {
        "adult": lambda: str(world.family.members.filter(kind=MemberKind.ADULT).first().pk),
        "child": lambda: str(world.family.members.filter(kind=MemberKind.CHILD).first().pk),
        "hv": lambda: str(world.health_visitor.pk),
        "theirs": lambda: str(_their_professional(world).pk),
        "coordinator": lambda: str(world.coordinator.pk),
        "dsl": lambda: str(world.dsl.pk),
        "volunteer": lambda: str(world.volunteer.pk),
        "other_coordinator": lambda: str(world.other_coordinator.pk),
    }
    refs.update(extra)
    return refs


def _resolve_lists(data: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    """Ref values inside lists (multiple choices); the shared ``submit`` resolves the top-level ones."""
    return {
        key: [refs[item.name]() if isinstance(item, Ref) else item for item in value]
        if isinstance(value, list)
        else value
        for key, value in data.items()
    }


def _their_professional(world: Any) -> Professional:
    """A professional in another scheme's directory, which this scheme's coordinator may never choose."""
    theirs = Professional.objects.filter(agency__scheme=world.other_scheme).first()
    return theirs or professional_add(
        scheme=world.other_scheme,
        agency_name="South Health Visiting Team",
        agency_kind=AgencyKind.HEALTH_VISITING,
        name="Sam Other",
        role="Health visitor",
        actor=world.other_coordinator,
    )


def _awaiting(world: Any) -> Consent:
    """A consent waiting for its signature: the last one, or a new one if an earlier example moved it on."""
    consent = Consent.objects.filter(family=world.family, status=ConsentStatus.AWAITING_SIGNATURE).first()
    if consent is None:
        consent, _letter, _pdf = services.consent_request(
            family=world.family,
            purpose=Purpose.INFORMATION_EXCHANGE,
            signer=world.family.members.filter(kind=MemberKind.ADULT).first(),
            recipients=[world.health_visitor],
            categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
            review_on=today + datetime.timedelta(days=365),
            actor=world.coordinator,
        )
    return consent


def _signed(world: Any) -> Consent:
    consent = Consent.objects.filter(family=world.family, status=ConsentStatus.SIGNED).first()
    return consent or services.consent_record_signed(
        consent=_awaiting(world),
        scan=png_upload(),
        signed_on=today,
        method="photographed_letter",
        received_by=world.coordinator,
        actor=world.coordinator,
    )


# Asking for consent -----------------------------------------------------------------------------------------------


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "signer": st.just(Ref("adult")),
                "recipients": st.just([Ref("hv")]),
                "categories": categories,
                "review_on": future_date,
            }
        ),
        near={
            "signer": [Ref("child"), Ref("coordinator"), "0", "99999999999999999999"],
            "recipients": [[Ref("theirs")], [Ref("hv"), "x"], ["-1"], []],
            "categories": near_categories,
            "review_on": [Ref("today"), Ref("yesterday"), "2024-02-30", "10000-01-01"],
        },
    )
)
@example(
    data={
        "signer": Ref("adult"),
        "recipients": [Ref("hv")],
        "categories": ["support_status"],
        "review_on": "2999-01-01",
        EXPECT: "accepted",
    }
)
@example(data={"signer": Ref("child"), "recipients": [Ref("hv")], "categories": ["support_status"], EXPECT: "refused"})
@example(
    data={"signer": Ref("adult"), "recipients": [Ref("theirs")], "categories": ["private_notes"], EXPECT: "refused"}
)
def test_consent_new(client: Any, consent_world: Any, data: dict[str, Any]) -> None:
    client.force_login(consent_world.coordinator)
    refs = _refs(consent_world)
    response = submit(
        client, reverse("consents:consent_new", args=[consent_world.family.pk]), _resolve_lists(data, refs), refs
    )
    follow(client, response, reverse("families:detail", args=[consent_world.family.pk]))


# The signed letter ------------------------------------------------------------------------------------------------

FILES = {
    "pdf": lambda name: SimpleUploadedFile(name, pdf_upload().read(), content_type="application/pdf"),
    "png": lambda name: SimpleUploadedFile(name, png_upload().read(), content_type="image/png"),
    "text": lambda name: SimpleUploadedFile(name, b"I agree <script>alert(1)</script>", content_type="application/pdf"),
    "empty": lambda name: SimpleUploadedFile(name, b"", content_type="application/pdf"),
    "fake_png": lambda name: SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n\x00\x00junk", content_type="image/png"),
    "fake_jpeg": lambda name: SimpleUploadedFile(name, b"\xff\xd8\xff\xe0" + b"\x00" * 64, content_type="image/jpeg"),
}
file_names = upload_names("signed.pdf", "letter.png", "scan.PDF", "x", "<img src=x onerror=alert(1)>.pdf")


@FUZZ
@given(
    kind=st.one_of(st.sampled_from(["pdf", "png"]), st.sampled_from([*sorted(FILES), "none"])),
    name=file_names,
    data=form_data(
        st.fixed_dictionaries(
            {
                "signed_on": st.just(Ref("today")),  # the letter was printed today: no earlier date is possible
                "method": st.sampled_from(["scanned_letter", "photographed_letter"]),
                "received_by": st.sampled_from([Ref("coordinator"), Ref("dsl")]),
            }
        ),
        near={
            "signed_on": [Ref("tomorrow"), Ref("yesterday"), "2000-01-01", "2024-02-30"],
            "method": ["in_person", "review_date_passed", "SCANNED_LETTER"],
            "received_by": [Ref("volunteer"), Ref("other_coordinator"), "0"],
        },
    ),
)
@example(
    kind="pdf",
    name="<img src=x onerror=alert(1)>.pdf",
    data={"signed_on": Ref("today"), "method": "scanned_letter", "received_by": Ref("dsl"), EXPECT: "accepted"},
)
@example(
    kind="png",
    name="IMG_0001.PNG",
    data={
        "signed_on": Ref("today"),
        "method": "photographed_letter",
        "received_by": Ref("coordinator"),
        EXPECT: "accepted",
    },
)
@example(
    kind="text",
    name="signed.pdf",
    data={"signed_on": Ref("today"), "method": "scanned_letter", "received_by": Ref("dsl"), EXPECT: "refused"},
)
def test_consent_signed(client: Any, consent_world: Any, kind: str, name: str, data: dict[str, Any]) -> None:
    consent = _awaiting(consent_world)
    client.force_login(consent_world.coordinator)
    data = {**data, "scan": FILES[kind](name)} if kind in FILES else dict(data)
    if kind not in ("pdf", "png"):
        data[EXPECT] = "refused"  # not a readable scan or photo
    response = submit(client, reverse("consents:consent_signed", args=[consent.pk]), data, _refs(consent_world))
    follow(client, response)


# Refusal and withdrawal -------------------------------------------------------------------------------------------

ending_near = {
    "method": ["review_date_passed", "scanned_letter", "email", ""],
    "note": ["x" * 2001],
}


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "refused_on": past_date,
                "method": st.sampled_from(["in_writing", "in_person", "by_phone"]),
                "note": note_text,
            }
        ),
        near={**ending_near, "refused_on": [Ref("tomorrow"), "9999-12-31", "2024-02-30"]},
    )
)
@example(
    data={"refused_on": Ref("today"), "method": "by_phone", "note": "<script>alert(1)</script>", EXPECT: "accepted"}
)
@example(data={"refused_on": Ref("tomorrow"), "method": "by_phone", "note": "", EXPECT: "refused"})
def test_consent_refused(client: Any, consent_world: Any, data: dict[str, Any]) -> None:
    consent = _awaiting(consent_world)
    client.force_login(consent_world.coordinator)
    response = submit(client, reverse("consents:consent_refused", args=[consent.pk]), data)
    follow(client, response)


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "withdrawn_on": past_date,
                "method": st.sampled_from(["in_writing", "in_person", "by_phone"]),
                "note": note_text,
            }
        ),
        near={**ending_near, "withdrawn_on": [Ref("tomorrow"), "9999-12-31", "2024-02-30"]},
    )
)
@example(
    data={
        "withdrawn_on": Ref("today"),
        "method": "in_writing",
        "note": "<img src=x onerror=alert(1)>",
        EXPECT: "accepted",
    }
)
@example(data={"withdrawn_on": Ref("today"), "method": "review_date_passed", "note": "", EXPECT: "refused"})
def test_consent_withdraw(client: Any, consent_world: Any, data: dict[str, Any]) -> None:
    consent = _signed(consent_world)
    client.force_login(consent_world.coordinator)
    response = submit(client, reverse("consents:consent_withdraw", args=[consent.pk]), data)
    follow(client, response)


# The register: sharing, not sharing, the support-agreed notices, the filters ---------------------------------------


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "recipient": st.just(Ref("hv")),
                "categories": st.lists(
                    st.sampled_from(["support_status", "visit_summary"]), min_size=1, max_size=2, unique=True
                ),
                "summary": prose,
                "method": st.sampled_from(["letter", "secure_email", "phone", "meeting"]),
                "disclosed_on": recent_date,
                "basis": st.just("consent"),
                "consent": st.just(Ref("consent")),
            }
        ),
        near={
            "recipient": [Ref("theirs"), Ref("coordinator"), "0"],
            "categories": [["household"], ["contact_details", "support_status"], *near_categories],
            "summary": ["x" * 301, " ", "\x00"],
            "method": ["carrier pigeon", ""],
            "disclosed_on": [Ref("tomorrow"), "2024-02-30"],
            "basis": ["safeguarding", "agency_request", ""],
            "consent": ["", "0", "99999999999999999999"],
        },
    )
)
@example(
    data={
        "recipient": Ref("hv"),
        "categories": ["support_status"],
        "summary": "<script>alert(1)</script>",
        "method": "phone",
        "disclosed_on": Ref("today"),
        "basis": "consent",
        "consent": Ref("consent"),
        EXPECT: "accepted",
    }
)
@example(
    data={
        "recipient": Ref("hv"),
        "categories": ["contact_details"],
        "summary": "Gave the phone number.",
        "method": "phone",
        "disclosed_on": Ref("today"),
        "basis": "consent",
        "consent": Ref("consent"),
        EXPECT: "refused",
    }
)
def test_disclosure_new(client: Any, consent_world: Any, data: dict[str, Any]) -> None:
    consent = _signed(consent_world)
    client.force_login(consent_world.coordinator)
    refs = _refs(consent_world, consent=lambda: str(consent.pk))
    url = reverse("consents:disclosure_new", args=[consent_world.family.pk])
    response = submit(client, url, _resolve_lists(data, refs), refs)
    follow(client, response, reverse("consents:register"), reverse("families:detail", args=[consent_world.family.pk]))


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "recipient": st.just(Ref("hv")),
                "categories": categories,
                "reason": prose,
                "decided_on": past_date,
            }
        ),
        near={
            "recipient": [Ref("theirs"), "-1"],
            "categories": near_categories,
            "reason": ["", " \n ", "x" * 2001],
            "decided_on": [Ref("tomorrow"), "2024-02-30"],
        },
    )
)
@example(
    data={
        "recipient": Ref("hv"),
        "categories": ["household"],
        "reason": "<script>alert(1)</script>",
        "decided_on": Ref("today"),
        EXPECT: "accepted",
    }
)
@example(data={"recipient": Ref("theirs"), "categories": ["household"], "reason": "No.", EXPECT: "refused"})
def test_decision_new(client: Any, consent_world: Any, data: dict[str, Any]) -> None:
    client.force_login(consent_world.coordinator)
    refs = _refs(consent_world)
    url = reverse("consents:decision_new", args=[consent_world.family.pk])
    response = submit(client, url, _resolve_lists(data, refs), refs)
    follow(client, response, reverse("consents:family_register", args=[consent_world.family.pk]))


@FUZZ
@given(
    signed=st.booleans(),
    data=form_data(
        st.fixed_dictionaries({"method": st.sampled_from(["letter", "secure_email"])}),
        near={"method": ["phone", "meeting", "LETTER", ""]},
    ),
)
@example(signed=True, data={"method": "letter"})
@example(signed=False, data={"method": "letter"})
def test_support_agreed(client: Any, consent_world: Any, signed: bool, data: dict[str, Any]) -> None:
    """Sending the notices answers with the letters (a 200 that stores); any other answer stores nothing."""
    if signed:
        _signed(consent_world)
    client.force_login(consent_world.coordinator)
    before = domain_snapshot()
    response = client.post(reverse("consents:support_agreed", args=[consent_world.family.pk]), resolve(data, {}))
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_raw_markup(html, "support-agreed notices")
    sent = "consents/support_agreed_sent.html" in [template.name for template in response.templates]
    has_basis = Consent.objects.filter(family=consent_world.family, status=ConsentStatus.SIGNED).exists()
    valid = data.get("method") in ("letter", "secure_email")
    if sent:
        assert has_basis and valid
        assert "data:application/pdf;base64," in html
    else:
        assert domain_snapshot() == before, "A refused support-agreed form changed something"
        assert not (valid and has_basis), "A valid request to send the notices was refused"


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["date_from", "date_to", "agency", "basis", "shared", "page", "format", "q"]),
        st.one_of(junk, st.sampled_from(["2024-01-01", "yes", "no", "consent", "agency_request", "2", "csv"])),
        max_size=6,
    ),
    family=st.booleans(),
)
@example(params={"date_from": "<script>alert(1)</script>", "agency": "' OR '1'='1", "page": "-1"}, family=False)
@example(params={"basis": "\x00", "shared": "yes", "format": "csv", "date_to": "9999-12-31"}, family=True)
def test_register_filters(client: Any, consent_world: Any, params: dict[str, str], family: bool) -> None:
    client.force_login(consent_world.coordinator)
    url = (
        reverse("consents:family_register", args=[consent_world.family.pk]) if family else reverse("consents:register")
    )
    response = client.get(url, params)
    assert response.status_code == 200, f"GET {url} {params!r} answered {response.status_code}"
    if response["Content-Type"].startswith("text/html"):
        assert_no_raw_markup(response.content.decode(), f"GET {url}")
    else:
        assert params.get("format") == "csv" and response["Content-Type"].startswith("text/csv")
