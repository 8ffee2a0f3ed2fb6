//! Property tests: whatever the network sends, parsing answers with a value or
//! an error and never panics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use knooppunt_federation::{signatures, vocab, webfinger};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Arbitrary JSON, biased towards ActivityStreams keys so the parsers get past their first checks.
fn json() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "id",
        "type",
        "actor",
        "object",
        "to",
        "cc",
        "inbox",
        "publicKey",
        "owner",
        "publicKeyPem",
        "preferredUsername",
        "endpoints",
        "sharedInbox",
        "url",
        "href",
        "name",
        "tag",
        "attributedTo",
        "attachment",
        "mediaType",
        "width",
        "oneOf",
        "anyOf",
        "endTime",
        "startTime",
        "published",
        "location",
        "address",
        "latitude",
        "content",
        "contentMap",
        "summary",
        "sensitive",
        "inReplyTo",
        "target",
        "totalItems",
        "replies",
        "costEstimate",
        "amount",
        "history",
        "icon",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "https://a.example/u/x",
            "https://a.example/u/x#main-key",
            "https://a.example/u/x/inbox",
            "Person",
            "Group",
            "Note",
            "Create",
            "Update",
            "Follow",
            "Accept",
            "Undo",
            "Announce",
            "Delete",
            "Like",
            "Flag",
            "Question",
            "Page",
            "Event",
            "Video",
            "Image",
            "Document",
            "Mention",
            "Hashtag",
            "Place",
            "Tombstone",
            "2024-01-01T00:00:00Z",
            "12",
            "Public",
            "as:Public",
            "",
            "http://[::1]/",
            "javascript:alert(1)",
        ])
        .prop_map(|s| Value::String(s.to_string())),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|pairs| Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn vocabulary_helpers_never_panic(value in json()) {
        let _ = vocab::ids(Some(&value));
        let _ = vocab::id_of(Some(&value));
        let _ = vocab::type_of(&value);
        let _ = vocab::ActorDocument::parse(&value);
        if let Some(s) = value.as_str() {
            let _ = vocab::host_of(s);
            let _ = vocab::is_public(s);
        }
    }

    #[test]
    fn a_parsed_actor_is_consistent(value in json()) {
        if let Ok(doc) = vocab::ActorDocument::parse(&value) {
            prop_assert_eq!(&doc.public_key.owner, &doc.id);
            prop_assert_eq!(vocab::host_of(&doc.inbox), vocab::host_of(&doc.id));
        }
    }

    #[test]
    fn the_typed_vocabulary_never_panics(value in json(), signer in prop::sample::select(vec!["https://a.example/u/x", "x"])) {
        if let Ok(activity) = vocab::InboxActivity::parse(&value) {
            let _ = vocab::checks::activity(&activity, signer);
            // What we read, we can write, and read again as the same kind.
            let again = serde_json::to_value(&activity).unwrap();
            if !matches!(activity, vocab::InboxActivity::Other { .. }) {
                let back = vocab::InboxActivity::parse(&again).unwrap();
                prop_assert_eq!(back.kind(), activity.kind());
            }
        }
        if let Ok(object) = vocab::Object::parse(&value) {
            let _ = object.as_post();
            let again = serde_json::to_value(&object).unwrap();
            if object.fields().is_some() {
                prop_assert!(vocab::Object::parse(&again).is_ok(), "{again}");
            }
        }
    }

    #[test]
    fn signature_headers_never_panic(
        signature in ".{0,200}",
        date in ".{0,40}",
        digest in ".{0,80}",
        path in "/[a-z/]{0,20}",
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut headers = BTreeMap::new();
        headers.insert("signature".to_string(), signature);
        headers.insert("date".to_string(), date);
        headers.insert("digest".to_string(), digest);
        headers.insert("host".to_string(), "b.example".to_string());
        if let Ok(pending) = signatures::prepare("POST", &path, None, &headers, Some(&body)) {
            let _ = pending.verify("not a key");
        }
    }

    #[test]
    fn webfinger_resources_never_panic(resource in ".{0,80}") {
        if let Some((name, domain)) = webfinger::parse_acct(&resource) {
            prop_assert!(!name.is_empty() && !domain.is_empty());
        }
    }
}

fn create_with(object: Value) -> Value {
    serde_json::json!({"id": "https://a.example/c/1", "type": "Create", "actor": "https://a.example/u/x", "object": object})
}

/// About the server's largest request body (2 MiB), in lists.
#[test]
fn huge_lists_are_read_quickly_and_capped() {
    let tags: Vec<Value> = (0..30_000)
        .map(|i| serde_json::json!({"type": "Hashtag", "name": format!("#t{i}")}))
        .collect();
    let to: Vec<Value> = (0..20_000)
        .map(|i| Value::String(format!("https://a.example/u/{i}")))
        .collect();
    let note = serde_json::json!({"id": "https://a.example/n/1", "type": "Note", "attributedTo": "https://a.example/u/x",
        "tag": tags, "to": to, "attachment": vec![serde_json::json!({"type": "Document", "url": "https://a.example/f.png"}); 5_000]});
    let activity = create_with(note);
    let started = std::time::Instant::now();
    let vocab::InboxActivity::Create(c) = vocab::InboxActivity::parse(&activity).unwrap() else {
        panic!("not a Create")
    };
    let f = c.embedded().unwrap().fields().unwrap();
    assert_eq!(f.tags().len(), vocab::lenient::MAX_ITEMS);
    assert_eq!(
        f.to.len(),
        20_000,
        "addressees are not cut: one of them may be us"
    );
    assert_eq!(
        c.embedded().unwrap().as_post().unwrap().attachments.len(),
        vocab::MAX_ATTACHMENTS
    );
    // Unoptimised test builds; a release build reads it some ten times faster.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn deep_nesting_is_an_error_or_ignored_never_a_crash() {
    // Deeper than serde_json reads from text, built by hand.
    let mut deep = Value::String("https://a.example/n/1".into());
    for _ in 0..2_000 {
        // Not `json!`: it would serialise `deep` again, recursively.
        let mut outer = serde_json::json!({"type": "Create", "id": "https://a.example/c/1", "actor": "https://a.example/u/x"});
        outer.as_object_mut().unwrap().insert("object".into(), deep);
        deep = outer;
    }
    let result = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || vocab::InboxActivity::parse(&deep).map(|a| a.kind().to_string()))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result, Err(vocab::VocabError::TooDeep(vocab::MAX_DEPTH)));
    for text in [
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!(
            "{{\"type\": \"Note\", \"id\": \"x\", \"tag\": {}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        ),
    ] {
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            let _ = vocab::Object::parse(&v);
        }
    }
}

#[test]
fn wrong_types_are_errors_or_absent() {
    let base = serde_json::json!({"id": "https://a.example/n/1", "type": "Note", "attributedTo": "https://a.example/u/x"});
    for (field, value) in [
        ("content", serde_json::json!(5)),
        ("published", serde_json::json!("yesterday")),
        ("to", serde_json::json!(true)),
        ("tag", serde_json::json!("x")),
        ("attachment", serde_json::json!({"type": "Recipe"})),
        ("url", serde_json::json!(3.5)),
        ("sensitive", serde_json::json!("perhaps")),
        ("contentMap", serde_json::json!(["nl"])),
        ("inReplyTo", serde_json::json!({"no": "id"})),
    ] {
        let mut v = base.clone();
        v[field] = value;
        let object = vocab::Object::parse(&v).unwrap_or_else(|e| panic!("{field}: {e}"));
        assert!(object.as_post().is_some(), "{field}");
    }
    let mut unknown = base.clone();
    unknown["type"] = serde_json::json!(["Nothing", "Note"]);
    assert!(
        matches!(vocab::Object::parse(&unknown), Ok(vocab::Object::Other(_))),
        "the first type decides"
    );
    let mut listed = base.clone();
    listed["type"] = serde_json::json!(["Note", "Nothing"]);
    assert!(matches!(
        vocab::Object::parse(&listed),
        Ok(vocab::Object::Note(_))
    ));
    let mut wrong = base;
    wrong["id"] = serde_json::json!(5);
    assert_eq!(
        vocab::Object::parse(&wrong).unwrap_err().field(),
        Some("id")
    );
}
