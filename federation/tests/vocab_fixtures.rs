//! Real payloads from other servers, read by the typed vocabulary: every
//! activity and object parses, passes the checks every server makes, and
//! comes back the same after we serialise and read it again. The files under
//! `fixtures/<project>/` are Lemmy's captures (crates/apub/apub/assets, see
//! fixtures/README.md); `fixtures/written/` are written from the other
//! projects' documentation and source, cited in each test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use knooppunt_federation::vocab::{Actor, Collection, InboxActivity, Object, VocabError, checks};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn fixtures(part: &str) -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths = vec![];
    files(&root, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&format!("/{part}/")))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.strip_prefix(&root).unwrap().to_string_lossy().to_string();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

/// Types no one implements here (Lemmy's moderation, dislikes, chats).
const UNHANDLED: &[&str] = &[
    "Add",
    "Remove",
    "Lock",
    "Dislike",
    "Resolve",
    "Warn",
    "ChatMessage",
    "EmojiReact",
];

/// Object types that Lemmy keeps among its activity captures.
const OBJECTS: &[&str] = &["Note", "Page"];

/// Actors whose key another actor owns: we cannot verify what they sign.
const FOREIGN_KEYS: &[&str] = &["gnusocial/objects/group.json"];

/// The JSON a typed value serialises to must read back to the same JSON.
fn fixpoint<T: serde::Serialize>(
    name: &str,
    first: &T,
    read: impl Fn(&Value) -> Result<T, VocabError>,
) -> Option<String> {
    let once = serde_json::to_value(first).unwrap();
    match read(&once) {
        Ok(again) if serde_json::to_value(&again).unwrap() == once => None,
        Ok(again) => Some(format!(
            "{name}: {once:#} became {:#}",
            serde_json::to_value(&again).unwrap()
        )),
        Err(e) => Some(format!("{name}: {e} on reading back {once:#}")),
    }
}

#[test]
fn every_activity_parses_and_passes_the_common_checks() {
    let all = fixtures("activities");
    assert!(all.len() >= 50, "only {} activities", all.len());
    let mut failures = vec![];
    for (name, value) in all {
        if OBJECTS.contains(&value["type"].as_str().unwrap_or_default()) {
            continue;
        }
        let activity = match InboxActivity::parse(&value) {
            Ok(a) => a,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        match &activity {
            InboxActivity::Other { kind, .. } if !UNHANDLED.contains(&kind.as_str()) => {
                failures.push(format!("{name}: {kind} read as unsupported"))
            }
            InboxActivity::Other { .. } => {}
            _ => {
                let actor = activity.id_and_actor().1.unwrap().to_string();
                if let Err(e) = checks::activity(&activity, &actor) {
                    failures.push(format!("{name}: {e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn fixpoint_of<T: Serialize + DeserializeOwned>(name: &str, first: &T) -> Option<String> {
    fixpoint(name, first, |v| {
        T::deserialize(v).map_err(|e| VocabError::Serialize(e.to_string()))
    })
}

#[test]
fn activities_survive_a_round_trip() {
    let mut failures = vec![];
    for (name, value) in fixtures("activities") {
        let Ok(first) = InboxActivity::parse(&value) else {
            continue;
        };
        let failure = match &first {
            InboxActivity::Follow(a) => fixpoint_of(&name, a),
            InboxActivity::Accept(a) => fixpoint_of(&name, a),
            InboxActivity::Reject(a) => fixpoint_of(&name, a),
            InboxActivity::Undo(a) => fixpoint_of(&name, a),
            InboxActivity::Create(a) => fixpoint_of(&name, a),
            InboxActivity::Update(a) => fixpoint_of(&name, a),
            InboxActivity::Delete(a) => fixpoint_of(&name, a),
            InboxActivity::Like(a) => fixpoint_of(&name, a),
            InboxActivity::Announce(a) => fixpoint_of(&name, a),
            InboxActivity::Block(a) => fixpoint_of(&name, a),
            InboxActivity::Flag(a) => fixpoint_of(&name, a),
            InboxActivity::Invite(a) => fixpoint_of(&name, a),
            InboxActivity::Join(a) => fixpoint_of(&name, a),
            InboxActivity::Leave(a) => fixpoint_of(&name, a),
            InboxActivity::Other { .. } => continue,
        };
        failures.extend(failure);
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_object_parses_and_survives_a_round_trip() {
    let all = fixtures("objects");
    assert!(all.len() >= 40, "only {} objects", all.len());
    let mut failures = vec![];
    for (name, value) in all {
        let object = match Object::parse(&value) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        match &object {
            Object::Other(r) => assert!(
                UNHANDLED.contains(&r.kind.as_deref().unwrap_or_default()),
                "{name}: {:?} read as unsupported",
                r.kind
            ),
            Object::Actor(a) => {
                let checked = Actor::parse(&value);
                if FOREIGN_KEYS.contains(&name.as_str()) {
                    assert!(checked.is_err(), "{name}: a foreign key accepted");
                } else if let Err(e) = checked {
                    failures.push(format!("{name}: {e}"));
                }
                assert!(!a.public_key.public_key_pem.is_empty(), "{name}");
            }
            Object::Tombstone(_) => {}
            post => {
                let fields = post.fields().unwrap();
                let status = post.as_post().unwrap();
                assert!(
                    !fields.id.is_empty() && !fields.attributed_to.is_empty(),
                    "{name}"
                );
                assert!(
                    !status.text.is_empty() || !status.attachments.is_empty(),
                    "{name}: empty status"
                );
            }
        }
        failures.extend(fixpoint(&name, &object, Object::parse));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn collections_parse() {
    for (name, value) in fixtures("collections") {
        let c: Collection = serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(c.id.is_some(), "{name}");
    }
}
