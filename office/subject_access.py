"""Subject access: everything the scheme holds about a family, in one ZIP (SECURITY 24; UK GDPR article 15).

The ZIP holds a readable PDF of the family's records, the same records as JSON (``family.json``), and the scans of
the letters the family signed, as they were uploaded. It is built on the top floor because it reads every app, and
it reads them whole: the export answers the family's right to what is held about them, not what the person making
it may see on the family's page. So the rule of who may make one is strict (``office.permissions``): the family's
own coordinator, who already reads every private note about them, or a designated safeguarding lead of the scheme.

What is in it, and what is kept out, and why:

- **The family's own records, whole.** Details, everyone ever in the household (those who left included: they are
  part of the family's history), every referral with its reasons and outcome, support periods, volunteers (with the
  volunteer's name, as they are the family's own volunteer), visits, private notes with their corrections,
  consents with the exact wording versions the family was shown and every event of each, the letters printed (and
  each later print of them), disclosures and decisions not to share, agency requests about the family, the parts
  of volunteers' supervision about this family and the actions agreed about it, the family groups they came to,
  the photographs they are in, and their outcome assessments (who took part, each need's score in the words of
  the framework version it was made with, and what the family said about it).
- **People who are not the family.** Staff and volunteers appear by name only, where they did something on the
  family's record in their role (received a referral, wrote a note, recorded a consent): never their contact
  details. Professionals from the directory appear by name, role and agency, as referrers, health visitors,
  recipients of what was shared and requesters: they acted in a professional capacity, and the family has a right
  to know who their information went to. Nobody's email address or phone number is included.
- **Other families, never.** A family group shows only the date and place of each session this family came to:
  not who else came, nor who helped. A supervision session gives only the part about this family and the actions
  agreed about it: never its general notes (which are about the volunteer) or other families' parts. A photograph
  is listed by its event and date only: its description may name other families, and the image may show them,
  so neither is included (the scheme can show the family their photographs in person).
- **Safeguarding records** (concerns, their steps and follow-ups, the chronology, and safeguarding referrals in the
  disclosure register) only when a designated safeguarding lead makes the export. They come on pages of their own,
  each marked "Safeguarding: review before release", and in the JSON under ``safeguarding_review_before_release``:
  the law allows, and a child's safety may demand, that some of it is withheld, and that is the lead's decision
  (P12). Anyone else's export says, without a count, that safeguarding records are not in it.
- **The audit log** is not exported as records: it is evidence of who did what, and the scheme's "who has seen this
  family's records" page answers that part of a request.

Making an export is one audit entry (``subject_access_exported``, with the ZIP's SHA-256, its size and whether
safeguarding content was in it); each private note, supervision part, concern and scan in it is also recorded as
read by the person who made it (and each outcome assessment, whose comments are the family's own words), one
statement per kind, so "who has read this note" gives the same answer whether
it was read on the page or in an export. The number of queries does not depend on how many records there are.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.utils import timezone

from consents.audit import ConsentAuditEvent
from consents.models import (
    AgencyRequest,
    Category,
    Consent,
    ConsentEvent,
    Disclosure,
    Letter,
    Photo,
    SignedScan,
)
from consents.services import SCAN_EXTENSIONS
from families.audit import FamilyAuditEvent
from families.models import (
    Assignment,
    CaseNote,
    Family,
    FamilyGroupAttendance,
    HouseholdMember,
    Professional,
    Referral,
    SupportPeriod,
    Visit,
)
from homestart import audit, pdf
from homestart.exceptions import ActionNotAllowed
from homestart.models import AuditEntry, User
from office.audit import OfficeAuditEvent
from office.permissions import can_export_subject_access, subject_access_includes_safeguarding
from outcomes.audit import OutcomeAuditEvent
from outcomes.models import Assessment, Score
from safeguarding import selectors as safeguarding_selectors
from safeguarding import services as safeguarding_services
from safeguarding.models import Concern, ConcernStep, FollowUp
from safeguarding.services import SAFEGUARDING_BASIS
from volunteers.audit import VolunteerAuditEvent
from volunteers.models import SupervisionAction, SupervisionFamily

SAFEGUARDING_KEY = "safeguarding_review_before_release"
SAFEGUARDING_MARK = "Safeguarding: review before release"
SCANS_FOLDER = "signed-consents"


@dataclass(frozen=True)
class SubjectAccessExport:
    """A ZIP of everything held about a family, as made and recorded."""

    family: Family
    content: bytes
    sha256: str
    filename: str
    includes_safeguarding: bool
    entry: AuditEntry


def subject_access_context(user: User, family: Family) -> dict[str, Any]:
    """What the family page's "Records about this family" section needs for the export link (no query)."""
    return {
        "can_export_subject_access": can_export_subject_access(user, family),
        "subject_access_includes_safeguarding": subject_access_includes_safeguarding(user, family),
    }


def export_filename(family: Family, on: Any) -> str:
    """The ZIP's name: the family's reference and the day it was made (no name of anyone in it)."""
    return f"{family.reference}-subject-access-{on:%Y-%m-%d}.zip"


@audit.service
def subject_access_export(*, family: Family, actor: User) -> SubjectAccessExport:
    """Build the ZIP of everything held about the family and record that ``actor`` made it (one entry with its
    SHA-256, size and whether safeguarding content was in it; each note, supervision part, concern and scan in it
    recorded as read). Refused unless the actor is the family's coordinator or a safeguarding lead of its scheme."""
    family = Family.objects.select_related("scheme", "lead_coordinator", "health_visitor__agency").get(pk=family.pk)
    if not can_export_subject_access(actor, family):
        raise ActionNotAllowed(
            "Only the family's coordinator or a designated safeguarding lead of the scheme can export everything "
            "held about the family."
        )
    produced_at = timezone.localtime()
    with_safeguarding = subject_access_includes_safeguarding(actor, family)
    held, read = _gather(family, actor=actor, produced_at=produced_at, with_safeguarding=with_safeguarding)
    document = pdf.render_letter_in_parts(
        "subject_access",
        _parts(
            held,
            {
                "family": family,
                "scheme": family.scheme,
                "held": held,
                "printed_on": produced_at.date(),
                "produced_at": produced_at,
                "produced_by": _name(actor),
                "safeguarding_mark": SAFEGUARDING_MARK,
            },
        ),
    )
    content = _zip(family, held=held, document=document, scans=read["scan_files"], produced_at=produced_at)
    sha256 = hashlib.sha256(content).hexdigest()
    audit.record_reads(instances=read["notes"], actor=actor, event=FamilyAuditEvent.NOTE_READ)
    audit.record_reads(instances=read["supervision_parts"], actor=actor, event=VolunteerAuditEvent.SUPERVISION_READ)
    audit.record_reads(instances=read["supervision_actions"], actor=actor, event=VolunteerAuditEvent.SUPERVISION_READ)
    audit.record_reads(instances=read["scans"], actor=actor, event=ConsentAuditEvent.SCAN_DOWNLOADED)
    audit.record_reads(instances=read["assessments"], actor=actor, event=OutcomeAuditEvent.ASSESSMENT_READ)
    if with_safeguarding:
        safeguarding_services.concerns_listed(concerns=read["concerns"], reader=actor)
    entry = audit.record_event(
        event=OfficeAuditEvent.SUBJECT_ACCESS_EXPORTED,
        instance=family,
        actor=actor,
        family_pk=family.pk,
        extra={
            "sha256": sha256,
            "size": len(content),
            "includes_safeguarding": with_safeguarding,
            "counts": held["export"]["counts"],
        },
    )
    return SubjectAccessExport(
        family=family,
        content=content,
        sha256=sha256,
        filename=export_filename(family, produced_at),
        includes_safeguarding=with_safeguarding,
        entry=entry,
    )


# A family with at least this many visits has its PDF laid out in two parts at once, one a core (homestart/pdf.py):
# below it, one part is as quick as two and their joining.
VISITS_FOR_TWO_PARTS = 100
FIRST_PART_SHARE = 0.55  # of the notes' text


def _parts(held: dict[str, Any], context: dict[str, Any]) -> list[dict[str, Any]]:
    """The PDF's context, whole or as two parts split among the visits so that the two take about as long."""
    visits = held["visits"]
    if len(visits) < VISITS_FOR_TWO_PARTS or pdf.parts_available() < 2:
        return [{**context, "visits": visits}]
    # The notes are most of the work. The pages after the visits (consents, letters, disclosures, supervision,
    # safeguarding: mostly tables) take longer to lay out than those before them, so the first part takes a little
    # more than half the notes (measured on the benchmark's family: 3.8 s and 4.8 s at a half).
    lengths = [
        100 + len(note["text"]) + sum(100 + len(c["text"]) for c in note["corrections"]) if note else 100
        for note in (visit["private_note"] for visit in visits)
    ]
    share, written, split = sum(lengths) * FIRST_PART_SHARE, 0, len(visits) // 2
    for index, length in enumerate(lengths):
        written += length
        if written >= share:
            split = min(index + 1, len(visits) - 1)
            break
    return [
        {**context, "part": "first", "visits": visits[:split]},
        {**context, "part": "rest", "visits": visits[split:]},
    ]


# --- Building the ZIP ---------------------------------------------------------------------------------------------


def _zip(
    family: Family, *, held: dict[str, Any], document: bytes, scans: list[tuple[str, bytes]], produced_at: Any
) -> bytes:
    stamp = produced_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        add(f"{family.reference}-subject-access.pdf", document)
        add("family.json", json.dumps(held, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode("utf-8"))
        for name, data in scans:
            add(name, data)
    return buffer.getvalue()


def _read_scan(scan: SignedScan) -> bytes | None:
    """The scan's bytes as stored, or None when the file is missing from the private store."""
    try:
        with scan.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError, ValueError):
        return None


# --- Gathering the records ----------------------------------------------------------------------------------------


def _name(user: User | None) -> str:
    """A member of staff or a volunteer, by name only (never their contact details)."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _professional(professional: Professional | None) -> dict[str, str] | None:
    """A professional from the directory: name, role and agency (they act in a professional capacity)."""
    if professional is None:
        return None
    return {"name": professional.name, "role": professional.role, "agency": professional.agency.name}


def _categories(values: list[str]) -> list[str]:
    return [Category(value).label for value in values if value in Category.values]


def _local(moment: Any) -> Any:
    return timezone.localtime(moment) if moment is not None else None


def _gather(
    family: Family, *, actor: User, produced_at: Any, with_safeguarding: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Everything held about the family as plain data (what the PDF shows and family.json holds), and the records
    read to make it (for the audit log). A fixed number of queries, however many records there are."""
    scheme = family.scheme
    members = list(HouseholdMember.objects.filter(family=family).order_by("left_on", "kind", "date_of_birth", "pk"))
    referrals = list(
        Referral.objects.filter(family=family)
        .select_related("referrer__agency", "decided_by", "received_by")
        .order_by("date_received", "pk")
    )
    periods = list(SupportPeriod.objects.filter(family=family).order_by("started_on", "pk"))
    assignments = list(
        Assignment.objects.filter(family=family).select_related("volunteer", "assigned_by").order_by("started_on", "pk")
    )
    visits = list(Visit.objects.filter(family=family).select_related("volunteer").order_by("visited_on", "pk"))
    notes = list(CaseNote.objects.filter(family=family).select_related("author").order_by("created_at", "pk"))
    consents = list(
        Consent.objects.filter(family=family)
        .select_related("wording__scheme", "signer", "created_by")
        .prefetch_related(
            Prefetch("recipients", queryset=Professional.objects.select_related("agency").order_by("name", "pk")),
            Prefetch(
                "events",
                queryset=ConsentEvent.objects.select_related("received_by", "recorded_by", "scan").order_by(
                    "recorded_at", "pk"
                ),
            ),
        )
        .order_by("created_at", "pk")
    )
    letters = list(
        Letter.objects.filter(family=family)
        .select_related("recipient__agency", "wording__scheme", "printed_by")
        .order_by("printed_at", "pk")
    )
    reprints = _letter_prints(letters)
    disclosures = Disclosure.objects.filter(family=family).select_related(
        "recipient__agency", "recorded_by", "consent", "agency_request"
    )
    # Safeguarding referrals are safeguarding records: only in a lead's export, on its own pages (P12).
    safeguarding_rows = Q(basis=SAFEGUARDING_BASIS.name) | Q(concern_step__isnull=False)
    disclosures = list(disclosures.exclude(safeguarding_rows).order_by("disclosed_on", "pk"))
    requests = list(
        AgencyRequest.objects.filter(family=family)
        .select_related("requester__agency", "recorded_by", "closed_by")
        .order_by("received_on", "pk")
    )
    parts = list(
        SupervisionFamily.objects.filter(family=family)
        .select_related("session__volunteer", "session__coordinator")
        .order_by("session__held_on", "session_id", "pk")
    )
    actions = list(
        SupervisionAction.objects.filter(family=family)
        .select_related("session__volunteer", "session__coordinator")
        .order_by("session__held_on", "due_on", "pk")
    )
    attendances = list(
        FamilyGroupAttendance.objects.filter(family=family)
        .select_related("session")
        .order_by("session__held_on", "session_id")
    )
    photos = list(Photo.objects.filter(families=family).order_by("taken_on", "pk"))
    assessments = list(
        Assessment.objects.filter(family=family)
        .select_related("version", "recorded_by")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("need__area").order_by(
                    "need__area__position", "need__position", "pk"
                ),
            ),
            Prefetch("members", queryset=HouseholdMember.objects.order_by("pk")),
            "staff",
            "version__scale_points",
        )
        .order_by("assessed_on", "pk")
    )

    scans: list[SignedScan] = []
    scan_files: list[tuple[str, bytes]] = []
    scan_rows: list[dict[str, Any]] = []
    scan_names: dict[int, str | None] = {}  # by consent event: the scan's file in the ZIP (None: missing)
    for consent in consents:
        for event in consent.events.all():
            if event.scan is None:
                continue
            scan = event.scan
            extension = SCAN_EXTENSIONS.get(scan.content_type, "bin")
            name = (
                f"{SCANS_FOLDER}/consent-{consent.pk}-{event.kind}-{event.occurred_on:%Y-%m-%d}-{scan.pk}.{extension}"
            )
            data = _read_scan(scan)
            if data is not None:
                scan_files.append((name, data))
                scans.append(scan)
            scan_names[event.pk] = name if data is not None else None
            scan_rows.append(
                {
                    "file": name if data is not None else None,
                    "consent": consent.pk,
                    "event": event.get_kind_display(),
                    "occurred_on": event.occurred_on,
                    "content_type": scan.content_type,
                    "size": scan.size,
                    "sha256": scan.sha256,
                    "uploaded_at": _local(scan.uploaded_at),
                    "missing": data is None,
                    "matches_upload": data is not None and hashlib.sha256(data).hexdigest() == scan.sha256,
                }
            )

    originals = [note for note in notes if note.corrects_id is None]
    corrections: dict[int, list[CaseNote]] = {}
    for note in notes:
        if note.corrects_id is not None:
            corrections.setdefault(note.corrects_id, []).append(note)
    note_by_visit = {note.visit_id: note for note in originals if note.visit_id is not None}

    def note_data(note: CaseNote) -> dict[str, Any]:
        return {
            "written_at": _local(note.created_at),
            "author": _name(note.author),
            "text": note.text,
            "corrections": [
                {"written_at": _local(c.created_at), "author": _name(c.author), "text": c.text}
                for c in corrections.get(note.pk, [])
            ],
        }

    wordings: dict[int, Any] = {}
    for consent in consents:
        wordings[consent.wording_id] = consent.wording
    for letter in letters:
        if letter.wording is not None:
            wordings.setdefault(letter.wording_id, letter.wording)

    supervision: dict[int, dict[str, Any]] = {}

    def session_row(session: Any) -> dict[str, Any]:
        return supervision.setdefault(
            session.pk,
            {
                "held_on": session.held_on,
                "volunteer": _name(session.volunteer),
                "coordinator": _name(session.coordinator),
                "notes_about_the_family": [],
                "actions_agreed": [],
            },
        )

    for part in parts:
        if part.notes:
            session_row(part.session)["notes_about_the_family"].append(part.notes)
        else:
            session_row(part.session)
    for action in actions:
        session_row(action.session)["actions_agreed"].append(
            {"action": action.text, "due_on": action.due_on, "done_on": action.done_on}
        )

    held: dict[str, Any] = {
        "export": {
            "what": "Everything the scheme holds about the family, for a subject access request.",
            "scheme": scheme.name,
            "family_reference": family.reference,
            "produced_at": produced_at,
            "produced_by": _name(actor),
            "includes_safeguarding": with_safeguarding,
        },
        "family": {
            "reference": family.reference,
            "name": family.family_name,
            "status": family.get_status_display(),
            "address": family.address,
            "postcode": family.postcode,
            "phone": family.phone,
            "preferred_language": family.preferred_language,
            "coordinator": _name(family.lead_coordinator),
            "health_visitor": _professional(family.health_visitor),
            "support_started_on": family.support_started_on,
            "support_ended_on": family.support_ended_on,
            "support_end_reason": family.support_end_reason,
            "record_created_at": _local(family.created_at),
        },
        "household": [_member(member) for member in members if member.left_on is None],
        "household_left": [_member(member) for member in members if member.left_on is not None],
        "referrals": [
            {
                "date_received": referral.date_received,
                "referred_by": "Self-referral" if referral.self_referral else _professional(referral.referrer),
                "reasons": referral.reasons,
                "outcome": referral.get_outcome_display(),
                "outcome_reason": referral.outcome_reason,
                "decided_on": referral.decided_on,
                "decided_by": _name(referral.decided_by),
                "received_by": _name(referral.received_by),
            }
            for referral in referrals
        ],
        "support_periods": [
            {
                "started_on": period.started_on,
                "ended_on": period.ended_on,
                "end_reason": period.end_reason,
            }
            for period in periods
        ],
        "assignments": [
            {
                "volunteer": _name(assignment.volunteer),
                "started_on": assignment.started_on,
                "ended_on": assignment.ended_on,
                "end_reason": assignment.end_reason,
                "assigned_by": _name(assignment.assigned_by),
            }
            for assignment in assignments
        ],
        "visits": [
            {
                "visited_on": visit.visited_on,
                "kind": visit.get_kind_display(),
                "duration_minutes": visit.duration_minutes,
                "volunteer": _name(visit.volunteer),
                "private_note": note_data(note_by_visit[visit.pk]) if visit.pk in note_by_visit else None,
            }
            for visit in visits
        ],
        "notes_without_a_visit": [note_data(note) for note in originals if note.visit_id is None],
        "consents": [
            {
                "number": consent.pk,
                "purpose": consent.get_purpose_display(),
                "status": consent.get_status_display(),
                "signer": consent.signer.full_name,
                "wording": consent.wording.label,
                "recipients": [_professional(professional) for professional in consent.recipients.all()],
                "categories": _categories(consent.categories),
                "agency_request": consent.agency_request_id,
                "review_on": consent.review_on,
                "asked_at": _local(consent.created_at),
                "asked_by": _name(consent.created_by),
                "events": [
                    {
                        "what": event.get_kind_display(),
                        "on": event.occurred_on,
                        "how": event.get_method_display(),
                        "received_by": _name(event.received_by),
                        "recorded_by": _name(event.recorded_by) or "Recorded by the system",
                        "recorded_at": _local(event.recorded_at),
                        "note": event.note,
                        "signed_scan": scan_names.get(event.pk),
                        "signed_scan_missing": event.pk in scan_names and scan_names[event.pk] is None,
                    }
                    for event in consent.events.all()
                ],
            }
            for consent in consents
        ],
        "consent_wordings": [
            {
                "label": wording.label,
                "purpose": wording.get_purpose_display(),
                "version": wording.version,
                "title": wording.title,
                "body": wording.body,
                "published_at": _local(wording.published_at),
            }
            for wording in sorted(wordings.values(), key=lambda w: (w.purpose, w.version))
        ],
        "signed_scans": scan_rows,
        "letters": [
            {
                "number": letter.pk,
                "kind": letter.get_kind_display(),
                "printed_at": _local(letter.printed_at),
                "printed_by": _name(letter.printed_by),
                "recipient": _professional(letter.recipient),
                "consent": letter.consent_id,
                "wording": letter.wording.label if letter.wording is not None else "",
                "sha256": letter.sha256,
                "printed_again": reprints.get(letter.pk, []),
            }
            for letter in letters
        ],
        "disclosures": [
            {
                "on": disclosure.disclosed_on,
                "shared": disclosure.shared,
                "what": "Information shared" if disclosure.shared else "Decision not to share",
                "recipient": _professional(disclosure.recipient),
                "categories": _categories(disclosure.categories),
                "summary": disclosure.summary,
                "reason_not_shared": disclosure.reason,
                "method": disclosure.get_method_display(),
                "basis": disclosure.basis_label,
                "consent": disclosure.consent_id,
                "agency_request": disclosure.agency_request_id,
                "recorded_by": _name(disclosure.recorded_by),
                "recorded_at": _local(disclosure.recorded_at),
            }
            for disclosure in disclosures
        ],
        "agency_requests": [
            {
                "number": request.pk,
                "received_on": request.received_on,
                "requester": _professional(request.requester),
                "purpose": request.purpose,
                "categories": _categories(request.categories),
                "due_on": request.due_on,
                "status": request.get_status_display(),
                "outcome": request.outcome_note,
                "recorded_by": _name(request.recorded_by),
                "closed_by": _name(request.closed_by),
                "closed_at": _local(request.closed_at),
            }
            for request in requests
        ],
        "supervision": list(supervision.values()),
        "family_groups": [
            {"held_on": attendance.session.held_on, "venue": attendance.session.venue} for attendance in attendances
        ],
        "photographs": [{"event": photo.event, "taken_on": photo.taken_on} for photo in photos],
        "outcome_assessments": [_assessment(assessment) for assessment in assessments],
    }
    concerns: list[Concern] = []
    if with_safeguarding:
        concerns, held[SAFEGUARDING_KEY] = _safeguarding(family, actor)
    held["export"]["counts"] = {
        "household": len(members),
        "referrals": len(referrals),
        "visits": len(visits),
        "private_notes": len(notes),
        "consents": len(consents),
        "signed_scans": len(scan_rows),
        "letters": len(letters),
        "disclosures": len(disclosures),
        "agency_requests": len(requests),
        "supervision_sessions": len(supervision),
        "family_group_sessions": len(attendances),
        "photographs": len(photos),
        "outcome_assessments": len(assessments),
        **({"safeguarding_concerns": len(concerns)} if with_safeguarding else {}),
    }
    read = {
        "notes": notes,
        "supervision_parts": parts,
        "supervision_actions": actions,
        "scans": scans,
        "scan_files": scan_files,
        "assessments": assessments,
        "concerns": concerns,
    }
    return held, read


def _assessment(assessment: Assessment) -> dict[str, Any]:
    """An outcome assessment as the family would read it: each score with the words of its version's scale."""
    words = {point.value: point.anchor for point in assessment.version.scale_points.all()}
    return {
        "kind": assessment.get_kind_display(),
        "on": assessment.assessed_on,
        "framework_version": assessment.version.number,
        "took_part": [member.full_name for member in assessment.members.all()]
        + [_name(person) for person in assessment.staff.all()],
        "recorded_by": _name(assessment.recorded_by),
        "scores": [
            {
                "area": score.need.area.title,
                "need": score.need.title,
                "score": score.value,
                "out_of": max(words, default=None),
                "words": words.get(score.value, "Not answered") if score.value is not None else "Not answered",
                "comment": score.comment,
            }
            for score in assessment.scores.all()
        ],
    }


def _member(member: HouseholdMember) -> dict[str, Any]:
    return {
        "name": member.full_name,
        "adult_or_child": member.get_kind_display(),
        "relationship": member.relationship,
        "date_of_birth": member.date_of_birth,
        "expected_due_date": member.expected_due_date if member.date_of_birth is None else None,
        "left_the_household_on": member.left_on,
    }


def _letter_prints(letters: list[Letter]) -> dict[int, list[dict[str, Any]]]:
    """Each later print of a letter (a copy of a support-agreed notice), from the audit log: the letter row is its
    first print, and a copy is recorded only as a print of it (ADR 0009). One query."""
    if not letters:
        return {}
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Letter),
            object_id__in=[letter.pk for letter in letters],
            event=ConsentAuditEvent.LETTER_PRINTED,
            additional_data__reprint=True,
        )
        .select_related("actor")
        .order_by("timestamp", "pk")
    )
    prints: dict[int, list[dict[str, Any]]] = {}
    for entry in entries:
        prints.setdefault(entry.object_id, []).append(
            {"printed_at": _local(entry.timestamp), "printed_by": _name(entry.actor)}
        )
    return prints


def _safeguarding(family: Family, actor: User) -> tuple[list[Concern], dict[str, Any]]:
    """The family's safeguarding records, whole, for a designated safeguarding lead's export (a fixed number of
    queries): each concern with its children, its steps and follow-ups, and the family's chronology."""
    concerns = list(
        Concern.objects.filter(family=family)
        .select_related("raised_by")
        .prefetch_related(
            Prefetch("children", queryset=HouseholdMember.objects.order_by("date_of_birth", "pk")),
            Prefetch(
                "steps",
                queryset=ConcernStep.objects.select_related(
                    "recorded_by", "follow_up", "disclosure__recipient__agency"
                ),
            ),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner")),
        )
        .order_by("raised_at", "pk")
    )
    chronology = safeguarding_selectors.chronology(actor, family)
    return concerns, {
        "notice": (
            f"{SAFEGUARDING_MARK}. These are the scheme's safeguarding records about the family. The designated "
            "safeguarding lead decides what of them may be released: information that would put a child at risk, "
            "or that is about someone else, may be withheld."
        ),
        "concerns": [
            {
                "number": concern.pk,
                "category": concern.get_category_display(),
                "status": concern.get_status_display(),
                "observed_on": concern.observed_on,
                "observed_time": concern.observed_time,
                "what_was_seen_or_heard": concern.account,
                "immediate_danger": concern.immediate_danger,
                "urgent": concern.urgent,
                "children": [child.full_name for child in concern.children.all()],
                "raised_by": _name(concern.raised_by),
                "raised_at": _local(concern.raised_at),
                "reviewed_at": _local(concern.reviewed_at),
                "closed_at": _local(concern.closed_at),
                "kept_until": concern.retain_until,
                "steps": [_step(step) for step in concern.steps.all()],
                "follow_ups": [
                    {
                        "action": follow_up.action,
                        "due_on": follow_up.due_on,
                        "owner": _name(follow_up.owner),
                        "done_on": follow_up.done_on,
                    }
                    for follow_up in concern.follow_ups.all()
                ],
            }
            for concern in concerns
        ],
        "chronology": [
            {
                "on": entry.on,
                "what": entry.what,
                "detail": entry.detail,
                "recorded_by": entry.by,
                "more": [{"label": label, "value": value} for label, value in entry.extra],
            }
            for entry in chronology
        ],
    }


def _step(step: ConcernStep) -> dict[str, Any]:
    disclosure = step.disclosure
    return {
        "what": step.get_kind_display(),
        "on": step.occurred_on,
        "details": step.details,
        "who_took_part": step.participants,
        "the_familys_response": step.family_response,
        "decision": step.get_decision_display() if step.decision else "",
        "referral": (
            {
                "to": _professional(disclosure.recipient),
                "summary": disclosure.summary,
                "their_reference": disclosure.reference_number,
                "method": disclosure.get_method_display(),
            }
            if disclosure is not None
            else None
        ),
        "follow_up": step.follow_up.action if step.follow_up is not None else "",
        "recorded_by": _name(step.recorded_by),
        "recorded_at": _local(step.recorded_at),
    }
