#!/usr/bin/env python3
"""Drive a running Knooppunt instance the way a real Mastodon app does.

Uses Mastodon.py (unmodified, see requirements.txt) against the instance at
KP_BASE_URL, with two existing local accounts:

    KP_BASE_URL                                  e.g. http://127.0.0.2:41234
    KP_ALICE_NAME, KP_ALICE_EMAIL, KP_ALICE_PASSWORD
    KP_BOB_NAME,   KP_BOB_EMAIL,   KP_BOB_PASSWORD
    KP_IMAGE_PATH                                a small PNG to upload

Prints one line per step and exits 0 when every step passed. On the first
failure it prints which step failed, what was expected and what came back,
followed by the last HTTP exchanges, and exits 1 (2 for a bad environment).
Set KP_TRACEBACK=1 to also get the Python traceback of a failure.
"""

import collections
import os
import re
import sys
import time
import traceback
import uuid
import warnings
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

try:
    import requests
    from mastodon import (
        Mastodon,
        MastodonAPIError,
        MastodonError,
        MastodonIllegalArgumentError,
        MastodonNotFoundError,
        MastodonUnauthorizedError,
    )
except ImportError as error:  # pragma: no cover - environment problem
    print(f"FAIL setup: cannot import Mastodon.py/requests ({error}); "
          "install tests/python/requirements.txt (scripts/test does, into .venv)")
    sys.exit(2)

SCOPES = ["read", "write", "follow", "push"]
OOB = "urn:ietf:wg:oauth:2.0:oob"
TIMEOUT = 30

# ---------------------------------------------------------------------------
# Failures, checks and the record of HTTP exchanges
# ---------------------------------------------------------------------------


class StepFailed(Exception):
    """An answer was not what the step expected."""


def fail(message):
    raise StepFailed(message)


def check(condition, what, got=None):
    """Fail with `what` (the expectation) and `got` unless `condition`."""
    if not condition:
        fail(f"expected {what}; got {short(got)}")


def eq(actual, expected, what):
    if actual != expected:
        fail(f"{what}: expected {expected!r}, got {short(actual)}")


def ids(items):
    return [str(item.id) for item in items]


def short(value, limit=600):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def expect_error(error_type, what, call, *args, **kwargs):
    """Run `call`, which must raise `error_type`; return the exception."""
    try:
        result = call(*args, **kwargs)
    except error_type as error:
        return error
    except MastodonError as error:
        fail(f"{what}: expected {error_type.__name__}, got {describe_error(error)}")
    fail(f"{what}: expected {error_type.__name__}, but the call succeeded and returned {short(result)}")


def describe_error(error):
    args = [str(arg) for arg in error.args if arg is not None and str(arg) != ""]
    return f"{type(error).__name__}: " + " | ".join(args)


HTTP_LOG = collections.deque(maxlen=5)
SECRET_FIELDS = re.compile(r"((?:^|&)(?:password|client_secret|token|code)=)[^&]*")


def record_response(response, *args, **kwargs):
    HTTP_LOG.append(response)


def recording_session():
    session = requests.Session()
    session.hooks["response"].append(record_response)
    return session


def format_exchange(response, limit):
    request = response.request
    lines = [f"    {request.method} {request.url} -> {response.status_code} {response.reason}"]
    body = request.body
    if body:
        content_type = request.headers.get("Content-Type", "")
        if isinstance(body, bytes):
            if content_type.startswith("multipart/"):
                body = f"<{content_type.split(';')[0]}, {len(body)} bytes>"
            else:
                body = body.decode("utf-8", "replace")
        body = SECRET_FIELDS.sub(r"\1***", body)
        lines.append(f"      sent ({content_type}): {short(body, 400)}")
    for header in ("Location", "Link", "Content-Type"):
        if header in response.headers:
            lines.append(f"      {header}: {response.headers[header]}")
    text = response.text if "image/" not in response.headers.get("Content-Type", "") else "<image>"
    lines.append(f"      got: {short(text, limit)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------

STEPS = []


def step(name):
    """Register the decorated function as the step called `name`."""
    def register(function):
        STEPS.append((name, function))
        return function
    return register


def client(access_token=None, with_app=True):
    """A Mastodon.py client as an app would build it (fails fast on 429)."""
    return Mastodon(
        client_id=ctx.client_id if with_app else None,
        client_secret=ctx.client_secret if with_app else None,
        access_token=access_token,
        api_base_url=ctx.base,
        session=recording_session(),
        ratelimit_method="throw",
        request_timeout=TIMEOUT,
    )


def last_exchange(path_part):
    for response in reversed(HTTP_LOG):
        if path_part in response.request.url:
            return response
    return None


def env(name):
    value = os.environ.get(name, "")
    if not value:
        print(f"FAIL setup: environment variable {name} is not set")
        sys.exit(2)
    return value


ctx = SimpleNamespace()


@step("a. create_app registers the app (POST /api/v1/apps)")
def step_create_app():
    client_id, client_secret = Mastodon.create_app(
        "Knooppunt test", api_base_url=ctx.base, scopes=SCOPES, redirect_uris=OOB,
        session=recording_session(), request_timeout=TIMEOUT)
    check(isinstance(client_id, str) and client_id, "a non-empty client_id", client_id)
    check(isinstance(client_secret, str) and client_secret, "a non-empty client_secret", client_secret)
    ctx.client_id, ctx.client_secret = client_id, client_secret
    return f"client_id {client_id}"


@step("b. password grant for alice; wrong password refused")
def step_password_grant():
    alice = client()
    token = alice.log_in(username=ctx.alice_email, password=ctx.alice_password,
                         scopes=SCOPES, allow_http=True)
    check(isinstance(token, str) and token, "log_in to return a non-empty access token", token)
    me = alice.account_verify_credentials()
    eq(me.username, ctx.alice_name, "verify_credentials username")
    eq(me.acct, ctx.alice_name, "verify_credentials acct")
    ctx.alice, ctx.alice_id = alice, str(me.id)

    intruder = client()
    expect_error(MastodonIllegalArgumentError, "log_in with a wrong password", intruder.log_in,
                 username=ctx.alice_email, password=ctx.alice_password + "-wrong",
                 scopes=SCOPES, allow_http=True)
    refused = last_exchange("/token")
    check(refused is not None and refused.status_code in (400, 401),
          "the token endpoint to answer a wrong password with 400 (invalid_grant) or 401",
          refused.status_code if refused is not None else "no request")
    return f"alice id {ctx.alice_id}"


class PageParser(HTMLParser):
    """Collects every form (inputs, buttons) and the text of #authorization-code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.current = None
        self.code = None
        self.code_tag = None
        self.title = ""
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = {key.lower(): (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self.current = {
                "method": (attributes.get("method") or "get").lower(),
                "action": attributes.get("action"),
                "inputs": [],
                "buttons": [],
            }
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None:
            self.current["inputs"].append(attributes)
        elif tag == "button" and self.current is not None:
            self.current["buttons"].append(attributes)
        elif tag == "title":
            self.in_title = True
        if attributes.get("id") == "authorization-code":
            self.code, self.code_tag = "", tag

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "title":
            self.in_title = False
        if tag == self.code_tag:
            self.code_tag = None

    def handle_data(self, data):
        if self.code_tag is not None:
            self.code += data
        if self.in_title:
            self.title += data


def parse_page(response):
    parser = PageParser()
    parser.feed(response.text)
    parser.close()
    return parser


def page_summary(response, parser):
    text = re.sub(r"<[^>]+>", " ", response.text)
    text = re.sub(r"\s+", " ", text).strip()
    return f"page {response.url} (HTTP {response.status_code}, title {parser.title.strip()!r}): {short(text, 300)}"


def form_fields(form):
    """The name/value pairs a browser submits for `form`, without any button."""
    fields = []
    for attributes in form["inputs"]:
        name = attributes.get("name")
        kind = (attributes.get("type") or "text").lower()
        if not name or kind in ("submit", "button", "image", "reset", "file"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in attributes:
            continue
        fields.append((name, attributes.get("value", "on" if kind in ("checkbox", "radio") else "")))
    return fields


def browse(session, method, url, what, data=None, headers=None):
    response = session.request(method, url, data=data, headers=headers, timeout=TIMEOUT, allow_redirects=True)
    if response.status_code != 200:
        parser = parse_page(response)
        fail(f"{what}: expected HTTP 200 (after redirects), got {page_summary(response, parser)}")
    return response, parse_page(response)


def submit(session, page, form, fields, what):
    if form["method"] != "post":
        fail(f"{what}: expected the form to use method=post, got method={form['method']!r}")
    action = urljoin(page.url, form["action"] or page.url)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    # What a browser adds to a form submission.
    return browse(session, "POST", action, what, data=fields, headers={"Origin": origin, "Referer": page.url})


@step("c. authorization-code flow for bob (login form, consent, OOB code)")
def step_code_flow():
    bob = client()
    url = bob.auth_request_url(scopes=SCOPES, redirect_uris=OOB, allow_http=True)
    check(url.startswith(ctx.base), f"the authorize URL to be on {ctx.base}", url)
    browser = recording_session()
    browser.headers["Accept"] = "text/html,application/xhtml+xml"

    page, parsed = browse(browser, "GET", url, "GET the authorize URL")
    logins = [form for form in parsed.forms if form["method"] == "post"
              and any(field.get("name") == "password" for field in form["inputs"])]
    if len(logins) != 1:
        fail(f"expected one <form method=post> with a password input on the login page; "
             f"found {len(logins)} on {page_summary(page, parsed)}")
    login = logins[0]
    fields = [(name, value) for name, value in form_fields(login) if name not in ("username", "password")]
    if not any(field.get("name") == "username" for field in login["inputs"]):
        fail(f"expected an input named 'username' in the login form; inputs {short(login['inputs'])}")
    fields += [("username", ctx.bob_email), ("password", ctx.bob_password)]

    page, parsed = submit(browser, page, login, fields, "POST the login form")
    consents = [form for form in parsed.forms if form["method"] == "post" and any(
        button.get("name") == "decision" and button.get("value") == "approve"
        for button in form["buttons"] + form["inputs"])]
    if len(consents) != 1:
        fail("expected one <form method=post> with <button name=decision value=approve> on the "
             f"consent page after logging in; found {len(consents)} on {page_summary(page, parsed)}")
    consent = consents[0]
    fields = [(name, value) for name, value in form_fields(consent) if name != "decision"]
    fields.append(("decision", "approve"))

    page, parsed = submit(browser, page, consent, fields, "POST the consent form (decision=approve)")
    code = (parsed.code or "").strip()
    if not code:
        fail(f'expected <code id="authorization-code">CODE</code> after approving; got {page_summary(page, parsed)}')

    token = bob.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    check(isinstance(token, str) and token, "log_in(code=...) to return an access token", token)
    me = bob.account_verify_credentials()
    eq(me.username, ctx.bob_name, "verify_credentials username")
    eq(me.acct, ctx.bob_name, "verify_credentials acct")
    ctx.bob, ctx.bob_id = bob, str(me.id)

    replay = client()
    expect_error(MastodonIllegalArgumentError, "log_in with an already used authorization code",
                 replay.log_in, code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    refused = last_exchange("/token")
    check(refused is not None and refused.status_code in (400, 401),
          "the token endpoint to refuse a used code with 400 (invalid_grant) or 401",
          refused.status_code if refused is not None else "no request")
    return f"bob id {ctx.bob_id}"


@step("d. instance v1 and v2")
def step_instance():
    alice = ctx.alice
    for label, info in (("instance_v1()", alice.instance_v1()), ("instance_v2()", alice.instance_v2()),
                        ("instance()", alice.instance())):
        check(isinstance(info.title, str) and info.title.strip(), f"{label} to have a non-empty title", info.title)
        check(isinstance(info.version, str) and info.version.startswith("4."),
              f"{label} version to start with '4.'", info.version)
    version = alice.retrieve_mastodon_version()
    check(version.startswith("4."), "Mastodon.py to detect a 4.x version", version)
    return f"version {info.version}"


HASHTAG_LINK = re.compile(r'<a\s[^>]*href="[^"]*buurtfeest"[^>]*>(?:(?!</a>).)*#(?:(?!</a>).)*buurtfeest(?:(?!</a>).)*</a>',
                          re.IGNORECASE | re.DOTALL)


@step("e. alice and bob post")
def step_post():
    post = ctx.alice.status_post("Hallo wijk! #buurtfeest")
    check("Hallo wijk" in post.content, "content containing 'Hallo wijk'", post.content)
    check(HASHTAG_LINK.search(post.content), 'content with a hashtag link <a href=".../buurtfeest">#buurtfeest</a>',
          post.content)
    check("buurtfeest" in [tag.name.lower() for tag in post.tags], "tags to contain buurtfeest", post.tags)
    eq(post.visibility, "public", "visibility")
    eq(post.account.username, ctx.alice_name, "account.username")
    eq(str(post.account.id), ctx.alice_id, "account.id")
    ctx.alice_post = post

    mine = ctx.bob.status_post("Hoi buren, ik ben nieuw hier")
    check("Hoi buren" in mine.content, "bob's content containing 'Hoi buren'", mine.content)
    eq(mine.account.username, ctx.bob_name, "bob's post account.username")
    ctx.bob_post = mine
    return f"alice status {post.id}, bob status {mine.id}"


@step("f. bob follows alice; relationships, followers, following")
def step_follow():
    bob, alice = ctx.bob, ctx.alice
    relationship = bob.account_follow(ctx.alice_id)
    eq(str(relationship.id), ctx.alice_id, "relationship id")
    eq(relationship.following, True, "relationship.following after account_follow")
    relationships = bob.account_relationships([ctx.alice_id])
    eq(ids(relationships), [ctx.alice_id], "account_relationships([alice]) ids")
    eq(relationships[0].following, True, "account_relationships following")
    reverse = alice.account_relationships([ctx.bob_id])
    eq(ids(reverse), [ctx.bob_id], "alice's account_relationships([bob]) ids")
    eq(reverse[0].followed_by, True, "alice's relationship to bob: followed_by")
    followers = alice.account_followers(ctx.alice_id)
    check(ctx.bob_id in ids(followers), "bob among alice's account_followers", ids(followers))
    following = bob.account_following(ctx.bob_id)
    check(ctx.alice_id in ids(following), "alice among bob's account_following", ids(following))


@step("g. bob's home timeline has alice's post and his own")
def step_home():
    home = ids(ctx.bob.timeline_home())
    check(str(ctx.alice_post.id) in home, f"alice's status {ctx.alice_post.id} in bob's home timeline", home)
    check(str(ctx.bob_post.id) in home, f"bob's own status {ctx.bob_post.id} in his home timeline", home)


@step("h. bob replies to alice, mentioning her; context")
def step_reply():
    reply = ctx.bob.status_post(f"Goed idee @{ctx.alice_name}", in_reply_to_id=ctx.alice_post.id)
    eq(str(reply.in_reply_to_id), str(ctx.alice_post.id), "in_reply_to_id")
    eq(str(reply.in_reply_to_account_id), ctx.alice_id, "in_reply_to_account_id")
    mentions = [(m.acct, str(m.id)) for m in reply.mentions]
    check((ctx.alice_name, ctx.alice_id) in mentions, f"mentions to contain acct {ctx.alice_name!r}", mentions)
    context = ctx.alice.status_context(ctx.alice_post.id)
    check(str(reply.id) in ids(context.descendants), f"reply {reply.id} in the context's descendants",
          ids(context.descendants))
    eq(ids(context.ancestors), [], "ancestors of a top-level status")
    context = ctx.alice.status_context(reply.id)
    eq(ids(context.ancestors), [str(ctx.alice_post.id)], "ancestors of the reply")
    ctx.reply = reply
    return f"reply {reply.id}"


def counts(status):
    return (status.favourites_count, status.reblogs_count, status.replies_count)


@step("i. bob favourites and reblogs; counts; undo and redo")
def step_favourite_reblog():
    bob, alice, post = ctx.bob, ctx.alice, ctx.alice_post
    favourited = bob.status_favourite(post.id)
    eq(str(favourited.id), str(post.id), "status_favourite returns the status")
    eq(favourited.favourited, True, "favourited")
    reblog = bob.status_reblog(post.id)
    check(reblog.reblog is not None, "status_reblog to return a status wrapping a reblog", reblog)
    eq(str(reblog.reblog.id), str(post.id), "reblog.reblog.id")
    eq(str(reblog.account.id), ctx.bob_id, "reblog.account.id")

    eq(counts(alice.status(post.id)), (1, 1, 1), "alice's view (favourites_count, reblogs_count, replies_count)")
    seen = bob.status(post.id)
    eq((seen.favourited, seen.reblogged), (True, True), "bob's view (favourited, reblogged)")
    eq(ids(alice.status_favourited_by(post.id)), [ctx.bob_id], "status_favourited_by")
    eq(ids(alice.status_reblogged_by(post.id)), [ctx.bob_id], "status_reblogged_by")

    eq(bob.status_unfavourite(post.id).favourited, False, "favourited after status_unfavourite")
    undone = bob.status_unreblog(post.id)
    eq(str(undone.id), str(post.id), "status_unreblog returns the original status")
    eq(undone.reblogged, False, "reblogged after status_unreblog")
    eq(counts(alice.status(post.id)), (0, 0, 1), "counts after unfavourite and unreblog")
    eq(ids(alice.status_favourited_by(post.id)), [], "status_favourited_by after unfavourite")
    eq(ids(alice.status_reblogged_by(post.id)), [], "status_reblogged_by after unreblog")

    eq(bob.status_favourite(post.id).favourited, True, "favourited after favouriting again")
    eq(str(bob.status_reblog(post.id).reblog.id), str(post.id), "reblogging again")
    eq(counts(alice.status(post.id)), (1, 1, 1), "counts after favouriting and reblogging again")


@step("j. alice's notifications; dismiss one; clear")
def step_notifications():
    alice = ctx.alice
    notifications = alice.notifications()
    from_bob = {}
    for notification in notifications:
        if str(notification.account.id) == ctx.bob_id:
            from_bob.setdefault(notification.type, notification)
    seen = sorted(from_bob)
    for kind in ("follow", "favourite", "reblog", "mention"):
        check(kind in from_bob, f"a {kind!r} notification from bob", seen)
    eq(str(from_bob["mention"].status.id), str(ctx.reply.id), "the mention notification's status")
    eq(str(from_bob["favourite"].status.id), str(ctx.alice_post.id), "the favourite notification's status")
    eq(str(from_bob["reblog"].status.id), str(ctx.alice_post.id), "the reblog notification's status")

    dismissed = str(from_bob["follow"].id)
    alice.notifications_dismiss(dismissed)
    remaining = ids(alice.notifications())
    check(dismissed not in remaining, f"notification {dismissed} gone after notifications_dismiss", remaining)
    eq(len(remaining), len(notifications) - 1, "number of notifications after dismissing one")
    alice.notifications_clear()
    eq(ids(alice.notifications()), [], "notifications after notifications_clear")
    return f"types {seen}"


def page_ids(page, what):
    if page is None:
        fail(f"{what}: fetch_next returned None, i.e. the previous page had no usable "
             'Link: <...max_id=...>; rel="next" header')
    return ids(page)


def check_newest_first(pages, what):
    statuses = [status for page in pages for status in page]
    every = ids(statuses)
    eq(len(set(every)), len(every), f"{what}: pages must not overlap (ids {every})")
    times = [status.created_at for status in statuses]
    check(all(a >= b for a, b in zip(times, times[1:])), f"{what}: newest first",
          list(zip(every, [str(t) for t in times])))


@step("k. timelines paginate (hashtag, public, local, home)")
def step_pagination():
    alice, bob = ctx.alice, ctx.bob
    posts = [str(alice.status_post(f"Proef {n} #proef").id) for n in range(1, 6)]
    ctx.proef = posts
    newest = posts[-1]

    first = alice.timeline_hashtag("proef", limit=2)
    eq(ids(first), [posts[4], posts[3]], "timeline_hashtag('proef', limit=2)")
    second = alice.fetch_next(first)
    eq(page_ids(second, "hashtag page 2"), [posts[2], posts[1]], "hashtag page 2")
    third = alice.fetch_next(second)
    eq(page_ids(third, "hashtag page 3"), [posts[0]], "hashtag page 3")
    fourth = alice.fetch_next(third)
    check(fourth is None or len(fourth) == 0, "no hashtag page 4 (None or empty)", fourth)

    for label, kwargs in (("timeline_public(limit=2)", {}), ("timeline_public(local=True, limit=2)", {"local": True})):
        first = bob.timeline_public(limit=2, **kwargs)
        eq(len(first), 2, f"{label} length")
        eq(ids(first)[0], newest, f"{label} newest status")
        second = bob.fetch_next(first)
        eq(len(page_ids(second, f"{label} page 2")), 2, f"{label} page 2 length")
        check_newest_first([first, second], label)

    first = bob.timeline_home(limit=3)
    eq(len(first), 3, "timeline_home(limit=3) length")
    eq(ids(first)[0], newest, "bob's home timeline newest status")
    second = bob.fetch_next(first)
    eq(len(page_ids(second, "home page 2")), 3, "home page 2 length")
    check_newest_first([first, second], "timeline_home")
    return f"#proef statuses {posts}"


@step("l. media upload and a status with it")
def step_media():
    media = ctx.alice.media_post(ctx.image_path, mime_type="image/png", description="Een plaatje")
    eq(media.type, "image", "media type")
    check(media.id, "a media id", media)
    check(media.url, "a media url right away (no async processing)", media)
    eq(media.description, "Een plaatje", "media description")
    status = ctx.alice.status_post("Met plaatje", media_ids=[media])
    eq(ids(status.media_attachments), [str(media.id)], "media_attachments ids")
    attachment = status.media_attachments[0]
    eq(attachment.type, "image", "attachment type")
    eq(attachment.description, "Een plaatje", "attachment description")
    response = requests.get(attachment.url, timeout=TIMEOUT)
    HTTP_LOG.append(response)
    eq(response.status_code, 200, f"GET {attachment.url} status")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    eq(content_type, "image/png", f"GET {attachment.url} Content-Type")
    check(response.content.startswith(b"\x89PNG\r\n\x1a\n"), "a PNG body", response.content[:16])
    return f"media {media.id} at {attachment.url}"


@step("m. poll: alice asks, bob votes")
def step_poll():
    alice, bob = ctx.alice, ctx.bob
    status = alice.status_post("Welke dag?", poll=alice.make_poll(["zaterdag", "zondag"], expires_in=3600))
    check(status.poll is not None, "a poll on the status", status)
    eq([option.title for option in status.poll.options], ["zaterdag", "zondag"], "poll options")
    eq((status.poll.expired, status.poll.multiple, status.poll.votes_count), (False, False, 0),
       "new poll (expired, multiple, votes_count)")
    check(status.poll.expires_at is not None, "poll expires_at", status.poll)
    poll_id = status.poll.id

    vote = bob.poll_vote(poll_id, [1])
    eq(vote.voted, True, "voted")
    eq(list(vote.own_votes), [1], "own_votes")
    eq(vote.votes_count, 1, "votes_count")
    eq([option.votes_count for option in vote.options], [0, 1], "options votes_count after the vote")
    refused = expect_error(MastodonAPIError, "voting twice in a single-choice poll", bob.poll_vote, poll_id, [0])
    check(len(refused.args) > 1 and isinstance(refused.args[1], int) and 400 <= refused.args[1] < 500,
          "a 4xx answer (Mastodon: 422) to voting twice", describe_error(refused))

    seen = alice.poll(poll_id)
    eq([option.votes_count for option in seen.options], [0, 1], "alice's view of options votes_count")
    eq(seen.votes_count, 1, "alice's view of votes_count")
    eq(seen.voted, False, "alice's view of voted")
    return f"poll {poll_id}"


@step("n. alice edits her post; history")
def step_edit():
    post = ctx.alice_post
    edited = ctx.alice.status_update(post.id, "Hallo wijk! (aangepast)")
    eq(str(edited.id), str(post.id), "status_update returns the same status")
    check("(aangepast)" in edited.content, "the edited content", edited.content)
    check(edited.edited_at is not None, "edited_at to be set", edited.edited_at)
    history = ctx.alice.status_history(post.id)
    eq(len(history), 2, "status_history length")
    check("buurtfeest" in history[0].content, "the original text first in status_history", history[0].content)
    check("(aangepast)" in history[1].content, "the edited text last in status_history", history[1].content)
    seen = ctx.bob.status(post.id)
    check("(aangepast)" in seen.content and seen.edited_at is not None, "bob to see the edit", seen.content)


@step("o. alice deletes a status; it is gone")
def step_delete():
    doomed = ctx.alice.status_post("Dit bericht verdwijnt")
    deleted = ctx.alice.status_delete(doomed.id)
    eq(str(deleted.id), str(doomed.id), "status_delete returns the deleted status")
    eq(deleted.get("text"), "Dit bericht verdwijnt", "status_delete's source text (for delete and redraft)")
    expect_error(MastodonNotFoundError, f"status({doomed.id}) after deleting it", ctx.alice.status, doomed.id)


@step("p. Idempotency-Key gives the same status")
def step_idempotency():
    key = f"k1-{uuid.uuid4().hex[:12]}"
    first = ctx.alice.status_post("Maar een keer", idempotency_key=key)
    again = ctx.alice.status_post("Maar een keer", idempotency_key=key)
    eq(str(again.id), str(first.id), f"status id for a repeated Idempotency-Key {key}")
    other = ctx.alice.status_post("Maar een keer", idempotency_key=key + "-2")
    check(str(other.id) != str(first.id), "a new status for a different Idempotency-Key", other.id)


@step("q. empty-but-valid endpoints; markers")
def step_misc_endpoints():
    alice, bob = ctx.alice, ctx.bob
    for label, call in (("announcements()", alice.announcements), ("custom_emojis()", alice.custom_emojis),
                        ("filters()", alice.filters), ("trending_tags()", alice.trending_tags),
                        ("trends()", alice.trends)):
        result = call()
        check(isinstance(result, list), f"{label} to answer a JSON array", result)
    eq(list(alice.filters_v2()), [], "filters_v2()")
    eq(list(alice.lists()), [], "lists()")
    preferences = alice.preferences()
    check(preferences.get("posting:default:visibility") in ("public", "unlisted", "private", "direct"),
          "preferences() with posting:default:visibility", preferences)

    last_id = str(bob.timeline_home(limit=1)[0].id)
    markers = bob.markers_set("home", last_id)
    check("home" in markers, "markers_set to answer a 'home' marker", markers)
    eq(str(markers["home"].last_read_id), last_id, "markers_set home.last_read_id")
    markers = bob.markers_get("home")
    check("home" in markers, "markers_get to answer a 'home' marker", markers)
    eq(str(markers["home"].last_read_id), last_id, "markers_get home.last_read_id")


@step("r. search accounts, hashtags and statuses")
def step_search():
    alice = ctx.alice
    found = alice.search_v2(ctx.alice_name, resolve=False)
    check(ctx.alice_id in ids(found.accounts), f"alice in search_v2({ctx.alice_name!r}).accounts",
          [a.acct for a in found.accounts])
    found = alice.search_v2("#proef")
    names = [tag.name.lower() for tag in found.hashtags]
    check("proef" in names, "'proef' in search_v2('#proef').hashtags", names)
    found = alice.search_v2("Hallo wijk", resolve=False)
    check(str(ctx.alice_post.id) in ids(found.statuses), f"status {ctx.alice_post.id} in search_v2('Hallo wijk').statuses",
          ids(found.statuses))


@step("s. account lookup, statuses, update_credentials")
def step_accounts():
    alice, bob = ctx.alice, ctx.bob
    found = bob.account_lookup(ctx.alice_name)
    eq((str(found.id), found.username), (ctx.alice_id, ctx.alice_name), "account_lookup (id, username)")
    statuses = bob.account_statuses(ctx.alice_id)
    check(str(ctx.alice_post.id) in ids(statuses), f"status {ctx.alice_post.id} in account_statuses(alice)",
          ids(statuses))
    accounts = {str(status.account.id) for status in statuses}
    eq(accounts, {ctx.alice_id}, "authors in account_statuses(alice)")

    updated = alice.account_update_credentials(display_name="Alice B", note="Bewoner")
    eq(updated.display_name, "Alice B", "account_update_credentials display_name")
    me = alice.account_verify_credentials()
    eq(me.display_name, "Alice B", "display_name after update")
    check("Bewoner" in me.note, "note (HTML) containing 'Bewoner'", me.note)
    eq(me.source.note, "Bewoner", "source.note (plain text)")
    eq(bob.account(ctx.alice_id).display_name, "Alice B", "bob's view of alice's display_name")


@step("s2. bob reports alice's post (report); an administrator sees and resolves it")
def step_report():
    report = ctx.bob.report(ctx.alice_id, status_ids=[ctx.alice_post.id],
                            comment="Dit hoort hier niet", forward=False, category="other")
    eq(str(report.target_account.id), ctx.alice_id, "report target_account.id")
    eq([str(i) for i in report.status_ids], [str(ctx.alice_post.id)], "report status_ids")
    eq((report.comment, report.category, report.forwarded, report.action_taken),
       ("Dit hoort hier niet", "other", False, False), "report (comment, category, forwarded, action_taken)")
    expect_error(MastodonAPIError, "a report of a status by someone else",
                 ctx.bob.report, ctx.alice_id, status_ids=[ctx.bob_post.id])
    # The administrator, through a token with the admin scopes (Mastodon's names).
    admin_scopes = ["read", "admin:read", "admin:write"]
    client_id, client_secret = Mastodon.create_app(
        "Knooppunt moderatie", api_base_url=ctx.base, scopes=admin_scopes, redirect_uris=OOB,
        session=recording_session(), request_timeout=TIMEOUT)
    admin = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=ctx.base,
                     session=recording_session(), request_timeout=TIMEOUT)
    token = admin.log_in(username=ctx.admin_name, password=ctx.admin_password,
                         scopes=admin_scopes, allow_http=True)
    headers = {"Authorization": f"Bearer {token}"}
    listed = requests.get(f"{ctx.base}/api/knooppunt/v1/admin/reports?state=open",
                          headers=headers, timeout=TIMEOUT)
    eq(listed.status_code, 200, "GET admin/reports status")
    mine = [r for r in listed.json() if r["id"] == str(report.id)]
    eq(len(mine), 1, f"report {report.id} among the open reports")
    eq((mine[0]["reporter"]["acct"], mine[0]["target_account"]["acct"], mine[0]["statuses"][0]["id"]),
       (ctx.bob_name, ctx.alice_name, str(ctx.alice_post.id)), "(reporter, target, status) seen by the admin")
    refused = requests.get(f"{ctx.base}/api/knooppunt/v1/admin/reports",
                           headers={"Authorization": f"Bearer {ctx.bob.access_token}"}, timeout=TIMEOUT)
    eq(refused.status_code, 403, "bob reading the reports")
    done = requests.post(f"{ctx.base}/api/knooppunt/v1/admin/reports/{report.id}/resolve",
                         headers=headers, json={"note": "Bekeken; in orde"}, timeout=TIMEOUT)
    eq((done.status_code, done.json()["state"]), (200, "resolved"), "resolving the report")
    return f"report {report.id} made, seen and resolved"


@step("t. revoke alice's token; it no longer works")
def step_revoke():
    token = ctx.alice.access_token
    ctx.alice.revoke_access_token(allow_http=True)
    expect_error(MastodonUnauthorizedError, "verify_credentials with the revoked token",
                 client(access_token=token, with_app=False).account_verify_credentials)
    eq(ctx.bob.account_verify_credentials().username, ctx.bob_name, "bob's token still working")


# ---------------------------------------------------------------------------


def where(error):
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if os.path.abspath(frame.filename) == os.path.abspath(__file__)]
    if not frames:
        return ""
    frame = frames[-1]
    return f" (at {os.path.basename(frame.filename)}:{frame.lineno}: {frame.line})"


def main():
    ctx.base = env("KP_BASE_URL").rstrip("/")
    for who in ("alice", "bob"):
        for field in ("name", "email", "password"):
            setattr(ctx, f"{who}_{field}", env(f"KP_{who.upper()}_{field.upper()}"))
    ctx.admin_name, ctx.admin_password = env("KP_ADMIN_NAME"), env("KP_ADMIN_PASSWORD")
    ctx.image_path = env("KP_IMAGE_PATH")
    if not os.path.isfile(ctx.image_path):
        print(f"FAIL setup: KP_IMAGE_PATH {ctx.image_path!r} is not a file")
        return 2

    def show_warning(message, category, filename, lineno, file=None, line=None):
        print(f"      warning ({category.__name__}): {message}", flush=True)

    warnings.showwarning = show_warning
    warnings.simplefilter("always")
    warnings.filterwarnings("ignore", category=ResourceWarning)  # Mastodon.py leaves upload files open

    print(f"Mastodon.py flow against {ctx.base}", flush=True)
    for name, function in STEPS:
        started = time.monotonic()
        HTTP_LOG.clear()
        try:
            detail = function()
        except StepFailed as error:
            failure, message = error, str(error)
        except MastodonError as error:
            failure, message = error, f"unexpected {describe_error(error)}{where(error)}"
        except Exception as error:  # noqa: BLE001 - every failure is reported the same way
            failure, message = error, f"unexpected {type(error).__name__}: {error}{where(error)}"
        else:
            took = time.monotonic() - started
            print(f"ok   {name}" + (f": {detail}" if detail else "") + f" ({took:.2f}s)", flush=True)
            continue
        print(f"FAIL {name}\n  {message}", flush=True)
        if HTTP_LOG:
            print("  last HTTP exchanges of this step:")
            for index, response in enumerate(HTTP_LOG, start=1):
                print(format_exchange(response, 1500 if index == len(HTTP_LOG) else 250))
        if os.environ.get("KP_TRACEBACK"):
            traceback.print_exception(failure)
        return 1
    print(f"all {len(STEPS)} steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
