"""ASGI entry point: Django pages over HTTP and run streams over WebSocket."""

import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: routing pulls in models.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from playground.routing import websocket_urlpatterns  # noqa: E402

# Import and index the URLconf now, not inside the first viewer's snapshot (which names
# URLs): doing it there held up every viewer joining in that moment by a fifth of a second.
get_resolver().reverse_dict  # noqa: B018 - reading it is what loads it

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
