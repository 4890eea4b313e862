"""Settings for the server ``python -m bench acknowledge`` starts: the test settings
(DEBUG off, no query log, no dev key file) with the bench URLs (the product's plus a bare
endpoint for the baseline) and the platform throttle raised out of the way.

The database, Redis and the key-encryption key come from the environment the benchmark
passes to gunicorn (DATABASE_URL, REDIS_URL, TAKEDOWN_KEKS).
"""

from takedown.settings.test import *  # noqa: F403
from takedown.settings.test import REST_FRAMEWORK

DEBUG = False
ROOT_URLCONF = "bench.urls"

# The throttle still runs (one cache read and one write per request, in Redis) but never
# refuses. A one-second window keeps DRF's list of request times, which it reads and
# writes whole on every request, as short as production's 600/min allows at most.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "platform": "1000000/s",
        "partner": "1000000/s",
    },
}

# The test settings re-scan the static folders on every request; production does not.
WHITENOISE_AUTOREFRESH = False
