"""The fake Slack's memory of what was posted, for the digest tests: conversations.history
(with message metadata), threads of posted messages, files_upload_v2's three steps, and the
OAuth code exchange (oauth.v2.access). Merged into the answers of `tests.fakes.slack_api`."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

_files = itertools.count(1)


def stored(state: Any, channel: str) -> list[dict[str, Any]]:
    """The channel's messages, oldest first (thread replies included)."""
    return list(state.messages.get(channel, []))


def remember(state: Any, channel: str, message: dict[str, Any]) -> None:
    state.messages.setdefault(channel, []).append(message)


def _page(messages: list[dict[str, Any]], body: dict[str, Any]) -> dict[str, Any]:
    limit = int(body.get("limit") or 100)
    start = int(body.get("cursor") or 0)
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    return {
        "ok": True,
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _history(state: Any, body: dict[str, Any]) -> dict[str, Any]:
    channel = str(body.get("channel") or "")
    if channel not in state.messages:
        return {"ok": True, "messages": [], "has_more": False}
    oldest = float(body.get("oldest") or 0)
    with_metadata = str(body.get("include_all_metadata")).lower() in {"1", "true"}
    top = [m for m in stored(state, channel) if not m.get("thread_ts") and float(m["ts"]) >= oldest]
    shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in top]
    return _page(shown[::-1], body)  # newest first, like Slack


def thread(state: Any, channel: str, ts: str) -> list[dict[str, Any]] | None:
    messages = stored(state, channel)
    parent = [m for m in messages if m["ts"] == ts]
    if not parent:
        return None
    return parent + [m for m in messages if m.get("thread_ts") == ts and m["ts"] != ts]


def _upload_url(state: Any, body: dict[str, Any]) -> dict[str, Any]:
    file_id = f"F{next(_files):06d}"
    state.uploads[file_id] = {"name": body.get("filename"), "length": body.get("length")}
    return {"ok": True, "file_id": file_id, "upload_url": f"{state.base_url}/upload/{file_id}"}


def _complete_upload(state: Any, body: dict[str, Any]) -> dict[str, Any]:
    files = []
    for item in json.loads(body.get("files") or "[]"):
        upload = state.uploads.get(item.get("id"))
        if upload is None or "data" not in upload:
            return {"ok": False, "error": "file_not_found"}
        files.append({"id": item["id"], "name": upload["name"], "title": item.get("title")})
    channel = body.get("channel_id")
    if channel:
        message = {"type": "message", "user": "UBOT", "ts": state.new_ts(), "files": files}
        if body.get("thread_ts"):
            message["thread_ts"] = body["thread_ts"]
        remember(state, channel, message)
    return {"ok": True, "files": files}


def _oauth_access(state: Any, body: dict[str, Any]) -> dict[str, Any]:
    found = state.installs.get(body.get("code"))
    if found is None:
        return {"ok": False, "error": "invalid_code"}
    return {
        "ok": True,
        "app_id": "A111",
        "access_token": found["token"],
        "token_type": "bot",
        "scope": "commands,chat:write",
        "bot_user_id": "UBOT",
        "team": {"id": found["team"], "name": f"Team {found['team']}"},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": "U0INSTALLER"},
    }


MESSAGE_ANSWERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "conversations.history": _history,
    "files.getUploadURLExternal": _upload_url,
    "files.completeUploadExternal": _complete_upload,
    "oauth.v2.access": _oauth_access,
}
