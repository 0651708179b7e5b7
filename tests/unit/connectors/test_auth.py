from __future__ import annotations

import base64

import httpx
import pytest

from syncline.connectors.auth import ApiKeyAuth, BasicAuth, BearerAuth, OAuth2ClientCredentials
from syncline.connectors.base import AuthenticationError, TransientError

from .helpers import FakeClock, Recorder


def send(auth: httpx.Auth, recorder: Recorder, url: str = "https://api.example.com/x") -> httpx.Response:
    with httpx.Client(transport=recorder.transport) as client:
        return client.get(url, auth=auth)


def test_basic_bearer_and_api_keys() -> None:
    recorder = Recorder(httpx.Response(200))
    send(BasicAuth("user", "pw"), recorder)
    assert recorder.requests[-1].headers["Authorization"] == "Basic " + base64.b64encode(b"user:pw").decode()
    send(BearerAuth("tok"), recorder)
    assert recorder.requests[-1].headers["Authorization"] == "Bearer tok"
    send(BearerAuth("tok", header="X-Auth-Token", scheme=None), recorder)
    assert recorder.requests[-1].headers["X-Auth-Token"] == "tok"
    send(ApiKeyAuth({"X-API-Key": "k1"}), recorder)
    assert recorder.requests[-1].headers["X-API-Key"] == "k1"
    auth = ApiKeyAuth({"api_key": "k2"}, location="query")
    send(auth, recorder, "https://api.example.com/x?page=2")
    assert recorder.requests[-1].url.params["api_key"] == "k2"
    assert recorder.requests[-1].url.params["page"] == "2"
    assert auth.query_params() == {"api_key"}
    assert "k2" in auth.secrets()


def token_response(token: str, expires_in: int = 3600) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token, "token_type": "Bearer", "expires_in": expires_in})


def handler(tokens: list[str], status_for: dict[str, int] | None = None) -> Recorder:
    """Token endpoint hands out `tokens` in turn; the API answers 401 for tokens in `status_for`."""
    queue = list(tokens)

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return token_response(queue.pop(0))
        token = request.headers["Authorization"].removeprefix("Bearer ")
        return httpx.Response((status_for or {}).get(token, 200), json={"token": token})

    return Recorder(respond)


def oauth(clock: FakeClock, **kwargs: object) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(
        "https://auth.example.com/oauth/token",
        "client",
        "secret-1",
        clock=clock,
        **kwargs,  # type: ignore[arg-type]
    )


def test_token_is_fetched_once_and_cached_until_expiry(clock: FakeClock) -> None:
    recorder = handler(["t1", "t2"])
    auth = oauth(clock, scope="read")
    assert send(auth, recorder).json() == {"token": "t1"}
    assert send(auth, recorder).json() == {"token": "t1"}
    assert auth.token_requests == 1
    form = recorder.requests[0].content.decode()
    assert "grant_type=client_credentials" in form and "scope=read" in form
    assert recorder.requests[0].headers["Authorization"].startswith("Basic ")
    clock.now += 3600
    assert send(auth, recorder).json() == {"token": "t2"}
    assert auth.token_requests == 2


def test_cached_token_is_shared_by_a_new_authenticator_for_the_same_client(clock: FakeClock) -> None:
    recorder = handler(["t1"])
    send(oauth(clock), recorder)
    again = oauth(clock)
    assert send(again, recorder).json() == {"token": "t1"}
    assert again.token_requests == 0


def test_a_401_fetches_a_new_token_once(clock: FakeClock) -> None:
    recorder = handler(["revoked", "fresh"], {"revoked": 401})
    auth = oauth(clock)
    assert send(auth, recorder).status_code == 200
    assert auth.token_requests == 2
    assert [r.url.path for r in recorder.requests] == ["/oauth/token", "/x", "/oauth/token", "/x"]


def test_a_second_401_is_returned_not_looped(clock: FakeClock) -> None:
    recorder = handler(["a", "b", "c"], {"a": 401, "b": 401})
    auth = oauth(clock)
    assert send(auth, recorder).status_code == 401
    assert auth.token_requests == 2


def test_client_secret_in_the_body_when_asked(clock: FakeClock) -> None:
    recorder = handler(["t1"])
    send(oauth(clock, client_auth="body"), recorder)
    token_request = recorder.requests[0]
    assert "client_secret=secret-1" in token_request.content.decode()
    assert "Authorization" not in token_request.headers


def test_token_endpoint_refusal_is_an_authentication_error(clock: FakeClock) -> None:
    recorder = Recorder(
        httpx.Response(401, json={"error": "invalid_client", "error_description": "bad client"})
    )
    with pytest.raises(AuthenticationError, match="bad client"):
        send(oauth(clock), recorder)


def test_token_endpoint_outage_is_transient(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(503, text="down"))
    with pytest.raises(TransientError):
        send(oauth(clock), recorder)


def test_new_tokens_are_reported_for_redaction(clock: FakeClock) -> None:
    seen: list[str] = []
    send(oauth(clock, on_token=seen.append), handler(["t9"]))
    assert seen == ["t9"]
