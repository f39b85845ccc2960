"""Time the group-meeting notes check (P8) against a scheme with 5,000 families on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hs_guard_bench .venv/bin/python bench/bench_guard.py

It creates the database if needed and migrates it. The first run adds one scheme (code GRDBENCH) with
``--families`` families (default 5,000), each with two adults and one or two children, by direct bulk inserts:
the bench only needs rows to read, and going through the referral services would take minutes for nothing the
check looks at. Later runs reuse that scheme (``--families`` must match what is there). Nothing else in the
database is touched, and the check only reads.

Then, after warm-ups, it times ``volunteers.guard.family_identifiers_in`` on about 300 words of ordinary
meeting notes (no family named: the common case, and the slowest, since every word is looked at), on the same
notes with one family's full name in them, and on notes ten times as long. Next to them it times two floors in the
same process: splitting the notes into words (the text part of the work), and loading the scheme's names,
postcodes and references with the same two ``values_list`` queries and nothing else (the database part). For
each it prints the median and 95th-percentile ms, the queries one call runs, and the median as a multiple of the
load-only floor: the check's own work is the difference.
"""

import argparse
import datetime
import random
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_pages import Measurement, ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hs_guard_bench"
SCHEME_CODE = "GRDBENCH"

SURNAMES = """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White
Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark
Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell
Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis
Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen
Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham
Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day
Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant
Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley
Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson
Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross
Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper
Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle
Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson Stephenson
Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens
Blake Akhtar Lynch Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Bibi Clayton Nash Greenwood
Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French
Stanley Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley Miah
Simmons Morton Alexander Field Okafor Nowak Kowalski Adeyemi Mensah Nguyen Chen Wang Rahman Islam Uddin Smith-Jones
""".split()
FIRST_NAMES = """
Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy Evie Elsie
Charlotte Evelyn Sienna Sofia Daisy Phoebe Sophie Alice Harper Matilda Ruby Emilia Maya Millie Isabelle Luna Noah
Oliver George Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo Alfie Jacob Thomas
Finley Arlo William Lucas Roman Tommy Isaac Teddy Alexander Luca Edward James Joshua Albert Max Zayn Mason Hudson
Sarah Laura Emma Rebecca Gemma Claire Nicola Michelle Kelly Lisa Joanne Amy Hannah Natalie Stacey Jodie Kerry
Daniel Matthew Christopher David Michael Andrew Mark Paul Craig Lee Stephen Richard Wayne Carl Darren Adam Aisha
Fatima Ayesha Maryam Zainab Amina Priya Tobi Chidi Ngozi Kwame Ama Siobhán Zoë Bartosz Agnieszka Tomasz Ewa Minh
""".split()
POSTCODE_AREAS = ["PO", "SO", "BN", "GU", "RG", "SP", "BH", "OX", "CB", "LS", "M", "B", "E", "SW", "N", "L"]

NOTES = """
Eight volunteers came to the group meeting at the family centre this morning, and two sent apologies. We
started with tea and a round of how everyone is doing. The main topic was sleep: several volunteers are
supporting parents whose babies wake many times a night, and we shared what has helped, such as keeping a
simple bedtime routine, a bath and a story, dim lights, and not rushing in at the first cry. Someone mentioned
the health visiting team's drop-in on Thursdays, which parents can attend without an appointment. We talked
about looking after ourselves as volunteers when a visit is hard, and the coordinator reminded everyone that
anything about a particular family belongs in one-to-one supervision, not here. Next we planned the summer
outing to the beach and the park, with a picnic, and who could help with transport and car seats. The training
on perinatal mental health is booked for next month; please sign up at the office. We also discussed the
toy library, which needs more volunteers on Saturday mornings, and ideas for the autumn fundraiser, including
a quiz night and a sponsored walk along the seafront. A volunteer shared that a mum she supports has started
going to the baby massage class and is feeling more confident about going out with the children. The group
agreed it is useful to know which local groups are welcoming, and we will make a list of them for the notice
board: the library rhyme time, the church toddler group, the swimming sessions at the leisure centre, and the
community garden. We ended with a short reflection on what went well this month and what we found difficult,
and everyone was thanked for their time, their patience and their kindness. The next meeting is in four weeks,
same place and time, and the coordinator will send a reminder by text and email the week before.
"""


def configure_environment() -> str:
    """Settings come from the environment: production-like (DEBUG off), with a bench-only key."""
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-for-a-real-system")
    os.environ["DJANGO_SETTINGS_MODULE"] = "homestart.settings"
    return os.environ["DATABASE_URL"]


def build_scheme(families: int) -> Any:
    """One scheme with the given number of families, inserted in bulk (bench data, not a product path)."""
    from django.db import transaction

    from families.models import Family, FamilyStatus, HouseholdMember, MemberKind
    from homestart import services
    from homestart.models import Scheme

    scheme = Scheme.objects.filter(code=SCHEME_CODE).first()
    if scheme is not None:
        there = scheme.families.count()
        if there != families:
            raise SystemExit(f"scheme {SCHEME_CODE} has {there:,} families, not {families:,}: drop the database")
        return scheme
    print(f"inserting {families:,} families into scheme {SCHEME_CODE}...")
    rng = random.Random(8)  # the same scheme on every machine
    statuses = [FamilyStatus.SUPPORTED, FamilyStatus.ENDED, FamilyStatus.WAITING_LIST, FamilyStatus.REFERRED]
    with transaction.atomic():
        scheme = services.scheme_create(name="Home-Start Guard Bench", code=SCHEME_CODE)
        rows = []
        for n in range(families):
            area = rng.choice(POSTCODE_AREAS)
            unit = "".join(rng.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
            postcode = f"{area}{rng.randint(1, 29)} {rng.randint(0, 9)}{unit}"
            rows.append(
                Family(
                    scheme=scheme,
                    reference=f"{SCHEME_CODE}-{2018 + n % 9}-{n:04d}",
                    family_name=rng.choice(SURNAMES),
                    status=rng.choice(statuses),
                    postcode=postcode,
                    address="1 Bench Road",
                )
            )
        created = Family.objects.bulk_create(rows, batch_size=1000)
        members = []
        for family in created:
            for _ in range(2):
                last = family.family_name if rng.random() < 0.8 else rng.choice(SURNAMES)
                members.append(
                    HouseholdMember(
                        family=family, kind=MemberKind.ADULT, first_name=rng.choice(FIRST_NAMES), last_name=last
                    )
                )
            for _ in range(rng.randint(1, 2)):
                members.append(
                    HouseholdMember(
                        family=family,
                        kind=MemberKind.CHILD,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=family.family_name,
                        date_of_birth=datetime.date(2020 + rng.randint(0, 5), 6, 1),
                    )
                )
        HouseholdMember.objects.bulk_create(members, batch_size=2000)
    return scheme


def measure(name: str, call: Callable[[], Any], *, warmups: int, repetitions: int) -> Measurement:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        call()
    # Queries are counted on one extra call: capturing them slows the cursor, so timed calls run without.
    with CaptureQueriesContext(connection) as captured:
        call()
    queries = len(captured.captured_queries)
    times = []
    for _ in range(repetitions):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return Measurement(name, times, queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=5000, help="Families in the scheme (default 5000).")
    parser.add_argument("--repetitions", type=int, default=50)
    parser.add_argument("--warmups", type=int, default=5)
    args = parser.parse_args()

    url = configure_environment()
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_guard measures PostgreSQL: set DATABASE_URL to a postgres:// URL.", file=sys.stderr)
        return 2
    ensure_database(url)

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from families.models import Family, HouseholdMember
    from volunteers import guard

    call_command("migrate", verbosity=0)
    scheme = build_scheme(args.families)
    members = HouseholdMember.objects.filter(family__scheme=scheme).count()
    named = Family.objects.filter(scheme=scheme).order_by("pk").first()
    person = HouseholdMember.objects.filter(family=named, kind="adult").first()

    clean = " ".join(NOTES.split())
    words = len(clean.split())
    sentences = clean.split(". ")
    middle = len(sentences) // 2
    with_name = ". ".join(
        [*sentences[:middle], f"{person.first_name} {person.last_name} asked about it too", *sentences[middle:]]
    )
    long_notes = " ".join([clean] * 10)
    for text, refused in ((clean, False), (with_name, True), (long_notes, False)):
        findings = guard.family_identifiers_in(text, scheme_id=scheme.pk)
        if bool(findings) != refused:
            print(f"unexpected result {findings} for notes of {len(text.split())} words", file=sys.stderr)
            return 1

    def load_only() -> None:
        list(
            Family.objects.filter(scheme_id=scheme.pk)
            .order_by()
            .values_list("pk", "family_name", "postcode", "reference")
        )
        list(
            HouseholdMember.objects.filter(family__scheme_id=scheme.pk)
            .order_by()
            .values_list("family_id", "first_name", "last_name")
        )

    print(
        f"database {settings.DATABASES['default']['NAME']}: scheme {SCHEME_CODE} with "
        f"{Family.objects.filter(scheme=scheme).count():,} families and {members:,} household members"
    )
    print(f"notes: {words} words ({len(clean):,} characters); with a name: “{person.first_name} {person.last_name}”")
    print(f"{args.warmups} warm-ups, {args.repetitions} timed calls each, DEBUG={settings.DEBUG}\n")

    kw = {"warmups": args.warmups, "repetitions": args.repetitions}
    floor = measure("load values_list only (floor)", load_only, **kw)
    results = [
        measure(f"split {words} words only", lambda: guard._Words(clean), **kw),
        floor,
        measure(f"check, {words} clean words", lambda: guard.family_identifiers_in(clean, scheme_id=scheme.pk), **kw),
        measure(
            f"check, {words} words with a name",
            lambda: guard.family_identifiers_in(with_name, scheme_id=scheme.pk),
            **kw,
        ),
        measure(
            f"check, {words * 10} clean words",
            lambda: guard.family_identifiers_in(long_notes, scheme_id=scheme.pk),
            **kw,
        ),
    ]

    print(f"{'measurement':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'× load':>8}")
    for result in results:
        print(
            f"{result.name:<34} {result.median:>10.2f} {result.p95:>8.2f} {result.queries:>8} "
            f"{result.median / floor.median:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
