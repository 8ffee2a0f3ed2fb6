//! What we send: the typed builders give the JSON the server's `json!`
//! builders give today (publish.rs, notes.rs, actors.rs, plans, events,
//! moderation), except that `null` fields and empty lists are left out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use knooppunt_federation::vocab::*;
use serde::Serialize;
use serde_json::{Value, json};

const ANNA: &str = "https://k.example/users/anna";
const BOB: &str = "https://b.example/users/bob";

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

/// `value` without `null` fields and empty lists, recursively.
fn pruned(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k, pruned(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(pruned).collect()),
        v => v,
    }
}

fn sent<T: Serialize>(t: &T) -> Value {
    with_as_context(t).unwrap()
}

#[test]
fn follow_accept_undo_block() {
    let follow = Follow::new(&format!("{ANNA}#follows/1"), ANNA, BOB);
    let today = json!({"@context": AS_CONTEXT, "id": format!("{ANNA}#follows/1"), "type": "Follow", "actor": ANNA, "object": BOB});
    assert_eq!(sent(&follow), today);
    assert_eq!(
        sent(&Undo::of(follow.clone())),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}#follows/1/undo"), "type": "Undo", "actor": ANNA,
               "object": {"id": format!("{ANNA}#follows/1"), "type": "Follow", "actor": ANNA, "object": BOB}})
    );
    let accept = Accept::new(
        &format!("{BOB}#accept/x"),
        BOB,
        Follow::new(&format!("{ANNA}#follows/1"), ANNA, BOB),
    );
    assert_eq!(
        sent(&accept),
        json!({"@context": AS_CONTEXT, "id": format!("{BOB}#accept/x"), "type": "Accept", "actor": BOB,
               "object": {"id": format!("{ANNA}#follows/1"), "type": "Follow", "actor": ANNA, "object": BOB}})
    );
    assert_eq!(
        sent(&Block::new(&format!("{ANNA}#blocks/2"), ANNA, BOB)),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}#blocks/2"), "type": "Block", "actor": ANNA, "object": BOB})
    );
}

#[test]
fn like_announce_delete_flag() {
    let status = format!("{BOB}/statuses/9");
    let like = Like::new(&format!("{ANNA}#likes/3"), ANNA, &status);
    assert_eq!(
        sent(&like),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}#likes/3"), "type": "Like", "actor": ANNA, "object": status})
    );
    let mut boost = Announce::new(
        &format!("{ANNA}/statuses/10"),
        ANNA,
        &status,
        vec![PUBLIC.into()],
        vec![BOB.into(), format!("{ANNA}/followers")],
    );
    boost.published = Some(at());
    assert_eq!(
        sent(&boost),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}/statuses/10"), "type": "Announce", "actor": ANNA,
               "published": "2026-03-01T12:00:00.000Z", "to": [PUBLIC], "cc": [BOB, format!("{ANNA}/followers")], "object": status})
    );
    let mut delete = Delete::tombstone(
        &format!("{ANNA}/statuses/11#delete"),
        ANNA,
        &format!("{ANNA}/statuses/11"),
    );
    delete.to = vec![PUBLIC.into()];
    assert_eq!(
        sent(&delete),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}/statuses/11#delete"), "type": "Delete", "actor": ANNA,
               "to": [PUBLIC], "object": {"id": format!("{ANNA}/statuses/11"), "type": "Tombstone"}})
    );
    let mut gone = Delete::account(&format!("{ANNA}#delete"), ANNA);
    gone.to = vec![PUBLIC.into()];
    assert_eq!(
        sent(&gone),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}#delete"), "type": "Delete", "actor": ANNA, "to": [PUBLIC], "object": ANNA})
    );
    let flag = Flag::new(
        "https://k.example/reports/1",
        "https://k.example/actor",
        vec![BOB.into(), status.clone()],
        "spam",
    );
    assert_eq!(
        sent(&flag),
        json!({"@context": AS_CONTEXT, "id": "https://k.example/reports/1", "type": "Flag", "actor": "https://k.example/actor",
               "object": [BOB, status], "content": "spam"})
    );
}

#[test]
fn invites_and_participation() {
    let post = "https://k.example/users/anna/statuses/40";
    let invite = Invite::new(&format!("{post}#invites/1"), ANNA, post, BOB);
    let today = json!({"@context": AS_CONTEXT, "id": format!("{post}#invites/1"), "type": "Invite", "actor": ANNA,
                       "object": post, "target": BOB, "to": [BOB]});
    assert_eq!(sent(&invite), today);
    let mut answer = Accept::new(&format!("{BOB}#answers/1"), BOB, invite);
    answer.to = vec![ANNA.into()];
    let mut inner = today.clone();
    inner.as_object_mut().unwrap().remove("@context");
    assert_eq!(
        sent(&answer),
        json!({"@context": AS_CONTEXT, "id": format!("{BOB}#answers/1"), "type": "Accept", "actor": BOB, "to": [ANNA], "object": inner})
    );
    let event = "https://b.example/events/1";
    assert_eq!(
        sent(&Join::new(&format!("{ANNA}#joins/1"), ANNA, event)),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}#joins/1"), "type": "Join", "actor": ANNA, "object": event})
    );
    assert_eq!(
        sent(&Leave::new(&format!("{ANNA}#leaves/1"), ANNA, event)),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}#leaves/1"), "type": "Leave", "actor": ANNA, "object": event})
    );
}

/// notes.rs `note()` for a public reply with a mention, a hashtag, an image
/// and a language; then publish.rs `create_activity`.
#[test]
fn a_note_and_its_create() {
    let id = format!("{ANNA}/statuses/12");
    let mut post = PostFields::new(&id, ANNA);
    post.content = Some("<p>Hoi @bob #fiets</p>".into());
    post.content_map = LanguageMap::single("nl", "<p>Hoi @bob #fiets</p>");
    post.sensitive = Some(false);
    post.published = Some(at());
    post.url = Links::one(&id);
    post.in_reply_to = Some(format!("{BOB}/statuses/9"));
    post.to = vec![PUBLIC.into()];
    post.cc = vec![format!("{ANNA}/followers"), BOB.into()];
    post.tag = Some(vec![
        Tag::mention(BOB, "@bob@b.example"),
        Tag::hashtag("fiets", Some("https://k.example/tags/fiets")),
    ]);
    post.attachment = vec![
        Attachment::document("https://k.example/media/1.png", "image/png")
            .with_description("")
            .with_size(Some(4), Some(3)),
    ];
    let mut note = Note::new(post);
    note.stance = Some("pro".into());
    let today = json!({
        "id": id, "type": "Note", "attributedTo": ANNA, "content": "<p>Hoi @bob #fiets</p>", "summary": null,
        "sensitive": false, "published": "2026-03-01T12:00:00.000Z", "url": id, "inReplyTo": format!("{BOB}/statuses/9"),
        "to": [PUBLIC], "cc": [format!("{ANNA}/followers"), BOB],
        "tag": [{"type": "Mention", "href": BOB, "name": "@bob@b.example"},
                {"type": "Hashtag", "href": "https://k.example/tags/fiets", "name": "#fiets"}],
        "attachment": [{"type": "Document", "mediaType": "image/png", "url": "https://k.example/media/1.png", "name": null, "width": 4, "height": 3}],
        "contentMap": {"nl": "<p>Hoi @bob #fiets</p>"}, "stance": "pro",
    });
    assert_eq!(serde_json::to_value(&note).unwrap(), pruned(today.clone()));
    let mut create = Create::new(&format!("{id}/activity"), ANNA, note);
    create.published = Some(at());
    assert_eq!(
        sent(&create),
        json!({"@context": AS_CONTEXT, "id": format!("{id}/activity"), "type": "Create", "actor": ANNA,
               "published": "2026-03-01T12:00:00.000Z", "to": [PUBLIC], "cc": [format!("{ANNA}/followers"), BOB], "object": pruned(today)})
    );
}

#[test]
fn a_poll_and_a_vote() {
    let id = format!("{ANNA}/statuses/13");
    let mut post = PostFields::new(&id, ANNA);
    post.content = Some("<p>Welke?</p>".into());
    let mut q = Question::new(
        post,
        vec![PollOption::new("a", 2), PollOption::new("b", 0)],
        true,
    );
    q.end_time = Some(at());
    q.voters_count = Some(2);
    assert_eq!(
        serde_json::to_value(&q).unwrap(),
        json!({"type": "Question", "id": id, "attributedTo": ANNA, "content": "<p>Welke?</p>",
               "anyOf": [{"type": "Note", "name": "a", "replies": {"type": "Collection", "totalItems": 2}},
                         {"type": "Note", "name": "b", "replies": {"type": "Collection", "totalItems": 0}}],
               "endTime": "2026-03-01T12:00:00.000Z", "votersCount": 2})
    );
    let vote = Note::vote(&format!("{BOB}#votes/t"), BOB, &id, "a", ANNA);
    assert_eq!(
        sent(&Create::new(&format!("{BOB}#votes/t/activity"), BOB, vote)),
        json!({"@context": AS_CONTEXT, "id": format!("{BOB}#votes/t/activity"), "type": "Create", "actor": BOB, "to": [ANNA],
               "object": {"id": format!("{BOB}#votes/t"), "type": "Note", "name": "a", "attributedTo": BOB, "inReplyTo": id, "to": [ANNA]}})
    );
}

/// plans/federation.rs `extend_page`, with two owners.
#[test]
fn a_plan_as_a_page() {
    let id = format!("{ANNA}/statuses/14");
    let mut post = PostFields::new(&id, ANNA);
    post.attributed_to.push(BOB.into());
    post.name = Some("Bankje".into());
    post.summary = Some("Een bankje".into());
    post.content = Some("<p>Bij de vijver</p>".into());
    post.url = Links::one("https://k.example/plans/3");
    post.updated = Some(at());
    let mut page = Page::new(PageKind::Page, post);
    page.location = Some(Some(Place {
        name: Some("Vijver".into()),
        address: Some(Address::Text("Vijver".into())),
        latitude: Some(52.0),
        longitude: Some(5.0),
        geometry: Some(json!({"type": "Point", "coordinates": [5.0, 52.0]})),
        ..Place::default()
    }));
    page.state = Some("idea".into());
    page.cost_estimate = Some(Some(MonetaryAmount::new(5000, "EUR")));
    page.requested_budget = Some(None);
    page.likes = Some(Collection::counter(4));
    page.arguments_count = Some(ArgumentsCount {
        pro: Some(1),
        contra: Some(0),
        comments: Some(2),
    });
    page.advice = Some(vec![]);
    page.history = Some(vec![PlanChange {
        kind: "PlanChange".into(),
        actor: Some(ANNA.into()),
        action: Some("created".into()),
        from_state: None,
        to_state: Some("idea".into()),
        note: Some(String::new()),
        fields: vec![],
        published: Some(at()),
    }]);
    let v = serde_json::to_value(&page).unwrap();
    assert_eq!(v["attributedTo"], json!([ANNA, BOB]));
    assert_eq!(
        v["location"],
        json!({"type": "Place", "name": "Vijver", "address": "Vijver", "latitude": 52.0, "longitude": 5.0,
                                      "geometry": {"type": "Point", "coordinates": [5.0, 52.0]}})
    );
    assert_eq!(
        v["costEstimate"],
        json!({"type": "MonetaryAmount", "amount": 5000, "currency": "EUR"})
    );
    assert_eq!(
        v["requestedBudget"],
        Value::Null,
        "a cleared budget is sent as null, as today"
    );
    assert_eq!(v["likes"], json!({"type": "Collection", "totalItems": 4}));
    assert_eq!(
        v["argumentsCount"],
        json!({"pro": 1, "contra": 0, "comments": 2})
    );
    assert_eq!(
        v["history"][0],
        json!({"type": "PlanChange", "actor": ANNA, "action": "created", "fromState": null, "toState": "idea",
                                        "note": "", "fields": [], "published": "2026-03-01T12:00:00.000Z"})
    );
    let back = match Object::parse(&v).unwrap() {
        Object::Page(p) => p,
        other => panic!("{other:?}"),
    };
    assert!(back.is_plan());
    assert_eq!(back, page);
}

/// plans/coowners.rs `send_edit_home`: only what changes; `null` clears.
#[test]
fn a_co_owners_partial_edit() {
    let edit = json!({"id": format!("{ANNA}/statuses/14"), "type": "Page", "name": "Twee bankjes",
                      "requestedBudget": null, "tag": [{"type": "Hashtag", "name": "#groen"}]});
    let Object::Page(p) = Object::parse(&edit).unwrap() else {
        panic!()
    };
    assert_eq!(p.requested_budget, Some(None), "present and null: cleared");
    assert_eq!(p.cost_estimate, None, "absent: left alone");
    assert_eq!(p.location, None);
    assert_eq!(p.post.hashtags(), ["groen"]);
    assert_eq!(p.post.summary, None);
    assert_eq!(serde_json::to_value(&p).unwrap(), edit);
}

/// events/federation.rs `extend_event`.
#[test]
fn an_event() {
    let id = format!("{ANNA}/statuses/15");
    let mut post = PostFields::new(&id, ANNA);
    post.name = Some("Buurtfeest".into());
    let mut e = Event::new(post, at());
    e.timezone = Some("Europe/Amsterdam".into());
    e.location = Some(Place {
        name: Some("Plein".into()),
        ..Place::default()
    });
    e.maximum_attendee_capacity = Some(50);
    e.participant_count = Some(3);
    e.join_mode = Some("free".into());
    e.status = Some("CONFIRMED".into());
    e.plan = Some(format!("{ANNA}/statuses/14"));
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"type": "Event", "id": id, "attributedTo": ANNA, "name": "Buurtfeest", "startTime": "2026-03-01T12:00:00.000Z",
               "timezone": "Europe/Amsterdam", "location": {"type": "Place", "name": "Plein"}, "maximumAttendeeCapacity": 50,
               "participantCount": 3, "joinMode": "free", "ical:status": "CONFIRMED", "plan": format!("{ANNA}/statuses/14")})
    );
}

/// actors.rs `document()` and the collections it serves.
#[test]
fn an_actor_and_its_collections() {
    let mut a = Actor::new(ActorKind::Person, ANNA, &format!("{ANNA}/inbox"), "PEM");
    a.preferred_username = Some("anna".into());
    a.name = Some("Anna".into());
    a.summary = Some(String::new());
    a.url = Links::one(ANNA);
    a.outbox = Some(format!("{ANNA}/outbox"));
    a.followers = Some(format!("{ANNA}/followers"));
    a.following = Some(format!("{ANNA}/following"));
    a.featured = Some(format!("{ANNA}/featured"));
    a.endpoints = Some(Endpoints {
        shared_inbox: Some("https://k.example/inbox".into()),
    });
    a.manually_approves_followers = Some(false);
    a.discoverable = Some(true);
    a.indexable = Some(true);
    a.published = Some(at());
    let doc = with_context(&a, context("https://k.example/ns/knooppunt")).unwrap();
    assert_eq!(
        doc,
        json!({"@context": context("https://k.example/ns/knooppunt"), "id": ANNA, "type": "Person", "preferredUsername": "anna",
               "name": "Anna", "summary": "", "url": ANNA, "inbox": format!("{ANNA}/inbox"), "outbox": format!("{ANNA}/outbox"),
               "followers": format!("{ANNA}/followers"), "following": format!("{ANNA}/following"), "featured": format!("{ANNA}/featured"),
               "endpoints": {"sharedInbox": "https://k.example/inbox"}, "manuallyApprovesFollowers": false, "discoverable": true,
               "indexable": true, "published": "2026-03-01T12:00:00.000Z",
               "publicKey": {"id": format!("{ANNA}#main-key"), "owner": ANNA, "publicKeyPem": "PEM"}})
    );
    let followers = format!("{ANNA}/followers");
    let page = Collection::page(
        &format!("{followers}?page=true"),
        &followers,
        1,
        vec![json!(BOB)],
        Some(format!("{followers}?page=true&max_id=7")),
    );
    assert_eq!(
        sent(&page),
        json!({"@context": AS_CONTEXT, "id": format!("{followers}?page=true"), "type": "OrderedCollectionPage", "partOf": followers,
               "totalItems": 1, "orderedItems": [BOB], "next": format!("{followers}?page=true&max_id=7")})
    );
    assert_eq!(
        sent(&Collection::ordered_inline(
            &format!("{ANNA}/featured"),
            vec![]
        )),
        json!({"@context": AS_CONTEXT, "id": format!("{ANNA}/featured"), "type": "OrderedCollection", "totalItems": 0, "orderedItems": []})
    );
    assert_eq!(
        sent(&Tombstone::new(ANNA)),
        json!({"@context": AS_CONTEXT, "id": ANNA, "type": "Tombstone"})
    );
}

/// plans/advice.rs: the answer a plan's home checks, and the request.
#[test]
fn advice_notes() {
    let mut post = PostFields::new(
        "https://g.example/advice/7",
        "https://g.example/users/gemeente",
    );
    post.in_reply_to = Some(format!("{ANNA}/statuses/14#advice/x"));
    post.context = Some(format!("{ANNA}/statuses/14"));
    post.published = Some(at());
    post.content = Some("<p>Advies positief / positive: ok</p>".into());
    let mut answer = Note::new(post);
    answer.advice = Some("positive".into());
    answer.advice_reasons = Some("ok".into());
    let v = sent(&answer);
    assert_eq!(
        (
            v["context"].as_str(),
            v["advice"].as_str(),
            v["adviceReasons"].as_str()
        ),
        (
            Some(format!("{ANNA}/statuses/14").as_str()),
            Some("positive"),
            Some("ok")
        )
    );
    let Object::Note(back) = Object::parse(&v).unwrap() else {
        panic!()
    };
    assert_eq!(back, answer);
}
