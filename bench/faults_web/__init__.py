"""The web side of the fault suite: ``python -m bench.faults_web [--short]``.

A live system on loopback (our own Valkey unless REDIS_URL is set, a fresh SQLite store,
an ingest worker and the web server) takes forged and replayed cookies, cross-origin
posts, every page, API and Dash callback without and with each role, upload bombs,
parallel uploads of big photos (with /healthz timed and memory read meanwhile), a
throttled sign-in and ten parallel ratings; a kiosk's /ws/live must deliver deltas through
every phase. Prints a table; exit status 0 when every case was refused or served as it
should. Bounded: about two minutes (``--short``: well under one).
"""

# The suite's parts: system.py (the store, the live system, a web process of its own),
# wall.py (the kiosk screen counting deltas), parallel.py (parallel uploads beside the
# naive server), suite.py (run and table). The cases: site.py (the site, its clients,
# signing in), sessions.py (cookies, the throttled sign-in), access.py (origins, roles,
# callbacks), forms.py (uploads, the rate limit, ratings).

from bench.faults_web.parallel import naive_uploads, parallel_uploads
from bench.faults_web.suite import run, table
from bench.faults_web.system import live_system, own_store, wait_for, web_process
from bench.faults_web.wall import Wall

__all__ = [
    "Wall",
    "live_system",
    "naive_uploads",
    "own_store",
    "parallel_uploads",
    "run",
    "table",
    "wait_for",
    "web_process",
]
