"""Demo data for a development machine: two schemes of fictional families, and the demo sign-ins.

Everything is created through the services, exactly as the pages would create it. Running it again changes
nothing and prints the sign-ins again.
"""

import datetime
import time
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from consents import services as consent_services
from consents.models import Category, ConsentMethod, DisclosureMethod, Purpose
from consents.wordings import STARTER_WORDINGS
from documents import services as document_services
from documents.models import DocumentKind, VersionSource
from families import services as family_services
from families.models import AgencyKind, MemberKind, ReferralOutcome
from homestart import services
from homestart.models import Role, Scheme, User
from homestart.pdf import render_html
from office.demo_documents import CONFIDENTIALITY_POLICY, SAFEGUARDING_POLICY
from outcomes import selectors as outcome_selectors
from outcomes import services as outcome_services
from outcomes.models import AssessmentKind
from safeguarding import services as safeguarding_services
from safeguarding.models import ConcernCategory, Decision
from volunteers import services as volunteer_services

DEMO_PASSWORD = "homestart-demo"  # noqa: S105 - printed on purpose: fictional demo accounts only

ACCOUNTS = [
    # username, first name, last name, role, safeguarding lead, scheme code
    ("coordinator", "Sam", "Patel", Role.COORDINATOR, False, "PMH"),
    ("dsl", "Jo", "Reynolds", Role.COORDINATOR, True, "PMH"),
    ("volunteer", "Alex", "Morgan", Role.VOLUNTEER, False, "PMH"),
    ("volunteer2", "Priya", "Shah", Role.VOLUNTEER, False, "PMH"),
    ("admin", "Chris", "Taylor", Role.ADMINISTRATOR, False, "PMH"),
    ("othercoordinator", "Dana", "Brooks", Role.COORDINATOR, False, "WIN"),
    ("othervolunteer", "Ellis", "Grant", Role.VOLUNTEER, False, "WIN"),
    ("otheradmin", "Robin", "Hale", Role.ADMINISTRATOR, False, "WIN"),
]


class Command(BaseCommand):
    help = "Create demo schemes, users and fictional families (development only; idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo only runs with DEBUG on, so demo accounts never reach a live system. Use --force to override."
            )
        if Scheme.objects.filter(code="PMH").exists():
            self.stdout.write("Demo data is already there.")
        else:
            with transaction.atomic():
                self._seed()
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self._print_logins()

    def _print_logins(self) -> None:
        keys = {
            device.user.username: b32encode(device.bin_key).decode("ascii").rstrip("=")
            for device in TOTPDevice.objects.filter(
                confirmed=True, user__username__in=[a[0] for a in ACCOUNTS]
            ).select_related("user")
        }
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})\n")
        for username, first, last, role, dsl, code in ACCOUNTS:
            label = "coordinator and safeguarding lead" if dsl else role
            self.stdout.write(f"  {username:<17} {first} {last}, {label}, scheme {code}")
            self.stdout.write(f"  {'':<17} authenticator key {keys.get(username, 'not set up')}")
        self.stdout.write(
            "\nEvery demo account has two-factor sign-in set up. After the password, enter the code from an\n"
            "authenticator app given the key above, or get the current code with:\n"
            "  make code USER=coordinator   (or: DEBUG=true .venv/bin/python manage.py demo_code coordinator)\n"
        )

    def _seed(self) -> None:
        today = timezone.localdate()
        days = datetime.timedelta

        pmh = services.scheme_create(
            name="Home-Start Portsmouth (demo)",
            code="PMH",
            address="The Family Centre\n12 Harbour Road\nPortsmouth\nPO1 1AA",
            phone="023 9200 0000",
            email="office@portsmouth.homestart.invalid",
            charity_number="DEMO 000000",
        )
        win = services.scheme_create(
            name="Home-Start Winchester (demo)",
            code="WIN",
            address="3 Market Lane\nWinchester\nSO23 9AA",
            phone="01962 000000",
            email="office@winchester.homestart.invalid",
        )
        schemes = {"PMH": pmh, "WIN": win}
        users: dict[str, User] = {}
        for username, first, last, role, dsl, code in ACCOUNTS:
            users[username] = services.user_create(
                scheme=schemes[code],
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.invalid",
                role=role,
                is_safeguarding_lead=dsl,
                password=DEMO_PASSWORD,
                actor=None,
            )
        for user in users.values():
            pending = services.two_factor_enrolment_start(user=user)
            if time.time() % pending.step > pending.step - 1:  # a code about to expire could be refused: wait
                time.sleep(pending.step - time.time() % pending.step + 0.1)
            services.two_factor_enrolment_confirm(user=user, key=pending.key, token=f"{totp(pending.bin_key):06d}")
        coordinator, dsl, alex, priya = users["coordinator"], users["dsl"], users["volunteer"], users["volunteer2"]

        for username, number, issued, due in [
            ("volunteer", "001234567890", today - days(days=1050), today + days(days=40)),
            ("volunteer2", "009876543210", today - days(days=400), today + days(days=695)),
            ("othervolunteer", "005555666677", today - days(days=200), today + days(days=895)),
        ]:
            volunteer_services.volunteer_profile_update(
                profile=users[username].volunteer_profile,
                dbs_certificate_number=number,
                dbs_issued_on=issued,
                dbs_renewal_due=due,
                preparation_course_completed_on=issued + days(days=30),
                actor=users["othercoordinator" if username == "othervolunteer" else "coordinator"],
            )

        hv = family_services.professional_add(
            scheme=pmh,
            agency_name="Portsmouth North Health Visiting Team",
            agency_kind=AgencyKind.HEALTH_VISITING,
            name="Helen Price",
            role="Health visitor",
            email="helen.price@nhs.invalid",
            phone="023 9200 1111",
            actor=coordinator,
        )
        gp = family_services.professional_add(
            scheme=pmh,
            agency_name="Lake Road GP Practice",
            agency_kind=AgencyKind.GP,
            name="Dr Amir Khan",
            role="GP",
            email="reception@lakeroad.invalid",
            actor=coordinator,
        )
        school = family_services.professional_add(
            scheme=pmh,
            agency_name="Somers Park Primary School",
            agency_kind=AgencyKind.SCHOOL,
            name="Jane Fox",
            role="Family support worker",
            email="office@somerspark.invalid",
            actor=coordinator,
        )
        family_services.professional_add(
            scheme=pmh,
            agency_name="Portsmouth Children's Social Care (MASH)",
            agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
            name="Tom Ellis",
            role="Social worker",
            email="mash@portsmouth.invalid",
            actor=coordinator,
        )
        win_hv = family_services.professional_add(
            scheme=win,
            agency_name="Winchester Health Visiting Team",
            agency_kind=AgencyKind.HEALTH_VISITING,
            name="Ruth Adams",
            role="Health visitor",
            actor=users["othercoordinator"],
        )

        def child(first: str, last: str, age_days: int, relationship: str = "child") -> dict[str, Any]:
            return {
                "kind": MemberKind.CHILD,
                "first_name": first,
                "last_name": last,
                "relationship": relationship,
                "date_of_birth": today - days(days=age_days),
            }

        def adult(first: str, last: str, relationship: str) -> dict[str, Any]:
            return {"kind": MemberKind.ADULT, "first_name": first, "last_name": last, "relationship": relationship}

        def family(
            actor: User, name: str, postcode: str, referrer: Any, received_days_ago: int, reasons: str, members: list
        ) -> Any:
            return family_services.referral_receive(
                actor=actor,
                family_name=name,
                address=f"{10 + len(name)} {name} Close\nPortsmouth",
                postcode=postcode,
                phone="07700 900" + str(100 + len(name)),
                referrer=referrer,
                health_visitor=hv if actor.scheme_id == pmh.pk else win_hv,
                date_received=today - days(days=received_days_ago),
                reasons=reasons,
                members=members,
            )

        def supported(referral: Any, actor: User, volunteer: User, started_days_ago: int) -> Any:
            family_services.referral_decide(referral=referral, outcome=ReferralOutcome.ACCEPTED, actor=actor)
            # Confirmed: the demo builds its history out of order (a family supported last year is assigned after
            # this year's), so "families now" at that moment is not what it was then. Availability is set below.
            family_services.assignment_start(
                family=referral.family,
                volunteer=volunteer,
                started_on=today - days(days=started_days_ago),
                confirmed=True,
                actor=actor,
            )
            return referral.family

        def visits(fam: Any, volunteer: User, entries: list[tuple[int, int, str]]) -> None:
            for days_ago, minutes, note in entries:
                family_services.visit_log(
                    family=fam,
                    visited_on=today - days(days=days_ago),
                    duration_minutes=minutes,
                    note_text=note,
                    actor=volunteer,
                )

        okafor = supported(
            family(
                coordinator,
                "Okafor",
                "PO2 7QA",
                hv,
                90,
                "Mum is isolated after moving to the area; twins under one.",
                [adult("Grace", "Okafor", "mother"), child("Tobi", "Okafor", 300), child("Tayo", "Okafor", 300)],
            ),
            coordinator,
            alex,
            70,
        )
        visits(
            okafor,
            alex,
            [
                (63, 120, "First visit. Grace was nervous but warm; we talked about local baby groups."),
                (49, 90, "Went with Grace to the Tuesday baby group. Twins slept most of the time."),
                (35, 90, "Grace says nights are very hard. Suggested she mentions sleep to Helen the health visitor."),
                (21, 120, ""),
                (7, 90, "Grace seemed brighter; she has made a friend at the group."),
            ],
        )
        williams = supported(
            family(
                coordinator,
                "Williams",
                "PO4 8HX",
                gp,
                60,
                "Dad caring alone for three children after a bereavement.",
                [
                    adult("Mark", "Williams", "father"),
                    child("Ella", "Williams", 1500),
                    child("Josh", "Williams", 900),
                    child("Mia", "Williams", 120),
                ],
            ),
            coordinator,
            priya,
            45,
        )
        visits(
            williams,
            priya,
            [
                (40, 120, "Met Mark and the children. He would like help with school runs and routines."),
                (26, 90, "Helped sort a weekly meal plan together. Ella showed me her reading book."),
                (12, 60, "Short visit; Mark had a job interview. Looked after Mia for an hour."),
            ],
        )
        dasilva = supported(
            family(
                dsl,
                "Da Silva",
                "PO5 1LB",
                hv,
                50,
                "Postnatal low mood; first baby; family abroad.",
                [adult("Ana", "Da Silva", "mother"), adult("Rui", "Da Silva", "father"), child("Leo", "Da Silva", 75)],
            ),
            dsl,
            alex,
            30,
        )
        visits(dasilva, alex, [(25, 90, "Ana talked a lot about missing her mum. Leo feeding well."), (11, 90, "")])

        family(
            coordinator,
            "Nowak",
            "PO3 5DD",
            school,
            6,
            "Mum expecting second child; toddler struggling at nursery.",
            [
                adult("Kasia", "Nowak", "mother"),
                child("Olek", "Nowak", 1000),
                {
                    "kind": MemberKind.CHILD,
                    "first_name": "Baby",
                    "last_name": "Nowak",
                    "relationship": "unborn child",
                    "expected_due_date": today + days(days=60),
                },
            ],
        )
        hughes = family(
            coordinator,
            "Hughes",
            "PO6 2RT",
            None,
            20,
            "Self-referral: young mum would like someone to talk to.",
            [adult("Chloe", "Hughes", "mother"), child("Ruby", "Hughes", 200)],
        )
        family_services.referral_decide(referral=hughes, outcome=ReferralOutcome.WAITING_LIST, actor=coordinator)
        ahmed = family(
            dsl,
            "Ahmed",
            "PO1 3JP",
            hv,
            15,
            "Three children under five; mum recovering from surgery.",
            [
                adult("Samira", "Ahmed", "mother"),
                child("Zara", "Ahmed", 1600),
                child("Adam", "Ahmed", 800),
                child("Noor", "Ahmed", 30),
            ],
        )
        family_services.referral_decide(referral=ahmed, outcome=ReferralOutcome.ACCEPTED, actor=dsl)
        clarke = family(
            coordinator,
            "Clarke",
            "PO9 1AZ",
            gp,
            30,
            "Family asking for help with housing.",
            [adult("Dean", "Clarke", "father"), child("Kai", "Clarke", 2400)],
        )
        family_services.referral_decide(
            referral=clarke,
            outcome=ReferralOutcome.DECLINED,
            reason="Youngest child is over five; signposted to the council's housing advice service.",
            actor=coordinator,
        )
        bennett = supported(
            family(
                coordinator,
                "Bennett",
                "PO2 0EE",
                hv,
                400,
                "Mum with anxiety; baby born early.",
                [adult("Lucy", "Bennett", "mother"), child("Alfie", "Bennett", 500)],
            ),
            coordinator,
            alex,
            380,
        )
        visits(
            bennett,
            alex,
            [(370, 90, "First visit to Lucy and Alfie."), (200, 90, "Lucy feels ready to go to groups alone soon.")],
        )
        family_services.family_end_support(
            family=bennett,
            ended_on=today - days(days=100),
            reason="Goals reached: Lucy attends groups on her own.",
            actor=coordinator,
        )

        evans = family(
            users["othercoordinator"],
            "Evans",
            "SO23 8TT",
            win_hv,
            40,
            "Winchester family: new baby, dad works away.",
            [adult("Megan", "Evans", "mother"), child("Seren", "Evans", 90)],
        )
        supported(evans, users["othercoordinator"], users["othervolunteer"], 30)
        visits(evans.family, users["othervolunteer"], [(20, 90, "Winchester note: Megan is coping well.")])

        self._seed_documents(pmh, win, users)
        self._seed_outcomes(pmh, win, users, okafor, bennett)
        self._seed_consents(pmh, win, users, okafor, williams, hv, gp)
        self._seed_volunteer_support(users, okafor, williams, dasilva, hughes.family)
        self._seed_safeguarding(pmh, users, okafor, williams)

    def _seed_outcomes(self, pmh: Scheme, win: Scheme, users: dict[str, User], okafor: Any, bennett: Any) -> None:
        """Both schemes' outcome frameworks (the starter, published); the Okafor family's start assessment with their
        volunteer, and the Bennett family's start, review and end (recorded by their coordinator after support
        ended, from the paper worksheets), so the family page has a progress chart to show."""
        for scheme, admin in ((pmh, users["admin"]), (win, users["otheradmin"])):
            draft = outcome_services.framework_start(scheme=scheme, actor=admin)
            outcome_services.framework_version_publish(version=draft, actor=admin)
        version = outcome_selectors.current_version(pmh.pk)
        today = timezone.localdate()

        def assess(family: Any, actor: User, kind: str, days_ago: int, by_area: dict[str, list[int | None]]) -> None:
            family.refresh_from_db()
            scores = {}
            for area in version.areas.all():
                values = by_area[area.key]
                for index, need in enumerate(area.needs.all()):
                    scores[need.pk] = outcome_services.ScoreGiven(values[index % len(values)])
            outcome_services.assessment_record(
                family=family,
                kind=kind,
                assessed_on=today - datetime.timedelta(days=days_ago),
                scores=scores,
                members=[family.members.filter(kind=MemberKind.ADULT).first()],
                staff=[actor],
                actor=actor,
            )

        assess(
            okafor,
            users["volunteer"],
            AssessmentKind.START,
            63,
            {"parenting": [3, 2, 3, 3], "wellbeing": [1, 1, 2], "family_life": [3, 2, 2], "getting_support": [2, 1, 1]},
        )
        coordinator = users["coordinator"]
        assess(
            bennett,
            coordinator,
            AssessmentKind.START,
            370,
            {"parenting": [3, 2, 2, 2], "wellbeing": [1, 2, 1], "family_life": [3, 3, 2], "getting_support": [1, 1, 2]},
        )
        assess(
            bennett,
            coordinator,
            AssessmentKind.REVIEW,
            200,
            {
                "parenting": [4, 3, 3, 3],
                "wellbeing": [2, 3, 2],
                "family_life": [3, 3, 3],
                "getting_support": [3, 2, None],
            },
        )
        assess(
            bennett,
            coordinator,
            AssessmentKind.END,
            100,
            {"parenting": [4, 4, 5, 4], "wellbeing": [4, 3, 4], "family_life": [4, 3, 3], "getting_support": [4, 4, 5]},
        )

    def _seed_documents(self, pmh: Scheme, win: Scheme, users: dict[str, User]) -> None:
        """The demo scheme's confidentiality and safeguarding policies, published (letters name them, and its public
        page lists them), and a privacy notice still a draft; the second scheme has only a draft."""
        admin = users["admin"]
        for kind, body in (
            (DocumentKind.CONFIDENTIALITY, CONFIDENTIALITY_POLICY),
            (DocumentKind.SAFEGUARDING, SAFEGUARDING_POLICY),
        ):
            draft = document_services.document_create(
                scheme=pmh, kind=kind, source=VersionSource.WRITTEN, body=body, actor=admin
            )
            document_services.version_publish(version=draft, actor=admin)
        notice = SimpleUploadedFile(
            "privacy-notice.pdf",
            render_html("<h1>Privacy notice (demo draft)</h1><p>How we use information about your family.</p>"),
            "application/pdf",
        )
        document_services.document_create(
            scheme=pmh, kind=DocumentKind.PRIVACY, source=VersionSource.UPLOADED, upload=notice, actor=admin
        )
        document_services.document_create(
            scheme=win,
            kind=DocumentKind.CONFIDENTIALITY,
            source=VersionSource.WRITTEN,
            body="# Draft\n\nOur confidentiality policy, still being written.",
            actor=users["otheradmin"],
        )

    def _seed_consents(
        self, pmh: Scheme, win: Scheme, users: dict[str, User], okafor: Any, williams: Any, hv: Any, gp: Any
    ) -> None:
        """Wordings for both schemes; a signed consent and its support-agreed notice; one waiting; a request; a photo."""
        today = timezone.localdate()
        year = datetime.timedelta(days=365)
        # Only administrators publish wordings: each scheme's own.
        for scheme, admin in ((pmh, users["admin"]), (win, users["otheradmin"])):
            for purpose, (title, body) in STARTER_WORDINGS.items():
                consent_services.wording_publish(scheme=scheme, purpose=purpose, title=title, body=body, actor=admin)
        coordinator = users["coordinator"]
        signed, _letter, _pdf = consent_services.consent_request(
            family=okafor,
            purpose=Purpose.INFORMATION_EXCHANGE,
            signer=okafor.members.get(first_name="Grace"),
            recipients=[hv],
            categories=[Category.SUPPORT_STATUS, Category.VISIT_SUMMARY],
            review_on=today + year,
            actor=coordinator,
        )
        scan = SimpleUploadedFile(
            "signed.pdf", render_html("<p>Signed information-exchange form (demo scan)</p>"), "application/pdf"
        )
        consent_services.consent_record_signed(
            consent=signed,
            scan=scan,
            signed_on=today,
            method=ConsentMethod.SCANNED_LETTER,
            received_by=coordinator,
            actor=coordinator,
        )
        consent_services.support_agreed_notices_send(family=okafor, method=DisclosureMethod.LETTER, actor=coordinator)
        consent_services.consent_request(
            family=williams,
            purpose=Purpose.INFORMATION_EXCHANGE,
            signer=williams.members.get(first_name="Mark"),
            recipients=[gp],
            categories=[Category.SUPPORT_STATUS],
            review_on=today + year,
            actor=coordinator,
        )
        consent_services.agency_request_receive(
            requester=gp,
            received_on=today - datetime.timedelta(days=3),
            purpose="Numbers of families supported this year, for the practice's annual report.",
            categories=[Category.SUPPORT_STATUS],
            identifying=False,
            family=None,
            due_on=today + datetime.timedelta(days=11),
            actor=coordinator,
        )
        consent_services.photo_record(
            scheme=pmh,
            event="Summer picnic",
            taken_on=today - datetime.timedelta(days=60),
            description="Parents and toddlers on the grass at Victoria Park",
            families=[okafor, williams],
            actor=coordinator,
        )

    def _seed_volunteer_support(
        self, users: dict[str, User], okafor: Any, williams: Any, dasilva: Any, hughes: Any
    ) -> None:
        """Availability, one-to-one supervision (one volunteer overdue), a group meeting and family group sessions."""
        today = timezone.localdate()
        days = datetime.timedelta
        coordinator, alex, priya = users["coordinator"], users["volunteer"], users["volunteer2"]
        for volunteer, available, times, most in [
            (alex, False, "Weekday mornings", 2),
            (priya, True, "Tuesday and Thursday afternoons", 2),
        ]:
            volunteer_services.volunteer_availability_update(
                profile=volunteer.volunteer_profile,
                available_for_new_family=available,
                available_times=times,
                max_families=most,
                actor=coordinator,
            )
        held_on = today - days(days=20)
        volunteer_services.supervision_record(
            volunteer=alex,
            held_on=held_on,
            notes="Alex is enjoying volunteering and would like the sleep workshop. Feels supported.",
            discussed=[
                volunteer_services.DiscussedFamily(
                    okafor, "Grace is brighter since joining the Tuesday group; nights with the twins are still hard."
                ),
                volunteer_services.DiscussedFamily(dasilva, "Ana misses her family abroad; Leo is feeding well."),
            ],
            actions=[
                volunteer_services.AgreedAction(
                    "Suggest Grace asks the health visitor about the sleep clinic", held_on + days(days=14), okafor
                ),
                volunteer_services.AgreedAction("Book a place on the sleep workshop", held_on + days(days=30)),
            ],
            actor=coordinator,
        )
        volunteer_services.supervision_record(
            volunteer=priya,
            held_on=today - days(days=65),
            notes="Priya finished the preparation course and is ready to be matched with a family.",
            actor=coordinator,
        )
        volunteer_services.group_meeting_record(
            held_on=today - days(days=10),
            facilitator=coordinator,
            attendees=[alex, priya],
            topics="Settling in with a new family; looking after yourself in winter",
            notes="Shared ideas for rainy-day activities and local free groups. Next meeting: first-aid refresher.",
            actor=coordinator,
        )
        for days_ago, families in [(35, [okafor, williams]), (7, [okafor, williams, hughes])]:
            family_services.family_group_record(
                held_on=today - days(days=days_ago),
                venue="Buckland Community Centre",
                helpers=[coordinator, alex],
                families=families,
                actor=coordinator,
            )

    def _seed_safeguarding(self, pmh: Scheme, users: dict[str, User], okafor: Any, williams: Any) -> None:
        """One concern waiting for review; one reviewed, discussed with the family and decided, with a follow-up."""
        today = timezone.localdate()
        days = datetime.timedelta
        dsl, alex, priya = users["dsl"], users["volunteer"], users["volunteer2"]
        family_services.professional_add(
            scheme=pmh,
            agency_name="Portsmouth MASH (children's social care)",
            agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
            name="Duty social worker",
            role="Social worker",
            email="mash@portsmouth.gov.invalid",
            phone="023 9200 0001",
            actor=dsl,
        )
        site_root = "http://127.0.0.1:8000/"
        williams.refresh_from_db()
        reviewed = safeguarding_services.concern_raise(
            family=williams,
            children=list(williams.members.filter(kind=MemberKind.CHILD, first_name="Josh")),
            category=ConcernCategory.NEGLECT,
            account="Josh was in the same nappy all afternoon and the fridge was empty. Mark said money ran out early.",
            observed_on=today - days(days=3),
            observed_time=datetime.time(15, 0),
            immediate_danger=False,
            actor=priya,
            site_root=site_root,
        )
        safeguarding_services.concern_review(
            concern=reviewed,
            notes="Spoke to Priya. No injuries seen; Mark is struggling since the bereavement.",
            urgent=False,
            occurred_on=today,
            actor=dsl,
        )
        safeguarding_services.concern_record_discussion(
            concern=reviewed,
            occurred_on=today,
            participants="Mark Williams, the safeguarding lead",
            what_was_said="We shared our worry about Josh's care and asked how we could help.",
            family_response="Mark was relieved to talk; he agreed to a referral to the early help team.",
            actor=dsl,
        )
        safeguarding_services.concern_decide(
            concern=reviewed,
            decision=Decision.EARLY_HELP,
            reason="Needs with no sign of significant harm; Mark agrees to support.",
            occurred_on=today,
            actor=dsl,
        )
        safeguarding_services.follow_up_add(
            concern=reviewed,
            action="Check the early help referral was received.",
            due_on=today + days(days=5),
            owner=dsl,
            actor=dsl,
        )
        okafor.refresh_from_db()
        safeguarding_services.concern_raise(
            family=okafor,
            children=list(okafor.members.filter(kind=MemberKind.CHILD)),
            category=ConcernCategory.EMOTIONAL,
            account="Grace said she sometimes shouts at the twins and then cries. She asked me not to tell anyone.",
            observed_on=today,
            observed_time=None,
            immediate_danger=False,
            actor=alex,
            site_root=site_root,
        )
