#!/usr/bin/env python3
"""Federate with a running Knooppunt instance as an independent ActivityPub server.

Starts the peer of peer.py in this process and plays a whole exchange with the
instance at KP_BASE_URL: follows, posts both ways, group redistribution
(FEP-1b12), replies, likes, boosts, edits, deletes, and a list of requests the
instance must refuse. Every activity the instance sends must arrive with a
valid HTTP signature. Environment:

    KP_BASE_URL                       e.g. http://127.0.0.2:41234
    KP_PERSON_NAME, KP_PERSON_TOKEN   a local person and a bearer token of theirs
    KP_GROUP_NAME                     a local group with an open join policy
    KP_PEER_HOST                      the address the peer listens on, e.g. 127.0.0.5
                                      (on a port the system picks; printed first)

Prints one line per step; exits 0 only when every step passed, 1 otherwise
(2 for a bad environment). Deliveries from the instance come from its
background outbox worker, so each expectation waits at most WAIT seconds.
Set KP_TRACEBACK=1 for Python tracebacks of failures.
"""

import json
import os
import sys
import time
import traceback
import urllib.parse
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    from peer import AS, PUBLIC, Peer, http_date, id_of, ids, now_iso, request
except ImportError as error:  # pragma: no cover - environment problem
    print(f"FAIL setup: cannot import peer.py ({error}); "
          "install tests/python/requirements.txt (scripts/test does, into .venv)")
    sys.exit(2)

WAIT = 15.0


class StepFailed(Exception):
    pass


def fail(message):
    raise StepFailed(message)


def short(value, limit=500):
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def check(condition, what, got=None):
    if not condition:
        fail(f"expected {what}; got {short(got)}")


def eq(actual, expected, what):
    if actual != expected:
        fail(f"{what}: expected {expected!r}, got {short(actual)}")


def env(name):
    value = os.environ.get(name, "")
    if not value:
        print(f"FAIL setup: environment variable {name} is not set")
        sys.exit(2)
    return value


ctx = SimpleNamespace()
STEPS = []


def step(name, needs=()):
    """Registers a step; it is skipped when a step it `needs` did not pass."""
    def register(function):
        STEPS.append((name, function, needs))
        return function
    return register


# ---------------------------------------------------------------------------
# The instance's client API (Mastodon-compatible) and helpers
# ---------------------------------------------------------------------------


def api(method, path, body=None, token=True):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {ctx.token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    return request(method, ctx.base + path, headers, data)


def api_ok(method, path, body=None):
    status, answer = api(method, path, body)
    if status != 200:
        fail(f"{method} {path}: expected 200, got {status}: {short(answer)}")
    return answer


def status_view(local_id):
    return api_ok("GET", f"/api/v1/statuses/{local_id}")


def public_uris():
    return [s["uri"] for s in api_ok("GET", "/api/v1/timelines/public?limit=40")]


def notifications():
    return api_ok("GET", "/api/v1/notifications?limit=40")


def expect_post(url, activity, want=(200, 202), **options):
    status, answer = ctx.peer.post(url, activity, **options)
    if status not in want:
        kind = activity.get("type") if isinstance(activity, dict) else "body"
        fail(f"POST {kind} to {url}: expected {' or '.join(map(str, want))}, got {status}: {short(answer)}")
    return status


def wait_idle():
    """Waits until the peer has checked every GET it answered; a check still running fails the step."""
    if not ctx.peer.wait_idle(WAIT):
        with ctx.peer.lock:
            pending = ctx.peer.pending_checks
        fail(f"{pending} signature check(s) of GETs still running after {WAIT:.0f} s")


def wait(predicate, what):
    found = ctx.peer.wait_for(predicate, WAIT)
    if found is None:
        with ctx.peer.lock:
            seen = [repr(r) for r in ctx.peer.received[-8:]]
            failures = ctx.peer.failures[-4:]
        fail(f"no {what} within {WAIT:.0f} s; last received: {seen}; signature failures: {failures}")
    return found


def note(path, content, to=(PUBLIC,), cc=(), tags=(), attributed_to=None, **extra):
    """A Note of the peer (or of `attributed_to`), published at `path` on the peer."""
    document = {
        "@context": AS,
        "id": ctx.peer.base + path,
        "type": "Note",
        "attributedTo": attributed_to or ctx.peer.actor_id,
        "content": content,
        "published": now_iso(),
        "to": list(to),
        "cc": list(cc),
        "tag": list(tags),
    }
    document.update(extra)
    return document


def create(obj, actor=None, activity_id=None):
    return {
        "@context": AS,
        "id": activity_id or (id_of(obj) + "/activity" if isinstance(obj, dict) else ctx.peer.new_id("activities")),
        "type": "Create",
        "actor": actor or ctx.peer.actor_id,
        "published": now_iso(),
        "to": obj.get("to", [PUBLIC]) if isinstance(obj, dict) else [PUBLIC],
        "cc": obj.get("cc", []) if isinstance(obj, dict) else [],
        "object": obj,
    }


def mention_person():
    return {"type": "Mention", "href": ctx.person_id, "name": f"@{ctx.person}@{ctx.domain}"}


def from_actor(actor, kind):
    return lambda r: r.type == kind and r.signer == actor and id_of(r.activity.get("actor")) == actor


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------


@step("0. discovery: WebFinger and signed fetches of the person and the group")
def step_discovery():
    for who, acct in (("person", ctx.person), ("group", ctx.group)):
        query = urllib.parse.urlencode({"resource": f"acct:{acct}@{ctx.domain}"})
        status, jrd = request("GET", f"{ctx.base}/.well-known/webfinger?{query}", {"Accept": "application/jrd+json"})
        eq(status, 200, f"WebFinger of {acct}")
        links = [link for link in jrd.get("links", []) if link.get("rel") == "self"
                 and link.get("type") in ("application/activity+json",
                                          'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')]
        check(links, f"a self link of type application/activity+json for {acct}", jrd)
        actor_id = links[0]["href"]
        status, doc = ctx.peer.fetch(actor_id)
        eq(status, 200, f"signed GET {actor_id}")
        eq(doc.get("id"), actor_id, f"id of {actor_id}")
        check(doc.get("inbox", "").startswith(ctx.base), f"an inbox on {ctx.base}", doc.get("inbox"))
        key = doc.get("publicKey") or {}
        eq(key.get("owner"), actor_id, f"publicKey.owner of {acct}")
        check("BEGIN PUBLIC KEY" in key.get("publicKeyPem", ""), "an SPKI PEM public key", key)
        setattr(ctx, f"{who}_id", actor_id)
        setattr(ctx, f"{who}_inbox", doc["inbox"])
        ctx.shared_inbox = (doc.get("endpoints") or {}).get("sharedInbox") or ctx.base + "/inbox"
    eq(first_type(ctx.group_id), "Group", "type of the group actor")
    return f"person {ctx.person_id}, group {ctx.group_id}"


def first_type(actor_id):
    _, doc = ctx.peer.fetch(actor_id)
    kind = doc.get("type")
    return kind[0] if isinstance(kind, list) else kind


@step("0b. the instance finds the peer by WebFinger (GET /api/v1/accounts/lookup)", needs=("0",))
def step_lookup_peer():
    acct = f"{ctx.peer.name}@{ctx.peer.netloc}"
    status, account = api("GET", f"/api/v1/accounts/lookup?acct={urllib.parse.quote(acct)}")
    eq(status, 200, f"lookup of {acct} ({short(account)})")
    eq(account.get("acct"), acct, "acct of the looked-up peer")
    eq(account.get("display_name"), f"Python {ctx.peer.name}", "display_name from the peer's actor")
    return f"account {account.get('id')}"


@step("a. the peer follows the person: signed Accept of its Follow, followers_count 1", needs=("0",))
def step_follow_person():
    follow_id = ctx.peer.new_id("follows")
    follow = {"@context": AS, "id": follow_id, "type": "Follow", "actor": ctx.peer.actor_id,
              "object": ctx.person_id}
    expect_post(ctx.person_inbox, follow)
    accept = wait(lambda r: from_actor(ctx.person_id, "Accept")(r) and id_of(r.activity["object"]) == follow_id,
                  f"Accept of {follow_id} from {ctx.person_id}")
    inner = accept.activity["object"]
    if isinstance(inner, dict):
        eq(id_of(inner.get("actor")), ctx.peer.actor_id, "actor of the accepted Follow")
        eq(id_of(inner.get("object")), ctx.person_id, "object of the accepted Follow")
    account = api_ok("GET", f"/api/v1/accounts/lookup?acct={ctx.person}")
    eq(account.get("followers_count"), 1, "followers_count of the person")
    ctx.person_account_id = account["id"]
    return f"Accept {accept.activity.get('id')} at {accept.path}"


@step("b. the person posts: the peer receives a signed public Create{Note}", needs=("a",))
def step_person_posts():
    text = "Buurtfeest zaterdag bij de speeltuin"
    posted = api_ok("POST", "/api/v1/statuses", {"status": text, "visibility": "public"})
    ctx.status_id, ctx.status_uri = posted["id"], posted["uri"]
    got = wait(lambda r: from_actor(ctx.person_id, "Create")(r) and id_of(r.activity["object"]) == ctx.status_uri,
               f"Create of {ctx.status_uri}")
    activity, obj = got.activity, got.activity["object"]
    check(isinstance(obj, dict), "the Note embedded in the Create", obj)
    check(PUBLIC in ids(activity.get("to")), f"{PUBLIC} in the Create's to", activity.get("to"))
    check(PUBLIC in ids(obj.get("to")), f"{PUBLIC} in the Note's to", obj.get("to"))
    eq(id_of(obj.get("attributedTo")), ctx.person_id, "attributedTo")
    eq(obj.get("type"), "Note", "object type")
    check(text in (obj.get("content") or ""), f"content containing {text!r}", obj.get("content"))
    status, fetched = ctx.peer.fetch(ctx.status_uri)
    eq(status, 200, f"signed GET of {ctx.status_uri}")
    eq(fetched.get("id"), ctx.status_uri, "id of the fetched Note")
    return f"Create {activity.get('id')} at {got.path}"


@step("c1. the peer follows the group: signed Accept", needs=("0",))
def step_follow_group():
    follow_id = ctx.peer.new_id("follows")
    follow = {"@context": AS, "id": follow_id, "type": "Follow", "actor": ctx.peer.actor_id,
              "object": ctx.group_id}
    expect_post(ctx.group_inbox, follow)
    accept = wait(lambda r: from_actor(ctx.group_id, "Accept")(r) and id_of(r.activity["object"]) == follow_id,
                  f"Accept of {follow_id} from {ctx.group_id}")
    return f"Accept {accept.activity.get('id')}"


@step("c2. the peer posts to the group: Announce{Create} and Announce{note id} come back", needs=("c1",))
def step_post_to_group():
    path = f"/notes/{next(ctx.peer.counter)}"
    group_mention = {"type": "Mention", "href": ctx.group_id, "name": f"@{ctx.group}@{ctx.domain}"}
    text = "Wie doet mee met de plantjesruil in het park?"
    doc = note(path, f"<p>{text}</p>", to=[PUBLIC], cc=[ctx.group_id, ctx.peer.followers], tags=[group_mention])
    ctx.peer.publish_note(path, doc)
    ctx.group_note = doc["id"]
    activity = create(doc)
    ctx.group_create = activity["id"]
    expect_post(ctx.group_inbox, activity)

    def wraps_create(r):
        inner = r.activity["object"]
        return (from_actor(ctx.group_id, "Announce")(r) and isinstance(inner, dict)
                and inner.get("type") == "Create" and id_of(inner.get("object")) == ctx.group_note)

    wrapped = wait(wraps_create, f"Announce{{Create}} of {ctx.group_note} from the group")
    inner = wrapped.activity["object"]
    eq(id_of(inner.get("actor")), ctx.peer.actor_id, "actor of the announced Create")
    check(PUBLIC in ids(wrapped.activity.get("to")) + ids(wrapped.activity.get("cc")),
          "a public Announce{Create}", wrapped.activity)
    plain = wait(lambda r: from_actor(ctx.group_id, "Announce")(r)
                 and isinstance(r.activity["object"], (str, dict))
                 and (r.activity["object"] == ctx.group_note
                      or (isinstance(r.activity["object"], dict)
                          and r.activity["object"].get("type") == "Note"
                          and r.activity["object"].get("id") == ctx.group_note)),
                 f"Announce of the note id {ctx.group_note} from the group")
    uris = public_uris()
    check(ctx.group_note in uris, f"{ctx.group_note} in /api/v1/timelines/public", uris)
    detail = f"Announce{{Create {inner.get('id')}}} and Announce {plain.activity.get('id')}"
    if inner.get("id") != ctx.group_create:
        detail += f" (note: the announced Create has id {inner.get('id')}, the peer sent {ctx.group_create})"
    return detail


@step("d1. the peer replies to the person's status: mention notification", needs=("b",))
def step_reply():
    path = f"/notes/{next(ctx.peer.counter)}"
    doc = note(path, f'<p><span class="h-card"><a href="{ctx.person_id}">@{ctx.person}</a></span> Ik kom ook!</p>',
               to=[PUBLIC], cc=[ctx.person_id, ctx.peer.followers], tags=[mention_person()],
               inReplyTo=ctx.status_uri)
    ctx.peer.publish_note(path, doc)
    ctx.reply_path, ctx.reply_doc = path, doc
    expect_post(ctx.person_inbox, create(doc))
    found = [n for n in notifications()
             if n.get("type") == "mention" and (n.get("status") or {}).get("uri") == doc["id"]]
    check(found, f"a mention notification for {doc['id']}", notifications())
    reply = found[0]["status"]
    eq(reply.get("in_reply_to_id"), ctx.status_id, "in_reply_to_id of the reply")
    eq(found[0]["account"].get("acct"), f"{ctx.peer.name}@{ctx.peer.netloc}", "acct of the notifying account")
    ctx.reply_local_id = reply["id"]
    eq(status_view(ctx.status_id).get("replies_count"), 1, "replies_count of the person's status")
    return f"reply is status {ctx.reply_local_id}"


@step("d2. Like: favourites_count 1", needs=("b",))
def step_like():
    ctx.like = {"@context": AS, "id": ctx.peer.new_id("likes"), "type": "Like", "actor": ctx.peer.actor_id,
                "object": ctx.status_uri}
    expect_post(ctx.person_inbox, ctx.like)
    eq(status_view(ctx.status_id).get("favourites_count"), 1, "favourites_count after Like")


@step("d3. Undo{Like}: favourites_count 0", needs=("d2",))
def step_undo_like():
    like = {k: v for k, v in ctx.like.items() if k != "@context"}
    undo = {"@context": AS, "id": ctx.like["id"] + "/undo", "type": "Undo", "actor": ctx.peer.actor_id,
            "object": like}
    expect_post(ctx.person_inbox, undo)
    eq(status_view(ctx.status_id).get("favourites_count"), 0, "favourites_count after Undo{Like}")


@step("d4. Announce: reblogs_count 1", needs=("b",))
def step_announce():
    announce = {"@context": AS, "id": ctx.peer.new_id("announces"), "type": "Announce",
                "actor": ctx.peer.actor_id, "published": now_iso(), "to": [PUBLIC],
                "cc": [ctx.person_id, ctx.peer.followers], "object": ctx.status_uri}
    expect_post(ctx.shared_inbox, announce)
    eq(status_view(ctx.status_id).get("reblogs_count"), 1, "reblogs_count after Announce")


@step("e1. Update{Note} of the reply: the instance shows the new content", needs=("d1",))
def step_update():
    text = "Ik kom ook, met taart!"
    doc = dict(ctx.reply_doc)
    doc["content"] = f"<p>{text}</p>"
    doc["updated"] = now_iso()
    ctx.peer.publish_note(ctx.reply_path, doc)
    update = {"@context": AS, "id": doc["id"] + "#updates/1", "type": "Update", "actor": ctx.peer.actor_id,
              "to": doc["to"], "cc": doc["cc"], "object": {k: v for k, v in doc.items() if k != "@context"}}
    expect_post(ctx.person_inbox, update)
    view = status_view(ctx.reply_local_id)
    check(text in (view.get("content") or ""), f"content containing {text!r}", view.get("content"))
    check(view.get("edited_at"), "edited_at set after the Update", view)


@step("e2. Delete{Tombstone} of the reply: GET /api/v1/statuses/ID is 404", needs=("d1",))
def step_delete():
    ctx.peer.delete_note(ctx.reply_path)
    note_id = ctx.reply_doc["id"]
    delete = {"@context": AS, "id": note_id + "#delete", "type": "Delete", "actor": ctx.peer.actor_id,
              "to": [PUBLIC], "object": {"id": note_id, "type": "Tombstone"}}
    expect_post(ctx.person_inbox, delete)
    status, answer = api("GET", f"/api/v1/statuses/{ctx.reply_local_id}")
    eq(status, 404, f"GET /api/v1/statuses/{ctx.reply_local_id} after the Delete ({short(answer)})")
    eq(status_view(ctx.status_id).get("replies_count"), 0, "replies_count of the person's status after the Delete")
    left = [n for n in notifications() if (n.get("status") or {}).get("uri") == note_id or
            (n.get("type") == "mention" and not n.get("status"))]
    check(not left, "no notification left for the deleted reply", left)


@step("e3. Flag of the person and their status (a report, as Mastodon sends it): the administrator sees it", needs=("b",))
def step_flag():
    flag = {"@context": AS, "id": ctx.peer.base + "/flags/1", "type": "Flag", "actor": ctx.peer.actor_id,
            "object": [ctx.person_id, ctx.status_uri], "content": "Dit is reclame"}
    expect_post(ctx.shared_inbox, flag)
    expect_post(ctx.shared_inbox, flag)  # the same Flag twice is one report
    headers = {"Accept": "application/json", "Authorization": f"Bearer {ctx.admin_token}"}
    status, reports = request("GET", ctx.base + "/api/knooppunt/v1/admin/reports", headers)
    eq(status, 200, f"GET admin/reports ({short(reports)})")
    ours = [r for r in reports if r.get("origin") == ctx.peer.netloc]
    eq(len(ours), 1, f"reports from {ctx.peer.netloc}")
    report = ours[0]
    eq((report["target_account"]["acct"], report["comment"], [s["uri"] for s in report["statuses"]]),
       (ctx.person, "Dit is reclame", [ctx.status_uri]), "(target, comment, statuses) of the report")
    status, _ = api("GET", "/api/knooppunt/v1/admin/reports")
    eq(status, 403, "the person reading the reports")
    return f"report {report['id']} from {ctx.peer.netloc}"


# -- f. requests the instance must refuse, each changing nothing -------------


def snapshot():
    view = status_view(ctx.status_id)
    return {
        "public timeline": sorted(public_uris()),
        "notifications": sorted(n["id"] for n in notifications()),
        "status counts": {k: view.get(k) for k in ("replies_count", "favourites_count", "reblogs_count")},
    }


def mention_note(attributed_to=None):
    """A public reply to the person's status mentioning them, not yet known to the instance."""
    path = f"/notes/{next(ctx.peer.counter)}"
    return note(path, f"<p>@{ctx.person} dit hoort er niet te zijn</p>", to=[PUBLIC],
                cc=[ctx.person_id], tags=[mention_person()], inReplyTo=ctx.status_uri,
                attributed_to=attributed_to)


def refused(what, want, send, extra_ids=()):
    """Sends one bad request: its status must be in `want` and nothing may change."""
    before = snapshot()
    status, note_ids = send()
    after = snapshot()
    problems = []
    if status not in want:
        problems.append(f"answered {status}, expected {' or '.join(map(str, want))}")
    for key in before:
        if before[key] != after[key]:
            problems.append(f"{key} changed: {short(before[key], 300)} -> {short(after[key], 300)}")
    for note_id in list(note_ids) + list(extra_ids):
        if note_id in after["public timeline"]:
            problems.append(f"{note_id} appeared in the public timeline")
    if problems:
        fail(f"{what}: " + "; ".join(problems))
    return f"{status}"


def post_status(url, activity, **options):
    status, _ = ctx.peer.post(url, activity, **options)
    return status


@step("f1. unsigned POST: 401", needs=("b",))
def step_unsigned():
    doc = mention_note()
    return refused("unsigned Create", (401,),
                   lambda: (post_status(ctx.person_inbox, create(doc), signed=False), [doc["id"]]))


@step("f2. signed with another key than the actor's (keyId of the peer): 401", needs=("b",))
def step_wrong_key():
    doc = mention_note()
    ctx.wrong_key_activity = create(doc)
    ctx.wrong_key_note = doc
    return refused("Create signed with an unpublished key", (401,),
                   lambda: (post_status(ctx.person_inbox, ctx.wrong_key_activity, key=ctx.peer.rogue_key),
                            [doc["id"]]))


@step("f3. Digest not matching the body: 401", needs=("b",))
def step_bad_digest():
    doc = mention_note()
    activity = create(doc)
    other = json.dumps(dict(activity, type="Like")).encode()
    return refused("Create with the Digest of another body", (401,),
                   lambda: (post_status(ctx.shared_inbox, activity, digest_of=other), [doc["id"]]))


@step("f3b. POST signature not covering the Digest (headers=\"(request-target) host date\"): 401", needs=("b",))
def step_digest_not_signed():
    # Mastodon refuses this ("requires the Digest header to be signed when doing a
    # POST request"): without it the signature says nothing about the body, so a
    # captured signature could carry any body for 12 hours.
    doc = mention_note()
    return refused("Create whose signature leaves out the Digest", (401,),
                   lambda: (post_status(ctx.person_inbox, create(doc),
                                        names=["(request-target)", "host", "date"]), [doc["id"]]))


def refused_saying(what, words, **options):
    """A Create signed in a way that must be refused with 401 and a body naming why."""
    doc = mention_note()
    answers = []

    def send():
        status, answer = ctx.peer.post(ctx.person_inbox, create(doc), **options)
        answers.append(answer)
        return status, [doc["id"]]

    result = refused(what, (401,), send)
    text = json.dumps(answers[0]) if answers else ""
    check("error" in text and all(w in text for w in words),
          f"{what}: the 401 body says why ({', '.join(words)})", text)
    return result


@step("f3c. signature not covering the Host (headers=\"(request-target) date digest\"): 401", needs=("b",))
def step_host_not_signed():
    # Without the Host the signature could be replayed to any other server.
    return refused_saying("Create whose signature leaves out the Host", ["host"],
                          names=["(request-target)", "date", "digest"])


@step("f3d. signature not covering the request target (headers=\"host date digest\"): 401", needs=("b",))
def step_target_not_signed():
    return refused_saying("Create whose signature leaves out (request-target)",
                          ["(request-target)"], names=["host", "date", "digest"])


@step("f3e. signed for another server (Host: elsewhere.example), sent here: 401", needs=("b",))
def step_other_host():
    # A signature captured on its way to another server, replayed here.
    return refused_saying("Create signed for Host elsewhere.example",
                          ["elsewhere.example", "not this instance"], host="elsewhere.example")


@step("f4. Date 13 hours old: 401", needs=("b",))
def step_old_date():
    doc = mention_note()
    old = http_date(time.time() - 13 * 3600)
    return refused("Create with a 13-hour-old Date", (401,),
                   lambda: (post_status(ctx.person_inbox, create(doc), date=old), [doc["id"]]))


@step("f5. keyId of the peer, actor another (a second actor of the peer; the local person): 401", needs=("b",))
def step_other_actor():
    other = ctx.peer.actor_url("other")
    doc = mention_note(attributed_to=other)
    first = refused("Create by /users/other signed with the peer's key", (401,),
                    lambda: (post_status(ctx.person_inbox, create(doc, actor=other)), [doc["id"]]))
    forged = mention_note(attributed_to=ctx.person_id)
    second = refused("Create by the local person signed with the peer's key", (401,),
                     lambda: (post_status(ctx.shared_inbox, create(forged, actor=ctx.person_id)), [forged["id"]]))
    return f"{first}, {second}"


@step("f6. Create whose object id is on another host: 400", needs=("b",))
def step_foreign_object():
    doc = mention_note()
    doc["id"] = "http://127.0.0.9:1/notes/1"
    activity = create(doc, activity_id=ctx.peer.new_id("activities"))
    return refused("Create of http://127.0.0.9:1/notes/1", (400,),
                   lambda: (post_status(ctx.person_inbox, activity), [doc["id"]]))


@step("f6b. Create of a note attributed to another actor of the peer's host: refused or ignored", needs=("b",))
def step_misattributed():
    doc = mention_note(attributed_to=ctx.peer.actor_url("other"))
    return refused("Create by the peer of a note attributed to /users/other", (202, 400, 401, 403),
                   lambda: (post_status(ctx.person_inbox, create(doc)), [doc["id"]]))


@step("f6c. Delete of the person's status by the peer: refused or ignored, the status stays", needs=("b",))
def step_foreign_delete():
    delete = {"@context": AS, "id": ctx.peer.new_id("deletes"), "type": "Delete", "actor": ctx.peer.actor_id,
              "to": [PUBLIC], "object": {"id": ctx.status_uri, "type": "Tombstone"}}
    result = refused(f"Delete of {ctx.status_uri}", (202, 400, 401, 403),
                     lambda: (post_status(ctx.shared_inbox, delete), []))
    status_view(ctx.status_id)
    return result


@step("f7. Create by object id whose fetched object has another id: 4xx", needs=("b",))
def step_id_mismatch():
    doc = mention_note()
    served_at = f"/notes/{next(ctx.peer.counter)}"
    ctx.peer.publish_note(served_at, doc)  # the document says it is doc["id"], not served_at
    url = ctx.peer.base + served_at
    activity = {"@context": AS, "id": ctx.peer.new_id("activities"), "type": "Create",
                "actor": ctx.peer.actor_id, "to": [PUBLIC], "cc": [ctx.person_id], "object": url}
    fetched_before = len([g for g in ctx.peer.gets if g[0] == served_at])

    def send():
        status = post_status(ctx.person_inbox, activity)
        return status, [doc["id"], url]

    result = refused(f"Create of {url} (serving id {doc['id']})", tuple(range(400, 500)), send)
    wait_idle()
    with ctx.peer.lock:
        fetched = len([g for g in ctx.peer.gets if g[0] == served_at]) - fetched_before
    # Exactly one: none would mean the refusal never reached the id check;
    # a second, that a refused object is fetched again (the inbox answered
    # 4xx, so it processed the Create itself and dropped it).
    eq(fetched, 1, f"fetches of {served_at} by the instance")
    return f"{result} after {fetched} fetch of {served_at}"


@step("f8. a body over 3 MiB: 413", needs=("b",))
def step_too_large():
    doc = mention_note()
    doc["content"] = "<p>" + "x" * (3 * 1024 * 1024 + 1024) + "</p>"
    activity = create(doc)
    return refused("a 3 MiB Create", (413,),
                   lambda: (ctx.peer.post_raw(ctx.person_inbox, activity), [doc["id"]]))


@step("f9. JSON that is not ActivityStreams ({\"hello\": \"world\"} and []): 400", needs=("b",))
def step_not_activitystreams():
    answers = []
    for body in (b'{"hello": "world"}', b"[]"):
        answers.append(refused(f"POST of {body.decode()}", (400,),
                               lambda body=body: (post_status(ctx.person_inbox, body), [])))
    return ", ".join(answers)


@step("f10. an unknown activity type (Wave), properly signed: 202 and ignored", needs=("b",))
def step_unknown_type():
    wave = {"@context": AS, "id": ctx.peer.new_id("waves"), "type": "Wave", "actor": ctx.peer.actor_id,
            "object": ctx.person_id, "to": [ctx.person_id]}
    return refused("Wave", (202,), lambda: (post_status(ctx.person_inbox, wave), []))


@step("f11. control: the activity refused in f2, now properly signed, is accepted", needs=("f2",))
def step_control():
    expect_post(ctx.person_inbox, ctx.wrong_key_activity)
    uris = public_uris()
    check(ctx.wrong_key_note["id"] in uris, f"{ctx.wrong_key_note['id']} in the public timeline", uris)


@step("g. everything the instance sent was validly signed")
def step_all_signed():
    wait_idle()
    with ctx.peer.lock:
        failures = list(ctx.peer.failures)
        gets = list(ctx.peer.gets)
        received = list(ctx.peer.received)
    check(not failures, "no POST with a refused signature", failures)
    bad_gets = [g for g in gets if g[2] is not None]
    check(not bad_gets, "every GET of the peer's documents validly signed", bad_gets)
    foreign = [r for r in received if not r.signer.startswith(ctx.base + "/")]
    check(not foreign, f"every received activity signed by an actor of {ctx.base}", foreign)
    check(received, "at least one received activity", received)
    return f"{len(received)} activities and {len(gets)} GETs, all validly signed"


# ---------------------------------------------------------------------------


def main():
    ctx.base = env("KP_BASE_URL").rstrip("/")
    ctx.domain = urllib.parse.urlsplit(ctx.base).netloc
    ctx.person = env("KP_PERSON_NAME")
    ctx.token = env("KP_PERSON_TOKEN")
    ctx.group = env("KP_GROUP_NAME")
    ctx.admin_token = env("KP_ADMIN_TOKEN")
    host = env("KP_PEER_HOST")
    try:
        ctx.peer = Peer(host).start()
    except OSError as error:
        print(f"FAIL setup: cannot listen on {host}: {error}")
        return 2
    print(f"peer {ctx.peer.actor_id} federating with {ctx.base}", flush=True)
    passed, failed, skipped = [], [], []
    try:
        for name, function, needs in STEPS:
            label = name.split(".")[0]
            missing = [n for n in needs if n not in passed]
            if missing:
                skipped.append(label)
                print(f"SKIP {name} (needs {', '.join(missing)})", flush=True)
                continue
            started = time.monotonic()
            try:
                detail = function()
            except StepFailed as error:
                failed.append(label)
                print(f"FAIL {name}: {error}", flush=True)
            except Exception as error:  # a crash is a failure of this step, not of the run
                failed.append(label)
                print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
                if os.environ.get("KP_TRACEBACK"):
                    traceback.print_exc()
            else:
                passed.append(label)
                took = time.monotonic() - started
                print(f"ok   {name}" + (f" ({detail})" if detail else "") + f" [{took:.2f} s]", flush=True)
    finally:
        ctx.peer.stop()
    if failed or skipped:
        print(f"{len(failed)} failed ({', '.join(failed)}), {len(skipped)} skipped, "
              f"{len(passed)} of {len(STEPS)} steps passed")
        return 1
    print(f"all {len(STEPS)} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
