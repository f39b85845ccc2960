"""Fifty volunteers logging visits at once, ten coordinators reading, against gunicorn on loopback (issue 13).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homestart_bench .venv/bin/python bench/load.py [--faults]

The database must already hold scale data (``seed_scale``; see bench/README.md): this script never seeds. It starts
the app as the README's production notes say (``gunicorn homestart.wsgi --workers 4``, DEBUG off) on a free
loopback port, signs every person in through the real sign-in page and second factor (the code computed from
their device's key, as their app would), then for ``--duration`` seconds: each volunteer opens the visit form of
one of their families and sends it; each coordinator opens family pages of their scheme and the register. A post
that fails is sent again from the page it got back (the same form, so the same key), as a person would.

It prints throughput and p50/p95 per kind of request, then checks: no request failed (with ``--faults``: every
failed post was the clear page, 503 "Your visit was not saved, please try again", never a bare 400/500), the
visits grew by exactly the forms answered "saved", and ``audit_verify`` passes. Last, the volunteer home's
throughput under the same server next to the authenticated floor's (bench_urls), goal at least 40 %.

``--faults`` kills every database connection of the app twice during the run (``pg_terminate_backend``, from a
separate connection), at a third and two thirds of the duration.
"""

import argparse
import io
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_urls, loadclient

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/homestart_bench"
APP_NAME = "homestart-load"  # the app's connections, by application_name, for the faults


def configure() -> dict[str, str]:
    """The server's environment: production settings, plain HTTP on loopback, bench URLs (the floor views)."""
    env = {
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-never-used-for-a-real-system"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "AUDIT_STRICT": "false",
        "DJANGO_SETTINGS_MODULE": "settings_load",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).resolve().parent)]),
        "LOAD_APPLICATION_NAME": APP_NAME,
    }
    os.environ.update({key: value for key, value in env.items() if key != "LOAD_APPLICATION_NAME"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "homestart.settings"  # this process: reads and checks only
    return env


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, list[str]] = defaultdict(list)
        self.saved_keys: set[str] = set()
        self.clear_failures = 0
        self.unavailable = 0

    def ok(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def failed(self, kind: str, what: str) -> None:
        with self.lock:
            self.failures[kind].append(what)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def people(volunteers: int, coordinators: int) -> tuple[list[tuple[Any, int]], list[tuple[Any, list[int]]]]:
    """Volunteers each with a family they are assigned to now, and coordinators with families of their scheme."""
    from families.models import Assignment, Family
    from homestart.models import Role, User

    chosen: list[tuple[Any, int]] = []
    seen: set[int] = set()
    for assignment in Assignment.objects.filter(ended_on__isnull=True).select_related("volunteer").order_by("pk"):
        if assignment.volunteer_id in seen or not assignment.volunteer.is_active:
            continue
        seen.add(assignment.volunteer_id)
        chosen.append((assignment.volunteer, assignment.family_id))
        if len(chosen) == volunteers:
            break
    readers: list[tuple[Any, list[int]]] = []
    for user in User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk")[:coordinators]:
        families = list(Family.objects.filter(lead_coordinator=user).values_list("pk", flat=True)[:20])
        if families:
            readers.append((user, families))
    return chosen, readers


def code_for(username: str) -> str:
    """The code the person's app shows now, one their device has not accepted yet (codes are single-use)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.loadclient import code_for_key

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    while int(time.time()) // device.step <= (device.last_t or -1):
        time.sleep(0.5)
    return code_for_key(device.bin_key)


def kill_app_connections(database_url: str) -> int:
    """From a separate connection, end every backend of the app (what a database failover does to it)."""
    import psycopg2

    with psycopg2.connect(database_url) as admin, admin.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        (count,) = cursor.fetchone()
    admin.close()
    return int(count)


def run(args: argparse.Namespace) -> int:  # noqa: C901, PLR0915 (one scenario, read top to bottom)
    env = configure()
    import django

    django.setup()
    from django.core.management import call_command

    from bench import loadclient
    from families.models import Family, Visit

    if Family.objects.count() < args.min_families:
        print(
            f"The database holds {Family.objects.count()} families; the load test needs scale data. Seed it first "
            "(minutes of both cores at 60,000):\n"
            f"  DATABASE_URL={env['DATABASE_URL']} DEBUG=false SECRET_KEY=bench .venv/bin/python manage.py migrate\n"
            f"  DATABASE_URL={env['DATABASE_URL']} DEBUG=false SECRET_KEY=bench "
            ".venv/bin/python manage.py seed_scale --families 60000\n"
            "or pass --min-families for a smaller seed."
        )
        return 2
    password = args.password
    volunteers, coordinators = people(args.volunteers, args.coordinators)
    if len(volunteers) < args.volunteers or len(coordinators) < args.coordinators:
        print(f"Found {len(volunteers)} volunteers with a family and {len(coordinators)} coordinators with families.")
    stats = Stats()
    visits_before = Visit.objects.count()
    log = Path(args.log)
    print(f"gunicorn --workers {args.workers}; log in {log}")
    with loadclient.gunicorn(env, workers=args.workers, log=log) as base_url:
        signed_in: list[tuple[str, Any, Any]] = []

        def sign_in(kind: str, user: Any, work: Any) -> None:
            browser = loadclient.Browser(base_url)
            try:
                loadclient.sign_in(browser, user.username, password, code_for)
            except Exception as error:  # noqa: BLE001 (counted and printed)
                stats.failed("sign-in", f"{user.username}: {error}")
                return
            with stats.lock:
                signed_in.append((kind, browser, work))

        started = time.perf_counter()
        threads = [threading.Thread(target=sign_in, args=("volunteer", u, f)) for u, f in volunteers]
        threads += [threading.Thread(target=sign_in, args=("coordinator", u, f)) for u, f in coordinators]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"{len(signed_in)} people signed in through the real pages in {time.perf_counter() - started:.1f} s")
        stop = threading.Event()

        def volunteer(browser: Any, family_pk: int) -> None:
            path = f"/families/{family_pk}/visits/new/"
            count = 0
            while not stop.is_set():
                count += 1
                try:
                    page = browser.get(path)
                    if loadclient.is_service_unavailable(page):
                        with stats.lock:
                            stats.unavailable += 1
                        continue
                    if page.status != 200:
                        stats.failed("visit form", str(page.status))
                        continue
                    stats.ok("visit form", page.seconds)
                    data = loadclient.visit_data(page, note=f"Load visit {count}" if count % 2 else "")
                    for _attempt in range(5):  # a person sends the form they got back again, key and all
                        answer = browser.post(path, data, page)
                        if answer.status == 302 and answer.location == "/volunteers/my-families/":
                            stats.ok("visit post", answer.seconds)
                            with stats.lock:
                                stats.saved_keys.add(data["idempotency_key"])
                            break
                        if loadclient.is_clear_failure(answer):
                            with stats.lock:
                                stats.clear_failures += 1
                            page = answer  # the form as typed, with its key
                            continue
                        if loadclient.is_service_unavailable(answer):  # lost before or after the view: go back
                            with stats.lock:
                                stats.unavailable += 1
                            continue
                        stats.failed("visit post", f"{answer.status} {answer.body[:80]!r}")
                        break
                except OSError as error:
                    stats.failed("visit post", f"connection: {error}")

        def coordinator(browser: Any, families: list[int]) -> None:
            rng = random.Random(id(browser))  # noqa: S311 (which page to open, not a secret)
            while not stop.is_set():
                kind, path = (
                    ("family page", f"/families/{rng.choice(families)}/")
                    if rng.random() < 0.7
                    else ("register", "/consents/register/")
                )
                try:
                    answer = browser.get(path)
                except OSError as error:
                    stats.failed(kind, f"connection: {error}")
                    continue
                if answer.status == 200:
                    stats.ok(kind, answer.seconds)
                elif loadclient.is_service_unavailable(answer):
                    with stats.lock:
                        stats.unavailable += 1
                else:
                    stats.failed(kind, f"{answer.status} {path}")

        workers = [
            threading.Thread(target=volunteer if kind == "volunteer" else coordinator, args=(browser, work))
            for kind, browser, work in signed_in
        ]
        load_started = time.perf_counter()
        for thread in workers:
            thread.start()
        kills = []
        if args.faults:
            for fraction in (1 / 3, 2 / 3):
                time.sleep(max(0.0, load_started + args.duration * fraction - time.perf_counter()))
                kills.append(kill_app_connections(env["DATABASE_URL"]))
        time.sleep(max(0.0, load_started + args.duration - time.perf_counter()))
        stop.set()
        for thread in workers:
            thread.join()
        elapsed = time.perf_counter() - load_started

        # The volunteer home against the authenticated floor, one after the other under the same server.
        vol_browsers = [browser for kind, browser, _work in signed_in if kind == "volunteer"]
        probe = loadclient.Browser(base_url).get(args.floor_path)
        floor_path = args.floor_path if probe.status != 404 else None
        throughput = {}
        for name, path in (("volunteer home", "/volunteers/my-families/"), ("floor", floor_path)):
            if path is None:
                continue
            done: list[float] = []
            phase_stop = threading.Event()

            def hit(browser: Any, path: str = path, done: list[float] = done, phase_stop: Any = phase_stop) -> None:
                while not phase_stop.is_set():
                    answer = browser.get(path)
                    if answer.status == 200:
                        done.append(answer.seconds)

            phase = [threading.Thread(target=hit, args=(b,)) for b in vol_browsers[: args.workers * 2]]
            phase_started = time.perf_counter()
            for thread in phase:
                thread.start()
            time.sleep(args.phase)
            phase_stop.set()
            for thread in phase:
                thread.join()
            throughput[name] = len(done) / (time.perf_counter() - phase_started)

    print(f"\n{elapsed:.1f} s of load, {len(volunteers)} volunteers, {len(coordinators)} coordinators")
    if kills:
        print(f"database connections of the app killed: {kills}")
    print(f"{'request':<16}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'failed':>8}")
    for kind in sorted(set(stats.times) | set(stats.failures)):
        times = stats.times.get(kind, [])
        p50 = f"{statistics.median(times) * 1000:.0f}" if times else "-"
        p95 = f"{_percentile(times, 0.95) * 1000:.0f}" if times else "-"
        count = len(times)
        print(f"{kind:<16}{count:>8}{count / elapsed:>9.1f}{p50:>9}{p95:>9}{len(stats.failures.get(kind, [])):>8}")
    added = Visit.objects.count() - visits_before
    print(f"\nvisit forms answered saved: {len(stats.saved_keys)}; visits added: {added}")
    print(f"posts answered with the clear page (503, form kept) and sent again: {stats.clear_failures}")
    print(f"requests answered 503 'not available for a moment' (connection lost outside the form): {stats.unavailable}")
    for name, value in throughput.items():
        print(f"{name} throughput: {value:.1f} requests/s")
    if "floor" in throughput and throughput["floor"]:
        print(f"volunteer home / floor: {throughput['volunteer home'] / throughput['floor']:.0%} (goal at least 40%)")
    elif not throughput.get("floor"):
        print(f"no authenticated floor view at {args.floor_path} (bench/bench_urls.py): throughput not compared")
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=out)
        chain_ok = True
    except SystemExit:
        chain_ok = False
    print(out.getvalue().strip())

    problems = []
    for kind, failures in stats.failures.items():
        problems.append(f"{len(failures)} {kind} failed, e.g. {failures[0]}")
    if added != len(stats.saved_keys):
        problems.append(f"visits added ({added}) differ from the forms answered saved ({len(stats.saved_keys)})")
    if not chain_ok:
        problems.append("the audit chain does not verify")
    if not args.faults and (stats.clear_failures or stats.unavailable):
        problems.append(f"{stats.clear_failures + stats.unavailable} requests failed without any fault")
    print("\n" + ("FAILED:\n  " + "\n  ".join(problems) if problems else "OK: nothing failed, nothing lost"))
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (60)")
    parser.add_argument("--volunteers", type=int, default=50)
    parser.add_argument("--coordinators", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4, as in production)")
    parser.add_argument("--faults", action="store_true", help="kill the app's database connections twice")
    parser.add_argument("--phase", type=float, default=10.0, help="seconds of each throughput phase (10)")
    parser.add_argument("--min-families", type=int, default=60000, help="refuse a smaller seed (60000)")
    parser.add_argument("--password", default="scale-benchmark-password", help="seed_scale's password")
    parser.add_argument("--floor-path", default="/bench/floor/", help="the authenticated floor view (bench_urls)")
    parser.add_argument("--log", default=str(ROOT / "var" / "load-gunicorn.log"))
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
