#!/usr/bin/env python3
"""A resident on a Mastodon-shaped server follows only the neighbourhood.

Runs the independent peer of peer.py and plays what a Mastodon server does
for one of its users who follows `@NEIGHBOURHOOD@instance` and nothing else:
every new plan and event must arrive (through the neighbourhood's Announce),
readable as Mastodon shows Page and Event (name, summary or content, a link
to a web page); a plan's state change arrives as an Update; the user's
favourite of a plan counts as one support, their reply as a comment, and a
Join of an event (as Mobilizon sends it) is accepted. Every activity from
the instance must carry a valid signature. Environment:

    KP_BASE_URL                       e.g. http://127.0.0.2:41234
    KP_PERSON_NAME, KP_PERSON_TOKEN   a local person and a bearer token of theirs
    KP_NEIGHBOURHOOD                  the neighbourhood actor's name
    KP_PEER_HOST                      the address the peer listens on, e.g. 127.0.0.5
                                      (on a port the system picks)

Prints one line per step; exits 0 only when every step passed.
"""

import json
import os
import sys
import time
import urllib.parse
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    from peer import AS, PUBLIC, Peer, id_of, ids, now_iso, request
except ImportError as error:  # pragma: no cover - environment problem
    print(f"FAIL setup: cannot import peer.py ({error})")
    sys.exit(2)

WAIT = 15.0
ctx = SimpleNamespace()
STEPS = []


class StepFailed(Exception):
    pass


def fail(message):
    raise StepFailed(message)


def short(value, limit=400):
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else text[:limit] + "..."


def eq(actual, expected, what):
    if actual != expected:
        fail(f"{what}: expected {expected!r}, got {short(actual)}")


def check(condition, what, got=None):
    if not condition:
        fail(f"expected {what}; got {short(got)}")


def step(name):
    def register(function):
        STEPS.append((name, function))
        return function
    return register


def api(method, path, body=None):
    headers = {"Accept": "application/json", "Authorization": f"Bearer {ctx.token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    return request(method, ctx.base + path, headers, data)


def api_ok(method, path, body=None, want=200):
    status, answer = api(method, path, body)
    if status != want:
        fail(f"{method} {path}: expected {want}, got {status}: {short(answer)}")
    return answer


def wait(predicate, what):
    found = ctx.peer.wait_for(predicate, WAIT)
    if found is None:
        with ctx.peer.lock:
            seen = [repr(r) for r in ctx.peer.received[-8:]]
        fail(f"no {what} within {WAIT:.0f} s; last received: {seen}")
    return found


def announced(object_id):
    """The neighbourhood's Announce of `object_id`, in either form Mastodon or Lemmy reads."""
    def matches(r):
        if r.type != "Announce" or r.signer != ctx.hood_id:
            return False
        inner = r.activity.get("object")
        if isinstance(inner, dict) and inner.get("type") == "Create":
            return id_of(inner.get("object")) == object_id
        return id_of(inner) == object_id
    return matches


def readable(obj, kind):
    """What Mastodon needs to show a Page or Event as a post with a link."""
    eq(obj.get("type"), kind, "type")
    check(obj.get("name"), "a name", obj)
    check(obj.get("summary") or obj.get("content"), "a summary or content", obj)
    url = obj.get("url")
    check(isinstance(url, str) and url.startswith(ctx.base), f"a url on {ctx.base}", url)
    status, page = request("GET", url, {"Accept": "text/html"})
    eq(status, 200, f"GET {url} as a browser")
    check(isinstance(page, str) and obj["name"] in page.replace("&#x27;", "'"), "the name on the web page", page)
    check(PUBLIC in ids(obj.get("to")) + ids(obj.get("cc")), "public addressing", obj)


@step("1. the peer's user finds the neighbourhood by WebFinger and follows it: Accept")
def step_follow():
    query = urllib.parse.urlencode({"resource": f"acct:{ctx.hood}@{ctx.domain}"})
    status, jrd = request("GET", f"{ctx.base}/.well-known/webfinger?{query}", {"Accept": "application/jrd+json"})
    eq(status, 200, "WebFinger of the neighbourhood")
    ctx.hood_id = next(link["href"] for link in jrd["links"] if link.get("rel") == "self")
    status, doc = ctx.peer.fetch(ctx.hood_id)
    eq(status, 200, "signed GET of the neighbourhood")
    eq(doc.get("type"), "Group", "the neighbourhood's type")
    follow_id = ctx.peer.new_id("follows")
    status, _ = ctx.peer.post(doc["inbox"], {"@context": AS, "id": follow_id, "type": "Follow",
                                             "actor": ctx.peer.actor_id, "object": ctx.hood_id})
    check(status in (200, 202), "the Follow accepted for processing", status)
    wait(lambda r: r.type == "Accept" and r.signer == ctx.hood_id and id_of(r.activity.get("object")) == follow_id,
         "Accept of the Follow")
    return ctx.hood_id


@step("2. a new plan arrives through the neighbourhood, readable as a post with a link")
def step_plan_arrives():
    plan = api_ok("POST", "/api/knooppunt/v1/plans", {
        "title": "Bomen in de Bergweg", "summary": "Tien nieuwe bomen langs de Bergweg.",
        "content": "<p>Samen met de buurt.</p>", "themes": ["groen"]}, want=201)
    ctx.plan = plan
    got = wait(announced(plan["uri"]), f"Announce of the plan {plan['uri']}")
    status, page = ctx.peer.fetch(plan["uri"])
    eq(status, 200, "signed GET of the plan")
    readable(page, "Page")
    check(ctx.person_id in ids(page.get("attributedTo")), "the author in attributedTo", page.get("attributedTo"))
    check(any(t.get("name") == "#groen" for t in page.get("tag", [])), "the theme as a Hashtag", page.get("tag"))
    eq(page.get("state"), "idea", "the plan's state")
    return f"{got.type} {got.activity.get('id')}"


@step("3. a second plan arrives too")
def step_second_plan():
    plan = api_ok("POST", "/api/knooppunt/v1/plans", {"title": "Zebrapad bij de school"}, want=201)
    wait(announced(plan["uri"]), f"Announce of the plan {plan['uri']}")
    return plan["uri"]


@step("4. a state change arrives as Update{Page} with the new state and history")
def step_update():
    api_ok("POST", f"/api/knooppunt/v1/plans/{ctx.plan['id']}/transition", {"to": "proposal"})
    got = wait(lambda r: r.type == "Update" and isinstance(r.activity.get("object"), dict)
               and r.activity["object"].get("id") == ctx.plan["uri"]
               and r.activity["object"].get("state") == "proposal", "Update of the plan to proposal")
    history = got.activity["object"].get("history", [])
    eq([h.get("action") for h in history], ["created", "state"], "the history's actions")
    eq(history[-1].get("toState"), "proposal", "the last step")
    return got.activity.get("id")


@step("5. a new event arrives through the neighbourhood, readable")
def step_event():
    event = api_ok("POST", "/api/knooppunt/v1/events", {
        "name": "Plantdag Bergweg", "description": "<p>Schep mee!</p>",
        "starts_at": "2027-04-10T10:00:00+02:00", "timezone": "Europe/Amsterdam",
        "location": {"name": "Bergweg", "address": "Bergweg 1, Rotterdam"}, "capacity": 10}, want=201)
    ctx.event = event
    wait(announced(event["uri"]), f"Announce of the event {event['uri']}")
    status, doc = ctx.peer.fetch(event["uri"])
    eq(status, 200, "signed GET of the event")
    readable(doc, "Event")
    eq(doc.get("startTime"), "2027-04-10T08:00:00.000Z", "startTime")
    eq((doc.get("location") or {}).get("name"), "Bergweg", "location name")
    return event["uri"]


def plan_view():
    return api_ok("GET", f"/api/knooppunt/v1/plans/{ctx.plan['id']}")


def like(like_id):
    return {"@context": AS, "id": like_id, "type": "Like", "actor": ctx.peer.actor_id, "object": ctx.plan["uri"]}


@step("6. the user's favourite is one support, however often it is sent")
def step_like():
    ctx.like_id = ctx.peer.new_id("likes")
    for activity in (like(ctx.like_id), like(ctx.like_id), like(ctx.peer.new_id("likes"))):
        status, answer = ctx.peer.post(ctx.shared_inbox, activity)
        check(status in (200, 202), "the Like accepted", (status, answer))
    eq(plan_view()["supports_count"], 1, "supports_count")
    return "1 support"


@step("7. the user's reply is a comment, shown with their account")
def step_reply():
    note = {"@context": AS, "id": ctx.peer.base + "/notes/reply-1", "type": "Note",
            "attributedTo": ctx.peer.actor_id, "inReplyTo": ctx.plan["uri"],
            "content": "<p>Graag ook een bankje.</p>", "published": now_iso(),
            "to": [PUBLIC], "cc": [ctx.person_id]}
    ctx.peer.publish_note("/notes/reply-1", note)
    status, answer = ctx.peer.post(ctx.shared_inbox, {
        "@context": AS, "id": note["id"] + "/activity", "type": "Create", "actor": ctx.peer.actor_id,
        "to": note["to"], "cc": note["cc"], "object": note})
    check(status in (200, 202), "the Create accepted", (status, answer))
    view = plan_view()
    eq(view["arguments_count"], {"pro": 0, "contra": 0, "comments": 1}, "arguments_count")
    arguments = api_ok("GET", f"/api/knooppunt/v1/plans/{ctx.plan['id']}/arguments")
    eq(arguments["comments"][0]["account"]["acct"], f"{ctx.peer.name}@{ctx.peer.netloc}", "the comment's account")
    return "1 comment"


@step("8. Undo of the favourite withdraws the support")
def step_undo():
    status, answer = ctx.peer.post(ctx.shared_inbox, {
        "@context": AS, "id": ctx.like_id + "/undo", "type": "Undo", "actor": ctx.peer.actor_id,
        "object": like(ctx.like_id)})
    check(status in (200, 202), "the Undo accepted", (status, answer))
    eq(plan_view()["supports_count"], 0, "supports_count after Undo")
    return "0 supports"


@step("9. a Join of the event (as Mobilizon sends it) is accepted and counted")
def step_join():
    join_id = ctx.peer.new_id("joins")
    status, answer = ctx.peer.post(ctx.shared_inbox, {
        "@context": AS, "id": join_id, "type": "Join", "actor": ctx.peer.actor_id,
        "object": ctx.event["uri"]})
    check(status in (200, 202), "the Join accepted for processing", (status, answer))
    wait(lambda r: r.type == "Accept" and id_of(r.activity.get("object")) == join_id, "Accept of the Join")
    view = api_ok("GET", f"/api/knooppunt/v1/events/{ctx.event['id']}")
    eq(view["participants_count"], 1, "participants_count")
    return join_id


@step("10. everything the instance sent was validly signed")
def step_signed():
    idle = ctx.peer.wait_idle(WAIT)
    with ctx.peer.lock:
        pending = ctx.peer.pending_checks
        failures = list(ctx.peer.failures)
        bad_gets = [g for g in ctx.peer.gets if g[2] is not None]
        received = list(ctx.peer.received)
    check(idle, f"every GET's signature checked within {WAIT:.0f} s", f"{pending} check(s) still running")
    check(not failures, "no POST with a refused signature", failures)
    check(not bad_gets, "every GET of the peer's documents validly signed", bad_gets)
    check(received, "at least one received activity", received)
    check(all(r.signer.startswith(ctx.base + "/") for r in received), "every activity signed by the instance", received)
    return f"{len(received)} activities"


def main():
    ctx.base = os.environ.get("KP_BASE_URL", "").rstrip("/")
    ctx.token = os.environ.get("KP_PERSON_TOKEN", "")
    person = os.environ.get("KP_PERSON_NAME", "")
    ctx.hood = os.environ.get("KP_NEIGHBOURHOOD", "")
    host = os.environ.get("KP_PEER_HOST", "")
    if not (ctx.base and ctx.token and person and ctx.hood and host):
        print("FAIL setup: KP_BASE_URL, KP_PERSON_NAME, KP_PERSON_TOKEN, KP_NEIGHBOURHOOD, KP_PEER_HOST")
        return 2
    ctx.domain = urllib.parse.urlsplit(ctx.base).netloc
    ctx.person_id = f"{ctx.base}/users/{person}"
    ctx.shared_inbox = ctx.base + "/inbox"
    try:
        ctx.peer = Peer(host).start()
    except OSError as error:
        print(f"FAIL setup: cannot listen on {host}: {error}")
        return 2
    passed = 0
    try:
        for name, function in STEPS:
            started = time.monotonic()
            try:
                detail = function()
            except StepFailed as error:
                print(f"FAIL {name}: {error}", flush=True)
                break
            except Exception as error:  # noqa: BLE001 - a crash fails the step
                print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
                break
            passed += 1
            print(f"ok   {name} ({detail}) [{time.monotonic() - started:.2f} s]", flush=True)
    finally:
        ctx.peer.stop()
    if passed != len(STEPS):
        print(f"{passed} of {len(STEPS)} steps passed")
        return 1
    print(f"all {len(STEPS)} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
