"""`coach teams package`: the Teams app package, the zip you upload to Teams or its admin centre.

teams/manifest.json is a template. Three placeholders are filled in here: {{TEAMS_APP_ID}}
(the bot's Microsoft app id, used for the app and its bot), {{TEAMS_BOT_DOMAIN}} (the public
host of the messaging endpoint) and {{VERSION}} (the coach's version, so that every release
is a newer app for Teams). Everything else is copied as it is. The icons and the language
files are whatever the manifest names. The zip is the same bytes for the same input, so a
rebuilt package can be compared with the one already uploaded.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from bot import __version__
from bot.config import Settings
from bot.core.resources import data_dir
from bot.errors import CoachError

PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
HOST = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build time in the bytes


class PackageError(CoachError):
    """The package cannot be built: a value is missing or wrong, or a file is missing."""


def app_id(given: str | None, settings: Callable[[], Settings]) -> str:
    """--app-id, else MICROSOFT_APP_ID (the settings are read only when needed)."""
    found = given or settings().teams_app_id
    if not found:
        raise PackageError(
            "no Teams app id: pass --app-id or set MICROSOFT_APP_ID to the bot's Microsoft "
            "app (client) id from its Azure Bot or Teams Developer Portal registration"
        )
    if not GUID.fullmatch(found.strip()):
        raise PackageError(f"the Teams app id {found!r} is not a GUID (like 1b4e…-…-…-…-…)")
    return found.strip().lower()


def bot_domain(given: str | None) -> str:
    """`coach.example.com`; a URL such as https://coach.example.com/api/messages is cut down to
    its host, which is what Teams' validDomains wants."""
    if not given:
        raise PackageError(
            "no bot domain: pass --domain, the public host of the messaging endpoint "
            "(https://HOST/api/messages)"
        )
    host = (urlsplit(given).hostname if "://" in given else given.strip().rstrip("/")) or ""
    if not HOST.fullmatch(host.lower()):
        raise PackageError(f"--domain {given!r} is not a host name such as coach.example.com")
    return host.lower()


def fill(template: Any, values: Mapping[str, str]) -> Any:
    """`template` with every {{NAME}} in its strings replaced; PackageError for an unknown one."""
    if isinstance(template, dict):
        return {key: fill(item, values) for key, item in template.items()}
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    if isinstance(template, str):
        return PLACEHOLDER.sub(lambda match: _value(match.group(1), values), template)
    return template


def _value(name: str, values: Mapping[str, str]) -> str:
    if name not in values:
        raise PackageError(f"teams/manifest.json has {{{{{name}}}}}, which nothing fills in")
    return values[name]


def manifest(source: Path, values: Mapping[str, str]) -> dict[str, Any]:
    try:
        template = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PackageError(f"cannot read {source / 'manifest.json'}: {exc}") from exc
    filled: dict[str, Any] = fill(template, values)
    return filled


def referenced_files(filled: Mapping[str, Any]) -> list[str]:
    """The icons and language files the manifest names: they go beside it in the zip."""
    icons = filled.get("icons", {})
    localization = filled.get("localizationInfo", {})
    names = [icons.get("color"), icons.get("outline"), icons.get("color32x32")]
    names.append(localization.get("defaultLanguageFile"))
    names += [extra.get("file") for extra in localization.get("additionalLanguages", [])]
    return [name for name in names if name]


def package_files(source: Path, values: Mapping[str, str]) -> dict[str, bytes]:
    filled = manifest(source, values)
    files = {"manifest.json": (json.dumps(filled, indent=2, ensure_ascii=False) + "\n").encode()}
    for name in referenced_files(filled):
        if "/" in name or "\\" in name:
            raise PackageError(f"{name}: Teams wants every file at the root of the package")
        try:
            files[name] = (source / name).read_bytes()
        except OSError as exc:
            raise PackageError(f"the manifest names {name}, which cannot be read: {exc}") from exc
    return files


def zipped(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, files[name])
    return buffer.getvalue()


def build(output: Path, app: str, domain: str, source: Path | None = None) -> Path:
    values = {"TEAMS_APP_ID": app, "TEAMS_BOT_DOMAIN": domain, "VERSION": __version__}
    data = zipped(package_files(source or data_dir("teams"), values))
    partial = output.with_name(output.name + ".partial")
    try:  # written aside, then renamed: an interrupted run leaves no half package behind
        partial.write_bytes(data)
        partial.replace(output)
    except OSError as exc:
        raise PackageError(f"cannot write {output}: {exc}") from exc
    return output


def register(app: typer.Typer, settings: Callable[[], Settings]) -> None:
    teams_app = typer.Typer(help="The Microsoft Teams app.", no_args_is_help=True)

    @teams_app.command("package")
    def package(
        app_id_option: Annotated[
            str | None,
            typer.Option(
                "--app-id", help="The bot's Microsoft app id (default: MICROSOFT_APP_ID)."
            ),
        ] = None,
        domain: Annotated[
            str | None,
            typer.Option(help="Public host of the messaging endpoint, e.g. coach.example.com."),
        ] = None,
        output: Annotated[
            Path, typer.Option("--output", "-o", help="Where to write the zip.")
        ] = Path("coach-teams.zip"),
    ) -> None:
        """Write the Teams app package (manifest, icons, de/it texts) to upload in Teams."""
        written = build(output, app_id(app_id_option, settings), bot_domain(domain))
        typer.echo(f"wrote {written}: upload it in Teams (Apps → Manage your apps → Upload an app)")

    app.add_typer(teams_app, name="teams")
