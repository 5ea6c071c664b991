"""Socket Mode: the same app over a WebSocket that the app opens (no public URL needed)."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import Settings
from bot.services.factory import Services
from bot.slack.app import SlackSetupError, build_app, build_deps


def run_socket_mode(settings: Settings, services: Services) -> None:
    if settings.slack_app_token is None:
        raise SlackSetupError(
            "SLACK_APP_TOKEN is not set; Socket Mode needs an app-level token (xapp-…) "
            "with the connections:write scope"
        )
    app = build_app(settings, build_deps(settings, services))
    SocketModeHandler(app, app_token=settings.slack_app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
