"""Print the current two-factor code of a demo account, for trying the demo without an authenticator app.

Development only: it refuses to run unless DEBUG is on, and it reads nothing a shell on the database could not.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no authenticator app set up (sign in once to set one up).")
        # Codes are single-use: if this step's code was already used, wait for the next one.
        while int(time.time()) // device.step <= device.last_t:
            time.sleep(1)
        generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        remaining = device.step - int(time.time()) % device.step
        self.stdout.write(
            f"{generator.token():0{device.digits}d}  (for {username}; valid for {remaining} more seconds)"
        )
