"""The thin I/O the pages need, built once per web process from the settings."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from sqlalchemy import Engine

from feeds.connections import redis_client, require_redis_url
from feeds.live import Live
from feeds.settings import Settings
from feeds.store import make_engine


@dataclass(frozen=True)
class Services:
    settings: Settings
    redis: redis.Redis
    engine: Engine
    live: Live

    @classmethod
    def connect(cls, settings: Settings) -> Services:
        r = redis_client(require_redis_url(settings.redis_url))
        return cls(settings, r, make_engine(settings), Live(r, settings))

    def close(self) -> None:
        """Give back the pooled SQL connections and the Redis client (at shutdown)."""
        self.engine.dispose()
        self.redis.close()


def current() -> Services:
    """The services of the app serving this request."""
    import dash

    services: Services = dash.get_app().server.state.services
    return services
