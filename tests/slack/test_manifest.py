"""manifest.json is a valid Slack app manifest and matches what the app listens for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from bot.slack.blocks import suggested_prompts

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_NAME = "slack-manifest.schema.1.0.0.json"
# The reference copy beside the checkout when there is one; else the copy kept with the tests
# (a clean clone in CI has no ../shared), so these tests never skip.
SCHEMA_PLACES = [
    ROOT.parent / "shared" / "reference" / SCHEMA_NAME,
    Path(__file__).resolve().parent / "schema" / SCHEMA_NAME,
]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    found = next(p for p in SCHEMA_PLACES if p.is_file())
    return Draft7Validator(json.loads(found.read_text(encoding="utf-8")))


def test_manifest_passes_slacks_schema(
    manifest: dict[str, Any], validator: Draft7Validator
) -> None:
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_schema_catches_a_typo(manifest: dict[str, Any], validator: Draft7Validator) -> None:
    broken = json.loads(json.dumps(manifest))
    broken["settings"]["socket_mode"] = True
    assert list(validator.iter_errors(broken))


def test_the_socket_mode_manifest_is_valid_and_the_same_app(
    manifest: dict[str, Any], validator: Draft7Validator
) -> None:
    """manifest.socket.json is manifest.json with Socket Mode on and no request URLs, so a
    newcomer pastes it as it is; the two never drift apart."""
    socket = json.loads((ROOT / "manifest.socket.json").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(socket))
    expected = json.loads(json.dumps(manifest))
    expected["settings"]["socket_mode_enabled"] = True
    del expected["settings"]["event_subscriptions"]["request_url"]
    del expected["settings"]["interactivity"]["request_url"]
    for command in expected["features"]["slash_commands"]:
        del command["url"]
    assert socket == expected


def test_manifest_declares_what_the_app_handles(manifest: dict[str, Any]) -> None:
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == ["/coach"]
    assert [(s["type"], s["callback_id"]) for s in features["shortcuts"]] == [
        ("message", "check_message")
    ]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_mention",
        "app_uninstalled",
        "assistant_thread_started",
        "message.im",
        "tokens_revoked",
    }
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # users:read for the locale, *:history for conversations.replies, assistant:write for prompts
    assert {
        "app_mentions:read",
        "chat:write",
        "commands",
        "users:read",
        "assistant:write",
    } <= scopes
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    urls |= {c["url"] for c in features["slash_commands"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")


def test_manifest_prompts_are_the_apps_english_prompts(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["agent_view"]["suggested_prompts"] == suggested_prompts("en")


def test_manifest_redirects_oauth_to_the_apps_own_callback(manifest: dict[str, Any]) -> None:
    # Bolt serves the OAuth callback at /slack/oauth_redirect on the host of the events URL;
    # Slack refuses an install whose redirect is not listed here.
    (redirect,) = manifest["oauth_config"]["redirect_urls"]
    events = manifest["settings"]["event_subscriptions"]["request_url"]
    assert redirect == events.removesuffix("/slack/events") + "/slack/oauth_redirect"
