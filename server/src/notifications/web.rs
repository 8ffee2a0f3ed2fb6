//! `GET /notifications`: what happened to one's posts and account, newest
//! first, from the same rendering as the client API's list.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use super::entity;
use crate::auth::web::Visit;
use crate::http::extract::ApiQuery;
use crate::http::pagination::{self, Page};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::web::post::PostView;
use crate::web::Chrome;

/// One notification: who did what, and the post it is about.
pub struct NotificationView {
    pub what: String,
    pub who: String,
    pub who_url: String,
    pub at: String,
    pub at_label: String,
    pub post: Option<PostView>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    c: Chrome,
    t: Tr,
    items: Vec<NotificationView>,
    older: Option<String>,
}

fn view(n: &Value, me: i64, t: Tr) -> NotificationView {
    let kind = n["type"].as_str().unwrap_or_default();
    let key = match kind {
        "mention" | "favourite" | "reblog" | "follow" | "follow_request" | "poll" => {
            format!("notification-{kind}")
        }
        _ => "notification-other".to_string(),
    };
    let account = &n["account"];
    let name = account["display_name"]
        .as_str()
        .filter(|d| !d.trim().is_empty())
        .or(account["acct"].as_str())
        .unwrap_or_default();
    let at = n["created_at"].as_str().unwrap_or_default().to_string();
    NotificationView {
        what: t.get(&key),
        who: name.to_string(),
        who_url: account["url"].as_str().unwrap_or_default().to_string(),
        at_label: at.get(..16).unwrap_or_default().replace('T', " "),
        at,
        post: match &n["status"] {
            Value::Object(_) => Some(PostView::of(&n["status"], Some(me), t)),
            _ => None,
        },
    }
}

/// `GET /notifications`
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(page): ApiQuery<Page>,
) -> Response {
    let me = match visit.person() {
        Ok(person) => person.actor.id,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let page = crate::web::paged(page);
        let query = entity::Entity::find().filter(entity::Column::RecipientId.eq(me));
        let rows = pagination::fetch(&state.db, &page, query, entity::Column::Id).await?;
        let rendered = super::api::render(&state, me, &rows).await?;
        let t = visit.t();
        let older = crate::web::next_page(rows.len(), rows.last().map(|n| n.id), |id| {
            format!("/notifications?max_id={id}")
        });
        let page = NotificationsPage {
            c: visit.chrome().at("notifications"),
            t,
            items: rendered.iter().map(|n| view(n, me, t)).collect(),
            older,
        };
        visit.render(StatusCode::OK, &page)
    };
    visit.respond(result.await)
}
