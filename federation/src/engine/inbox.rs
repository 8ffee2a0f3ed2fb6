//! The inbox: limits, signature and origin checks, dedupe and the journal;
//! the effect of each activity is the application's ([`App::receive`]), and
//! what happens under a burst is in `backlog.rs`.

use std::collections::BTreeMap;

use http::{HeaderMap, Method, StatusCode};

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use super::backlog::Deferred;
use super::entity::received;
use super::journal;
use super::{App, EngineError, Failure, Sender};
use crate::signatures::{self, SignatureError};
use crate::vocab;

/// Deepest JSON nesting we read; deeper documents are refused before parsing.
const MAX_DEPTH: usize = 64;

/// Nesting depth of JSON text, counted without parsing (brackets outside strings).
fn json_depth(body: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Longest URL or id we accept; real ones are far shorter.
const MAX_ID_LEN: usize = 2048;

/// Refuses what no server sends and databases choke on: NUL characters
/// anywhere, and ids or URLs longer than [`MAX_ID_LEN`].
fn check_strings(value: &Value) -> Result<(), EngineError> {
    match value {
        Value::String(s) => {
            if s.contains('\0') {
                return Err(EngineError::BadRequest(
                    "NUL characters are not accepted".into(),
                ));
            }
            if s.len() > MAX_ID_LEN && (s.starts_with("http://") || s.starts_with("https://")) {
                return Err(EngineError::BadRequest("a URL is too long".into()));
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(check_strings),
        Value::Object(map) => {
            for (key, v) in map {
                if key.contains('\0') {
                    return Err(EngineError::BadRequest(
                        "NUL characters are not accepted".into(),
                    ));
                }
                if key == "id" && v.as_str().is_some_and(|id| id.len() > MAX_ID_LEN) {
                    return Err(EngineError::BadRequest("an id is too long".into()));
                }
                check_strings(v)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn unauthorized(e: SignatureError) -> EngineError {
    EngineError::Unauthorized(format!("signature refused: {e}"))
}

/// Checks, journals and processes (or defers) one delivery to an inbox.
/// `client` names the sending address for limits (one key per address or
/// IPv6 /64).
pub async fn receive<A: App>(
    state: &A,
    client: &str,
    method: &Method,
    uri: &http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<StatusCode, A::Error> {
    let _arrival = state.federation().backlog.arrival();
    let arrived = Arrived::read(body)?;
    admit(state, &arrived.actor_host, body.len())?;
    let signer = verified_signer(state, client, method, uri, headers, body, &arrived).await?;
    state.federation().inbox_limiter.count(&arrived.actor_host);

    // Written down before it is processed (a crash in between leaves it to be
    // processed at the next start); one already processed is acknowledged.
    // The journal also revives the sender's host if we thought it down.
    let Arrived {
        activity,
        kind,
        id,
        actor_id,
        actor_host,
    } = arrived;
    let recorded = state
        .federation()
        .journal
        .record(journal::Entry {
            ap_id: id.clone(),
            actor_ap_id: actor_id,
            host: actor_host,
            body: String::from_utf8_lossy(body).into_owned(),
        })
        .await?;
    if recorded == journal::Recorded::Processed {
        return Ok(StatusCode::ACCEPTED);
    }
    let Some(_slot) = state.federation().backlog.inline_slot() else {
        state.federation().backlog.defer(Deferred {
            sender: signer,
            id,
            kind,
            activity,
            bytes: body.len(),
        });
        return Ok(StatusCode::ACCEPTED);
    };
    process(state, &signer, &id, &kind, &activity).await
}

/// An inbound activity's body, read and its common fields found.
struct Arrived {
    activity: Value,
    kind: String,
    id: String,
    actor_id: String,
    actor_host: String,
}

impl Arrived {
    fn read(body: &[u8]) -> Result<Arrived, EngineError> {
        if json_depth(body) > MAX_DEPTH {
            return Err(EngineError::BadRequest("JSON nested too deeply".into()));
        }
        let activity: Value = serde_json::from_slice(body)
            .map_err(|e| EngineError::BadRequest(format!("not JSON: {e}")))?;
        check_strings(&activity)?;
        let missing = |what: &str| EngineError::BadRequest(format!("activity without {what}"));
        let kind = vocab::type_of(&activity)
            .ok_or_else(|| missing("type"))?
            .to_string();
        let id = activity
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| missing("id"))?
            .to_string();
        let actor_id = vocab::id_of(activity.get("actor")).ok_or_else(|| missing("actor"))?;
        let actor_host = vocab::host_of(&actor_id)
            .ok_or_else(|| EngineError::BadRequest("actor is not a URL".into()))?;
        Ok(Arrived {
            activity,
            kind,
            id,
            actor_id,
            actor_host,
        })
    }
}

/// A suspended domain, and a server over its share, are refused before any
/// signature work; so is anything while too much waits to be processed.
fn admit<A: App>(state: &A, actor_host: &str, bytes: usize) -> Result<(), EngineError> {
    if state.federation().client.is_blocked(actor_host) {
        return Err(EngineError::Forbidden(format!(
            "activities from {actor_host} are not accepted here"
        )));
    }
    if let Err(wait) = state.federation().inbox_limiter.check(actor_host) {
        return Err(EngineError::RateLimited {
            message: format!("too many activities from {actor_host}"),
            retry_after: wait,
        });
    }
    if !state.federation().backlog.has_room(bytes) {
        return Err(EngineError::RateLimited {
            message: "too many activities are waiting to be processed".into(),
            retry_after: 30,
        });
    }
    Ok(())
}

/// The actor whose key signed the request, once the signature verified and
/// the actor may send this activity: the activity's own actor, remote, not
/// suspended, with the activity's id on its host.
async fn verified_signer<A: App>(
    state: &A,
    client: &str,
    method: &Method,
    uri: &http::Uri,
    headers: &HeaderMap,
    body: &[u8],
    arrived: &Arrived,
) -> Result<A::Sender, A::Error> {
    let actor_host = &arrived.actor_host;
    // Signature over the request, with the key of the actor named by keyId.
    let lowered: BTreeMap<String, String> = headers
        .iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_lowercase(), v.to_string()))
        })
        .collect();
    let pending = signatures::prepare(
        method.as_str(),
        uri.path(),
        uri.query(),
        &lowered,
        Some(body),
    )
    .map_err(unauthorized)?;
    // The signed Host must be ours: a signature made for another server is
    // not replayed here.
    let host = lowered.get("host").map(String::as_str).unwrap_or_default();
    let domain = &state.federation().config.domain;
    if !host.eq_ignore_ascii_case(domain) {
        return Err(EngineError::Unauthorized(format!(
            "signature refused: the signed host {host:?} is not this instance ({domain})"
        ))
        .into());
    }
    if vocab::host_of(&pending.key_id).as_ref() != Some(actor_host) {
        return Err(
            EngineError::Unauthorized("the signing key is not on the actor's host".into()).into(),
        );
    }
    let mut signer = signer_of(state, &pending.key_id, actor_host, client).await?;
    if pending.verify(signer.public_key_pem()).is_err() {
        signer = signer_again(state, &pending.key_id, actor_host, client, signer).await?;
        pending
            .verify(signer.public_key_pem())
            .map_err(unauthorized)?;
    }
    may_send(&signer, arrived)?;
    Ok(signer)
}

/// The key may have been rotated: it is fetched once more, but not again
/// within a minute (a forger could otherwise make us fetch the named actor
/// on every request; Mastodon retries a 401). Meanwhile the stored key is
/// read again: a request that raced the refetch verifies with what it stored.
async fn signer_again<A: App>(
    state: &A,
    key_id: &str,
    actor_host: &str,
    client: &str,
    signer: A::Sender,
) -> Result<A::Sender, A::Error> {
    let refetch = state
        .federation()
        .refetched_keys
        .entry(key_id.to_string())
        .or_insert(())
        .await
        .is_fresh();
    if !refetch {
        return Ok(state.known_signer(key_id).await?.unwrap_or(signer));
    }
    // Not the fetch that just gave the key that failed.
    state
        .federation()
        .signer_fetches
        .invalidate(key_owner_url(key_id))
        .await;
    fetch_signer_limited(state, key_id, actor_host, client).await
}

/// Whether the verified signer may send this activity.
fn may_send<S: Sender>(signer: &S, arrived: &Arrived) -> Result<(), EngineError> {
    if signer.ap_id() != arrived.actor_id {
        return Err(EngineError::Unauthorized(
            "the signing key does not belong to the activity's actor".into(),
        ));
    }
    if signer.is_local() {
        return Err(EngineError::BadRequest(
            "activities of local actors are not received from outside".into(),
        ));
    }
    if signer.is_hidden() {
        return Err(EngineError::Forbidden(
            "this account is suspended here".into(),
        ));
    }
    if vocab::host_of(&arrived.id).as_ref() != Some(&arrived.actor_host) {
        return Err(EngineError::BadRequest(
            "the activity id is not on the actor's host".into(),
        ));
    }
    Ok(())
}

/// The actor URL of a signature's `keyId` (`ACTOR#main-key` → `ACTOR`).
pub fn key_owner_url(key_id: &str) -> &str {
    key_id.split('#').next().unwrap_or(key_id)
}

/// The actor owning a signature's key: known, or fetched within limits.
async fn signer_of<A: App>(
    state: &A,
    key_id: &str,
    host: &str,
    client: &str,
) -> Result<A::Sender, A::Error> {
    match state.known_signer(key_id).await? {
        Some(a) => Ok(a),
        None => fetch_signer_limited(state, key_id, host, client).await,
    }
}

/// Fetches a signing key for a request not yet verified. The request could
/// be forged, so what it can make us fetch is bounded: a key that failed is
/// not fetched again for a while, each claimed instance has a few fetches
/// a minute, a few run at once, and concurrent requests naming one key wait
/// for one fetch.
async fn fetch_signer_limited<A: App>(
    state: &A,
    key_id: &str,
    host: &str,
    client: &str,
) -> Result<A::Sender, A::Error> {
    let fed = state.federation();
    let owner = key_owner_url(key_id).to_string();
    // Counted per claimed host without its port (ports are free to vary),
    // and per client: endless made-up hosts from one sender get nowhere.
    let host = crate::fetch::host_name(host);
    let host = host.as_str();
    if fed.failed_keys.contains_key(&owner) {
        return Err(EngineError::Unauthorized(
            "cannot get the signing key: it could not be fetched lately".into(),
        )
        .into());
    }
    let fetched = fed
        .signer_fetches
        .try_get_with(owner.clone(), async {
            if fed.key_fetch_clients.len() > 10_000 {
                fed.key_fetch_clients.retain_recent();
            }
            if fed
                .key_fetch_clients
                .check_key(&client.to_string())
                .is_err()
            {
                return Err(EngineError::RateLimited {
                    message: "too many unknown signing keys from this address".into(),
                    retry_after: 60,
                });
            }
            if let Err(wait) = fed.key_fetches.check(host) {
                return Err(EngineError::RateLimited {
                    message: format!("too many unknown signing keys from {host}"),
                    retry_after: wait,
                });
            }
            fed.key_fetches.count(host);
            let wait = std::time::Duration::from_secs(fed.config.fetch_timeout_secs);
            let Ok(Ok(_slot)) = tokio::time::timeout(wait, fed.key_fetch_slots.acquire()).await
            else {
                return Err(EngineError::Unavailable {
                    message: "too many signing keys are being fetched".into(),
                    retry_after: 5,
                });
            };
            match state.fetch_signer(key_id).await {
                Ok(a) => Ok(a),
                Err(e) => {
                    fed.failed_keys.insert(owner.clone(), ()).await;
                    Err(EngineError::Unauthorized(format!(
                        "cannot get the signing key: {e}"
                    )))
                }
            }
        })
        .await;
    fetched.map_err(|e| {
        match e.as_ref() {
            EngineError::RateLimited {
                message,
                retry_after,
            } => EngineError::RateLimited {
                message: message.clone(),
                retry_after: *retry_after,
            },
            EngineError::Unavailable {
                message,
                retry_after,
            } => EngineError::Unavailable {
                message: message.clone(),
                retry_after: *retry_after,
            },
            other => EngineError::Unauthorized(other.to_string()),
        }
        .into()
    })
}

/// Runs an activity's effect and marks it processed. On a refusal the journal
/// entry is dropped, so a corrected retry is not taken for a duplicate.
pub(super) async fn process<A: App>(
    state: &A,
    sender: &A::Sender,
    id: &str,
    kind: &str,
    activity: &Value,
) -> Result<StatusCode, A::Error> {
    // A block made since the activity arrived (by another process, or while
    // it waited in the backlog) holds as well.
    if state.federation().client.is_blocked(sender.host()) {
        return Err(EngineError::Forbidden(format!(
            "activities from {} are not accepted here",
            sender.host()
        ))
        .into());
    }
    let span = tracing::info_span!("inbound", activity_id = %id, actor = %sender.ap_id(), remote_host = %sender.host(), kind = %kind);
    let budget = state.federation().activity_budget;
    let effect = tokio::time::timeout(
        budget,
        tracing::Instrument::instrument(state.receive(sender, kind, activity), span),
    );
    let outcome = effect.await.unwrap_or_else(|_| {
        tracing::warn!(activity_id = %id, actor = %sender.ap_id(), budget_secs = budget.as_secs(), "processing an activity took too long; dropped");
        Err(EngineError::Unavailable {
            message: "processing the activity took too long; try again later".into(),
            retry_after: 60,
        }
        .into())
    });
    match outcome {
        Ok(status) => {
            state.federation().journal.processed(id);
            Ok(status)
        }
        Err(e) => {
            if e.is_refusal() {
                received::Entity::delete_by_id(id.to_string())
                    .exec(state.db())
                    .await?;
            }
            Err(e)
        }
    }
}

/// Processes what was received but not processed before the last stop (a
/// crash, a kill). Signatures were checked when they arrived.
pub async fn resume_unprocessed<A: App>(state: &A) -> Result<usize, A::Error> {
    // Entries that kept failing for a day are dropped rather than retried forever.
    received::Entity::delete_many()
        .filter(received::Column::ProcessedAt.is_null())
        .filter(received::Column::ReceivedAt.lt(Utc::now() - chrono::Duration::days(1)))
        .exec(state.db())
        .await?;
    let pending = received::Entity::find()
        .filter(received::Column::ProcessedAt.is_null())
        .all(state.db())
        .await?;
    let mut done = 0;
    for r in pending {
        let Some(body) = r.body.as_deref() else {
            continue;
        };
        let Ok(activity) = serde_json::from_str::<Value>(body) else {
            continue;
        };
        let Some(kind) = vocab::type_of(&activity).map(str::to_string) else {
            continue;
        };
        let sender = match state.find_actor(&r.actor_ap_id).await? {
            Some(a) => a,
            None => continue,
        };
        match process(state, &sender, &r.ap_id, &kind, &activity).await {
            Ok(_) => done += 1,
            Err(e) => {
                tracing::warn!(activity_id = %r.ap_id, error = %e, "could not process a journalled activity")
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::json_depth;

    #[test]
    fn refuses_nul_and_huge_ids() {
        use super::check_strings;
        use serde_json::json;
        assert!(
            check_strings(&json!({"id": "https://a.example/1", "content": "x".repeat(100_000)}))
                .is_ok()
        );
        assert!(check_strings(&json!({"object": {"url": "https://a.example/\u{0}x"}})).is_err());
        assert!(
            check_strings(&json!({"id": format!("https://a.example/{}", "x".repeat(3000))}))
                .is_err()
        );
        assert!(
            check_strings(
                &json!({"tag": [{"href": format!("https://a.example/{}", "x".repeat(3000))}]})
            )
            .is_err()
        );
    }

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(json_depth(br#"{"a":[1,{"b":"[[[["}]}"#), 3);
        assert_eq!(json_depth("[".repeat(10_000).as_bytes()), 10_000);
    }
}
