"""Who is asking: the client behind a request, for launch limits and for cancel rights.

Runs are public to read. Launch limits count per network address (kept as a
keyed hash, never the address itself). The right to cancel belongs to the
browser that launched the run (a signed cookie) or to the holder of the run's
cancel token (given to API clients), and to staff.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
import time
import uuid

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .models import Run

BROWSER_COOKIE = "atlas_client"
BROWSER_COOKIE_SALT = "playground.client"
TOKEN_HEADER = "X-Cancel-Token"  # noqa: S105 - a header name, not a secret

log = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The connecting address, or the one the trusted proxies say they forwarded for."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(hops, len(addresses))]
    return remote


def limited_network(address: str) -> str:
    """What the limits count: the IPv4 address, or the /64 an IPv6 address belongs to
    (one household or host usually holds a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_key(request: HttpRequest) -> str:
    network = limited_network(client_address(request))
    digest = hmac.new(settings.SECRET_KEY.encode(), network.encode(), hashlib.sha256)
    return "addr:" + digest.hexdigest()[:32]


def browser_id(request: HttpRequest) -> str:
    """This browser's id from its signed cookie, or "" when it has none (yet)."""
    value = request.COOKIES.get(BROWSER_COOKIE)
    if not value:
        return ""
    try:
        return signing.Signer(salt=BROWSER_COOKIE_SALT).unsign(value)
    except signing.BadSignature:
        return ""


def ensure_browser_id(request: HttpRequest) -> str:
    """The browser's id, minting one if needed; `remember_browser` then sets the cookie."""
    found = browser_id(request) or getattr(request, "new_browser_id", "")
    if not found:
        found = uuid.uuid4().hex
        request.new_browser_id = found
    return found


def remember_browser(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    minted = getattr(request, "new_browser_id", None)
    if minted:
        response.set_cookie(
            BROWSER_COOKIE,
            signing.Signer(salt=BROWSER_COOKIE_SALT).sign(minted),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def new_cancel_token() -> str:
    return secrets.token_urlsafe(24)


def may_cancel(request: HttpRequest, run: Run) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return True
    mine = browser_id(request)
    if mine and run.owner and hmac.compare_digest(mine, run.owner):
        return True
    token = request.headers.get(TOKEN_HEADER, "")
    return bool(token and run.cancel_token and hmac.compare_digest(token, run.cancel_token))


class LaunchLimiter:
    """A moving-window launch rate per client, shared by every web process through Redis."""

    def __init__(self) -> None:
        self._config: tuple[str, str] | None = None

    def _limiter(self):
        config = (settings.RUN_LAUNCH_RATE, settings.RUN_RATE_LIMIT_STORAGE)
        if config != self._config:  # settings may change (tests); rebuild on change only
            self._rate = parse(config[0])
            self._strategy = MovingWindowRateLimiter(storage_from_string(config[1]))
            self._config = config
        return self._strategy, self._rate

    def retry_after(self, key: str) -> int | None:
        """Count a launch for key. None if allowed; otherwise whole seconds to wait."""
        try:
            strategy, rate = self._limiter()
            if strategy.hit(rate, "launch", key):
                return None
            reset_at, _remaining = strategy.get_window_stats(rate, "launch", key)
        except Exception:  # noqa: BLE001 - Redis unreachable: do not block launches on the limiter
            log.warning("launch rate limiter unavailable", exc_info=True)
            return None
        return max(1, math.ceil(reset_at - time.time()))


launch_limiter = LaunchLimiter()
