//! A Mastodon-API client for tests: logs a person in with the password grant
//! and sends JSON requests with their token.

use serde_json::{Value, json};

use crate::TestInstance;

/// A person's session on one instance, through the client API.
pub struct ApiClient {
    pub base_url: String,
    pub token: String,
    http: reqwest::Client,
}

impl ApiClient {
    /// Registers an app and logs `name` in with the password grant.
    pub async fn login(instance: &TestInstance, name: &str, password: &str) -> ApiClient {
        Self::login_with(instance, name, password, "read write follow push").await
    }

    /// Like [`ApiClient::login`], asking for `scopes` (an administrator's
    /// `admin:read admin:write`, say).
    pub async fn login_with(
        instance: &TestInstance,
        name: &str,
        password: &str,
        scopes: &str,
    ) -> ApiClient {
        let http = instance.client.clone();
        let app: Value = http
            .post(instance.url("/api/v1/apps"))
            .json(&json!({ "client_name": "tests", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes }))
            .send()
            .await
            .expect("register app")
            .json()
            .await
            .expect("app json");
        let token: Value = http
            .post(instance.url("/oauth/token"))
            .form(&[
                ("grant_type", "password"),
                ("client_id", app["client_id"].as_str().expect("client_id")),
                (
                    "client_secret",
                    app["client_secret"].as_str().expect("client_secret"),
                ),
                ("username", name),
                ("password", password),
                ("scope", scopes),
            ])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        ApiClient {
            base_url: instance.base_url.clone(),
            token: token["access_token"]
                .as_str()
                .unwrap_or_else(|| panic!("login of {name} failed: {token}"))
                .to_string(),
            http,
        }
    }

    /// A client for an access token issued otherwise (see `seed::local_people`).
    pub fn with_token(instance: &TestInstance, token: &str) -> ApiClient {
        ApiClient {
            base_url: instance.base_url.clone(),
            token: token.to_string(),
            http: instance.client.clone(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(format!("{}{path}", self.base_url)))
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base_url))
                .json(&body),
        )
        .await
    }

    /// POST of a raw body with its content type (a CSV file, say).
    pub async fn post_body(&self, path: &str, content_type: &str, body: &str) -> (u16, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base_url))
                .header("content-type", content_type)
                .body(body.to_string()),
        )
        .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(
            self.http
                .put(format!("{}{path}", self.base_url))
                .json(&body),
        )
        .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(
            self.http
                .patch(format!("{}{path}", self.base_url))
                .json(&body),
        )
        .await
    }

    /// PATCH with a form body (as apps update profiles).
    pub async fn send_form_patch(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.send(
            self.http
                .patch(format!("{}{path}", self.base_url))
                .form(form),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(self.http.delete(format!("{}{path}", self.base_url)))
            .await
    }

    /// The plan with ActivityPub id `uri` as this instance's API lists it.
    pub async fn plan_by_uri(&self, uri: &str) -> Value {
        let list = self.ok("/api/knooppunt/v1/plans?limit=100").await;
        list.as_array()
            .expect("a list of plans")
            .iter()
            .find(|p| p["uri"] == uri)
            .cloned()
            .unwrap_or_else(|| panic!("plan {uri} not here: {list}"))
    }

    /// GET that must succeed; returns the JSON.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// POST that must succeed; returns the JSON.
    pub async fn ok_post(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.post(path, body).await;
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    }

    /// Finds an account anywhere through search with `resolve=true`; returns its local id.
    pub async fn resolve(&self, acct: &str) -> String {
        let found = self
            .ok(&format!(
                "/api/v2/search?resolve=true&type=accounts&q={}",
                urlencode(acct)
            ))
            .await;
        found["accounts"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{acct} not found: {found}"))
            .to_string()
    }
}

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// A public note by `actor` at `{actor}/statuses/{slug}`, with `text` as its
/// one paragraph: what a peer's post looks like to our inbox.
pub fn public_note(actor: &str, slug: &str, text: &str) -> Value {
    json!({
        "id": format!("{actor}/statuses/{slug}"),
        "type": "Note",
        "attributedTo": actor,
        "to": [PUBLIC],
        "published": "2026-11-30T10:00:00Z",
        "content": format!("<p>{text}</p>"),
    })
}

/// `object` in a public activity of `kind` (Create, Update, …) by `actor`.
pub fn public_activity(kind: &str, id: &str, actor: &str, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": kind,
        "actor": actor,
        "to": [PUBLIC],
        "object": object,
    })
}

/// The `Create` of [`public_note`], with the id `{note}/activity`.
pub fn public_note_create(actor: &str, slug: &str, text: &str) -> Value {
    public_activity(
        "Create",
        &format!("{actor}/statuses/{slug}/activity"),
        actor,
        public_note(actor, slug, text),
    )
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Sends `activity` to `inbox_url` signed by a local actor of `from`, as its
/// server would: for tests that play a peer by hand.
pub async fn signed_post(
    from: &TestInstance,
    actor_name: &str,
    inbox_url: &str,
    activity: &Value,
) -> reqwest::Response {
    let actor =
        knooppunt::actors::store::find_local(&from.state.db, &from.state.config, actor_name)
            .await
            .expect("db")
            .expect("actor exists");
    let key_pem = actor.private_key_pem.as_deref().expect("local key");
    signed_post_as(
        &from.client,
        &format!("{}#main-key", actor.ap_id),
        key_pem,
        inbox_url,
        activity,
    )
    .await
}

/// Sends `activity` to `inbox_url` signed with any key (PEM) under `key_id`:
/// for tests that play a peer with keys of their own, or a forger.
pub async fn signed_post_as(
    client: &reqwest::Client,
    key_id: &str,
    key_pem: &str,
    inbox_url: &str,
    activity: &Value,
) -> reqwest::Response {
    let key = knooppunt_federation::keys::private_key_from_pem(key_pem).expect("key");
    let url = url::Url::parse(inbox_url).expect("inbox url");
    let body = serde_json::to_vec(activity).expect("json");
    let headers = knooppunt_federation::signatures::sign("POST", &url, Some(&body), key_id, &key)
        .expect("sign");
    let mut request = client
        .post(url)
        .header("content-type", "application/activity+json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.body(body).send().await.expect("post")
}
