"""Stream keys, groups, sizes, block times and TTLs: the one place they are set.

Every key is built from a prefix (Settings.key_prefix, default ``wf:``) so that
tests and several deployments can share one Redis. Keys read together by one
command carry the same hash tag ``{live}`` so that they land on one Redis
Cluster slot.
"""

from __future__ import annotations

WIRE_VERSION = "1"

# Streams (suffixes; the full key is prefix + suffix).
STREAM_REPORTS = "reports"
STREAM_SENSORS = "sensors"
STREAM_ACTIONS = "actions"
STREAM_DEAD = "deadletter"
INPUT_STREAMS = (STREAM_REPORTS, STREAM_SENSORS, STREAM_ACTIONS)

# Consumer group shared by every ingest worker.
GROUP = "ingest"

# Approximate caps (XADD MAXLEN ~). Sized for a day of reports and an hour of sensors.
MAXLEN_REPORTS = 1_000_000
MAXLEN_SENSORS = 2_000_000
MAXLEN_ACTIONS = 1_000_000
MAXLEN_DEAD = 100_000

# Worker reading.
READ_COUNT = 1000  # entries per XREADGROUP per stream
BLOCK_MS = 500  # XREADGROUP BLOCK
CLAIM_IDLE_MS = 30_000  # pending this long => its consumer is presumed dead
CLAIM_EVERY_S = 10.0
HEARTBEAT_EVERY_S = 2.0
HEARTBEAT_TTL_S = 15  # `watchfloor check` fails when the heartbeat is older than this

# Live state.
PUBLISH_MIN_INTERVAL_S = 0.25  # coalesce deltas to at most four a second per worker
SWEEP_EVERY_S = 2.0  # overdue sweep and pipeline board refresh
RECONCILE_EVERY_S = 60.0  # rebuild grid counts from SQL
MINUTE_BUCKET_TTL_S = 2 * 3600
DAY_BUCKET_TTL_S = 3 * 86400
ROLLING_WINDOW_MIN = 60
SENSOR_OFFLINE_AFTER_S = 120  # no reading for this long => offline
BOARD_OLDEST = 5  # oldest items shown per pipeline column

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
K_SEQ = "{live}:seq"  # delta sequence number
K_LAST_EVENT = "{live}:last_event"  # ms of the newest applied entry
K_RATE = "ratelimit:"  # + address code (issue: residents' form)
