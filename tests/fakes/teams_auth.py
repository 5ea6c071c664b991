"""Signed Bot Framework tokens for tests: an RS256 key, its JWKS served on loopback, and tokens
minted with any issuer, audience and expiry.

The Agents SDK picks the JWKS URL from the token's issuer and has no setting for it, so
`TeamsAuth.installed()` points the SDK's lookup (`jwt_token_validator._build_jwks_uri`) at the
loopback JWKS for as long as the context is open. Everything else in the validation (signature,
audience, expiry with the SDK's 300 s leeway, issuer/tenant binding) is the SDK's own.

For the bot's outgoing calls, `fake_connections(app_id)` is a real SDK `ConnectionManager`
whose token provider returns a fixed token, so no test ever asks Entra for one; the fake
connector then sees `Authorization: Bearer fake-outbound-token`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

import jwt
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_agents.hosting.core import AgentAuthConfiguration
from microsoft_agents.hosting.core.authorization import connection_manager as _cm
from microsoft_agents.hosting.core.authorization._helpers import _CallableTokenCredential
from microsoft_agents.hosting.core.authorization.access_token_provider_base import (
    AccessTokenProviderBase,
)
from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator

from tests.fakes.loopback import RecordingServer

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
OUTBOUND_TOKEN = "fake-outbound-token"
LEEWAY = 300  # the SDK accepts tokens this many seconds past their expiry


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class TeamsAuth(RecordingServer[str]):
    """One signing key and its JWKS at `jwks_url` (start() first, or use as a context); the
    paths of the key fetches are the recorded calls."""

    def __init__(self, app_id: str = "00000000-0000-0000-0000-0000000000b0") -> None:
        self.app_id = app_id
        self.kid = f"test-{uuid.uuid4().hex[:8]}"
        self._key = _key()
        self._stranger = _key()  # signs tokens the JWKS does not vouch for
        super().__init__(self._handler())

    @property
    def requests(self) -> int:
        """How often the signing keys were fetched."""
        return len(self.calls)

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/keys"

    def jwks(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(
        self,
        *,
        audience: str | None = None,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        lifetime: float = 3600,
        service_url: str | None = None,
        signed_by_stranger: bool = False,
        **claims: Any,
    ) -> str:
        """A signed token; `lifetime` < -LEEWAY gives one the SDK refuses as expired."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": issuer,
            "aud": audience or self.app_id,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": int(now + lifetime),
            **claims,
        }
        if service_url:
            payload["serviceurl"] = service_url
        key = self._stranger if signed_by_stranger else self._key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": self.kid})

    def header(self, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**kwargs)}"}

    @contextmanager
    def installed(self) -> Iterator[TeamsAuth]:
        """The SDK fetches its signing keys from this JWKS while the context is open."""
        original = jwt_token_validator._build_jwks_uri
        jwt_token_validator._build_jwks_uri = lambda *args, **kwargs: self.jwks_url
        try:
            yield self
        finally:
            jwt_token_validator._build_jwks_uri = original

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        auth = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                auth._record(self.path)
                payload = json.dumps(auth.jwks()).encode("utf-8")
                self.send_response(200 if self.path.startswith("/keys") else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


class FakeTokenProvider(AccessTokenProviderBase):
    """Hands out a fixed token for the bot's outgoing calls instead of asking Entra."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return OUTBOUND_TOKEN

    def get_token_credential(self) -> AsyncTokenCredential:
        async def get_token(*scopes: str, **kwargs: Any) -> AccessToken:
            return AccessToken(OUTBOUND_TOKEN, int(time.time()) + 3600)

        return _CallableTokenCredential(get_token)


def fake_connections(app_id: str, tenant_id: str | None = None) -> _cm.ConnectionManager:
    """The SDK's own connection manager, with tokens from FakeTokenProvider."""
    config = AgentAuthConfiguration(client_id=app_id, tenant_id=tenant_id)
    return _cm.ConnectionManager(
        provider_factory=FakeTokenProvider,
        connections_configurations={"SERVICE_CONNECTION": config},
    )
