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
