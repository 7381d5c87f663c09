"""Settings, read from the environment once at start-up."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from feeds import constants as K

# The value older installs and examples used: never accepted where others can connect.
DEV_SECRET: Final = "dev-only-change-me"
MIN_SECRET: Final = 16  # characters
SECRET_FILE: Final = "secret"  # under var_dir, mode 0600


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None  # None: start an embedded Valkey
    database_url: str | None = None  # None: SQLite file under var_dir
    var_dir: Path = Path("var")
    key_prefix: str = "wf:"
    timezone: str = "Asia/Shanghai"
    host: str = "127.0.0.1"
    port: int = 8050
    secret_key: str = ""  # "": the install's own, generated in var_dir/secret on first start
    sla_file: Path | None = None
    calendar_dir: Path | None = None  # None: the shipped working calendar (feeds/data)
    consumer: str = field(default_factory=lambda: f"{os.uname().nodename}-{os.getpid()}")
    log_level: str = "INFO"
    readings_retention_days: int = 400  # per-minute readings history kept this long
    claim_idle_ms: int = K.CLAIM_IDLE_MS  # pending this long => its consumer is presumed dead
    park_max_wait_s: int = K.PARK_MAX_WAIT_S  # an action waits this long for what it needs
    shards: int = 1  # streams split by key (feeds/shards.py); 1: one of each, shared
    shard_lease_ms: int = K.SHARD_LEASE_MS  # a dead owner's shards are taken over after this
    chromium: str = "/usr/bin/chromium"  # prints reports to PDF
    reports_auto: bool = True  # the web process makes the daily and monthly reports itself
    reports_hour: int = 6  # local hour from which yesterday's daily report is made
    # The address residents' phones open from a building's QR code, e.g.
    # https://wf.example.gov.cn ("": the admin page uses the address it was reached at)
    public_url: str = ""
    metrics_token: str = ""  # "": /metrics for loopback clients only (dashboard/metrics.py)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        var_dir = Path(e.get("WATCHFLOOR_VAR", "var"))
        sla = e.get("WATCHFLOOR_SLA_FILE")
        cal = e.get("WATCHFLOOR_CALENDAR_DIR")
        base = cls()
        return cls(
            redis_url=e.get("REDIS_URL") or None,
            database_url=e.get("DATABASE_URL") or None,
            var_dir=var_dir,
            key_prefix=e.get("WATCHFLOOR_KEY_PREFIX", base.key_prefix),
            timezone=e.get("WATCHFLOOR_TZ", base.timezone),
            host=e.get("WATCHFLOOR_HOST", base.host),
            port=int(e.get("PORT", e.get("WATCHFLOOR_PORT", str(base.port)))),
            secret_key=e.get("WATCHFLOOR_SECRET", base.secret_key),
            sla_file=Path(sla) if sla else None,
            calendar_dir=Path(cal) if cal else None,
            consumer=e.get("WATCHFLOOR_CONSUMER") or base.consumer,
            log_level=e.get("WATCHFLOOR_LOG_LEVEL", base.log_level),
            readings_retention_days=_positive(
                e.get("WATCHFLOOR_READINGS_RETENTION_DAYS"), base.readings_retention_days
            ),
            claim_idle_ms=int(e.get("WATCHFLOOR_CLAIM_IDLE_MS", str(base.claim_idle_ms))),
            park_max_wait_s=int(e.get("WATCHFLOOR_PARK_MAX_WAIT_S", str(base.park_max_wait_s))),
            shards=_whole(e.get("WATCHFLOOR_SHARDS"), base.shards, "WATCHFLOOR_SHARDS", 1, 1024),
            shard_lease_ms=_whole(
                e.get("WATCHFLOOR_SHARD_LEASE_MS"),
                base.shard_lease_ms,
                "WATCHFLOOR_SHARD_LEASE_MS",
                500,
                600_000,
            ),
            chromium=e.get("WATCHFLOOR_CHROMIUM", base.chromium),
            reports_auto=e.get("WATCHFLOOR_REPORTS_AUTO", "1") not in ("0", "false", "no"),
            reports_hour=int(e.get("WATCHFLOOR_REPORTS_HOUR", str(base.reports_hour))),
            public_url=e.get("WATCHFLOOR_PUBLIC_URL", "").strip().rstrip("/"),
            metrics_token=_token(e.get("WATCHFLOOR_METRICS_TOKEN", "")),
        )

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # Plain postgresql:// would pick psycopg2; we ship psycopg 3.
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{(self.var_dir / 'watchfloor.db').resolve()}"

    @property
    def redis_cluster(self) -> bool:
        """REDIS_URL names a Redis Cluster node (redis+cluster://host:port)."""
        return bool(self.redis_url) and "+cluster://" in (self.redis_url or "")

    @property
    def reports_dir(self) -> Path:
        return self.var_dir / "reports"

    def key(self, suffix: str) -> str:
        return self.key_prefix + suffix

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _positive(value: str | None, default: int) -> int:
    if not value:
        return default
    n = int(value)
    if n < 1:
        raise ValueError(f"expected a whole number of days >= 1, got {value!r}")
    return n


def _whole(value: str | None, default: int, name: str, lo: int, hi: int) -> int:
    if not value:
        return default
    try:
        n = int(value)
    except ValueError:
        n = lo - 1
    if not lo <= n <= hi:
        raise SystemExit(f"watchfloor: {name} must be a whole number {lo}..{hi}, got {value!r}")
    return n


def _token(value: str) -> str:
    value = value.strip()
    if value and len(value) < MIN_SECRET:
        raise SystemExit(
            f"watchfloor: WATCHFLOOR_METRICS_TOKEN must be at least {MIN_SECRET} characters, "
            f"got {len(value)}"
        )
    return value


class InsecureSecret(SystemExit):
    """The web process may not start with this secret where others can reach it."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def install_secret(var_dir: Path) -> str:
    """The install's session secret: var_dir/secret (0600), made on first use.

    Every process of the install reads the same file; the first one to start writes it
    (atomically: a private temporary file linked into place, so a racing process reads
    either nothing or the whole secret, never half).
    """
    path = var_dir / SECRET_FILE
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = var_dir / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            tmp.unlink()
    value = path.read_text().strip()
    if len(value) < MIN_SECRET:
        raise InsecureSecret(f"{path} holds no usable secret: delete it to make a new one")
    return value


def session_secret(settings: Settings) -> str:
    """The secret that signs sessions: WATCHFLOOR_SECRET when set, else the install's own.

    Raises InsecureSecret (a clear message, exit status 1) for the development value or a
    short one when the web process listens on anything but loopback.
    """
    secret = settings.secret_key or install_secret(settings.var_dir)
    weak = secret == DEV_SECRET or len(secret) < MIN_SECRET
    if weak and not is_loopback(settings.host):
        raise InsecureSecret(
            f"watchfloor: refusing to listen on {settings.host} with the development or a short "
            f"session secret (WATCHFLOOR_SECRET). Unset it to use the install's own "
            f"({settings.var_dir / SECRET_FILE}), or set at least {MIN_SECRET} random characters."
        )
    return secret
