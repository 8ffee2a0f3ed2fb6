//! What each real payload amounts to once read: the fields a server acts on,
//! per project. Files are in `fixtures/` (see its README for their sources).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use knooppunt_federation::vocab::{
    Announced, Answered, InboxActivity, Object, PostKind, Undone, Visibility,
};
use serde_json::Value;

fn load(path: &str) -> Value {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(full).unwrap()).unwrap()
}

fn activity(path: &str) -> InboxActivity {
    InboxActivity::parse(&load(path)).unwrap()
}

fn object(path: &str) -> Object {
    Object::parse(&load(path)).unwrap()
}

#[test]
fn mastodon_reply_with_mention() {
    let InboxActivity::Create(c) = activity("mastodon/activities/create_note.json") else {
        panic!()
    };
    let note = c.embedded().unwrap();
    let f = note.fields().unwrap();
    assert_eq!(
        f.in_reply_to.as_deref(),
        Some("https://mamot.fr/users/retiolus/statuses/107224244380204526")
    );
    assert_eq!(f.mentions(), ["https://mamot.fr/users/retiolus"]);
    assert_eq!(f.language(), Some("en"));
    assert_eq!(
        f.visibility(Some("https://mastodon.madrid/users/felix/followers")),
        Visibility::Unlisted
    );
    let post = note.as_post().unwrap();
    assert!(post.text.starts_with("<p><span class=\"h-card\">"));
    assert_eq!((post.spoiler_text, post.sensitive), (None, false));
    assert_eq!(
        post.url.as_deref(),
        Some("https://mastodon.madrid/@felix/107224289116410645")
    );
}

#[test]
fn mastodon_poll_and_vote() {
    let Object::Question(q) = object("written/mastodon/objects/question.json") else {
        panic!()
    };
    let poll = q.as_post().poll.unwrap();
    assert_eq!(poll.options, ["apple", "banana", "coconut"]);
    assert_eq!(poll.votes, [Some(3), Some(2), Some(2)]);
    assert!(!poll.multiple);
    assert_eq!(
        (poll.voters_count, poll.end_time.map(|t| t.to_rfc3339())),
        (Some(7), Some("2023-03-06T07:40:13+00:00".into()))
    );
    let InboxActivity::Create(c) = activity("written/mastodon/activities/vote.json") else {
        panic!()
    };
    let Some(Object::Note(vote)) = c.embedded() else {
        panic!()
    };
    assert_eq!(vote.vote_choice(), Some("Bankje"));
    assert_eq!(
        vote.post.to,
        ["https://k.example/users/anna"],
        "a single `to` string is a list of one"
    );
}

#[test]
fn mastodon_boosts_blocks_and_deletions() {
    let InboxActivity::Announce(a) = activity("written/mastodon/activities/announce.json") else {
        panic!()
    };
    assert_eq!(
        a.object.object_id(),
        Some("https://k.example/users/anna/statuses/12")
    );
    let InboxActivity::Undo(u) = activity("written/mastodon/activities/undo_announce.json") else {
        panic!()
    };
    assert!(matches!(u.object, Undone::Announce(_)));
    assert_eq!(
        (u.object.kind(), u.object.actor()),
        (
            Some("Announce"),
            Some("https://mastodon.example/users/alice")
        )
    );
    let InboxActivity::Undo(u) = activity("mastodon/activities/undo_follow.json") else {
        panic!()
    };
    assert_eq!(u.object.object(), Some("https://ds9.lemmy.ml/c/testcom"));
    let InboxActivity::Block(b) = activity("written/mastodon/activities/block.json") else {
        panic!()
    };
    assert_eq!(b.object, "https://k.example/users/anna");
    let InboxActivity::Reject(r) = activity("written/mastodon/activities/reject_follow.json")
    else {
        panic!()
    };
    assert!(matches!(r.object, Answered::Follow(_)));
    assert_eq!(r.object.actor(), Some("https://k.example/users/anna"));
    let InboxActivity::Delete(d) = activity("written/mastodon/activities/delete_actor.json") else {
        panic!()
    };
    assert!(d.of_actor());
    let InboxActivity::Delete(d) = activity("mastodon/activities/delete.json") else {
        panic!()
    };
    assert!(!d.of_actor() && d.object_id().starts_with("https://"));
}

#[test]
fn mastodon_report_and_profile_update() {
    let InboxActivity::Flag(f) = activity("mastodon/activities/flag.json") else {
        panic!()
    };
    assert_eq!(f.object.len(), 3);
    assert_eq!(
        f.content.as_deref(),
        Some("Please take a look at this user and their posts")
    );
    let InboxActivity::Update(u) = activity("written/mastodon/activities/update_person.json")
    else {
        panic!()
    };
    let Some(Object::Actor(a)) = u.object.object() else {
        panic!()
    };
    assert_eq!(a.shared_inbox(), Some("https://mastodon.example/inbox"));
    assert_eq!(
        a.icon.as_ref().and_then(|i| i.href()),
        Some("https://files.mastodon.example/avatar.png")
    );
    knooppunt_federation::vocab::checks::update_object(&u).unwrap();
}

#[test]
fn gotosocial_single_values_instead_of_lists() {
    let InboxActivity::Create(c) = activity("written/gotosocial/activities/create_note.json")
    else {
        panic!()
    };
    assert_eq!(c.to, [knooppunt_federation::vocab::PUBLIC]);
    let f = c.embedded().unwrap().fields().unwrap();
    assert_eq!(f.hashtags(), ["welcome"], "one tag as an object");
    assert_eq!(f.visibility(None), Visibility::Public);
    let post = c.embedded().unwrap().as_post().unwrap();
    assert_eq!(
        post.spoiler_text, None,
        "an empty summary is no content warning"
    );
    let InboxActivity::Accept(a) = activity("written/gotosocial/activities/accept_follow.json")
    else {
        panic!()
    };
    assert_eq!(
        a.object.id(),
        Some("https://k.example/users/anna#follows/7")
    );
}

#[test]
fn misskey_notes_polls_and_reactions() {
    let note = object("written/misskey/objects/note.json");
    let f = note.fields().unwrap();
    assert_eq!(f.hashtags(), ["fediverse"]);
    assert_eq!(f.tags().len(), 2, "the custom emoji is kept");
    let post = note.as_post().unwrap();
    assert_eq!(post.attachments.len(), 1);
    assert_eq!(
        post.attachments[0].description, None,
        "a null name is no alt text"
    );
    let Object::Question(q) = object("written/misskey/objects/question.json") else {
        panic!()
    };
    let poll = q.poll();
    assert!(poll.multiple);
    assert_eq!(poll.options, ["koffie", "thee"]);
    let InboxActivity::Like(l) = activity("written/misskey/activities/like_reaction.json") else {
        panic!()
    };
    assert_eq!(l.content.as_deref(), Some(":blobcat:"));
    assert_eq!(l.tag.len(), 1);
}

#[test]
fn akkoma_and_pleroma() {
    let InboxActivity::Create(c) = activity("written/akkoma/activities/create_question.json")
    else {
        panic!()
    };
    let Some(Object::Question(q)) = c.embedded() else {
        panic!()
    };
    let poll = q.poll();
    assert_eq!(
        poll.end_time.map(|t| t.to_rfc3339()),
        Some("2024-02-03T12:00:00+00:00".into()),
        "closed when no endTime"
    );
    assert_eq!(q.post.sensitive, None, "null is absent");
    assert_eq!(
        q.post.context.as_deref(),
        Some("https://akkoma.example/contexts/4f3c")
    );
    match activity("written/akkoma/activities/emoji_react.json") {
        InboxActivity::Other { kind, id, actor } => {
            assert_eq!(kind, "EmojiReact");
            assert!(id.is_some() && actor.is_some());
        }
        other => panic!("{other:?}"),
    }
    let InboxActivity::Create(c) = activity("pleroma/activities/create_note.json") else {
        panic!()
    };
    let f = c.embedded().unwrap().fields().unwrap();
    assert_eq!(f.mentions(), ["https://enterprise.lemmy.ml/u/picard"]);
    assert_eq!(f.published.unwrap().timestamp_subsec_micros(), 602_455);
}

#[test]
fn pixelfed_photos() {
    let InboxActivity::Create(c) = activity("written/pixelfed/activities/create_note.json") else {
        panic!()
    };
    let post = c.embedded().unwrap().as_post().unwrap();
    assert_eq!(post.attachments.len(), 2);
    let first = &post.attachments[0];
    assert_eq!(first.media_type.as_deref(), Some("image/jpeg"));
    assert_eq!(
        first.description.as_deref(),
        Some("Oranje lucht boven een sloot")
    );
    assert_eq!((first.width, first.height), (Some(1080), Some(1350)));
    assert!(first.blurhash.is_some());
}

#[test]
fn peertube_video_becomes_a_status_with_its_file() {
    let Object::Media(video) = object("peertube/objects/video.json") else {
        panic!()
    };
    let post = video.into_post();
    assert_eq!(post.kind, PostKind::Video);
    assert_eq!(post.attachments.len(), 1);
    let file = &post.attachments[0];
    assert_eq!(file.media_type.as_deref(), Some("video/mp4"));
    assert_eq!(file.height, Some(1080), "the best rendition up to 1080p");
    assert!(file.url.ends_with("1080-fragmented.mp4"));
    assert_eq!(
        post.url.as_deref(),
        Some("https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1")
    );
    assert!(
        post.text
            .contains("<strong>Mesa, Wayland &amp; X.org in trouble")
    );
    assert!(
        !post.text.contains("squarespace"),
        "markdown content is not shown as HTML"
    );
    assert_eq!(video.post.attributed_to.len(), 2, "person and channel");
    let InboxActivity::Announce(a) = activity("peertube/activities/announce_video.json") else {
        panic!()
    };
    assert!(a.object.object_id().is_some());
}

#[test]
fn image_and_audio_objects_become_statuses() {
    let Object::Media(image) = object("written/activitystreams/objects/image.json") else {
        panic!()
    };
    let post = image.into_post();
    assert_eq!((post.kind, post.sensitive), (PostKind::Image, true));
    assert_eq!(post.attachments.len(), 1);
    assert_eq!(post.attachments[0].url, "https://photos.example/image.jpeg");
    assert_eq!(
        post.attachments[0].description.as_deref(),
        Some("Cat Jumping on Wagon")
    );
    let InboxActivity::Create(c) = activity("written/funkwhale/activities/create_audio.json")
    else {
        panic!()
    };
    let post = c.embedded().unwrap().as_post().unwrap();
    assert_eq!(post.kind, PostKind::Audio);
    assert_eq!(
        post.attachments[0].media_type.as_deref(),
        Some("audio/mpeg")
    );
    assert!(
        post.text.contains("<p>Over het nieuwe speelveld.</p>"),
        "HTML content of media is shown"
    );
    assert_eq!(
        post.url.as_deref(),
        Some("https://funkwhale.example/library/tracks/42")
    );
}

#[test]
fn mobilizon_events_and_participation() {
    let Object::Event(e) = object("mobilizon/objects/event.json") else {
        panic!()
    };
    assert_eq!(e.timezone.as_deref(), Some("Europe/London"));
    assert_eq!(e.capacity(), None, "0 is no limit");
    assert!(!e.cancelled());
    assert!(e.end().is_some());
    let place = e.location.as_ref().unwrap();
    assert_eq!(place.name.as_deref(), Some("The Kenn Centre"));
    assert!(place.address_text().unwrap().contains("EX6 7TW"));
    let post = e.as_post();
    assert!(post.text.contains("Caledonian scottish dance class"));
    assert_eq!(post.attachments[0].description.as_deref(), Some("Banner"));
    let InboxActivity::Join(j) = activity("written/mobilizon/activities/join.json") else {
        panic!()
    };
    assert_eq!(
        j.participation_message.as_deref(),
        Some("Ik neem koffie mee")
    );
    let InboxActivity::Accept(a) = activity("written/mobilizon/activities/accept_join.json") else {
        panic!()
    };
    assert!(matches!(a.object, Answered::Join(_)));
    let InboxActivity::Leave(l) = activity("written/mobilizon/activities/leave.json") else {
        panic!()
    };
    assert_eq!(l.object, "https://mobilizon.example/events/5c6d7e8f");
}

#[test]
fn lemmy_groups_announce_creates() {
    let InboxActivity::Announce(a) =
        activity("lemmy/activities/community/announce_create_page.json")
    else {
        panic!()
    };
    let Announced::Create(c) = &a.object else {
        panic!()
    };
    assert_eq!(a.object.object_id(), Some(c.object.id()));
    let Some(Object::Page(p)) = c.embedded() else {
        panic!()
    };
    assert!(!p.is_plan(), "a Lemmy post is no plan");
    assert_eq!(p.post.audience, ["http://enterprise.lemmy.ml/u/main"]);
    let InboxActivity::Follow(f) = activity("lemmy/activities/following/follow.json") else {
        panic!()
    };
    assert!(f.object.starts_with("http"));
    let InboxActivity::Accept(a) = activity("lemmy/activities/following/accept.json") else {
        panic!()
    };
    assert!(matches!(a.object, Answered::Follow(_)));
}
