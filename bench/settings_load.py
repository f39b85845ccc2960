"""The load test's server settings: production settings as they are, plus the bench URLs (the floor views) and a
name on the app's database connections, so that ``bench/load.py --faults`` can find and end exactly them."""

import os

from homestart.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
DATABASES["default"]["OPTIONS"]["application_name"] = os.environ.get("LOAD_APPLICATION_NAME", "homestart-load")  # noqa: F405
