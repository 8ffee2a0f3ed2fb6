//! Rows written straight into a test instance's database, in bulk: tens of
//! thousands of remote followers, or hundreds of local people with tokens,
//! in a few statements each. Through the API every person would cost a key
//! pair and a password hash, and every remote follower a fetch and a Follow.

use chrono::Utc;
use knooppunt::actors::entity as actor;
use knooppunt::actors::graph::follow;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::TestInstance;

/// Rows per insert: within SQLite's 32,766 bound values for these tables.
const CHUNK: usize = 1_000;

/// Remote actors `{name}{n}` on `host`, `n` in `range`, as if fetched.
pub struct RemoteActors<'a> {
    pub host: &'a str,
    pub name: &'a str,
    pub range: std::ops::Range<usize>,
    /// Builds the personal inbox of `n`; `http://HOST/users/NAMEn/inbox` when None.
    pub inbox: Option<&'a dyn Fn(usize) -> String>,
    pub shared_inbox: Option<&'a str>,
}

impl RemoteActors<'_> {
    fn ap_id(&self, n: usize) -> String {
        format!("http://{}/users/{}{n}", self.host, self.name)
    }
}

/// Inserts the actors and returns their ids, in `range` order.
pub async fn remote_actors(db: &DatabaseConnection, spec: &RemoteActors<'_>) -> Vec<i64> {
    let now = Utc::now();
    let rows: Vec<actor::ActiveModel> =
        spec.range
            .clone()
            .map(|n| {
                let ap_id = spec.ap_id(n);
                let username = format!("{}{n}", spec.name);
                actor::ActiveModel {
                    kind: Set("person".into()),
                    inbox_url: Set(match spec.inbox {
                        Some(inbox) => inbox(n),
                        None => format!("{ap_id}/inbox"),
                    }),
                    shared_inbox_url: Set(spec.shared_inbox.map(str::to_string)),
                    ap_id: Set(ap_id),
                    username_key: Set(username.to_lowercase()),
                    display_name: Set(username.clone()),
                    username: Set(username),
                    host: Set(spec.host.to_string()),
                    local: Set(false),
                    summary: Set(String::new()),
                    public_key_pem: Set(
                        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n".into()
                    ),
                    created_at: Set(now),
                    updated_at: Set(now),
                    locked: Set(false),
                    fetched_at: Set(Some(now)),
                    ..Default::default()
                }
            })
            .collect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(CHUNK).collect();
        actor::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await
            .expect("insert remote actors");
    }
    let prefix = format!("http://{}/users/{}", spec.host, spec.name);
    let mut found: Vec<(i64, String)> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .column(actor::Column::ApId)
        .filter(actor::Column::Host.eq(spec.host))
        .filter(actor::Column::ApId.starts_with(&prefix))
        .order_by_asc(actor::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .expect("ids of the inserted actors");
    let wanted: std::collections::HashSet<String> =
        spec.range.clone().map(|n| spec.ap_id(n)).collect();
    found.retain(|(_, ap_id)| wanted.contains(ap_id));
    assert_eq!(found.len(), spec.range.len(), "every actor inserted");
    found.into_iter().map(|(id, _)| id).collect()
}

/// Follows of `target` by each of `followers`, accepted or pending.
pub async fn follows(db: &DatabaseConnection, followers: &[i64], target: i64, accepted: bool) {
    let now = Utc::now();
    for chunk in followers.chunks(CHUNK) {
        let rows = chunk.iter().map(|follower| follow::ActiveModel {
            follower_id: Set(*follower),
            target_id: Set(target),
            accepted: Set(accepted),
            created_at: Set(now),
            ap_id: Set(Some(format!("http://follows.invalid/{follower}/{target}"))),
            ..Default::default()
        });
        follow::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .expect("insert follows");
    }
}

/// `count` local people `{name}0…` with one shared key pair, each with an
/// access token for the client API (read and write). Returns the tokens.
pub async fn local_people(instance: &TestInstance, name: &str, count: usize) -> Vec<String> {
    use knooppunt::auth::account;
    use knooppunt::auth::oauth::entity::{app, token};
    let db = &instance.state.db;
    let keys = knooppunt_federation::keys::generate_actor_keys().expect("keys");
    let now = Utc::now();
    let app_row = app::ActiveModel {
        client_id: Set(format!("seed-{name}")),
        client_secret_hash: Set(knooppunt::secrets::hash_token("seed")),
        name: Set("seed".into()),
        redirect_uris: Set("urn:ietf:wg:oauth:2.0:oob".into()),
        scopes: Set("read write follow push".into()),
        website: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("app");
    let mut tokens = Vec::with_capacity(count);
    let (mut accounts, mut grants) = (Vec::new(), Vec::new());
    for n in 0..count {
        let username = format!("{name}{n}");
        let a = knooppunt::actors::store::insert_local(
            db,
            &instance.state.config,
            knooppunt::actors::store::NewLocalActor {
                kind: knooppunt::actors::ActorKind::Person,
                username: &username,
                display_name: username.clone(),
                role: Some("resident".into()),
                keys: keys.clone(),
            },
        )
        .await
        .expect("local actor");
        let email = format!("{username}@seed.invalid");
        accounts.push(account::ActiveModel {
            actor_id: Set(a.id),
            email_key: Set(email.clone()),
            email: Set(email),
            // Nobody signs in with a password: the token below is theirs.
            password_hash: Set("!".into()),
            admin: Set(false),
            approved: Set(true),
            disabled_at: Set(None),
            created_at: Set(now),
            language: Set(None),
        });
        let raw = knooppunt::secrets::random_token().expect("token");
        grants.push(token::ActiveModel {
            app_id: Set(app_row.id),
            actor_id: Set(Some(a.id)),
            token_hash: Set(knooppunt::secrets::hash_token(&raw)),
            refresh_hash: Set(None),
            scopes: Set("read write follow push".into()),
            created_at: Set(now),
            revoked_at: Set(None),
            ..Default::default()
        });
        tokens.push(raw);
    }
    for chunk in accounts.chunks(CHUNK) {
        account::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .expect("accounts");
    }
    for chunk in grants.chunks(CHUNK) {
        token::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .expect("tokens");
    }
    tokens
}
