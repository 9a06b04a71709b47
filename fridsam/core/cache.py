"""Django's Redis cache, which answers a miss instead of an error while Redis is away (ADR 0030).

Pages, the suppression pattern and the sessions' copy in the cache are all recomputed or read
from the database on a miss, so an outage of Redis costs speed, not service. What the cache
alone holds (the login limits, ADR 0019) does not hold during the outage; every failure is logged.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _answering(fallback):
    """The method, answering ``fallback(*args, **kwargs)`` while Redis is unavailable."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                logger.warning("cache unavailable (%s) in %s: a miss", type(error).__name__, method.__name__)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _default(key, default=None, version=None):
    return default


class ResilientRedisCache(RedisCache):
    get = _answering(_default)(RedisCache.get)
    get_many = _answering(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _answering(_false)(RedisCache.has_key)
    set = _answering(_nothing)(RedisCache.set)
    set_many = _answering(lambda *a, **k: [])(RedisCache.set_many)
    add = _answering(_false)(RedisCache.add)
    touch = _answering(_false)(RedisCache.touch)
    delete = _answering(_false)(RedisCache.delete)
    delete_many = _answering(_nothing)(RedisCache.delete_many)
    clear = _answering(_nothing)(RedisCache.clear)
