"""SECURITY 27 for the agency-request, photograph and wording forms, driven by Hypothesis.

The same rules as tests/homestart/test_forms_fuzz.py, with its strategies and checks: whatever arrives, the answer
is a page, a redirect or (for the forms that print) the PDF, never a 500; a refused form leaves every domain record
exactly as it was just before that example's POST; posted markup is shown escaped.

The forms that print a letter answer 200 with a PDF when they accept, so ``submit_printing`` tells a PDF apart from
a refused form before checking. Forms whose success closes the thing they act on (asking a family, closing a
request, asking for a photo consent) get a fresh open one before each example, so later examples still reach them.
"""

import datetime
from typing import Any

from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from consents import services
from consents.models import (
    CONSENTABLE_CATEGORIES,
    AgencyRequest,
    Category,
    Consent,
    ConsentStatus,
    Photo,
    Purpose,
    RequestStatus,
)
from families import services as family_services
from families.models import AgencyKind, MemberKind, Professional
from tests.conftest import make_family
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
    name_like,
    past_date,
    pk_refs,
    prose,
    resolve,
    submit,
    today,
)

future_date = st.one_of(
    st.sampled_from([Ref("tomorrow"), Ref("next_year")]),
    st.dates(today + datetime.timedelta(days=1), datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
)
BAD_DATES = ["2999-01-01", "2024-02-30", "0000-01-01", "10000-01-01", Ref("today")]


def dates(**extra: Any) -> dict[str, Any]:
    return {"next_year": lambda: (today + datetime.timedelta(days=365)).isoformat(), **extra}


def within_lists(data: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    """Resolve the references inside list values (several checkboxes), which ``resolve`` leaves alone."""
    return {
        key: [refs[item.name]() if isinstance(item, Ref) else item for item in value]
        if isinstance(value, list)
        else value
        for key, value in data.items()
    }


def submit_printing(client: Any, url: str, data: dict[str, Any], refs: dict[str, Any]) -> Any:
    """POST a form that answers with a PDF when it accepts; otherwise check it like ``submit`` does."""
    payload = resolve(data, refs)
    before = domain_snapshot()
    response = client.post(url, payload)
    assert response.status_code in (200, 302), f"POST {url} answered {response.status_code}"
    printed = response.get("Content-Type") == "application/pdf"
    event("printed" if printed else f"answered {response.status_code}")
    if printed:
        assert response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"].startswith("attachment")
    else:
        assert_no_raw_markup(response.content.decode(), f"POST {url}")
        changed = [label for label, rows in domain_snapshot().items() if before[label] != rows]
        assert not changed, f"A refused POST {url} changed {changed}"
    if data.get(EXPECT) == "accepted":
        assert printed, f"A valid form was refused: {response.content.decode()[:3000]}"
    elif data.get(EXPECT) == "refused":
        assert not printed, "An invalid form was accepted"
    return response


def _professionals(world: Any) -> tuple[Professional, Professional]:
    mine = Professional.objects.get(agency__scheme=world.scheme, name="Helen Price")
    theirs = Professional.objects.filter(agency__scheme=world.other_scheme).first()
    if theirs is None:  # another scheme's directory, which this coordinator may not pick from
        theirs = family_services.professional_add(
            scheme=world.other_scheme,
            agency_name="South Team",
            agency_kind=AgencyKind.OTHER,
            name="Sam Other",
            role="Officer",
            actor=world.other_coordinator,
        )
    return mine, theirs


def _open_request(world: Any, *, identifying: bool) -> AgencyRequest:
    """An open request still at "received", made afresh when earlier examples moved the last one on."""
    existing = AgencyRequest.objects.filter(
        scheme=world.scheme, identifying=identifying, status=RequestStatus.RECEIVED
    ).first()
    if existing is not None:
        return existing
    return services.agency_request_receive(
        requester=_professionals(world)[0],
        received_on=today,
        purpose="Checking support",
        categories=[Category.SUPPORT_STATUS],
        identifying=identifying,
        family=world.family if identifying else None,
        due_on=today + datetime.timedelta(days=14),
        actor=world.coordinator,
    )


# Agency requests ------------------------------------------------------------------------------------------------

request_form = form_data(
    st.fixed_dictionaries(
        {
            "requester": st.just(Ref("professional")),
            "received_on": past_date,
            "purpose": prose,
            "categories": st.lists(
                st.sampled_from([value for value, _label in CONSENTABLE_CATEGORIES]),
                min_size=1,
                max_size=4,
                unique=True,
            ),
            "identifying": st.sampled_from(["yes", "no"]),
            "family": st.sampled_from([Ref("family"), ""]),
            "due_on": st.one_of(future_date, st.just(Ref("today"))),
        }
    ),
    near={
        "requester": [Ref("other_professional"), "0", "-1", "99999999999999999999"],
        "received_on": BAD_DATES,
        "categories": [["private_notes"], [], ["SUPPORT_STATUS"], "support_status\x00"],
        "identifying": ["Yes", "true", "1", ""],
        "family": [Ref("other_family"), "0", "1.5"],
        "due_on": ["2000-01-01", "2024-02-30"],
    },
)


@FUZZ
@given(data=request_form)
@example(
    data={
        "requester": Ref("professional"),
        "received_on": Ref("yesterday"),
        "purpose": "<script>alert(1)</script>",
        "categories": ["support_status"],
        "identifying": "no",
        "family": "",
        "due_on": Ref("next_year"),
        EXPECT: "accepted",
    }
)
@example(
    data={
        "requester": Ref("professional"),
        "received_on": Ref("today"),
        "purpose": "Checking",
        "categories": ["support_status", "contact_details"],
        "identifying": "yes",
        "family": Ref("family"),
        "due_on": Ref("today"),
        EXPECT: "accepted",
    }
)
@example(
    data={
        "requester": Ref("professional"),
        "received_on": Ref("today"),
        "purpose": "Figures",
        "categories": ["contact_details"],
        "identifying": "no",
        "family": "",
        "due_on": Ref("next_year"),
        EXPECT: "refused",
    }
)
@example(data={"requester": Ref("other_professional"), "identifying": "yes", EXPECT: "refused"})
def test_request_new(client: Any, world: Any, data: dict[str, Any]) -> None:
    mine, theirs = _professionals(world)
    client.force_login(world.coordinator)
    refs = dates(**pk_refs(professional=mine, other_professional=theirs, family=world.family))
    refs |= pk_refs(other_family=world.other_family)
    response = submit(client, reverse("consents:request_new"), data, refs)
    follow(client, response, reverse("consents:requests"))


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries({"signer": st.just(Ref("adult")), "review_on": future_date}),
        near={
            "signer": [Ref("child"), Ref("other_adult"), "0", "", "99999999999999999999"],
            "review_on": BAD_DATES + [Ref("yesterday")],
        },
    )
)
@example(data={"signer": Ref("adult"), "review_on": Ref("next_year"), EXPECT: "accepted"})
@example(data={"signer": Ref("child"), "review_on": Ref("next_year"), EXPECT: "refused"})
@example(data={"signer": Ref("adult"), "review_on": Ref("today"), EXPECT: "refused"})
def test_request_ask(client: Any, world: Any, data: dict[str, Any]) -> None:
    from tests.consents.conftest import publish_wordings

    if not world.scheme.consent_wordings.exists():
        publish_wordings(world.scheme, world.administrator)
    request = _open_request(world, identifying=True)
    members = world.family.members
    refs = dates(
        **pk_refs(
            adult=members.get(kind=MemberKind.ADULT),
            child=members.get(kind=MemberKind.CHILD),
            other_adult=world.other_family.members.get(kind=MemberKind.ADULT),
        )
    )
    client.force_login(world.coordinator)
    submit_printing(client, reverse("consents:request_ask", args=[request.pk]), data, refs)


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries({"outcome": st.sampled_from(["fulfilled", "declined"]), "note": prose}),
        near={"outcome": ["received", "Fulfilled", "answered", ""], "note": ["", " \n ", "x" * 2001]},
    )
)
@example(data={"outcome": "fulfilled", "note": "<img src=x onerror=alert(1)>", EXPECT: "accepted"})
@example(data={"outcome": "declined", "note": "\x00", EXPECT: "refused"})
def test_request_close(client: Any, world: Any, data: dict[str, Any]) -> None:
    request = _open_request(world, identifying=False)
    client.force_login(world.coordinator)
    response = submit(client, reverse("consents:request_close", args=[request.pk]), data)
    follow(client, response, reverse("consents:requests") + "?show=closed")


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["date_from", "date_to", "format", "page"]),
        st.one_of(
            junk,
            st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
            st.sampled_from(["csv", "pdf"]),
        ),
        max_size=4,
    )
)
@example(params={"date_from": "0001-01-01", "date_to": "9999-12-31", "format": "csv"})
@example(params={"date_from": "2024-01-01", "date_to": "2024-12-31", "format": "pdf"})
@example(params={"date_from": "<script>alert(1)</script>", "format": "pdf"})
def test_request_figures_period(client: Any, world: Any, params: dict[str, Any]) -> None:
    request = _open_request(world, identifying=False)
    client.force_login(world.coordinator)
    response = client.get(reverse("consents:request_figures", args=[request.pk]), params)
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        assert_no_raw_markup(response.content.decode(), "the figures page")
    else:
        assert response["Content-Disposition"].startswith("attachment")


# Photographs ----------------------------------------------------------------------------------------------------

photo_form = form_data(
    st.fixed_dictionaries(
        {
            "event": name_like,
            "taken_on": past_date,
            "description": name_like,
            "families": st.lists(st.sampled_from([Ref("family"), Ref("second_family")]), min_size=1, unique=True),
        },
        optional={"image": st.sampled_from([Ref("png"), Ref("pdf"), Ref("text")])},
    ),
    near={
        "taken_on": BAD_DATES[:-1] + [Ref("tomorrow")],
        "families": [[Ref("other_family")], [], "0", ["1e3"]],
        "description": ["x" * 301],
        "event": ["x" * 201],
        "image": [Ref("text"), Ref("pdf"), ""],
    },
)


@FUZZ
@given(data=photo_form)
@example(
    data={
        "event": "<script>alert(1)</script>",
        "taken_on": Ref("today"),
        "description": '"><svg onload=alert(1)>',
        "families": [Ref("family")],
        "image": Ref("png"),
        EXPECT: "accepted",
    }
)
@example(
    data={
        "event": "Picnic",
        "taken_on": Ref("today"),
        "description": "Group",
        "families": [Ref("family")],
        "image": Ref("pdf"),
        EXPECT: "refused",
    }
)
def test_photo_new(client: Any, world: Any, data: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    second = world.scheme.families.exclude(pk=world.family.pk).first() or make_family(world.coordinator, "Nowak")
    refs: dict[str, Any] = pk_refs(family=world.family, second_family=second, other_family=world.other_family)
    refs |= {"png": png_upload, "pdf": pdf_upload, "text": lambda: SimpleUploadedFile("a.txt", b"hello")}
    client.force_login(world.coordinator)
    response = submit(client, reverse("consents:photo_new"), within_lists(data, refs), refs)
    follow(client, response, reverse("consents:photos"))


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {"family": st.just(Ref("family")), "signer": st.just(Ref("adult")), "review_on": future_date}
        ),
        near={
            "family": [Ref("stranger"), Ref("other_family"), "0", "", "abc"],
            "signer": [Ref("child"), Ref("other_adult"), "0", ""],
            "review_on": BAD_DATES + [Ref("yesterday")],
        },
    )
)
@example(data={"family": Ref("family"), "signer": Ref("adult"), "review_on": Ref("next_year"), EXPECT: "accepted"})
@example(data={"family": Ref("stranger"), "signer": Ref("adult"), "review_on": Ref("next_year"), EXPECT: "refused"})
@example(data={"family": Ref("family"), "signer": Ref("child"), "review_on": Ref("next_year"), EXPECT: "refused"})
def test_photo_consent_print(client: Any, world: Any, data: dict[str, Any]) -> None:
    from tests.consents.conftest import publish_wordings

    if not world.scheme.consent_wordings.exists():
        publish_wordings(world.scheme, world.administrator)
    photo = Photo.objects.filter(scheme=world.scheme).exclude(
        consents__status=ConsentStatus.AWAITING_SIGNATURE
    ).first() or services.photo_record(
        scheme=world.scheme,
        event="Picnic",
        taken_on=today,
        description="Group",
        families=[world.family],
        actor=world.coordinator,
    )
    stranger = world.scheme.families.exclude(pk=world.family.pk).first() or make_family(world.coordinator, "Nowak")
    members = world.family.members
    refs = dates(
        **pk_refs(
            family=world.family,
            stranger=stranger,
            other_family=world.other_family,
            adult=members.get(kind=MemberKind.ADULT),
            child=members.get(kind=MemberKind.CHILD),
            other_adult=world.other_family.members.get(kind=MemberKind.ADULT),
        )
    )
    # The signer and date fields carry the family's prefix on the page: post them as the page would.
    prefix = f"family-{world.family.pk}-"
    posted = {(prefix + key if key in ("signer", "review_on") else key): value for key, value in data.items()}
    client.force_login(world.coordinator)
    submit_printing(client, reverse("consents:photo_detail", args=[photo.pk]), posted, refs)
    assert Consent.objects.filter(photos=photo, status=ConsentStatus.AWAITING_SIGNATURE).count() <= 1


# Wordings -------------------------------------------------------------------------------------------------------


@FUZZ
@given(
    data=form_data(
        st.fixed_dictionaries(
            {
                "purpose": st.sampled_from(Purpose.values),
                "title": name_like,
                "body": prose,
                "confirm": st.sampled_from(["publish", "change", ""]),
            }
        ),
        near={
            "purpose": ["private_notes", "Photographs", ""],
            "title": ["", " ", "x" * 201],
            "body": ["", "\x00", "x" * 10001],
            "confirm": ["PUBLISH", "yes"],
        },
    )
)
@example(
    data={
        "purpose": "photographs",
        "title": "<script>alert(1)</script>",
        "body": "<img src=x onerror=alert(1)>",
        "confirm": "publish",
        EXPECT: "accepted",
    }
)
@example(data={"purpose": "photographs", "title": "Photos", "body": "Words", "confirm": "", EXPECT: "refused"})
def test_wording_new(client: Any, world: Any, data: dict[str, Any]) -> None:
    client.force_login(world.administrator)
    response = submit(client, reverse("consents:wording_new"), data)
    pages = follow(client, response)
    if pages and data["title"] == "<script>alert(1)</script>":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
