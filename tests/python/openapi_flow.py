#!/usr/bin/env python3
"""Checks Knooppunt's OpenAPI document against a running instance.

1. GET /api/knooppunt/v1/openapi.json and validate it as OpenAPI 3.1
   (openapi-spec-validator).
2. Call every documented operation the way a client would, and check that
   each answer's status is one the document lists for that operation and
   that its JSON body validates against the documented schema
   (openapi-schema-validator, OAS 3.1 dialect).
3. Every documented operation must have been called.

Environment: KP_BASE_URL; KP_OWNER_TOKEN (a person who starts plans);
KP_OTHER_NAME and KP_OTHER_TOKEN (a second local person). Exits 0 when all
checks pass, 1 otherwise, 2 for a bad environment.
"""

import os
import sys

try:
    import requests
    from openapi_schema_validator import OAS31Validator
    from openapi_spec_validator import validate
except ImportError as error:  # pragma: no cover - environment problem
    print(f"FAIL setup: {error}; install tests/python/requirements.txt")
    sys.exit(2)

BASE = os.environ.get("KP_BASE_URL", "")
OWNER = os.environ.get("KP_OWNER_TOKEN", "")
OTHER_NAME = os.environ.get("KP_OTHER_NAME", "")
OTHER = os.environ.get("KP_OTHER_TOKEN", "")
ADMIN = os.environ.get("KP_ADMIN_TOKEN", "")
OWNER_NAME = os.environ.get("KP_OWNER_NAME", "")
if not (BASE and OWNER and OTHER and OTHER_NAME and ADMIN and OWNER_NAME):
    print("FAIL setup: KP_BASE_URL, KP_OWNER_TOKEN, KP_OWNER_NAME, KP_OTHER_NAME, KP_OTHER_TOKEN, "
          "KP_ADMIN_TOKEN are needed")
    sys.exit(2)

failures = []
called = set()


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL {message}")


doc = requests.get(f"{BASE}/api/knooppunt/v1/openapi.json", timeout=10).json()
try:
    validate(doc)
    print(f"ok   the document is valid OpenAPI {doc.get('openapi')}")
except Exception as error:  # noqa: BLE001 - the validator raises many kinds
    check(False, f"the document is not valid OpenAPI: {error}")
check(str(doc.get("openapi", "")).startswith("3.1"), "the document is OpenAPI 3.1")
operations = {
    (method.upper(), path)
    for path, item in doc.get("paths", {}).items()
    for method in item
    if method in ("get", "post", "put", "patch", "delete")
}


def call(method, template, token=None, body=None, query=None, csv=None, **params):
    """Calls a documented operation and checks the answer against the document.

    `query` adds query parameters, each of which must be documented as
    `in: query`; `csv` sends a text/csv body instead of JSON.
    """
    operation = doc["paths"].get(template, {}).get(method.lower())
    check(operation is not None, f"{method} {template} is documented")
    if operation is None:
        return None, None
    called.add((method, template))
    declared = {(p["name"], p["in"]) for p in operation.get("parameters", [])}
    for name in query or {}:
        check((name, "query") in declared, f"{method} {template}: query parameter {name} is documented")
    path = template.format(**params)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if csv is not None:
        headers["Content-Type"] = "text/csv"
        response = requests.request(method, BASE + path, data=csv.encode(), params=query,
                                    headers=headers, timeout=15)
    else:
        response = requests.request(method, BASE + path, json=body, params=query,
                                    headers=headers, timeout=15)
    status = str(response.status_code)
    documented = operation.get("responses", {})
    check(status in documented, f"{method} {path}: {status} is documented ({sorted(documented)})")
    content = documented.get(status, {}).get("content", {})
    kind = response.headers.get("Content-Type", "").split(";")[0]
    if content and kind:
        check(kind in content, f"{method} {path}: {status} as {kind} is documented ({sorted(content)})")
    schema = (
        content
        .get("application/json", {})
        .get("schema")
    )
    try:
        value = response.json()
    except ValueError:
        value = None
    if schema is not None:
        check(value is not None, f"{method} {path}: {status} has a JSON body")
        if value is not None:
            validator = OAS31Validator({**schema, "components": doc.get("components", {})})
            errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
            for e in errors[:3]:
                check(False, f"{method} {path}: {status} body at {list(e.path)}: {e.message}")
            if not errors:
                print(f"ok   {method} {path} -> {status}, body as documented")
    else:
        print(f"ok   {method} {path} -> {status}")
    return response.status_code, value


P = "/api/knooppunt/v1"
other = requests.get(
    f"{BASE}/api/v1/accounts/lookup", params={"acct": OTHER_NAME}, timeout=10
).json()["id"]

call("GET", f"{P}/plans", query={"state": "idea", "limit": "5"})
call("GET", f"{P}/plans", query={"state": "besloten"})
code, plan = call(
    "POST",
    f"{P}/plans",
    OWNER,
    {
        "title": "Speeltuin opknappen",
        "summary": "Nieuwe schommels.",
        "content": "<p>Met de buurt.</p>",
        "themes": ["spelen"],
        "area": {"address": "Park", "geometry": {"type": "Point", "coordinates": [4.47, 51.92]}},
        "cost_estimate": {"amount_cents": 1200000, "currency": "EUR"},
        "requested_budget": {"amount_cents": 800000},
    },
)
check(code == 201, "a plan is created")
call("POST", f"{P}/plans", OWNER, {"title": ""})
pid = plan["id"]
call("GET", f"{P}/plans/{{id}}", id=pid)
call("GET", f"{P}/plans/{{id}}", id="999999")
call("PATCH", f"{P}/plans/{{id}}", OWNER, {"summary": "Nieuwe schommels en een bank."}, id=pid)
call("PATCH", f"{P}/plans/{{id}}", OTHER, {"title": "Van mij"}, id=pid)
code, found = call("GET", f"{P}/plans/search", query={"q": "schommel", "state": "idea", "limit": "5"})
check(code == 200 and [p["id"] for p in found] == [pid], f"the plan is found by a word of its summary ({found})")
call("GET", f"{P}/plans/search", query={"q": "schommel", "state": "besloten"})
call("GET", f"{P}/plans/search", query={"q": "x" * 1001})
call("POST", f"{P}/plans/{{id}}/transition", OWNER, {"to": "done", "note": ""}, id=pid)
call("POST", f"{P}/plans/{{id}}/transition", OWNER, {"to": "proposal", "note": ""}, id=pid)
call("POST", f"{P}/plans/{{id}}/progress", OWNER, {"note": "Gestart"}, id=pid)
call("GET", f"{P}/plans/{{id}}/history", id=pid)
call("POST", f"{P}/plans/{{id}}/support", OTHER, id=pid)
call("DELETE", f"{P}/plans/{{id}}/support", OTHER, id=pid)
call("POST", f"{P}/plans/{{id}}/arguments", OTHER, {"text": "Goed idee", "stance": "pro"}, id=pid)
call("POST", f"{P}/plans/{{id}}/arguments", OTHER, {"text": "x", "stance": "neutraal"}, id=pid)
call("GET", f"{P}/plans/{{id}}/arguments", id=pid)
call("POST", f"{P}/plans/{{id}}/polls", OWNER, {"question": "Welke kleur?", "options": ["rood", "blauw"]}, id=pid)
call("POST", f"{P}/plans/{{id}}/advice", OWNER, {"account_id": other, "question": "Is dit veilig?"}, id=pid)
call("GET", f"{P}/plans/{{id}}/advice", id=pid)
_, pending = call("GET", f"{P}/advice_requests", OTHER)
check(bool(pending), "the advisor sees the request")
if pending:
    call("POST", f"{P}/advice_requests/{{id}}/answer", OTHER, {"verdict": "positive", "reasons": "Ja."}, id=pending[0]["id"])
call("POST", f"{P}/plans/{{id}}/owners", OWNER, {"account_id": other}, id=pid)
call("POST", f"{P}/plans/{{id}}/owners", OWNER, {"account_id": other}, id=pid)
call("GET", f"{P}/plans/{{id}}/editors", id=pid)
call("POST", f"{P}/plans/{{id}}/editors", OWNER, {"group": "geen-groep", "account_id": other}, id=pid)
call("DELETE", f"{P}/plans/{{id}}/editors/{{group}}/{{account_id}}", OWNER, id=pid, group="geen-groep", account_id=other)
call("GET", f"{P}/plan_invitations", OWNER)
call("GET", f"{P}/plans/{{id}}/invitations", OWNER, id=pid)
call("GET", f"{P}/plans/{{id}}/invitations", OTHER, id=pid)
call("POST", f"{P}/plan_invitations/{{id}}/accept", OTHER, id="424242")
call("POST", f"{P}/plan_invitations/{{id}}/reject", OTHER, id="424242")

call("GET", f"{P}/events", query={"past": "true", "limit": "5"})
code, event = call(
    "POST",
    f"{P}/events",
    OWNER,
    {
        "name": "Buurtborrel",
        "starts_at": "2027-01-15T19:00:00+01:00",
        "timezone": "Europe/Amsterdam",
        "location": {"name": "Buurthuis", "latitude": 51.9, "longitude": 4.4},
        "capacity": 30,
        "plan_id": pid,
    },
)
check(code == 201, "an event is created")
call("POST", f"{P}/events", OWNER, {"name": "x", "starts_at": "gisteren"})
eid = event["id"]
code, found = call("GET", f"{P}/events/search", query={"q": "buurthuis", "past": "true", "offset": "0"})
check(code == 200 and [e["id"] for e in found] == [eid], f"the event is found by its place ({found})")
call("GET", f"{P}/events/search", query={"q": "x" * 1001})
call("GET", f"{P}/events/{{id}}", id=eid)
call("PATCH", f"{P}/events/{{id}}", OWNER, {"capacity": 40}, id=eid)
call("PATCH", f"{P}/events/{{id}}", OTHER, {"name": "Van mij"}, id=eid)
call("POST", f"{P}/events/{{id}}/join", OTHER, id=eid)
call("GET", f"{P}/events/{{id}}/participants", id=eid)
call("POST", f"{P}/events/{{id}}/leave", OTHER, id=eid)
call("GET", f"{P}/events/{{id}}/event.ics", id=eid)
call("GET", f"{P}/calendars/neighbourhood.ics")
call("GET", f"{P}/calendars/groups/{{name}}/calendar.ics", name="geen-groep")
call("POST", f"{P}/events/{{id}}/cancel", OTHER, id=eid)
call("POST", f"{P}/events/{{id}}/cancel", OWNER, id=eid)
call("POST", f"{P}/events/{{id}}/join", OTHER, id=eid)

# Moderation, for administrators.
owner = requests.get(
    f"{BASE}/api/v1/accounts/lookup", params={"acct": OWNER_NAME}, timeout=10
).json()["id"]
made = requests.post(f"{BASE}/api/v1/reports", headers={"Authorization": f"Bearer {OTHER}"},
                     json={"account_id": owner, "comment": "Test"}, timeout=10)
check(made.status_code == 200, f"a report is made ({made.status_code} {made.text[:200]})")
rid = made.json().get("id", "0") if made.status_code == 200 else "0"
call("GET", f"{P}/admin/reports", OTHER)
call("GET", f"{P}/admin/reports", ADMIN, query={"state": "open", "limit": "10"})
call("GET", f"{P}/admin/reports", ADMIN, query={"state": "kwijt"})
call("GET", f"{P}/admin/reports/{{id}}", ADMIN, id=rid)
call("GET", f"{P}/admin/reports/{{id}}", ADMIN, id="424242")
call("POST", f"{P}/admin/reports/{{id}}/forward", ADMIN, id=rid)
call("POST", f"{P}/admin/reports/{{id}}/resolve", ADMIN, {"note": "Bekeken"}, id=rid)
call("POST", f"{P}/admin/reports/{{id}}/reopen", ADMIN, {"note": "Toch niet"}, id=rid)
call("POST", f"{P}/admin/accounts/{{id}}/action", ADMIN, {"type": "silence", "reason": "test"}, id=owner)
call("POST", f"{P}/admin/accounts/{{id}}/action", ADMIN, {"type": "unsilence"}, id=owner)
call("POST", f"{P}/admin/accounts/{{id}}/action", OTHER, {"type": "suspend"}, id=owner)
call("POST", f"{P}/admin/accounts/{{id}}/action", ADMIN, {"type": "verbannen"}, id=owner)
call("POST", f"{P}/admin/domain_blocks", ADMIN, {"domain": "spam.example", "severity": "silence"})
call("POST", f"{P}/admin/domain_blocks", ADMIN, {"domain": "geen domein"})
call("GET", f"{P}/admin/domain_blocks", ADMIN)
call("GET", f"{P}/admin/domain_blocks/export", ADMIN)
call("POST", f"{P}/admin/domain_blocks/import", ADMIN, csv="#domain,#severity\nander.example,suspend\n")
call("POST", f"{P}/admin/domain_blocks/import", ADMIN, csv="#domain,#severity\nx.example,nee\n")
call("DELETE", f"{P}/admin/domain_blocks/{{domain}}", ADMIN, domain="spam.example")
call("DELETE", f"{P}/admin/domain_blocks/{{domain}}", ADMIN, domain="spam.example")
call("GET", f"{P}/admin/audit_log", ADMIN, query={"limit": "5"})
call("GET", f"{P}/admin/audit_log", OTHER)

missing = sorted(operations - called)
check(not missing, f"every documented operation was called (missing: {missing})")
if failures:
    print(f"{len(failures)} checks failed")
    sys.exit(1)
print(f"all {len(called)} documented operations answered as documented")
