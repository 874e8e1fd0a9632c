"""Rate-limiter and circuit-breaker state shared through Redis.

With ``GRAPH_SITTER_REDIS_URL`` set, ``cb.ai*`` gives each provider's transport
:class:`RedisRateLimiter` s and a :class:`RedisCircuitBreaker` instead of the in-process ones,
so several processes (or machines) that share one API key stay under its limit together and
see the same breaker state. They plug into :class:`graph_sitter.http.Transport` through its
existing ``rate_limit=`` and ``breaker=`` arguments (they are subclasses of
:class:`~graph_sitter.http.RateLimiter` and :class:`~graph_sitter.http.CircuitBreaker`).

Each decision is one Lua script run atomically by Redis, on Redis's clock (``TIME``), so
processes on machines with skewed clocks agree. If Redis cannot be reached the objects log a
warning and fall back to their in-process behaviour rather than failing the request.

Keys: ``graph-sitter:ai:rl:<scope>`` (a list of booked slot times, plus ``:tokens`` for the
token bucket) and ``graph-sitter:ai:cb:<scope>`` (a hash).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from graph_sitter.http.breaker import BreakerState, CircuitBreaker
from graph_sitter.http.rate_limit import RateLimit, RateLimiter

if TYPE_CHECKING:
    import redis

__all__ = ["CombinedRateLimiter", "RedisCircuitBreaker", "RedisRateLimiter"]

logger = logging.getLogger("graph_sitter.ai")

_PREFIX = "graph-sitter:ai:"

# KEYS: slots, bucket. ARGV: request limit (0 = none), token limit (0 = none), period, tokens.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local req_limit = tonumber(ARGV[1])
local tok_limit = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local tokens = tonumber(ARGV[4])
local start = now
if tok_limit > 0 and tokens > 0 then
  local rate = tok_limit / period
  local b = redis.call('HMGET', KEYS[2], 'tokens', 'at')
  local level = tonumber(b[1]) or tok_limit
  local at = tonumber(b[2]) or now
  level = math.min(tok_limit, level + (now - at) * rate)
  level = level - math.min(tokens, tok_limit)
  redis.call('HSET', KEYS[2], 'tokens', string.format('%.6f', level),
             'at', string.format('%.6f', now))
  redis.call('PEXPIRE', KEYS[2], math.ceil(period * 2000) + 1000)
  if level < 0 then start = math.max(start, now + (-level) / rate) end
end
if req_limit > 0 then
  while true do
    local first = redis.call('LINDEX', KEYS[1], 0)
    if not first or tonumber(first) > now - period then break end
    redis.call('LPOP', KEYS[1])
  end
  local n = redis.call('LLEN', KEYS[1])
  if n >= req_limit then
    local s = tonumber(redis.call('LINDEX', KEYS[1], n - req_limit))
    start = math.max(start, s + period)
  end
  local last = redis.call('LINDEX', KEYS[1], -1)
  if last and tonumber(last) > start then start = tonumber(last) end
  redis.call('RPUSH', KEYS[1], string.format('%.6f', start))
  redis.call('LTRIM', KEYS[1], -req_limit, -1)
  redis.call('PEXPIRE', KEYS[1], math.ceil((start - now + period) * 1000) + 1000)
end
return string.format('%.6f', start - now)
"""

# KEYS: hash. ARGV: recovery timeout. Returns "-1" (go) or the seconds to wait.
_BEFORE = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'closed' then return '-1' end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local recovery = tonumber(ARGV[1])
if state == 'open' then
  local opened = tonumber(redis.call('HGET', KEYS[1], 'opened_at') or now)
  if now - opened < recovery then return string.format('%.6f', recovery - (now - opened)) end
  redis.call('HSET', KEYS[1], 'state', 'half_open', 'probe', string.format('%.6f', now))
  return '-1'
end
local window = math.max(recovery, 1.0)
local probe = tonumber(redis.call('HGET', KEYS[1], 'probe') or '')
if probe and now - probe < window then return string.format('%.6f', window - (now - probe)) end
redis.call('HSET', KEYS[1], 'probe', string.format('%.6f', now))
return '-1'
"""

# KEYS: hash. ARGV: failure threshold.
_FAILURE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'half_open' or (state == 'closed' and failures >= tonumber(ARGV[1])) then
  redis.call('HSET', KEYS[1], 'state', 'open', 'opened_at', string.format('%.6f', now))
  redis.call('HDEL', KEYS[1], 'probe')
  redis.call('HINCRBY', KEYS[1], 'open_count', 1)
end
return failures
"""

_SUCCESS = """
local state = redis.call('HGET', KEYS[1], 'state')
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if (not state or state == 'closed') and failures == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0)
redis.call('HDEL', KEYS[1], 'probe')
return 1
"""

_NEUTRAL = """
if redis.call('HGET', KEYS[1], 'state') == 'half_open' then redis.call('HDEL', KEYS[1], 'probe') end
return 0
"""

_STATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local v = redis.call('HMGET', KEYS[1], 'state', 'opened_at', 'failures', 'open_count')
local since = string.format('%.6f', now - tonumber(v[2] or now))
return {v[1] or 'closed', since, v[3] or '0', v[4] or '0'}
"""


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis as redis_lib

    return (redis_lib.RedisError, OSError)


class RedisRateLimiter(RateLimiter):
    """A :class:`~graph_sitter.http.RateLimiter` whose window lives in Redis.

    Every process using the same ``scope`` on the same server shares one sliding window of
    requests (and one token bucket). ``reserve`` books a slot atomically and returns how
    long to wait, exactly like the in-process limiter.

    Args:
        limit: The limits.
        client: A ``redis.Redis`` client (not closed by this object).
        scope: Names the shared limit, e.g. ``"openai:<base-url-hash>"``.
    """

    def __init__(self, limit: RateLimit, *, client: redis.Redis, scope: str) -> None:
        super().__init__(limit)
        self._client = client
        self.scope = scope
        self._keys = [f"{_PREFIX}rl:{scope}", f"{_PREFIX}rl:{scope}:tokens"]
        self._script: Any = client.register_script(_RESERVE)
        self._warned = False

    def reserve(self, tokens: int = 0) -> float:
        """Book one request (and ``tokens``) in Redis; seconds to wait before sending."""
        limit = self.limit
        try:
            raw = self._script(
                keys=self._keys,
                args=[limit.requests or 0, limit.tokens or 0, limit.period, max(0, int(tokens))],
            )
        except _redis_errors() as exc:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "ai.shared_limiter_unavailable scope=%s error=%s (limiting in-process)",
                    self.scope,
                    type(exc).__name__,
                )
            return super().reserve(tokens)
        return max(0.0, float(raw.decode() if isinstance(raw, bytes) else raw))

    def __repr__(self) -> str:
        return f"RedisRateLimiter({self.limit!r}, scope={self.scope!r})"


class CombinedRateLimiter(RateLimiter):
    """Several limiters at once (e.g. a request pace and a token bucket): every one books
    its share and the caller waits for the slowest.

    Args:
        *limiters: The limiters (at least one).
    """

    def __init__(self, *limiters: RateLimiter) -> None:
        if not limiters:
            raise ValueError("CombinedRateLimiter needs at least one limiter")
        super().__init__(limiters[0].limit)
        self.limiters = limiters

    def reserve(self, tokens: int = 0) -> float:
        """Book with every limiter; the longest wait."""
        return max(limiter.reserve(tokens) for limiter in self.limiters)

    def __repr__(self) -> str:
        return f"CombinedRateLimiter{self.limiters!r}"


class RedisCircuitBreaker(CircuitBreaker):
    """A :class:`~graph_sitter.http.CircuitBreaker` whose state lives in Redis.

    Same state machine and thresholds as the in-process breaker; every process using the
    same ``scope`` sees a circuit opened by any of them.

    Args:
        name: Shown in errors and logs (the provider name).
        client: A ``redis.Redis`` client (not closed by this object).
        scope: Names the shared breaker.
        failure_threshold: Consecutive failures that open the circuit.
        recovery_timeout: Seconds the circuit stays open before a probe.
    """

    def __init__(
        self,
        name: str,
        *,
        client: redis.Redis,
        scope: str,
        failure_threshold: int = 5,
        recovery_timeout: float = 30.0,
    ) -> None:
        super().__init__(
            name, failure_threshold=failure_threshold, recovery_timeout=recovery_timeout
        )
        self._client = client
        self.scope = scope
        self._key = [f"{_PREFIX}cb:{scope}"]
        self._before: Any = client.register_script(_BEFORE)
        self._failure: Any = client.register_script(_FAILURE)
        self._success: Any = client.register_script(_SUCCESS)
        self._neutral: Any = client.register_script(_NEUTRAL)
        self._state_script: Any = client.register_script(_STATE)
        self._warned = False

    def _unavailable(self, exc: BaseException) -> None:
        if not self._warned:
            self._warned = True
            logger.warning(
                "ai.shared_breaker_unavailable scope=%s error=%s (using in-process state)",
                self.scope,
                type(exc).__name__,
            )

    def _snapshot(self) -> tuple[str, float, int, int]:
        state, since_open, failures, opens = self._state_script(keys=self._key, args=[])
        return (
            state.decode() if isinstance(state, bytes) else str(state),
            float(since_open),
            int(failures),
            int(opens),
        )

    @property
    def state(self) -> BreakerState:
        """The shared state (``OPEN`` reads as ``HALF_OPEN`` once the cool-down is over)."""
        try:
            state, since_open, _, _ = self._snapshot()
        except _redis_errors() as exc:
            self._unavailable(exc)
            return super().state
        if state == "open" and since_open >= self.recovery_timeout:
            return BreakerState.HALF_OPEN
        return BreakerState(state)

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success, across every process."""
        try:
            return self._snapshot()[2]
        except _redis_errors() as exc:
            self._unavailable(exc)
            return super().consecutive_failures

    def before_request(self) -> float | None:
        """``None`` if a request may go, else the seconds until a probe is allowed."""
        try:
            raw = self._before(keys=self._key, args=[self.recovery_timeout])
        except _redis_errors() as exc:
            self._unavailable(exc)
            return super().before_request()
        wait = float(raw.decode() if isinstance(raw, bytes) else raw)
        return None if wait < 0 else wait

    def record_success(self) -> None:
        """The endpoint answered: close the shared circuit."""
        try:
            self._success(keys=self._key, args=[])
        except _redis_errors() as exc:
            self._unavailable(exc)
            super().record_success()

    def record_failure(self) -> None:
        """The endpoint failed: count it in the shared state (may open the circuit)."""
        try:
            self._failure(keys=self._key, args=[self.failure_threshold])
        except _redis_errors() as exc:
            self._unavailable(exc)
            super().record_failure()

    def record_neutral(self) -> None:
        """A 429: free a half-open probe slot."""
        try:
            self._neutral(keys=self._key, args=[])
        except _redis_errors() as exc:
            self._unavailable(exc)
            super().record_neutral()

    def reset(self) -> None:
        """Force the shared breaker closed."""
        try:
            self._client.delete(self._key[0])
        except _redis_errors() as exc:
            self._unavailable(exc)
        super().reset()

    def __repr__(self) -> str:
        return f"RedisCircuitBreaker(name={self.name!r}, scope={self.scope!r})"
