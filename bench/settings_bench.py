"""Settings for benchmarks that serve the app with gunicorn: twofront.settings, quieter, plus an optional URLconf
(TWOFRONT_BENCH_URLCONF) that adds bench-only views such as bench/urls_checkin.py's ceiling view."""

import os

from twofront.settings import *  # noqa: F403
from twofront.settings import LOGGING, ROOT_URLCONF

ROOT_URLCONF = os.environ.get("TWOFRONT_BENCH_URLCONF", ROOT_URLCONF)
DEBUG = False
LOGGING["root"]["level"] = "WARNING"
