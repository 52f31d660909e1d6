"""FcmPushSender at the HTTP boundary: firebase-admin exchanges a signed JWT for an OAuth
token at the service account's `token_uri` (a loopback server here), then posts FCM v1
messages over httpx (respx answers with real FCM v1 success and error bodies)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.messaging.push import FcmPushSender, PushMessage

PROJECT = "loyalty-test"
FCM_URL = f"https://fcm.googleapis.com/v1/projects/{PROJECT}/messages:send"
OAUTH_TOKEN = "ya29.c.test-access-token"


def _fcm_error(http: int, status: str, code: str, message: str) -> dict:
    return {"error": {"code": http, "message": message, "status": status, "details": [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}]}}  # fmt: skip


class _TokenServer(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        _TokenServer.seen.append(form)
        body = json.dumps({"access_token": OAUTH_TOKEN, "expires_in": 3599,
                           "token_type": "Bearer"}).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def service_account():
    server = HTTPServer(("127.0.0.1", 0), _TokenServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    _TokenServer.seen = []
    try:
        yield {
            "type": "service_account", "project_id": PROJECT, "private_key_id": "k1",
            "private_key": pem, "client_email": f"push@{PROJECT}.iam.gserviceaccount.com",
            "client_id": "1234567890",
            "token_uri": f"http://127.0.0.1:{server.server_port}/token",
        }, key.public_key()  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()


def _message(token: str, badge: int = 2) -> PushMessage:
    return PushMessage(token=token, title="You earned 42 points", body="Thanks for shopping!",
                       data={"inbox_message_id": "17"}, badge=badge,
                       collapse_key="points-17", ttl_seconds=3600)  # fmt: skip


async def test_fcm_v1_requests_token_exchange_and_error_mapping(service_account):
    account, public_key = service_account
    sender = FcmPushSender(json.dumps(account), app_name="fcm-test-1")
    answers = {
        "tok-ok": httpx.Response(200, json={
            "name": f"projects/{PROJECT}/messages/0:1500415314455276%31bd1c9631bd1c96"}),
        "tok-gone": httpx.Response(404, json=_fcm_error(
            404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.")),
        "tok-quota": httpx.Response(429, headers={"Retry-After": "7"}, json=_fcm_error(
            429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED",
            "Quota exceeded for quota metric 'Send requests'.")),
        "tok-bad": httpx.Response(400, json=_fcm_error(
            400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
            "The registration token is not a valid FCM registration token")),
    }  # fmt: skip
    sent = []

    def fcm(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append((request.headers["Authorization"], body))
        return answers[body["message"]["token"]]

    with respx.mock(assert_all_called=False) as mock:
        mock.post(FCM_URL).mock(side_effect=fcm)
        results = await sender.send([_message(t) for t in answers])

    assert [(r.ok, r.error_code) for r in results] == [
        (True, None), (False, "UNREGISTERED"), (False, "QUOTA_EXCEEDED"),
        (False, "INVALID_TOKEN")]  # fmt: skip
    assert results[0].message_id.endswith("31bd1c96")
    assert results[1].invalid_token and results[3].invalid_token
    assert results[2].retryable and results[2].retry_after == 7.0

    # The OAuth exchange: a JWT-bearer grant signed with the service account's key.
    (grant,) = _TokenServer.seen
    assert grant["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    claims = jwt.decode(grant["assertion"], public_key, algorithms=["RS256"],
                        options={"verify_aud": False})  # fmt: skip
    assert claims["aud"] in (account["token_uri"], "https://oauth2.googleapis.com/token")
    assert claims["iss"] == account["client_email"]
    assert "https://www.googleapis.com/auth/cloud-platform" in claims["scope"].split()

    auth, body = next(s for s in sent if s[1]["message"]["token"] == "tok-ok")
    assert auth == f"Bearer {OAUTH_TOKEN}"
    message = body["message"]
    assert message["notification"] == {"title": "You earned 42 points",
                                       "body": "Thanks for shopping!"}  # fmt: skip
    assert message["data"] == {"inbox_message_id": "17"}
    assert message["android"]["ttl"] == "3600s"
    assert message["android"]["collapse_key"] == "points-17"
    assert message["android"]["priority"] == "high"
    assert message["android"]["notification"]["notification_count"] == 2
    assert message["apns"]["payload"]["aps"] == {"sound": "default", "badge": 2}
    assert message["apns"]["headers"] == {
        "apns-expiration": "3600",
        "apns-collapse-id": "points-17",
    }


async def test_batches_of_at_most_500(service_account, monkeypatch):
    account, _ = service_account
    sender = FcmPushSender(json.dumps(account), app_name="fcm-test-2")
    from firebase_admin import messaging

    sizes = []
    real = messaging.send_each_async

    async def counting(messages, dry_run=False, app=None):
        sizes.append(len(messages))
        return await real(messages, dry_run=dry_run, app=app)

    monkeypatch.setattr(messaging, "send_each_async", counting)
    with respx.mock as mock:
        mock.post(FCM_URL).mock(return_value=httpx.Response(
            200, json={"name": f"projects/{PROJECT}/messages/1"}))  # fmt: skip
        results = await sender.send([_message(f"tok-{i}") for i in range(1101)])
    assert sizes == [500, 500, 101]
    assert all(r.ok for r in results) and len(results) == 1101
