"""Settings, read from the environment once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None  # None: start an embedded Valkey
    database_url: str | None = None  # None: SQLite file under var_dir
    var_dir: Path = Path("var")
    key_prefix: str = "wf:"
    timezone: str = "Asia/Shanghai"
    host: str = "127.0.0.1"
    port: int = 8050
    secret_key: str = "dev-only-change-me"
    sla_file: Path | None = None
    consumer: str = field(default_factory=lambda: f"{os.uname().nodename}-{os.getpid()}")
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        var_dir = Path(e.get("WATCHFLOOR_VAR", "var"))
        sla = e.get("WATCHFLOOR_SLA_FILE")
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
            consumer=e.get("WATCHFLOOR_CONSUMER") or base.consumer,
            log_level=e.get("WATCHFLOOR_LOG_LEVEL", base.log_level),
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

    def key(self, suffix: str) -> str:
        return self.key_prefix + suffix

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
