#!/usr/bin/env python3
"""An independent ActivityPub peer for tests, written from the specifications.

Only the standard library (http.server in a thread, json, urllib.request) and
`cryptography` for RSA. It shares no code with Knooppunt, so whatever both
sides agree on is what the protocol says, not what one implementation thinks.

The peer serves, on one loopback address and port:

    /.well-known/webfinger?resource=acct:peer@HOST:PORT   JRD with a `self` link
    /users/peer, /users/other                              Person actors with RSA keys
    /users/NAME/{outbox,followers,following}               empty collections
    /notes/N                                               notes it published (410 once deleted)
    POST /inbox, /users/NAME/inbox                         inboxes that verify every signature

Every POST it receives must carry a valid draft-cavage HTTP signature
(`(request-target) host date digest`, RSA-SHA256, key fetched from the keyId's
actor, Digest SHA-256 of the body, Date at most 12 hours old, keyId owned by
the activity's actor); anything else is answered 401 and recorded in
`failures`. GETs of its documents are checked too, after answering, and
recorded in `gets`. Its own requests are signed as Mastodon signs them.

Used as a library by peer_flow.py; `python peer.py HOST:PORT` runs it alone
(port 0: any free port; the first line printed names it).
"""

import base64
import email.utils
import hashlib
import itertools
import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

AS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
PUBLIC = AS + "#Public"
AP_JSON = "application/activity+json"
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_AGE = 12 * 3600
MAX_AHEAD = 3600
MAX_INBOX_BODY = 8 * 1024 * 1024
TIMEOUT = 20

# No proxies from the environment: everything here is on loopback.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ---------------------------------------------------------------------------
# Keys and HTTP signatures (draft-cavage-http-signatures-12, as Mastodon uses it)
# ---------------------------------------------------------------------------


class Key:
    """An RSA-2048 key pair."""

    def __init__(self):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_pem = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def sign(self, data: bytes) -> str:
        raw = self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()


def http_date(when=None):
    return email.utils.formatdate(when if when is not None else time.time(), usegmt=True)


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def signing_string(method, target, names, header):
    """The string that is signed: one `name: value` line per signed header."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            value = header(name)
            if value is None:
                raise ValueError(f"signed header {name!r} is missing")
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def sign_headers(method, url, body, key, key_id, date=None, digest_of=None, names=None, host=None):
    """Host, Date, Digest (POST) and Signature headers for a request, as Mastodon makes them.

    `date` replaces the current date; `digest_of` computes the Digest over other
    bytes than the body; `names` signs another list of headers; `host` signs
    (and sends) another Host than the URL's (all for negative tests; the
    signature stays valid over what it covers).
    """
    parts = urllib.parse.urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers = {"Host": host or parts.netloc, "Date": date or http_date()}
    signed = ["(request-target)", "host", "date"]
    if body is not None:
        headers["Digest"] = digest(body if digest_of is None else digest_of)
        signed.append("digest")
    names = signed if names is None else list(names)
    lower = {k.lower(): v for k, v in headers.items()}
    text = signing_string(method, target, names, lower.get)
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{key.sign(text.encode())}"'
    )
    return headers


SIGNATURE_PARAM = re.compile(r'([A-Za-z]+)="([^"]*)"')


def parse_signature(value):
    return {k: v for k, v in SIGNATURE_PARAM.findall(value or "")}


class SignatureRefused(Exception):
    pass


def first(value):
    return value[0] if isinstance(value, list) and value else value


def id_of(value):
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("id")
    return None


def ids(value):
    if value is None:
        return []
    if isinstance(value, list):
        return [i for v in value for i in ids(v)]
    one = id_of(value)
    return [one] if one else []


# ---------------------------------------------------------------------------
# The peer
# ---------------------------------------------------------------------------


class Received:
    """One activity that arrived with a valid signature."""

    def __init__(self, path, activity, key_id, signer):
        self.path, self.activity, self.key_id, self.signer = path, activity, key_id, signer
        self.at = time.time()

    @property
    def type(self):
        return first(self.activity.get("type")) if isinstance(self.activity, dict) else None

    def __repr__(self):
        return f"<{self.type} {self.activity.get('id')} from {self.signer} at {self.path}>"


class Peer:
    def __init__(self, host, port=0, name="peer"):
        # Bound here, before anything is named after the port: with port 0 the
        # system picks a free one, and no other process can take it meanwhile.
        self.server = ThreadingHTTPServer((host, int(port)), self.handler())
        self.server.daemon_threads = True
        self.host, self.port = host, self.server.server_address[1]
        self.netloc = f"{host}:{self.port}"
        self.base = f"http://{self.netloc}"
        self.name = name
        self.keys = {name: Key(), "other": Key()}
        self.rogue_key = Key()  # published nowhere: signatures with it must fail
        self.actor_id = self.actor_url(name)
        self.key_id = self.actor_id + "#main-key"
        self.followers = self.actor_id + "/followers"
        self.notes = {}  # path -> document; None once deleted
        self.lock = threading.Lock()
        self.serving = False
        self.received = []  # Received, in arrival order
        self.failures = []  # (method, path, reason): requests refused for their signature
        self.gets = []  # (path, signed by, None or a failure reason)
        self.pending_checks = 0
        self.counter = itertools.count(1)

    # -- documents ----------------------------------------------------------

    def actor_url(self, name):
        return f"{self.base}/users/{name}"

    def new_id(self, kind):
        return f"{self.base}/{kind}/{next(self.counter)}"

    def actor_document(self, name):
        actor = self.actor_url(name)
        return {
            "@context": [AS, SECURITY],
            "id": actor,
            "type": "Person",
            "preferredUsername": name,
            "name": f"Python {name}",
            "summary": "<p>An independent ActivityPub peer for tests</p>",
            "url": actor,
            "inbox": actor + "/inbox",
            "outbox": actor + "/outbox",
            "followers": actor + "/followers",
            "following": actor + "/following",
            "endpoints": {"sharedInbox": self.base + "/inbox"},
            "manuallyApprovesFollowers": False,
            "publicKey": {
                "id": actor + "#main-key",
                "owner": actor,
                "publicKeyPem": self.keys[name].public_pem,
            },
        }

    def publish_note(self, path, document):
        with self.lock:
            self.notes[path] = document

    def delete_note(self, path):
        with self.lock:
            self.notes[path] = None

    # -- serving ------------------------------------------------------------

    def handler(self):
        """The request handler class, serving this peer."""
        peer = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "PythonPeer/1.0"

            def log_message(self, *args):
                pass

            def reply(self, status, body=b"", content_type="application/json"):
                if not isinstance(body, bytes):
                    body = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def header(self, name):
                values = self.headers.get_all(name)
                return ", ".join(v.strip() for v in values) if values else None

            def do_GET(self):
                path = urllib.parse.urlsplit(self.path).path
                # Counted before answering: once the instance has its answer,
                # wait_idle() waits for this check too.
                checked = (path.startswith("/users/") or path.startswith("/notes/")) and peer.begin_check(self.header)
                try:
                    try:
                        status, body, kind = peer.serve_get(self.path)
                    except Exception as error:  # pragma: no cover - a bug in the peer
                        status, body, kind = 500, {"error": repr(error)}, "application/json"
                    self.reply(status, body, kind)
                finally:
                    if checked:
                        peer.check_get(self.path, self.header)

            def do_POST(self):
                path = urllib.parse.urlsplit(self.path).path
                if path not in ("/inbox", f"/users/{peer.name}/inbox", "/users/other/inbox"):
                    return self.reply(404, {"error": "not found"})
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_INBOX_BODY:
                    return self.reply(413, {"error": "too large"})
                body = self.rfile.read(length)
                status, answer = peer.receive(self.path, self.header, body)
                self.reply(status, answer)

        return Handler

    def start(self):
        thread = threading.Thread(target=self.server.serve_forever, name="peer", daemon=True)
        thread.start()
        self.serving = True
        return self

    def stop(self):
        if self.serving:
            self.server.shutdown()
        self.server.server_close()

    def serve_get(self, raw_path):
        parts = urllib.parse.urlsplit(raw_path)
        path, query = parts.path, urllib.parse.parse_qs(parts.query)
        if path == "/.well-known/webfinger":
            resource = (query.get("resource") or [""])[0]
            for name in self.keys:
                if resource in (f"acct:{name}@{self.netloc}", self.actor_url(name)):
                    jrd = {
                        "subject": f"acct:{name}@{self.netloc}",
                        "aliases": [self.actor_url(name)],
                        "links": [{"rel": "self", "type": AP_JSON, "href": self.actor_url(name)}],
                    }
                    return 200, jrd, "application/jrd+json"
            return 404, {"error": "no such account"}, "application/json"
        match = re.fullmatch(r"/users/([a-z]+)(/(outbox|followers|following))?", path)
        if match and match.group(1) in self.keys:
            if not match.group(2):
                return 200, self.actor_document(match.group(1)), AP_JSON
            collection = {
                "@context": AS,
                "id": self.base + path,
                "type": "OrderedCollection",
                "totalItems": 0,
                "orderedItems": [],
            }
            return 200, collection, AP_JSON
        with self.lock:
            if path in self.notes:
                note = self.notes[path]
                if note is None:
                    gone = {"@context": AS, "id": self.base + path, "type": "Tombstone"}
                    return 410, gone, AP_JSON
                return 200, note, AP_JSON
        return 404, {"error": "not found"}, "application/json"

    # -- verifying ----------------------------------------------------------

    def verify(self, method, target, header, body):
        """Checks a request's signature; returns (keyId, the key's owner) or raises SignatureRefused."""
        raw = header("Signature")
        if not raw:
            raise SignatureRefused("no Signature header")
        params = parse_signature(raw)
        key_id, signature = params.get("keyId"), params.get("signature")
        if not key_id or not signature:
            raise SignatureRefused(f"Signature header without keyId or signature: {raw!r}")
        algorithm = params.get("algorithm", "hs2019").lower()
        if algorithm not in ("rsa-sha256", "hs2019"):
            raise SignatureRefused(f"algorithm {algorithm!r}")
        names = params.get("headers", "date").lower().split()
        needed = ["(request-target)", "host", "date"] + (["digest"] if body is not None else [])
        missing = [n for n in needed if n not in names]
        if missing:
            raise SignatureRefused(f"headers {missing} not signed (signed: {names})")
        date = header("Date")
        try:
            sent = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            raise SignatureRefused(f"unreadable Date {date!r}")
        now = time.time()
        if sent < now - MAX_AGE or sent > now + MAX_AHEAD:
            raise SignatureRefused(f"Date {date!r} out of range")
        if body is not None:
            given = [d.strip() for d in (header("Digest") or "").split(",")]
            sha = [d.split("=", 1)[1] for d in given if d.lower().startswith("sha-256=")]
            if not sha:
                raise SignatureRefused(f"no SHA-256 Digest: {header('Digest')!r}")
            if sha[0] != digest(body).split("=", 1)[1]:
                raise SignatureRefused("Digest does not match the body")
        owner_url = key_id.split("#", 1)[0]
        try:
            status, actor = self.fetch(owner_url)
        except Exception as error:
            raise SignatureRefused(f"cannot fetch {owner_url}: {error!r}")
        if status != 200 or not isinstance(actor, dict):
            raise SignatureRefused(f"fetching {owner_url} answered {status}")
        if actor.get("id") != owner_url:
            raise SignatureRefused(f"{owner_url} serves an actor with id {actor.get('id')!r}")
        keys = actor.get("publicKey")
        keys = keys if isinstance(keys, list) else [keys]
        key = next((k for k in keys if isinstance(k, dict) and k.get("id") == key_id), None)
        if key is None:
            raise SignatureRefused(f"{owner_url} has no key {key_id}")
        if key.get("owner") != actor["id"]:
            raise SignatureRefused(f"key {key_id} is owned by {key.get('owner')!r}")
        try:
            public = serialization.load_pem_public_key(key["publicKeyPem"].encode())
            text = signing_string(method, target, names, header)
            public.verify(base64.b64decode(signature), text.encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise SignatureRefused(f"the RSA-SHA256 signature does not verify with {key_id}")
        except (ValueError, KeyError, TypeError) as error:
            raise SignatureRefused(f"cannot verify: {error!r}")
        return key_id, actor["id"]

    def receive(self, target, header, body):
        path = urllib.parse.urlsplit(target).path
        try:
            key_id, signer = self.verify("POST", target, header, body)
            activity = json.loads(body)
            if not isinstance(activity, dict):
                raise SignatureRefused("the body is not a JSON object")
            if id_of(activity.get("actor")) != signer:
                raise SignatureRefused(f"signed by {signer} but the actor is {activity.get('actor')!r}")
        except (SignatureRefused, ValueError) as error:
            with self.lock:
                self.failures.append(("POST", path, str(error)))
            return 401, {"error": str(error)}
        with self.lock:
            self.received.append(Received(path, activity, key_id, signer))
        return 202, {}

    def begin_check(self, header):
        """Whether a GET of our documents is to be checked; if so, counts it as pending.

        GETs signed by the peer itself are not checked: checking one fetches
        the peer's own actor with a signed GET, which would be checked again.
        """
        key_id = parse_signature(header("Signature")).get("keyId", "")
        if key_id.startswith(self.base + "/"):
            return False
        with self.lock:
            self.pending_checks += 1
        return True

    def check_get(self, target, header):
        """Records whether a GET counted by begin_check was validly signed (checked after answering)."""
        path = urllib.parse.urlsplit(target).path
        outcome = (path, None, "the check itself failed")
        try:
            _, signer = self.verify("GET", target, header, None)
            outcome = (path, signer, None)
        except SignatureRefused as error:
            outcome = (path, None, str(error))
        finally:
            with self.lock:
                self.gets.append(outcome)
                self.pending_checks -= 1

    # -- waiting ------------------------------------------------------------

    def wait_for(self, predicate, timeout=15.0):
        """The first received activity matching `predicate`, waiting at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                for item in self.received:
                    try:
                        if predicate(item):
                            return item
                    except (KeyError, TypeError, AttributeError):
                        continue
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def wait_idle(self, timeout=15.0):
        """Waits until no GET signature check is running; False if one still is after `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.pending_checks == 0:
                    return True
            time.sleep(0.05)
        return False

    # -- sending ------------------------------------------------------------

    def fetch(self, url, accept=ACCEPT):
        """A signed GET; returns (status, parsed JSON or text)."""
        headers = sign_headers("GET", url, None, self.keys[self.name], self.key_id)
        headers["Accept"] = accept
        return request("GET", url, headers)

    def post(self, url, activity, key=None, key_id=None, signed=True, date=None, digest_of=None,
             names=None, host=None):
        """POSTs an activity (a dict, or bytes as they are), signed as Mastodon signs.

        `key`/`key_id` sign with another key or key id; `signed=False` leaves the
        Signature header out (Date and Digest stay); `names` signs other headers
        than `(request-target) host date digest`; `host` signs and sends another
        Host header. Returns (status, answer).
        """
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        headers = sign_headers(
            "POST", url, body, key or self.keys[self.name], key_id or self.key_id,
            date=date, digest_of=digest_of, names=names, host=host,
        )
        if not signed:
            del headers["Signature"]
        headers["Content-Type"] = AP_JSON
        headers["Accept"] = ACCEPT
        return request("POST", url, headers, body)

    def post_raw(self, url, activity, timeout=TIMEOUT):
        """A signed POST over a plain socket, for bodies a server may refuse before reading.

        Returns the status code of the answer (None if none came).
        """
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        headers = sign_headers("POST", url, body, self.keys[self.name], self.key_id)
        headers["Content-Type"] = AP_JSON
        headers["Content-Length"] = str(len(body))
        headers["Connection"] = "close"
        parts = urllib.parse.urlsplit(url)
        head = f"POST {parts.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        answer = b""
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
            try:
                sock.sendall(head.encode())
                for start in range(0, len(body), 65536):
                    sock.sendall(body[start:start + 65536])
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered early and closed: read what it said
            try:
                while b"\r\n" not in answer:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
            except (ConnectionResetError, socket.timeout):
                pass
        match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
        return int(match.group(1)) if match else None


def request(method, url, headers, body=None):
    """An HTTP request through urllib; returns (status, JSON or text) for any status."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with OPENER.open(req, timeout=TIMEOUT) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":  # pragma: no cover - manual use
    host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.5:0").rpartition(":")
    peer = Peer(host, int(port)).start()
    print(f"peer at {peer.actor_id}; Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        peer.stop()
