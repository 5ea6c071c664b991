"""Settings: read once at start-up (environment or .env) and passed down.

No other module reads os.environ.

Names follow the libraries' own conventions where they have one (OPENAI_*, SLACK_*, PORT,
DATABASE_URL); the coach's own settings start with COACH_. Every setting is documented in
README and .env.example.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import CoachError
from bot.models import Language

# Worker children by default: each is one interpreter with its own queue and database
# connections (COACH_WORKERS + a pool each), so a large machine does not get dozens.
MAX_DEFAULT_QUEUE_PROCESSES = 4


def default_queue_processes() -> int:
    """COACH_QUEUE_PROCESSES when unset: `queue_processes_for` the cores this process may use."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return queue_processes_for(len(usable) if usable else os.cpu_count() or 1)


def queue_processes_for(cores: int) -> int:
    """One worker child per core beyond the first (the serving process's, for the acks):
    one on two cores, up to MAX_DEFAULT_QUEUE_PROCESSES. A worker child is one interpreter,
    so with spare cores a single child was the replies' limit (docs/scaling.md)."""
    return max(1, min(MAX_DEFAULT_QUEUE_PROCESSES, cores - 1))


class SettingsError(CoachError):
    """A setting has a bad value; the message names the setting and how to fix it."""


# A Slack user id: U… (or W… for Enterprise Grid users), upper-case letters and digits.
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
# A Teams user's Entra (AAD) object id, the GUID Teams sends as `from.aadObjectId`.
_AAD_OBJECT_ID = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)


@dataclass(frozen=True)
class DigestManagers:
    """Who may subscribe and unsubscribe channels (COACH_DIGEST_MANAGERS).

    `everyone`: anyone in the channel; `admins`: workspace admins and owners (in Teams: the
    team's owners); `listed`: the named users, and admins and owners too (an admin locked out
    of her own workspace's digest would be a support ticket, never a policy anyone wants).
    Slack users are named by their user id (U…), Teams users by their Entra object id (a GUID,
    kept in lower case so that either spelling matches).
    """

    mode: Literal["everyone", "admins", "listed"] = "everyone"
    users: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, value: str) -> DigestManagers:
        """`everyone`, `admins` or ids (`U024BE7LH,0b3f…-…`); ValueError naming what is wrong.

        Strict on purpose: a mistyped keyword or a user name instead of an id would otherwise
        lock everybody but the admins out without anyone noticing why.
        """
        cleaned = value.strip()
        if cleaned.lower() in {"everyone", "admins"}:
            return cls(mode="everyone" if cleaned.lower() == "everyone" else "admins")
        items = [item.strip() for item in cleaned.split(",") if item.strip()]
        if not items:
            raise ValueError("it is empty")
        for item in items:
            if item.lower() in {"everyone", "admins"}:
                raise ValueError(f"{item} stands alone (a list of ids includes admins anyway)")
            if not (_SLACK_USER_ID.fullmatch(item) or _AAD_OBJECT_ID.fullmatch(item)):
                raise ValueError(
                    f"{item!r} is neither a Slack user id (U… or W…) nor a Teams user's "
                    "Entra object id (a GUID)"
                )
        users = (i.lower() if _AAD_OBJECT_ID.fullmatch(i) else i for i in items)
        return cls(mode="listed", users=frozenset(users))

    def __str__(self) -> str:
        return self.mode if self.mode != "listed" else ",".join(sorted(self.users))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # -- the coach ---------------------------------------------------------------------------
    language: Language = Field(
        "en",
        alias="COACH_LANGUAGE",
        description="Language to answer in when a text is too short to tell (en, de, it).",
    )
    knowledge_dir: Path | None = Field(
        None, alias="COACH_KNOWLEDGE_DIR", description="Override the shipped knowledge base."
    )
    eval_dir: Path | None = Field(
        None, alias="COACH_EVAL_DIR", description="Default folder for `coach eval`."
    )
    max_chars: int = Field(
        40_000,
        alias="COACH_MAX_CHARS",
        ge=100,
        le=1_000_000,
        description="Longest text accepted (Slack's own message limit is 40,000).",
    )
    engine: Literal["auto", "offline", "llm"] = Field(
        "auto",
        alias="COACH_ENGINE",
        description="auto: the LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, else offline.",
    )

    # -- LLM (any OpenAI-compatible server) ---------------------------------------------------
    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(
        None, alias="OPENAI_BASE_URL", description="e.g. http://127.0.0.1:8080/v1 for llama.cpp"
    )
    llm_model: str = Field("gpt-4o-mini", alias="COACH_LLM_MODEL", min_length=1)
    llm_timeout: float = Field(
        20.0, alias="COACH_LLM_TIMEOUT", gt=0, le=600, description="Seconds per LLM request."
    )
    llm_deadline: float = Field(
        25.0,
        alias="COACH_LLM_DEADLINE",
        gt=0,
        le=900,
        description="Overall seconds for one answer or review, retries included.",
    )
    llm_max_input_tokens: int = Field(6_000, alias="COACH_LLM_MAX_INPUT_TOKENS", ge=500)
    llm_max_output_tokens: int = Field(800, alias="COACH_LLM_MAX_OUTPUT_TOKENS", ge=50)

    # -- Slack --------------------------------------------------------------------------------
    slack_bot_token: SecretStr | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, alias="SLACK_APP_TOKEN")
    # Both set: multi-workspace install through Slack's OAuth flow (tokens in the database).
    slack_client_id: str | None = Field(None, alias="SLACK_CLIENT_ID", min_length=1)
    slack_client_secret: SecretStr | None = Field(None, alias="SLACK_CLIENT_SECRET")
    # Multi-workspace mode: Fernet keys that encrypt the stored bot tokens, comma-separated;
    # the first encrypts, all decrypt (rotation without downtime).
    token_keys: SecretStr | None = Field(None, alias="COACH_TOKEN_KEYS")
    slack_api_url: str = Field(
        "https://slack.com/api/", alias="SLACK_API_URL", description="Slack Web API base URL."
    )
    port: int = Field(
        3000, alias="PORT", ge=1, le=65535, description="the HTTP port, a number from 1 to 65535."
    )
    # Prometheus metrics on a port of their own, off the public one; 0 turns them off.
    metrics_host: str = Field(
        "127.0.0.1",
        alias="COACH_METRICS_HOST",
        min_length=1,
        description="the interface /metrics listens on (0.0.0.0 only inside a private network).",
    )
    metrics_port: int = Field(
        9464,
        alias="COACH_METRICS_PORT",
        ge=0,
        le=65535,
        description="the port of /metrics, a number from 0 (off) to 65535.",
    )
    workers: int = Field(
        16,
        alias="COACH_WORKERS",
        ge=1,
        le=256,
        description="Threads of `coach serve` (and `coach worker`) that run queued replies.",
    )
    # -- the reply queue (docs/scaling.md) -------------------------------------------------------
    queue_url: str | None = Field(
        None,
        alias="COACH_QUEUE_URL",
        description="sqlite:///path/queue.db or postgresql://…; default: the PostgreSQL of "
        "DATABASE_URL, else SQLite in COACH_DATA_DIR.",
    )
    queue_max_backlog: int = Field(
        2000,
        alias="COACH_QUEUE_MAX_BACKLOG",
        ge=1,
        le=1_000_000,
        description="queued replies past which new requests get a polite 'busy' reply.",
    )
    queue_run_jobs: bool = Field(
        True,
        alias="COACH_QUEUE_RUN_JOBS",
        description="false: `coach serve` only acks and queues; `coach worker` runs the jobs.",
    )
    queue_processes: int = Field(
        default_factory=default_queue_processes,
        alias="COACH_QUEUE_PROCESSES",
        ge=0,
        le=64,
        description="`coach worker` processes `coach serve` starts for the jobs (default: one "
        "per core this process may use beyond the first, 1 to 4); 0: threads in the serving "
        "process (they then share its interpreter lock with the acks).",
    )
    queue_dead_after: float = Field(
        15.0,
        alias="COACH_QUEUE_DEAD_AFTER",
        ge=3,
        le=3600,
        description="seconds without a heartbeat after which a worker's jobs are run again.",
    )

    # -- Microsoft Teams (the Bot Framework's names; needs the .[teams] extra) ----------------
    teams_app_id: str | None = Field(
        None,
        alias="MICROSOFT_APP_ID",
        min_length=1,
        description="the bot's Microsoft app (client) id; it starts Teams in `coach serve`.",
    )
    teams_app_password: SecretStr | None = Field(None, alias="MICROSOFT_APP_PASSWORD")
    teams_app_certificate: Path | None = Field(
        None,
        alias="MICROSOFT_APP_CERTIFICATE",
        description="a PFX (PKCS#12) file with the certificate and its key, instead of a password.",
    )
    teams_app_tenant_id: str | None = Field(
        None,
        alias="MICROSOFT_APP_TENANT_ID",
        min_length=1,
        description="the tenant of a single-tenant bot registration (Azure Bot).",
    )
    teams_allowed_tenants: str = Field(
        "",
        alias="COACH_TEAMS_ALLOWED_TENANTS",
        description="tenant ids separated by commas; requests from other tenants are refused. "
        "Empty: any tenant.",
    )
    teams_anonymous: bool = Field(
        False,
        alias="COACH_TEAMS_ANONYMOUS",
        description="true ONLY for local development: accept unsigned requests on /api/messages.",
    )
    teams_port: int = Field(
        3978,
        alias="COACH_TEAMS_PORT",
        ge=1,
        le=65535,
        description="the port of the Teams endpoint (POST /api/messages), 1 to 65535.",
    )

    # -- storage and the weekly digest ----------------------------------------------------------
    database_url: str | None = Field(
        None,
        alias="DATABASE_URL",
        description="a SQLAlchemy URL, e.g. postgresql://user:pass@host/db; "
        "default: SQLite in COACH_DATA_DIR.",
    )
    data_dir: Path = Field(
        Path("data"),
        alias="COACH_DATA_DIR",
        description="a writable folder for the embedded SQLite database.",
    )
    store_text: bool = Field(
        False,
        alias="COACH_STORE_TEXT",
        description="true to keep the text of checked drafts and questions (default false).",
    )
    delete_data_on_uninstall: bool = Field(
        False,
        alias="COACH_DELETE_DATA_ON_UNINSTALL",
        description="true to delete a workspace's usage, feedback and subscriptions when it "
        "uninstalls the app.",
    )
    digest_scheduler: bool = Field(
        True,
        alias="COACH_DIGEST_SCHEDULER",
        description="true to run the digest scheduler inside `coach serve` and `coach socket`.",
    )
    digest_lease: float = Field(
        600.0,
        alias="COACH_DIGEST_LEASE",
        ge=1,
        le=86_400,
        description="seconds a process may take to post one digest before another takes over.",
    )
    digest_managers: str = Field(
        "everyone",
        alias="COACH_DIGEST_MANAGERS",
        description="everyone, admins (workspace admins and owners only; in Teams the team's "
        "owners), or user ids separated by commas: Slack user ids such as U024BE7LH and Teams "
        "users' Entra object ids (GUIDs) (admins and owners may always).",
    )

    # -- operations ----------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO",
        alias="COACH_LOG_LEVEL",
        description="DEBUG, INFO, WARNING or ERROR (libraries stay at INFO or above).",
    )
    log_format: Literal["auto", "json", "text"] = Field(
        "auto",
        alias="COACH_LOG_FORMAT",
        description="json, text, or auto: text in a terminal, JSON otherwise.",
    )
    rate_user_per_hour: int = Field(
        30,
        alias="COACH_RATE_USER_PER_HOUR",
        ge=0,
        le=100_000,
        description="LLM-backed requests per user per hour; 0 means no limit.",
    )
    rate_workspace_per_hour: int = Field(
        300,
        alias="COACH_RATE_WORKSPACE_PER_HOUR",
        ge=0,
        le=1_000_000,
        description="LLM-backed requests per workspace per hour; 0 means no limit.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("digest_managers")
    @classmethod
    def _managers(cls, value: str) -> str:
        return str(DigestManagers.parse(value))  # the canonical spelling

    @property
    def digest_access(self) -> DigestManagers:
        """Who may subscribe and unsubscribe channels to the weekly digest."""
        return DigestManagers.parse(self.digest_managers)

    @property
    def token_key_list(self) -> list[str]:
        """COACH_TOKEN_KEYS split at commas, the encrypting key first; [] when unset."""
        raw = self.token_keys.get_secret_value() if self.token_keys else ""
        return [key.strip() for key in raw.split(",") if key.strip()]

    @property
    def teams_configured(self) -> bool:
        """`coach serve` starts the Teams endpoint: an app id, or the anonymous dev mode."""
        return bool(self.teams_app_id) or self.teams_anonymous

    @property
    def teams_tenants(self) -> frozenset[str]:
        """The tenant allow-list; empty means every tenant."""
        items = self.teams_allowed_tenants.replace(";", ",").split(",")
        return frozenset(item.strip().lower() for item in items if item.strip())

    @property
    def oauth_configured(self) -> bool:
        """Multi-workspace mode: Slack's OAuth flow installs the app; tokens are in the database."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def llm_configured(self) -> bool:
        if self.engine == "offline":
            return False
        return self.openai_api_key is not None or self.openai_base_url is not None


# Docker and Kubernetes mount secrets as files here; a file named like the setting
# (e.g. /run/secrets/SLACK_BOT_TOKEN) is read when the environment does not set it.
DEFAULT_SECRETS_DIR = "/run/secrets"


def secrets_dir() -> Path | None:
    folder = Path(os.environ.get("COACH_SECRETS_DIR") or DEFAULT_SECRETS_DIR)
    return folder if folder.is_dir() else None


def load_settings(**overrides: object) -> Settings:
    """Read the settings; a bad value becomes one message that names the setting and the fix."""
    folder = secrets_dir()
    extra: dict[str, object] = {"_secrets_dir": folder} if folder else {}
    try:
        return Settings(**extra, **overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_explain(exc)) from exc


def _explain(exc: ValidationError) -> str:
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "settings"
    # The location is the field's name or its alias (environment name), depending on the source.
    field = Settings.model_fields.get(name) or next(
        (f for f in Settings.model_fields.values() if f.alias == name), None
    )
    env = field.alias if field and field.alias else name
    secret = field is not None and field.annotation in (SecretStr, SecretStr | None)
    got = "" if secret else f" (got {first.get('input')!r})"  # never echo a secret
    hint = f" Expected: {field.description}" if field and field.description else ""
    return (
        f"setting {env} is invalid: {first['msg']}{got}.{hint} "
        f"Fix it in the environment, .env or the secrets folder."
    )
