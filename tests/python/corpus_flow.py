#!/usr/bin/env python3
"""Feed real-world payloads and hostile ones to a running instance's inbox.

The corpus is the PyPI package `fediverse-pasture-inputs` (0.3.0): for every
example of every input it builds the object the way the fediverse pasture does
(`fediverse_pasture.runner.ActivitySender.init_create_note` and `send`): a Note
skeleton `{type, attributedTo, to: [Public], id, published}` on the peer,
updated with the example's fields, the recipient (the local person) appended
to `to`, wrapped in a Create whose `@context` is the object's (if it has the
key) or `[ActivityStreams, {Hashtag, sensitive}]`. The object is also served
by the peer at its id. The Create is POSTed, signed by the peer of peer.py as
Mastodon signs, to the instance's shared inbox (`/inbox`).

So that nothing leaves loopback, URLs are rewritten before sending:

    http://pasture-one-actor/actor                 the peer's actor (the pasture's sender)
    http://pasture-one-actor/second                the peer's second actor (/users/other)
    http://pasture-one-actor/assets/noteN.jsonap   notes served by the peer
    any other http(s) URL not on the peer or the   http://127.0.0.9:9/PATH (a closed port)
    instance

Not rewritten: `@context` values, `rel` values (link relation IRIs) and the
ActivityStreams namespace (`...activitystreams#Public`): identifiers, never
fetched. Every answer must be a 2xx or a 4xx: never a 5xx, a timeout (30 s)
or a dropped connection. Stored notes, read back through the public timeline,
must carry nothing that runs script (see `unclean`).

Then hand-made hostile cases, each validly signed (10 MB body, 10 000-deep
JSON, script tags and `javascript:` URLs, ids on 127.0.0.1 and
169.254.169.254, NUL characters, lone surrogates, ...). Environment:

    KP_BASE_URL      e.g. http://127.0.0.2:41234
    KP_PERSON_NAME   a local person (the recipient, as the pasture's target)
    KP_PEER_HOST     the address the peer listens on, e.g. 127.0.0.10 (any free port)

Prints a table (input, example, status) and exits 0 only if every expectation
held; 1 otherwise, 2 for a bad environment.
"""

import copy
import importlib.util
import json
import os
import re
import secrets
import socket
import sys
import time
import types
import urllib.error
import urllib.parse
from html.parser import HTMLParser
from http.client import HTTPException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import peer as peerlib
    from peer import AS, PUBLIC, Peer, id_of, now_iso, request
except ImportError as error:  # pragma: no cover - environment problem
    print(f"FAIL setup: cannot import peer.py ({error}); install tests/python/requirements.txt")
    sys.exit(2)

CORPUS_VERSION = "0.3.0"
CLIENT_TIMEOUT = 30
peerlib.TIMEOUT = CLIENT_TIMEOUT  # peer.request() reads it at every call
CLOSED = "http://127.0.0.9:9"
NOTE_LIKE = {"Note", "Article", "Page", "Question"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
SCRIPT_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
               "style", "svg", "math", "form", "template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster", "background",
                  "cite", "dynsrc", "lowsrc", "ping"}
# Fields of the client API that carry (sanitised) HTML or user text.
TEXT_FIELDS = {"content", "spoiler_text", "description", "note", "display_name", "title", "text"}
URL = re.compile(r"(?i)\b(https?)://([^/\s'\"<>?#]*)([^\s'\"<>]*)")
CHECK_EVERY = 10  # stored note-like objects between two looks at the public timeline


def short(value, limit=160):
    text = value if isinstance(value, str) else json.dumps(value, default=repr, ensure_ascii=False)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def load_corpus():
    """`fediverse_pasture_inputs.available`, read from the installed package.

    The package's `types` module imports `fediverse_pasture.runner.entry.Entry`
    for type hints only; that package pins `cryptography<46` (through bovine),
    which cannot be installed next to the suite's `cryptography`. When it is
    absent, a stand-in module is provided so the inputs can be read.
    """
    if importlib.util.find_spec("fediverse_pasture_inputs") is None:
        print(f"FAIL setup: the corpus package is not installed; run\n"
              f"  {sys.executable} -m pip install --no-deps fediverse-pasture-inputs=={CORPUS_VERSION}")
        sys.exit(2)
    stubbed = False
    if importlib.util.find_spec("fediverse_pasture") is None:
        for name in ("fediverse_pasture", "fediverse_pasture.runner", "fediverse_pasture.runner.entry"):
            sys.modules[name] = types.ModuleType(name)

        class Entry:  # the type the inputs' support tables are computed from; unused here
            pass

        sys.modules["fediverse_pasture.runner.entry"].Entry = Entry
        stubbed = True
    from fediverse_pasture_inputs import available
    from fediverse_pasture_inputs.version import __version__

    if __version__ != CORPUS_VERSION:
        print(f"FAIL setup: fediverse-pasture-inputs {__version__} is installed, {CORPUS_VERSION} expected")
        sys.exit(2)
    return available, __version__, stubbed


class Rewriter:
    """Moves every URL of a payload onto the peer or a closed loopback port."""

    def __init__(self, peer, instance_netloc):
        self.local = {peer.netloc.lower(), instance_netloc.lower()}
        self.mapped = {
            "http://pasture-one-actor/actor": peer.actor_id,
            "http://pasture-one-actor/second": peer.actor_url("other"),
            "http://pasture-one-actor/assets/note1.jsonap": peer.base + "/notes/pasture-note1",
            "http://pasture-one-actor/assets/note2.jsonap": peer.base + "/notes/pasture-note2",
        }

    def url(self, match):
        whole = match.group(0)
        if whole in self.mapped:
            return self.mapped[whole]
        if whole.startswith(AS):
            return whole
        if match.group(2).lower() in self.local:
            return whole
        return CLOSED + (match.group(3) or "/")

    def __call__(self, value, key=None):
        if key in ("@context", "rel"):
            return copy.deepcopy(value)
        if isinstance(value, dict):
            return {k: self(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v, key) for v in value]
        if isinstance(value, str):
            return URL.sub(self.url, value)
        return value


def foreign_urls(value, rewriter, key=None):
    """URLs left in a payload that point off loopback (must be none)."""
    if key in ("@context", "rel"):
        return []
    if isinstance(value, dict):
        return [u for k, v in value.items() for u in foreign_urls(v, rewriter, k)]
    if isinstance(value, list):
        return [u for v in value for u in foreign_urls(v, rewriter, key)]
    if isinstance(value, str):
        return [m.group(0) for m in URL.finditer(value)
                if not m.group(0).startswith(AS) and m.group(2).lower() not in rewriter.local
                and not m.group(0).startswith(CLOSED)]
    return []


def types_of(obj):
    kind = obj.get("type") if isinstance(obj, dict) else None
    return set(kind) if isinstance(kind, list) else ({kind} if isinstance(kind, str) else set())


# ---------------------------------------------------------------------------
# Sending and reading back
# ---------------------------------------------------------------------------


class Run:
    def __init__(self, base, person, peer_host):
        self.base = base.rstrip("/")
        self.domain = urllib.parse.urlsplit(self.base).netloc
        self.inbox = self.base + "/inbox"
        self.person = person
        self.peer = Peer(peer_host)
        self.rewrite = Rewriter(self.peer, self.domain)
        self.rows = []  # (input, example, status text, ok, detail)
        self.problems = []  # every broken expectation, in words
        self.stored_uris = {}  # note-like objects answered 2xx: uri -> (input, example)
        self.seen_uris = set()
        self.unchecked = 0
        self.timeline_checks = 0

    # -- plumbing -----------------------------------------------------------

    def post(self, activity, raw=False):
        """POSTs signed to the shared inbox; returns (status or None, answer, seconds, failure)."""
        started = time.monotonic()
        try:
            if raw:
                status = self.peer.post_raw(self.inbox, activity, timeout=CLIENT_TIMEOUT)
                answer = None
            else:
                status, answer = self.peer.post(self.inbox, activity)
        except (TimeoutError, socket.timeout) as error:
            return None, None, time.monotonic() - started, f"timeout after {CLIENT_TIMEOUT} s ({error!r})"
        except urllib.error.URLError as error:
            kind = "timeout" if isinstance(error.reason, (TimeoutError, socket.timeout)) else "dropped connection"
            return None, None, time.monotonic() - started, f"{kind}: {error.reason!r}"
        except (HTTPException, ConnectionError, OSError) as error:
            return None, None, time.monotonic() - started, f"dropped connection: {error!r}"
        took = time.monotonic() - started
        if status is None:
            return None, answer, took, "no HTTP answer (connection closed without a status line)"
        return status, answer, took, None

    def person_actor(self):
        query = urllib.parse.urlencode({"resource": f"acct:{self.person}@{self.domain}"})
        status, jrd = request("GET", f"{self.base}/.well-known/webfinger?{query}", {"Accept": "application/jrd+json"})
        if status != 200 or not isinstance(jrd, dict):
            raise SystemExit(f"FAIL setup: WebFinger of {self.person} answered {status}: {short(jrd)}")
        for link in jrd.get("links", []):
            if link.get("rel") == "self" and "json" in (link.get("type") or ""):
                return link["href"]
        raise SystemExit(f"FAIL setup: no self link for {self.person}: {short(jrd)}")

    def timeline(self):
        status, statuses = request("GET", self.base + "/api/v1/timelines/public?limit=40",
                                   {"Accept": "application/json"})
        if status != 200 or not isinstance(statuses, list):
            self.problems.append(f"GET /api/v1/timelines/public answered {status}: {short(statuses)}")
            return []
        return statuses

    def check_timeline(self):
        """Reads the public timeline; every status in it must be clean."""
        self.timeline_checks += 1
        self.unchecked = 0
        statuses = self.timeline()
        for s in statuses:
            for item in (s, s.get("reblog")):
                if not isinstance(item, dict):
                    continue
                self.seen_uris.add(item.get("uri"))
                for problem in unclean(item):
                    origin = self.stored_uris.get(item.get("uri"), ("?", "?"))
                    text = f"stored status {item.get('uri')} ({origin[0]} #{origin[1]}): {problem}"
                    if text not in self.problems:
                        self.problems.append(text)
        return statuses

    def find_status(self, uri):
        for s in self.check_timeline():
            if s.get("uri") == uri:
                return s
        return None

    def record(self, name, index, status, failure, answer, took, allowed):
        if failure:
            ok, text = False, failure
        elif status >= 500:
            ok, text = False, f"{status} (server error)"
        elif allowed is not None and status not in allowed:
            ok, text = False, f"{status}, expected {' or '.join(map(str, sorted(allowed)))}"
        elif 200 <= status < 300 or 400 <= status < 500:
            ok, text = True, str(status)
        else:
            ok, text = False, f"{status} (neither 2xx nor 4xx)"
        detail = ""
        if isinstance(answer, dict) and answer.get("error"):
            detail = short(answer["error"], 110)
        elif answer:
            detail = short(answer, 110)
        detail += f" [{took:.2f} s]"
        self.rows.append((name, index, text, ok, detail))
        if not ok:
            self.problems.append(f"{name} #{index}: {text}; answer {short(answer, 300)}")
        return ok

    # -- the corpus ---------------------------------------------------------

    def publish_pasture_notes(self):
        for n, text in (("1", "One"), ("2", "Two")):
            path = f"/notes/pasture-note{n}"
            self.peer.publish_note(path, {
                "@context": AS, "id": self.peer.base + path, "type": "Note",
                "attributedTo": self.peer.actor_id, "to": [PUBLIC], "content": text,
                "published": "2024-01-06T13:11:45Z",
            })

    def pasture_activity(self, example, serial):
        """The Create the pasture sends for `example` (see the module docstring)."""
        path = f"/notes/pasture-{serial}"
        note = {"type": "Note", "attributedTo": self.peer.actor_id, "to": [PUBLIC],
                "id": self.peer.base + path, "published": now_iso()}
        note = {**note, **self.rewrite(example)}
        to = note.get("to")
        note["to"] = (to if isinstance(to, list) else [to]) + [self.person_id]
        create = {"type": "Create", "actor": self.peer.actor_id, "to": list(note["to"]),
                  "id": self.peer.new_id("activities"), "published": now_iso(), "object": note}
        if "cc" in note:
            create["cc"] = note["cc"]
        if "@context" in note:
            create = {"@context": note["@context"], **create}
        else:
            create = {"@context": [AS, {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}], **create}
        if isinstance(note.get("id"), str) and note["id"].startswith(self.peer.base + "/"):
            served = dict(note)
            served.setdefault("@context", [AS, {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}])
            self.peer.publish_note(urllib.parse.urlsplit(note["id"]).path, served)
        return create

    def run_corpus(self, available):
        serial = 0
        for name in sorted(available):
            for index, example in enumerate(available[name].examples):
                serial += 1
                activity = self.pasture_activity(example, serial)
                leaks = foreign_urls(activity, self.rewrite)
                if leaks:
                    self.problems.append(f"{name} #{index}: not sent, URLs off loopback left: {leaks}")
                    self.rows.append((name, index, "not sent", False, f"URLs off loopback: {leaks}"))
                    continue
                status, answer, took, failure = self.post(activity)
                if self.record(name, index, status, failure, answer, took, None) and 200 <= status < 300:
                    obj = activity["object"]
                    if types_of(obj) & NOTE_LIKE and isinstance(obj.get("id"), str):
                        self.stored_uris[obj["id"]] = (name, index)
                        self.unchecked += 1
                        if self.unchecked >= CHECK_EVERY:
                            self.check_timeline()
        self.check_timeline()

    # -- hostile cases ------------------------------------------------------

    def note(self, **fields):
        path = f"/notes/hostile-{next(self.peer.counter)}"
        doc = {"@context": AS, "id": self.peer.base + path, "type": "Note",
               "attributedTo": self.peer.actor_id, "to": [PUBLIC], "cc": [self.person_id],
               "published": now_iso(), "content": "<p>hallo</p>"}
        doc.update(fields)
        self.peer.publish_note(path, doc)
        return doc

    def create(self, obj, kind="Create"):
        return {"@context": AS, "id": self.peer.new_id("activities"), "type": kind,
                "actor": self.peer.actor_id, "to": [PUBLIC], "cc": [self.person_id],
                "published": now_iso(), "object": obj}

    def wrap_raw(self, object_text):
        """A signed-able Create whose object is raw JSON text (for nesting no dumper writes)."""
        head = json.dumps({"@context": AS, "id": self.peer.new_id("activities"), "type": "Create",
                           "actor": self.peer.actor_id, "to": [PUBLIC]})
        return (head[:-1] + ', "object": ' + object_text + "}").encode()

    def hostile(self, label, payload, allowed, raw=False, then=None):
        status, answer, took, failure = self.post(payload, raw=raw)
        ok = self.record("hostile", label, status, failure, answer, took, allowed)
        obj = payload.get("object") if isinstance(payload, dict) else None
        if ok and 200 <= status < 300 and isinstance(obj, dict) and isinstance(obj.get("id"), str):
            self.stored_uris[obj["id"]] = ("hostile", label)
        if ok and then is not None and 200 <= status < 300:
            try:
                then()
            except AssertionError as error:
                self.problems.append(f"hostile {label}: {error}")
                name, index, text, _, detail = self.rows[-1]
                self.rows[-1] = (name, index, text + " but", False, str(error))

    def expect_clean(self, uri, must_contain):
        def check():
            s = self.find_status(uri)
            assert s is not None, f"{uri} answered 2xx but is not in the public timeline"
            bad = unclean(s)
            assert not bad, f"stored status is not clean: {bad}; content {short(s.get('content'), 400)}"
            assert must_contain in (s.get("content") or ""), \
                f"stored content lost the harmless text {must_contain!r}: {short(s.get('content'), 400)}"
            name, index, text, ok, detail = self.rows[-1]
            self.rows[-1] = (name, index, text, ok, detail + f" stored: {short(s.get('content'), 600)}")
        return check

    def expect_clean_if_stored(self, uri):
        def check():
            s = self.find_status(uri)
            if s is not None:
                bad = unclean(s)
                assert not bad, f"stored status is not clean: {bad}; {short(s, 600)}"
        return check

    def run_hostile(self):
        two_or_four = set(range(200, 300)) | set(range(400, 500))
        four = set(range(400, 500))

        big = self.note(content="<p>" + "x" * (10 * 1024 * 1024) + "</p>")
        self.hostile("10 MB body", self.create(big), {413}, raw=True)

        deep = 10_000
        self.hostile("object: 10 000-deep array", self.wrap_raw("[" * deep + "]" * deep), {400})
        self.hostile("object: 10 000-deep object", self.wrap_raw('{"a":' * deep + "1" + "}" * deep), {400})
        self.hostile("body: 10 000-deep array", ("[" * deep + "]" * deep).encode(), {400})
        self.hostile("body: 10 000-deep object", ('{"a":' * deep + "1" + "}" * deep).encode(), {400})

        xss = ('<p>hallo</p><script>alert(1)</script><a href="javascript:alert(1)">klik</a>'
               '<img src=x onerror=y><b onclick="alert(1)">vet</b>'
               '<a href="JaVaScRiPt:alert(2)">twee</a><a href=" javascript:alert(3)">drie</a>'
               '<a href="&#106;avascript:alert(4)">vier</a><svg onload=alert(5)></svg>'
               '<iframe src="javascript:alert(6)"></iframe><style>*{}</style>'
               '<SCRIPT SRC=http://127.0.0.9:9/x.js></SCRIPT><p onmouseover="alert(7)">muis</p>')
        doc = self.note(content=xss, summary=xss, name=xss)
        self.hostile("script/javascript:/onerror in content, summary, name (Note)", self.create(doc),
                     set(range(200, 300)), then=self.expect_clean(doc["id"], "hallo"))

        article = self.note(type="Article", content=xss, summary=xss, name=xss, url="javascript:alert(1)")
        self.hostile("the same in an Article, url javascript:", self.create(article),
                     set(range(200, 300)), then=self.expect_clean(article["id"], "hallo"))

        links = self.note(
            content="<p>hallo links</p>",
            url="javascript:alert(1)",
            attachment=[
                {"type": "Image", "mediaType": "image/png", "url": "javascript:alert(1)", "name": "<script>x</script>"},
                {"type": "Document", "url": {"type": "Link", "href": "javascript:alert(2)"}},
                {"type": "Image", "url": [{"type": "Link", "href": "JAVASCRIPT:alert(3)"}]},
                {"type": "Image", "url": "data:text/html,<script>alert(4)</script>"},
                {"type": "Document", "url": " javascript:alert(5)"},
            ],
            tag=[{"type": "Hashtag", "name": "#xss", "href": "javascript:alert(6)"},
                 {"type": "Mention", "name": "@x", "href": "javascript:alert(7)"}],
            icon={"type": "Image", "url": "javascript:alert(8)"},
        )
        self.hostile("javascript: URLs in url, attachments, tags", self.create(links), two_or_four,
                     then=self.expect_clean_if_stored(links["id"]))

        self.hostile("Create of object id http://127.0.0.1:9/x (string)",
                     self.create("http://127.0.0.1:9/x"), four)
        self.hostile("Create of object id http://169.254.169.254/latest/meta-data (string)",
                     self.create("http://169.254.169.254/latest/meta-data"), four)
        self.hostile("Update of object id http://169.254.169.254/latest/meta-data (string)",
                     self.create("http://169.254.169.254/latest/meta-data", kind="Update"), four)
        self.hostile("Like of http://169.254.169.254/latest/meta-data",
                     self.create("http://169.254.169.254/latest/meta-data", kind="Like"), two_or_four)
        # The test instance allows private addresses (the peer is on loopback), so these
        # are fetched: from a closed loopback port. The guard itself is tested in Rust.
        self.hostile("Announce of http://127.0.0.1:9/x", self.create("http://127.0.0.1:9/x", kind="Announce"),
                     two_or_four)
        reply = self.note(inReplyTo="http://127.0.0.1:9/x")
        self.hostile("Note in reply to http://127.0.0.1:9/x", self.create(reply), two_or_four,
                     then=self.expect_clean_if_stored(reply["id"]))

        # Beyond the issue's list: shapes that break databases or parsers.
        nul = self.note(content="<p>hallo\u0000nul</p>", summary="a\u0000b")
        self.hostile("NUL characters in content and summary", self.create(nul), two_or_four,
                     then=self.expect_clean_if_stored(nul["id"]))
        surrogate = self.note()
        text = json.dumps(self.create(surrogate)).replace("<p>hallo</p>", "<p>hallo \\ud800 eenzaam</p>")
        self.hostile("a lone surrogate (\\ud800) in content", text.encode(), two_or_four)
        huge = self.note()
        text = json.dumps(self.create(huge)).replace('"type": "Note"', '"type": "Note", "width": 1e999999')
        self.hostile("a number 1e999999", text.encode(), two_or_four)
        self.hostile("invalid UTF-8", json.dumps(self.create(self.note())).encode().replace(
            b"hallo", b"hal\xff\xfelo"), four)
        self.hostile("empty body", b"", four)
        self.hostile("type is an object, actor a list",
                     {**self.create(self.note()), "type": {"a": 1}, "actor": [self.peer.actor_id] * 2}, two_or_four)
        tags = self.note(tag=[{"type": "Hashtag", "name": f"#t{i}"} for i in range(10_000)])
        self.hostile("10 000 distinct hashtags", self.create(tags), two_or_four)
        mentions = self.note(tag=[{"type": "Mention", "href": f"{CLOSED}/users/u{i}", "name": f"@u{i}"}
                                  for i in range(5_000)])
        self.hostile("5 000 mentions of unknown actors", self.create(mentions), two_or_four)
        many = self.note(attachment=[{"type": "Image", "url": f"{CLOSED}/m/{i}.png"} for i in range(1_000)])
        self.hostile("1 000 attachments", self.create(many), two_or_four)
        long_tag = self.note(tag=[{"type": "Hashtag", "name": "#" + "a" * 100_000}])
        self.hostile("a 100 000-character hashtag", self.create(long_tag), two_or_four)

        # Text PostgreSQL cannot store (NUL) and values too long for an index entry
        # (random, so compression cannot shrink them), in the fields that are stored
        # or looked up as they are.
        for label, damage in self.raw_field_damage():
            for what, bad in (("NUL", lambda v: v + "\u0000x"), ("100 000 random characters", lambda v: v + "/" + secrets.token_hex(50_000))):
                activity = damage(bad)
                self.hostile(f"{what} in {label}", activity, two_or_four,
                             then=self.expect_clean_if_stored(id_of(activity.get("object")) or ""))
        self.check_timeline()

    def raw_field_damage(self):
        """(field, function of a value-spoiler giving an activity with that field spoilt)."""
        def note_with(**fields):
            return lambda bad: self.create(self.note(**{k: v(bad) for k, v in fields.items()}))

        def with_object_id(bad):
            doc = self.note()
            doc["id"] = bad(doc["id"])
            return self.create(doc)

        def with_activity_id(bad):
            activity = self.create(self.note())
            activity["id"] = bad(activity["id"])
            return activity

        return [
            ("the activity id", with_activity_id),
            ("the object id", with_object_id),
            ("the object url", note_with(url=lambda b: b(self.peer.base + "/web/1"))),
            ("inReplyTo", note_with(inReplyTo=lambda b: b(self.peer.base + "/notes/missing"))),
            ("an attachment url", note_with(attachment=lambda b: [{"type": "Image", "url": b(CLOSED + "/a.png")}])),
            ("an attachment mediaType",
             note_with(attachment=lambda b: [{"type": "Image", "mediaType": b("image/png"), "url": CLOSED + "/a.png"}])),
            ("an attachment name",
             note_with(attachment=lambda b: [{"type": "Image", "name": b("cow"), "url": CLOSED + "/a.png"}])),
            ("a Mention href", note_with(tag=lambda b: [{"type": "Mention", "href": b(self.person_id), "name": "@x"}])),
            ("a Hashtag name", note_with(tag=lambda b: [{"type": "Hashtag", "name": b("#koe")}])),
            ("a Like's object", lambda b: self.create(b(self.peer.base + "/notes/1"), kind="Like")),
            ("a Follow's object", lambda b: self.create(b(self.person_id), kind="Follow")),
            ("an Undo's object", lambda b: self.create(b(self.peer.base + "/follows/1"), kind="Undo")),
            ("a Delete's object", lambda b: self.create(b(self.peer.base + "/notes/1"), kind="Delete")),
        ]


class Markup(HTMLParser):
    """What in a piece of HTML could run script, as a browser would parse it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in SCRIPT_TAGS:
            self.found.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event handler {name}= on <{tag}>")
            # Browsers drop whitespace and control characters from URLs before reading the scheme.
            bare = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and bare.startswith(BAD_SCHEMES + ("data:",)):
                self.found.append(f"<{tag} {name}={short(value, 60)!r}>")


def unclean(status):
    """What in a client-API status could run script.

    Text fields (content, spoiler_text, media descriptions, ...) are parsed as
    HTML: no script-capable element, no `on*=` attribute (onerror=, onclick=,
    ...), no `javascript:`/`vbscript:`/`data:` URL in an attribute, and no
    `<script` in the text at all. `javascript:` or `onerror=` as escaped text
    (`&lt;a href="javascript:..."&gt;`) is words, not markup, and passes. Any
    field whose whole value is a script URL (url, remote_url, preview_url,
    href, ...) fails.
    """
    found = []

    def walk(value, key):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            if key in TEXT_FIELDS:
                parser = Markup()
                parser.feed(value)
                parser.close()
                found.extend(f"{key} has {f}" for f in parser.found)
                if "<script" in value.lower():
                    found.append(f"{key} contains '<script'")
            if re.sub(r"[\x00-\x20]", "", value).lower().startswith(BAD_SCHEMES):
                found.append(f"{key} is a script URL: {short(value, 80)}")

    walk(status, None)
    return found


def main():
    def env(name):
        value = os.environ.get(name, "")
        if not value:
            print(f"FAIL setup: environment variable {name} is not set")
            sys.exit(2)
        return value

    try:
        run = Run(env("KP_BASE_URL"), env("KP_PERSON_NAME"), env("KP_PEER_HOST"))
    except OSError as error:
        print(f"FAIL setup: cannot listen on {env('KP_PEER_HOST')}: {error}")
        return 2
    available, version, stubbed = load_corpus()
    run.peer.start()
    try:
        run.person_id = run.person_actor()
        run.publish_pasture_notes()
        count = sum(len(d.examples) for d in available.values())
        print(f"peer {run.peer.actor_id} -> {run.inbox}; fediverse-pasture-inputs {version}: "
              f"{len(available)} inputs, {count} examples"
              + (" (fediverse_pasture stood in for: not installed)" if stubbed else ""), flush=True)
        started = time.monotonic()
        run.run_corpus(available)
        corpus_rows = len(run.rows)
        corpus_took = time.monotonic() - started
        run.run_hostile()
        if not run.peer.wait_idle(15.0):
            with run.peer.lock:
                pending = run.peer.pending_checks
            run.problems.append(f"{pending} signature check(s) of GETs still running after 15 s")
        with run.peer.lock:
            bad_gets = [g for g in run.peer.gets if g[2] is not None]
            bad_posts = list(run.peer.failures)
            gets = len(run.peer.gets)
        if bad_gets:
            run.problems.append(f"the instance fetched peer documents without a valid signature: {bad_gets[:5]}")
        if bad_posts:
            run.problems.append(f"the instance POSTed to the peer without a valid signature: {bad_posts[:5]}")
    finally:
        run.peer.stop()

    print(f"\n{'input':<28} {'example':<62} status")
    for name, index, text, ok, detail in run.rows:
        mark = "" if ok else "   <-- FAIL"
        print(f"{name:<28} {str(index):<62} {text:<6} {detail}{mark}")
    corpus = run.rows[:corpus_rows]
    hostile = run.rows[corpus_rows:]

    def tally(rows):
        codes = {}
        for _, _, text, _, _ in rows:
            key = text.split()[0] if text and text[0].isdigit() else "failed"
            key = key[0] + "xx" if key[0].isdigit() else key
            codes[key] = codes.get(key, 0) + 1
        return ", ".join(f"{k}: {v}" for k, v in sorted(codes.items()))

    stored = len(run.stored_uris)
    seen = len([u for u in run.stored_uris if u in run.seen_uris])
    print(f"\ncorpus: {len(corpus)} payloads in {corpus_took:.1f} s ({tally(corpus)})")
    print(f"hostile: {len(hostile)} payloads ({tally(hostile)})")
    print(f"public timeline read {run.timeline_checks} times; {seen} of {stored} note-like objects answered 2xx "
          f"were seen there and checked; the peer's documents were fetched {gets} times")
    missing = [f"{n} #{i}" for u, (n, i) in run.stored_uris.items() if u not in run.seen_uris]
    if missing:
        print(f"answered 2xx but not seen in the public timeline (not a failure): {', '.join(missing)}")
    if run.problems:
        print(f"\n{len(run.problems)} problem(s):")
        for p in run.problems:
            print(f"FAIL {p}")
        return 1
    print("\nall expectations held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
