"""Everything held about a family, as the ZIP the family page's subject access button gives (SECURITY 24).

    python manage.py subject_access_export --family PMH-2026-0042 --out okafor.zip --as coordinator

``--as`` names the person making the export: the family's coordinator or a designated safeguarding lead of its
scheme (a lead's export includes the safeguarding records, marked for review before release). The export is
recorded in the audit log under their name, exactly as from the page, so the command refuses to run without one.
The family is looked up by its reference in that person's scheme. An existing file is never overwritten.
"""

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from families.models import Family
from homestart.exceptions import ActionNotAllowed
from homestart.models import User
from office.subject_access import subject_access_export


class Command(BaseCommand):
    help = "Export everything held about a family (subject access) as a ZIP: a PDF, family.json and signed scans."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--family", required=True, metavar="REFERENCE", help="the family's reference")
        parser.add_argument("--out", required=True, metavar="FILE.zip", help="where to write the ZIP (a new file)")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="who is exporting: the family's coordinator or a safeguarding lead of its scheme",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options.get("as_user")
        if not username:
            raise CommandError(
                "Say who is exporting with --as USERNAME: the family's coordinator or a designated safeguarding lead "
                "of its scheme. The export is recorded in the audit log under their name."
            )
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No person with the username {username!r}.")
        reference = options["family"].strip()
        family = Family.objects.filter(scheme_id=actor.scheme_id, reference=reference).first()
        if family is None:
            raise CommandError(f"No family with the reference {reference!r} in {actor.scheme}.")
        out = Path(options["out"])
        try:
            # Claimed before the export is made (and recorded), so a path that cannot be written records nothing.
            handle = out.open("xb")
        except FileExistsError:
            raise CommandError(f"{out} already exists: choose a new file name.") from None
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}.") from None
        try:
            with handle:
                export = subject_access_export(family=family, actor=actor)
                handle.write(export.content)
        except ActionNotAllowed as exc:
            os.unlink(out)
            raise CommandError(f"{actor.username} cannot export this family's records. {exc.message}") from None
        except BaseException:
            os.unlink(out)
            raise
        self.stdout.write(
            f"Wrote {out} ({len(export.content)} bytes, SHA-256 {export.sha256}) for {family.reference}"
            f"{', with the safeguarding records for review before release' if export.includes_safeguarding else ''}. "
            "The export is recorded in the audit log."
        )
