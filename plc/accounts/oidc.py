"""Signing in with a district's account: the OpenID Connect protocol, through Authlib.

Authlib's Flask client does the protocol: the authorization-code flow with PKCE (S256), a
random ``state`` and ``nonce`` kept in the signed session cookie, the code exchanged at the
token endpoint with the client secret, and the ID token checked (signature against the
provider's published keys, issuer, audience, expiry, issued-at, nonce, at_hash). PLC writes no
JWT check of its own. It adds: the discovery document must name the issuer the site admin
entered, and (in plc/accounts/services.py) only a verified address in a vouched domain counts.

A provider's discovery document and keys are kept per worker for ``_METADATA_SECONDS``; an ID
token signed with an unknown key makes Authlib fetch the keys again (key rotation).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskIntegration
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from cachetools import TTLCache
from flask import current_app, session
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException

from plc import secretbox
from plc.orgs.models import IdentityProvider

_PENDING = "plc_district_sign_in"
PENDING_SECONDS = 10 * 60
_METADATA_SECONDS = 5 * 60
_metadata: TTLCache = TTLCache(maxsize=64, ttl=_METADATA_SECONDS)


class ProviderFailure(Exception):
    """The provider could not be reached, answered with an error, or sent a token PLC refuses.
    ``cancelled``: the person chose "Cancel" at the provider (error=access_denied)."""

    def __init__(self, message: str, cancelled: bool = False):
        super().__init__(message)
        self.message = message
        self.cancelled = cancelled


@dataclass
class PendingDistrictSignIn:
    provider_id: int
    email: str
    remember: bool
    next_url: str


def _client(provider: IdentityProvider) -> FlaskOAuth2App:
    name = f"plc-district-{provider.id}"
    cached = _metadata.get((provider.issuer, provider.id))
    return FlaskOAuth2App(
        FlaskIntegration(name), name=name,
        client_id=provider.client_id,
        client_secret=secretbox.decrypt(provider.client_secret_encrypted),
        server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                       # The name of a client authentication method, no secret:
                       "token_endpoint_auth_method": "client_secret_basic",  # nosec B105
                       "default_timeout": current_app.config["OIDC_TIMEOUT_SECONDS"]},
        **(cached or {}),
    )


def _checked_metadata(client: FlaskOAuth2App, provider: IdentityProvider) -> None:
    metadata = client.load_server_metadata()
    # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer asked for.
    if metadata.get("issuer") != provider.issuer:
        raise ProviderFailure(_("The district's identity provider describes itself as another "
                                "issuer than the one set for the district."))
    _metadata[(provider.issuer, provider.id)] = dict(client.server_metadata)


def begin(provider: IdentityProvider, email: str, remember: bool, next_url: str,
          redirect_uri: str) -> str:
    """The URL of the provider's sign-in page; what the callback needs is kept in the session
    (Authlib keeps the state, nonce and PKCE verifier under its own key)."""
    try:
        client = _client(provider)
        _checked_metadata(client, provider)
        request = client.create_authorization_url(redirect_uri, login_hint=email)
        client.save_authorize_data(redirect_uri=redirect_uri, **request)
    except (OAuthError, RequestException, ValueError, secretbox.SecretUnreadable) as error:
        current_app.logger.warning("district sign-in: provider %s unusable: %s", provider.id,
                                   type(error).__name__)
        raise ProviderFailure(_("The district's identity provider cannot be reached just now.")) \
            from error
    session[_PENDING] = {"provider": provider.id, "email": email, "remember": bool(remember),
                         "next": next_url, "at": int(time.time())}
    return request["url"]


def take_pending() -> PendingDistrictSignIn | None:
    """The sign-in this browser started at most ten minutes ago (forgotten as it is read)."""
    note = session.pop(_PENDING, None)
    if not isinstance(note, dict) or time.time() - note.get("at", 0) > PENDING_SECONDS:
        return None
    return PendingDistrictSignIn(int(note["provider"]), str(note.get("email", "")),
                                 bool(note.get("remember")), str(note.get("next") or "/"))


def finish(provider: IdentityProvider) -> dict:
    """The ID token's claims, checked by Authlib; ProviderFailure for anything wrong."""
    try:
        client = _client(provider)
        _checked_metadata(client, provider)
        token = fetch_token(client, provider)
    except MismatchingStateError as error:
        _log_refusal(provider, error)
        raise ProviderFailure(_("This answer from your district does not belong to the sign-in "
                                "this browser started. Please start again.")) from error
    except OAuthError as error:
        if error.error == "access_denied":
            raise ProviderFailure(_("You cancelled the sign-in at your district."),
                                  cancelled=True) from error
        _log_refusal(provider, error)
        raise ProviderFailure(
            _("Your district's sign-in answered with an error: %(error)s.", error=error.error)
            if error.error else _("Your district's sign-in answered with an error.")) from error
    except (RequestException, ValueError, JoseError, secretbox.SecretUnreadable) as error:
        _log_refusal(provider, error)
        raise ProviderFailure(
            _("The answer from your district's sign-in could not be verified.")) from error
    userinfo = token.get("userinfo")
    if not userinfo:
        raise ProviderFailure(_("Your district's sign-in sent no ID token."))
    return dict(userinfo)


def fetch_token(client: FlaskOAuth2App, provider: IdentityProvider) -> dict:
    """Authlib checks the state, exchanges the code (with the PKCE verifier) and verifies the
    ID token against the nonce it kept. The issuer must be the one the site admin entered and
    the audience this site's client id (Authlib checks neither unless asked)."""
    return client.authorize_access_token(claims_options={
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
    })


def _log_refusal(provider: IdentityProvider, error: Exception) -> None:
    # The error's class and code only: never a token, a code or the secret.
    current_app.logger.warning("district sign-in refused for provider %s: %s %s", provider.id,
                               type(error).__name__, getattr(error, "error", ""))
