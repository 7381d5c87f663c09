"""Stream keys, groups, sizes, block times and TTLs: the one place they are set.

Every key is built from a prefix (Settings.key_prefix, default ``wf:``) so that
tests and several deployments can share one Redis. Keys read together by one
command carry the same hash tag ``{live}`` so that they land on one Redis
Cluster slot.
"""

from __future__ import annotations

# v2 added the patrols stream; v3 the sharded stream keys (WATCHFLOOR_SHARDS >= 2,
# feeds/shards.py). Entries themselves are unchanged since v1.
WIRE_VERSION = "3"

# Streams (suffixes; the full key is prefix + suffix).
STREAM_REPORTS = "reports"
STREAM_SENSORS = "sensors"
STREAM_ACTIONS = "actions"
STREAM_PATROLS = "patrols"  # grid workers' check-ins (wire format v2)
STREAM_DEAD = "deadletter"
INPUT_STREAMS = (STREAM_REPORTS, STREAM_SENSORS, STREAM_ACTIONS, STREAM_PATROLS)

# Consumer group shared by every ingest worker.
GROUP = "ingest"

# Approximate caps (XADD MAXLEN ~). Sized for a day of reports and an hour of sensors.
MAXLEN_REPORTS = 1_000_000
MAXLEN_SENSORS = 2_000_000
MAXLEN_ACTIONS = 1_000_000
MAXLEN_PATROLS = 500_000  # a few thousand check-ins a day
MAXLEN_DEAD = 100_000

# Worker reading.
READ_COUNT = 1000  # entries per XREADGROUP per stream
BLOCK_MS = 500  # XREADGROUP BLOCK
CLAIM_IDLE_MS = 30_000  # pending this long => its consumer is presumed dead
CLAIM_EVERY_S = 10.0
HEARTBEAT_EVERY_S = 2.0
HEARTBEAT_TTL_S = 15  # `watchfloor check` fails when the heartbeat is older than this

# Shards (feeds/shards.py, feeds/ingest/ownership.py): one owner per shard at a time.
SHARD_LEASE_MS = 10_000  # an owner that stops renewing loses its shards after this long
K_SHARD_OWNER = "{shards}:owner:"  # + shard  string consumer name, PX lease
K_SHARD_MEMBERS = "{shards}:members"  # zset consumer -> ms of its last renewal

# What a reading's value may be, per kind (docs/feeds.md); any other kind must be finite
# and within READING_RANGE_OTHER. Refused outside, with the reason.
MAX_CROWD_COUNT = 1_000_000  # people one counter can report at once
READING_RANGES: dict[str, tuple[float, float]] = {
    "crowd": (0, MAX_CROWD_COUNT),  # people
    "gas": (0, 1_000_000),  # ppm
    "fume": (0, 10_000),  # mg/m3
    "muck_truck": (0, 1),  # 1 = violation, 0 = heartbeat
    "ebike_charging": (0, 1_000),  # volts
}
READING_RANGE_OTHER = (-1e9, 1e9)
DISTRICT_MARGIN_DEG = 0.05  # lon/lat this far outside the district's bounds (~5 km) are refused

# Actions that arrive before what they depend on wait (feeds/ingest/parking.py).
PARK_MAX_WAIT_S = 600  # then they are dead-lettered, saying what they waited for
PARK_RETRY_EVERY_S = 5.0  # retry those whose incident exists (another worker's race)

# `watchfloor run` restarts a process that exits: after 1, 2, 4 ... up to 30 s.
RESTART_BACKOFF_S = 1.0
RESTART_BACKOFF_MAX_S = 30.0
RESTART_RESET_AFTER_S = 60.0  # a process that ran this long starts the backoff afresh

# Live state.
PUBLISH_MIN_INTERVAL_S = 0.25  # coalesce deltas to at most four a second per worker
SWEEP_EVERY_S = 2.0  # overdue sweep and pipeline board refresh
RECONCILE_EVERY_S = 60.0  # rebuild grid counts from SQL
RECONCILE_AGAIN_S = 5.0  # after Redis lost its data, rebuild once more this soon
GEO_RELOAD_RETRY_S = 10  # a failed load of a new geography is tried again after this
MINUTE_BUCKET_TTL_S = 2 * 3600
DAY_BUCKET_TTL_S = 3 * 86400
ROLLING_WINDOW_MIN = 60
SENSOR_OFFLINE_AFTER_S = 120  # no reading for this long => offline
BOARD_OLDEST = 5  # oldest items shown per pipeline column

# Counters in K_COUNTERS (never reset; /status shows them).
C_LOST = "lost:"  # + stream: entries trimmed by MAXLEN before ingest applied them
C_UNKNOWN_SENSOR = "unknown_sensor_readings"  # readings of sensor ids not registered
C_PARKED = "parked_actions"  # actions waiting now for what they depend on (a gauge)
UNKNOWN_SENSOR_SAMPLE = 50  # sensor ids kept (the most recent) of those not registered

# Live channel (pub/sub) the web processes listen on.
CHANNEL_LIVE = "live"

# Redis keys (suffixes), all under one hash tag.
K_COUNT_DAY = "{live}:count:day:"  # + YYYYMMDD (local)   hash grid -> count
K_COUNT_MIN = "{live}:count:min:"  # + epoch minute       hash grid -> count
K_COUNT_HOUR = "{live}:count:hour"  # hash grid -> count over the rolling window
K_HOUR_THROUGH = "{live}:count:hour:through"  # last minute subtracted from the window
K_HOUR_ROLLED = "{live}:count:rolled:"  # + minute: set once by the worker that subtracts it
K_CROWD_SENSOR = "{live}:crowd:sensor"  # hash sensor -> "zone|lon|lat|count|ts"
K_CROWD_ZONE = "{live}:crowd:zone"  # hash zone -> people now
K_CROWD_ALERT = "{live}:crowd:alert"  # hash zone -> id of the reading that raised the alert
K_CROWD_PEAK = "{live}:crowd:peak:"  # + YYYYMMDD  hash {people, zone, ts}
K_SENSOR_SEEN = "{live}:sensor:seen"  # hash sensor -> last reading ms
K_SENSOR_META = "{live}:sensor:meta"  # hash sensor -> "kind|lon|lat|zone"
K_SENSOR_STATUS = "{live}:sensor:status"  # hash sensor -> status last published
K_SENSOR_ALARM = "{live}:sensor:alarm"  # hash sensor -> id of the reading that raised it
K_CROWD_ZONE_SENSORS = "{live}:crowd:z:"  # + zone  hash sensor -> people
K_OPEN = "{live}:open"  # hash incident -> JSON summary of every open incident
K_DUE = "{live}:due:"  # + stage  zset incident -> due ms
K_AMBER = "{live}:amber:"  # + stage  zset incident -> amber-from ms
K_DAY_STATS = "{live}:daystats:"  # + YYYYMMDD  hash of headline counters
K_COMPLIANCE = "{live}:compliance"  # JSON of today's compliance per stage
K_HEARTBEAT = "heartbeat:"  # + consumer name, string ms, with TTL
K_METRICS = "metrics:"  # + consumer name: hash of its counts for /metrics (ingest/meter.py)
K_METRICS_WORKERS = "metrics:workers"  # zset consumer -> ms of its last metrics flush
K_SEQ = "{live}:seq"  # delta sequence number
K_LAST_EVENT = "{live}:last_event"  # ms of the newest applied entry
K_MARKER = "{live}:marker"  # set once live state is built; gone = Redis lost its data
# the current geography version (geo_versions.version), set after an import commits;
# workers and web processes compare it with theirs and reload when it moved
K_GEO_VERSION = "{live}:geo:version"
# an import started from /admin/geography (dashboard/imports.py): hash of its state, stage,
# counts and report, so that whichever web process serves the page's polls can show it
K_GEO_IMPORT = "geo:import:"  # + job id
GEO_IMPORT_BEAT_S = 5.0  # a running import renews its key this often...
GEO_IMPORT_RUNNING_TTL_S = 30  # ...so that its key lapses this soon after its process ended
GEO_IMPORT_KEEP_S = 3600  # a finished import's report is kept this long
K_COUNTERS = "{live}:counters"  # hash of what went wrong, for /status and metrics (below)
K_UNKNOWN_SENSORS = "{live}:sensor:unknown"  # zset sensor id -> last reading ms (a sample)
# + address code (issue: residents' form); one hash tag: a form's counters are counted
# in one transaction, which a Redis Cluster allows only within one slot
K_RATE = "{rate}ratelimit:"

# Readings history (feeds/minutes): readings gathered per minute in Redis, deduplicated by
# reading id, then written once per finished minute into SQL (reading_minutes).
K_HIST_MINUTE = "{hist}:m:"  # + epoch minute  hash reading id -> "ts|sensor|kind|value|zone"
K_HIST_PENDING = "{hist}:pending"  # zset minute -> minute: minutes gathered, not yet written
K_HIST_THROUGH = "{hist}:through"  # last minute taken for writing; later readings of it are late
K_HIST_MARK = "{hist}:mark"  # hash {ts: newest reading ms seen, at: wall ms it last advanced}
K_HIST_CARRY = "{hist}:carry"  # hash crowd sensor -> "zone|value" after the last written minute
K_HIST_LATE = "{hist}:late"  # readings that came after their minute was written (dropped)
K_HIST_LOCK = "{hist}:lock"  # one writer at a time
K_HIST_PRUNED = "{hist}:pruned:"  # + hour: set by the worker that pruned in that hour
HIST_MINUTE_TTL_S = 86400  # a minute never written (no worker ran) is forgotten after a day
HIST_GRACE_MS = 20_000  # readings may arrive this late (event time) and still count
HIST_QUIET_MS = 90_000  # no newer reading for this long: write the minutes gathered so far
HIST_LOCK_MS = 30_000
HIST_FLUSH_EVERY_S = 5.0
HIST_PRUNE_EVERY_S = 3600.0

# Replay (feeds/replay): sessions and frames.
K_REPLAY_SESSION = "replay:session:"  # + id  hash of the replay clock
REPLAY_SESSION_TTL_S = 12 * 3600  # renewed while a screen plays it
REPLAY_FRAME_S = 0.08  # frames while playing: 12 a second
REPLAY_IDLE_FRAME_S = 1.0  # paused: a heartbeat a second, so screens know the link is up
