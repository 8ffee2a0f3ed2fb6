//! `dispatch`: an activity is read, checked as every server checks it,
//! verified, and only then received; each through the application's
//! `Inbox`. The recording inbox below stands in for the server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use knooppunt_federation::vocab::{
    self, Accept, Announce, Block, CheckError, Create, Delete, Flag, Follow, Inbox, Invite, Join,
    Leave, Like, Reject, Undo, Update, VocabError,
};
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error(transparent)]
    Vocab(#[from] VocabError),
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error("refused by the application")]
    App,
}

#[derive(Default, Clone)]
struct Recorder {
    calls: Arc<Mutex<Vec<String>>>,
    refuse_likes: bool,
}

impl Recorder {
    fn note(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

macro_rules! receive {
    ($($method:ident: $kind:ident),*) => {
        $(
            async fn $method(&self, sender: &String, a: $kind) -> Result<String, Refusal> {
                self.note(format!("{} {} by {sender}", stringify!($method), a.id));
                Ok(stringify!($kind).to_string())
            }
        )*
    };
}

impl Inbox for Recorder {
    type Actor = String;
    type Outcome = String;
    type Error = Refusal;

    fn actor_id(actor: &String) -> &str {
        actor
    }

    async fn verify_like(&self, _sender: &String, a: &Like) -> Result<(), Refusal> {
        self.note(format!("verify_like {}", a.id));
        if self.refuse_likes {
            Err(Refusal::App)
        } else {
            Ok(())
        }
    }

    async fn verify_follow(&self, _sender: &String, a: &Follow) -> Result<(), Refusal> {
        self.note(format!("verify_follow {}", a.id));
        Ok(())
    }

    async fn receive_create(
        &self,
        _sender: &String,
        a: Create,
        raw: &Value,
    ) -> Result<String, Refusal> {
        self.note(format!("receive_create {} raw {}", a.id, raw["id"]));
        Ok("Create".into())
    }

    async fn receive_other(&self, _sender: &String, kind: &str) -> Result<String, Refusal> {
        self.note(format!("receive_other {kind}"));
        Ok("ignored".into())
    }

    receive!(receive_follow: Follow, receive_accept: Accept, receive_reject: Reject, receive_undo: Undo,
             receive_update: Update, receive_delete: Delete, receive_like: Like, receive_announce: Announce,
             receive_block: Block, receive_flag: Flag, receive_invite: Invite, receive_join: Join, receive_leave: Leave);
}

const BOB: &str = "https://b.example/users/bob";

async fn run(inbox: &Recorder, signer: &str, activity: Value) -> Result<String, Refusal> {
    vocab::dispatch(inbox, &signer.to_string(), &activity).await
}

#[tokio::test]
async fn verify_then_receive() {
    let inbox = Recorder::default();
    let follow = json!({"id": format!("{BOB}#follows/1"), "type": "Follow", "actor": BOB, "object": "https://k.example/users/anna"});
    // Spawned: the dispatch future is Send, as an inbox handler needs.
    let spawned = {
        let inbox = inbox.clone();
        tokio::spawn(async move { vocab::dispatch(&inbox, &BOB.to_string(), &follow).await })
    };
    assert_eq!(spawned.await.unwrap().unwrap(), "Follow");
    assert_eq!(
        inbox.calls(),
        [
            format!("verify_follow {BOB}#follows/1"),
            format!("receive_follow {BOB}#follows/1 by {BOB}")
        ]
    );
}

#[tokio::test]
async fn a_refused_verify_has_no_effect() {
    let inbox = Recorder {
        refuse_likes: true,
        ..Recorder::default()
    };
    let like = json!({"id": format!("{BOB}#likes/1"), "type": "Like", "actor": BOB, "object": "https://k.example/s/1"});
    assert!(matches!(run(&inbox, BOB, like).await, Err(Refusal::App)));
    assert_eq!(inbox.calls(), [format!("verify_like {BOB}#likes/1")]);
}

#[tokio::test]
async fn the_common_checks_come_first() {
    let inbox = Recorder::default();
    let like = |id: &str, actor: &str| json!({"id": id, "type": "Like", "actor": actor, "object": "https://k.example/s/1"});
    let forged = run(
        &inbox,
        "https://c.example/users/carol",
        like(&format!("{BOB}#l"), BOB),
    )
    .await;
    assert!(
        matches!(forged, Err(Refusal::Check(CheckError::NotTheSigner { .. }))),
        "{forged:?}"
    );
    let elsewhere = run(&inbox, BOB, like("https://c.example/likes/1", BOB)).await;
    assert!(
        matches!(
            elsewhere,
            Err(Refusal::Check(CheckError::ForeignHost { .. }))
        ),
        "{elsewhere:?}"
    );
    let note = |attributed: &str, id: &str| {
        json!({"id": format!("{BOB}/create/1"), "type": "Create", "actor": BOB,
        "object": {"id": id, "type": "Note", "attributedTo": attributed, "content": "hi"}})
    };
    let not_theirs = run(
        &inbox,
        BOB,
        note("https://b.example/users/eve", &format!("{BOB}/n/1")),
    )
    .await;
    assert!(
        matches!(not_theirs, Err(Refusal::Check(CheckError::NotTheAuthor))),
        "{not_theirs:?}"
    );
    let foreign_note = run(&inbox, BOB, note(BOB, "https://c.example/n/1")).await;
    assert!(
        matches!(
            foreign_note,
            Err(Refusal::Check(CheckError::ForeignHost { .. }))
        ),
        "{foreign_note:?}"
    );
    let by_id = json!({"id": format!("{BOB}/create/2"), "type": "Create", "actor": BOB, "object": "https://c.example/n/2"});
    assert!(matches!(
        run(&inbox, BOB, by_id).await,
        Err(Refusal::Check(CheckError::ForeignHost { .. }))
    ));
    let undo = json!({"id": format!("{BOB}/undo/1"), "type": "Undo", "actor": BOB,
        "object": {"id": "https://b.example/users/eve#likes/1", "type": "Like", "actor": "https://b.example/users/eve", "object": "https://k.example/s/1"}});
    assert!(matches!(
        run(&inbox, BOB, undo).await,
        Err(Refusal::Check(CheckError::UndoOfOther))
    ));
    assert!(
        inbox.calls().is_empty(),
        "nothing reached the application: {:?}",
        inbox.calls()
    );
}

#[tokio::test]
async fn creates_carry_the_raw_activity_and_unknown_types_are_passed_on() {
    let inbox = Recorder::default();
    let create = json!({"id": format!("{BOB}/create/3"), "type": "Create", "actor": BOB, "extra": {"kept": true},
        "object": {"id": format!("{BOB}/n/3"), "type": "Note", "attributedTo": BOB, "content": "hi"}});
    assert_eq!(run(&inbox, BOB, create).await.unwrap(), "Create");
    let moved = json!({"id": format!("{BOB}#moves/1"), "type": "Move", "actor": BOB, "object": BOB, "target": "https://c.example/users/bob"});
    assert_eq!(run(&inbox, BOB, moved).await.unwrap(), "ignored");
    assert_eq!(
        inbox.calls(),
        [
            format!("receive_create {BOB}/create/3 raw \"{BOB}/create/3\""),
            "receive_other Move".to_string()
        ]
    );
}

#[tokio::test]
async fn malformed_known_types_name_their_field() {
    let inbox = Recorder::default();
    let bad =
        json!({"id": format!("{BOB}#follows/2"), "type": "Follow", "actor": BOB, "object": 5});
    match run(&inbox, BOB, bad).await {
        Err(Refusal::Vocab(VocabError::Malformed {
            kind,
            field,
            reason,
        })) => {
            assert_eq!((kind.as_str(), field.as_str()), ("Follow", "object"));
            assert!(reason.contains("expected an id"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let no_id = json!({"type": "Like", "actor": BOB, "object": "https://k.example/s/1"});
    match run(&inbox, BOB, no_id).await {
        Err(Refusal::Vocab(e)) => assert!(e.to_string().contains("missing field `id`"), "{e}"),
        other => panic!("{other:?}"),
    }
    let note_without_id = json!({"id": format!("{BOB}/create/4"), "type": "Create", "actor": BOB, "object": {"type": "Note", "content": "x"}});
    match run(&inbox, BOB, note_without_id).await {
        Err(Refusal::Vocab(e)) => assert_eq!(e.field(), Some("object"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        run(&inbox, BOB, json!([1, 2])).await,
        Err(Refusal::Vocab(VocabError::NotAnObject))
    ));
    assert!(matches!(
        run(&inbox, BOB, json!({"id": "x"})).await,
        Err(Refusal::Vocab(VocabError::MissingType))
    ));
    assert!(inbox.calls().is_empty());
}
