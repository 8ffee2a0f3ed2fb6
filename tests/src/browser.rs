//! A client of an instance as tests drive it: answers with their status,
//! body and headers; a browser that keeps cookies and submits forms with
//! their CSRF token; an API caller with a bearer token; a registered app.

use std::cell::RefCell;

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::TestInstance;

/// An answer: status, body as JSON (a page: its HTML as a JSON string), headers.
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Reply {
    /// The body, once the status is `status`.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        self.body
    }

    /// A refusal with the API's `{"error": "…"}` body.
    #[track_caller]
    pub fn refused(self, status: u16) -> Value {
        let body = self.expect(status);
        assert!(body["error"].is_string(), "no error text in {body}");
        body
    }

    /// An RFC 6749 error: `{"error": CODE, "error_description": …}`.
    #[track_caller]
    pub fn oauth_error(self, status: u16, code: &str) {
        let body = self.expect(status);
        assert_eq!(body["error"], code, "{body}");
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let value = self.headers.get(name)?;
        Some(value.to_str().unwrap().to_string())
    }

    pub fn html(&self) -> &str {
        self.body.as_str().unwrap_or_default()
    }

    /// Checks the status and the `Location` header (`None`: no redirect).
    #[track_caller]
    pub fn answers(&self, status: u16, location: Option<&str>) -> &Reply {
        let answer = (self.status.as_u16(), self.header("location"));
        assert_eq!(
            answer,
            (status, location.map(str::to_string)),
            "{}",
            self.body
        );
        self
    }

    #[track_caller]
    pub fn shows(&self, text: &str) -> &Reply {
        assert!(self.html().contains(text), "no {text:?} in {}", self.body);
        self
    }

    pub fn sets_cookie(&self, name: &str) -> bool {
        let mut cookies = self.headers.get_all(SET_COOKIE).iter();
        cookies.any(|c| c.to_str().unwrap().starts_with(&format!("{name}=")))
    }

    /// The value of the form input named `name`, unescaped.
    pub fn input(&self, name: &str) -> String {
        let html = self.html();
        let start = html.find(&format!("name=\"{name}\""));
        let start = start.unwrap_or_else(|| panic!("no {name} in {html}"));
        let tag = html[start..].split('>').next().unwrap();
        let value = tag.split("value=\"").nth(1).unwrap_or_default();
        unescape(value.split('"').next().unwrap())
    }
}

/// Undoes askama's HTML escaping, which writes `&#38;`, `&#34;` and so on.
pub fn unescape(html: &str) -> String {
    let mut parts = html.split("&#");
    let mut out = parts.next().unwrap().to_string();
    for part in parts {
        let (code, rest) = part.split_once(';').unwrap();
        out.push(char::from_u32(code.parse().unwrap()).unwrap());
        out.push_str(rest);
    }
    out
}

/// Someone talking to an instance: an app with a bearer token (empty: none),
/// or a browser that does not follow redirects, keeps cookies, reads English
/// and submits forms with the CSRF token of the last page that had one.
pub struct Agent<'a> {
    i: &'a TestInstance,
    http: reqwest::Client,
    pub token: String,
    cookies: RefCell<Vec<(String, String)>>,
    csrf: RefCell<String>,
}

pub fn agent<'a>(i: &'a TestInstance, http: reqwest::Client, token: &str) -> Agent<'a> {
    let (token, cookies, csrf) = (token.to_string(), RefCell::default(), RefCell::default());
    Agent {
        i,
        http,
        token,
        cookies,
        csrf,
    }
}

pub fn api<'a>(i: &'a TestInstance, token: &str) -> Agent<'a> {
    agent(i, i.client.clone(), token)
}

pub fn browser(i: &TestInstance) -> Agent<'_> {
    let http = reqwest::Client::builder().no_proxy();
    let http = http.redirect(reqwest::redirect::Policy::none());
    agent(i, http.build().unwrap(), "")
}

/// A browser whose connections come from `address` (a loopback address):
/// another client, as far as limits per address go.
pub fn browser_from(i: &TestInstance, address: std::net::IpAddr) -> Agent<'_> {
    let http = reqwest::Client::builder().no_proxy().local_address(address);
    let http = http.redirect(reqwest::redirect::Policy::none());
    agent(i, http.build().unwrap(), "")
}

impl Agent<'_> {
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Reply {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.i.url(path)
        };
        let mut request = self.http.request(method.clone(), url);
        request = request.header("Accept-Language", "en");
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        let cookies = self.cookies.borrow().clone();
        let jar: Vec<String> = cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        if !jar.is_empty() {
            request = request.header("Cookie", jar.join("; "));
        }
        let response = build(request).send().await;
        let response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let (status, headers) = (response.status(), response.headers().clone());
        for cookie in headers.get_all(SET_COOKIE) {
            let pair = cookie.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let mut cookies = self.cookies.borrow_mut();
            cookies.retain(|(n, _)| n != name);
            if !value.is_empty() {
                cookies.push((name.to_string(), value.to_string()));
            }
        }
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        let reply = Reply {
            status,
            body,
            headers,
        };
        if reply.html().contains("name=\"csrf_token\"") {
            *self.csrf.borrow_mut() = reply.input("csrf_token");
        }
        reply
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        let cookies = self.cookies.borrow();
        let found = cookies.iter().find(|(n, _)| n == name);
        found.map(|(_, v)| v.clone())
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, |r| r).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, |r| r.json(&body)).await
    }

    pub async fn form(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(Method::POST, path, |r| r.form(form)).await
    }

    /// Signs in through the sign-in form, as a person does, and lands on
    /// the front page.
    pub async fn sign_in(&self, name: &str, password: &str) {
        self.get("/auth/sign_in").await.expect(200);
        self.submit(
            "/auth/sign_in",
            &[("username", name), ("password", password)],
        )
        .await
        .answers(303, Some("/"));
    }

    /// Posts `fields` with the form's CSRF token, as a browser submits a form.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.borrow().clone();
        let form = [&[("csrf_token", csrf.as_str())][..], fields].concat();
        self.form(path, &form).await
    }

    pub async fn toot(&self, body: Value) -> Reply {
        self.post("/api/v1/statuses", body).await
    }

    /// Posts a public status and returns its id.
    pub async fn say(&self, text: &str) -> String {
        let body = self.toot(json!({ "status": text })).await.expect(200);
        body["id"].as_str().unwrap().to_string()
    }

    /// Uploads `bytes` as the multipart part `file` named `name`.
    pub async fn upload(&self, name: &str, bytes: &[u8]) -> Reply {
        let boundary = "knooppunt-test-grens-7d1f";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n\
             Een plaatje\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let kind = format!("multipart/form-data; boundary={boundary}");
        let build = |r: RequestBuilder| r.header("Content-Type", kind).body(body);
        self.send(Method::POST, "/api/v2/media", build).await
    }
}

/// A registered app on an instance.
pub struct App<'a> {
    pub i: &'a TestInstance,
    pub id: String,
    pub secret: String,
}

impl<'a> App<'a> {
    pub async fn register(i: &'a TestInstance, scopes: &str, redirect_uris: &str) -> App<'a> {
        let mut form = json!({"client_name": "Randgevallen", "scopes": scopes});
        form["redirect_uris"] = json!(redirect_uris);
        let body = api(i, "").post("/api/v1/apps", form).await.expect(200);
        let field = |name: &str| body[name].as_str().unwrap().to_string();
        let (id, secret) = (field("client_id"), field("client_secret"));
        App { i, id, secret }
    }

    /// `POST path` with this app's credentials and `fields`.
    pub async fn call(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut form = vec![("client_id", self.id.as_str())];
        form.push(("client_secret", self.secret.as_str()));
        form.extend_from_slice(fields);
        api(self.i, "").form(path, &form).await
    }

    pub async fn token(&self, fields: &[(&str, &str)]) -> Reply {
        self.call("/oauth/token", fields).await
    }

    pub async fn password(&self, username: &str, password: &str, scope: &str) -> Reply {
        let grant = [("grant_type", "password"), ("scope", scope)];
        let fields = [("username", username), ("password", password)];
        self.token(&[grant, fields].concat()).await
    }

    /// The API as `name` (with `password`) with a token for `scope`.
    pub async fn login(&self, name: &str, password: &str, scope: &str) -> Agent<'a> {
        let body = self.password(name, password, scope).await.expect(200);
        api(self.i, body["access_token"].as_str().unwrap())
    }
}

pub fn ids(list: &Value) -> Vec<&str> {
    let list = list.as_array().unwrap_or_else(|| panic!("{list}"));
    list.iter().map(|s| s["id"].as_str().unwrap()).collect()
}

/// The query parameter `key` of an absolute URL.
pub fn param(url: &str, key: &str) -> Option<String> {
    let url = url::Url::parse(url).unwrap();
    let mut pairs = url.query_pairs();
    pairs.find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}
