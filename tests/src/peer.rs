//! A hand-steered remote server for attack tests: serves actors with real
//! keys on its own loopback address, signs what tests send as them, records
//! what it is asked for and sent, and can be told to never answer some
//! paths (a tarpit) or to publish a `sharedInbox` on another host.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Default)]
struct Inner {
    base_url: String,
    /// Private and public key PEM by actor name.
    keys: Mutex<HashMap<String, (String, String)>>,
    shared_inbox: Mutex<Option<String>>,
    /// Paths starting with one of these are never answered.
    hang: Mutex<Vec<String>>,
    gets: Mutex<Vec<String>>,
    posts: Mutex<Vec<(String, Value)>>,
    hanging: AtomicUsize,
    /// Files served as they are: path to (content type, bytes).
    files: Mutex<HashMap<String, (String, Vec<u8>)>>,
    /// The `icon` URL the actors publish.
    icon: Mutex<Option<String>>,
}

/// The running peer; stops listening on drop.
pub struct FakePeer {
    /// `http://IP:PORT`
    pub base_url: String,
    /// `IP:PORT`, as ActivityPub compares hosts.
    pub host: String,
    inner: Arc<Inner>,
    task: JoinHandle<()>,
}

impl Drop for FakePeer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Counts a request that hangs for as long as it is pending.
struct Hanging(Arc<Inner>);

impl Drop for Hanging {
    fn drop(&mut self) {
        self.0.hanging.fetch_sub(1, Ordering::AcqRel);
    }
}

async fn answer(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    if method == Method::POST {
        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        inner.posts.lock().unwrap().push((path, value));
        return StatusCode::ACCEPTED.into_response();
    }
    inner.gets.lock().unwrap().push(path.clone());
    let hangs = inner
        .hang
        .lock()
        .unwrap()
        .iter()
        .any(|p| path.starts_with(p));
    if hangs {
        inner.hanging.fetch_add(1, Ordering::AcqRel);
        let _guard = Hanging(inner.clone());
        std::future::pending::<()>().await;
    }
    let file = inner.files.lock().unwrap().get(&path).cloned();
    if let Some((content_type, bytes)) = file {
        return ([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response();
    }
    let Some(name) = path.strip_prefix("/users/") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((_, public)) = inner.keys.lock().unwrap().get(name).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let id = format!("{}/users/{name}", inner.base_url);
    let mut actor = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": name,
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": public },
    });
    if let Some(icon) = inner.icon.lock().unwrap().clone() {
        actor["icon"] = json!({ "type": "Image", "mediaType": "image/png", "url": icon });
    }
    if let Some(shared) = inner.shared_inbox.lock().unwrap().clone() {
        actor["endpoints"] = json!({ "sharedInbox": shared });
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/activity+json",
        )],
        actor.to_string(),
    )
        .into_response()
}

impl FakePeer {
    /// Listens on `ip` (a loopback address) on a free port.
    pub async fn start(ip: Ipv4Addr) -> FakePeer {
        let listener = TcpListener::bind(SocketAddr::from((ip, 0)))
            .await
            .expect("bind the fake peer");
        let addr = listener.local_addr().expect("addr");
        let base_url = format!("http://{addr}");
        let inner = Arc::new(Inner {
            base_url: base_url.clone(),
            ..Default::default()
        });
        let app = Router::new().fallback(answer).with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakePeer {
            base_url,
            host: addr.to_string(),
            inner,
            task,
        }
    }

    /// The id of actor `name`, served from now on with a key of its own.
    pub fn actor(&self, name: &str) -> String {
        let mut keys = self.inner.keys.lock().unwrap();
        keys.entry(name.to_string()).or_insert_with(|| {
            let k = knooppunt_federation::keys::generate_actor_keys().expect("keys");
            (k.private_key_pem, k.public_key_pem)
        });
        format!("{}/users/{name}", self.base_url)
    }

    /// The key id and private key PEM of actor `name`.
    pub fn key_of(&self, name: &str) -> (String, String) {
        let id = self.actor(name);
        let private = self.inner.keys.lock().unwrap()[name].0.clone();
        (format!("{id}#main-key"), private)
    }

    /// Paths starting with `prefix` are never answered from now on.
    pub fn hang(&self, prefix: &str) {
        self.inner.hang.lock().unwrap().push(prefix.to_string());
    }

    /// The `sharedInbox` the actors publish.
    pub fn set_shared_inbox(&self, url: &str) {
        *self.inner.shared_inbox.lock().unwrap() = Some(url.to_string());
    }

    /// Serves `bytes` at `path` with the `Content-Type` given; returns its URL.
    pub fn serve_file(&self, path: &str, content_type: &str, bytes: &[u8]) -> String {
        let file = (content_type.to_string(), bytes.to_vec());
        self.inner
            .files
            .lock()
            .unwrap()
            .insert(path.to_string(), file);
        format!("{}{path}", self.base_url)
    }

    /// The actors publish `url` as their `icon` (avatar) from now on.
    pub fn set_icon(&self, url: &str) {
        *self.inner.icon.lock().unwrap() = Some(url.to_string());
    }

    /// Paths requested with GET so far.
    pub fn gets(&self) -> Vec<String> {
        self.inner.gets.lock().unwrap().clone()
    }

    /// Requests being held unanswered right now.
    pub fn hanging(&self) -> usize {
        self.inner.hanging.load(Ordering::Acquire)
    }

    /// Activities POSTed to the peer: (path, body).
    pub fn posts(&self) -> Vec<(String, Value)> {
        self.inner.posts.lock().unwrap().clone()
    }

    /// Sends `activity` to `inbox_url` signed as actor `name` of this peer.
    pub async fn post_as(
        &self,
        client: &reqwest::Client,
        name: &str,
        inbox_url: &str,
        activity: &Value,
    ) -> reqwest::Response {
        let (key_id, private) = self.key_of(name);
        crate::api::signed_post_as(client, &key_id, &private, inbox_url, activity).await
    }
}
