//! Instance-level endpoints: instance info (v1 and v2), NodeInfo, markers,
//! and the valid-but-empty answers for what Knooppunt does not have.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::actors::{ActorKind, store as actor_store};
use crate::auth::extract::{Auth, MaybeAuth};
use crate::config::Registrations;
use crate::error::AppError;
use crate::http::extract::{ApiForm, ApiQuery};
use crate::http::pagination::{self, Page, paged_json};
use crate::state::AppState;
use crate::statuses::api::account_page;
use crate::statuses::entity::{favourite, status};
use crate::statuses::service::{
    MAX_CHARS, MAX_MEDIA, MAX_POLL_OPTION_CHARS, MAX_POLL_OPTIONS, MAX_POLL_SECONDS,
    MIN_POLL_SECONDS,
};
use crate::statuses::views;

/// Discovery documents, the instance, and the Mastodon endpoints apps
/// expect of every server (most of them empty lists here).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    let empty = [
        "/api/v1/announcements",
        "/api/v1/custom_emojis",
        "/api/v1/filters",
        "/api/v2/filters",
        "/api/v1/lists",
        "/api/v1/bookmarks",
        "/api/v1/conversations",
        "/api/v1/scheduled_statuses",
        "/api/v1/followed_tags",
        "/api/v1/endorsements",
        "/api/v1/domain_blocks",
        "/api/v1/featured_tags",
        "/api/v1/trends",
        "/api/v1/trends/tags",
        "/api/v1/trends/statuses",
        "/api/v1/trends/links",
        "/api/v1/instance/peers",
        "/api/v1/instance/rules",
    ];
    let router = axum::Router::new()
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/{version}", get(nodeinfo))
        .route("/api/v1/instance", get(v1))
        .route("/api/v1/instance/", get(v1))
        .route("/api/v2/instance", get(v2))
        .route("/api/v2/instance/", get(v2))
        .route("/api/v1/follow_requests", get(follow_requests))
        .route("/api/knooppunt/v1/admin/federation", get(federation_status))
        .route("/api/v1/favourites", get(favourites))
        .route("/api/v1/markers", get(markers).post(save_markers))
        .route("/api/v1/preferences", get(preferences));
    empty
        .into_iter()
        .fold(router, |r, path| r.route(path, get(empty_list)))
}

/// Mastodon API level we implement; clients gate features on it.
pub const MASTODON_VERSION: &str = "4.3.0";

pub fn version() -> String {
    format!(
        "{MASTODON_VERSION} (compatible; Knooppunt {})",
        env!("CARGO_PKG_VERSION")
    )
}

async fn usage(state: &AppState) -> Result<(u64, u64), AppError> {
    let people = actor_store::count_local(&state.db, ActorKind::Person).await?;
    let statuses = {
        use sea_orm::PaginatorTrait;
        status::Entity::find()
            .filter(status::Column::Local.eq(true))
            .filter(status::Column::ReblogOfId.is_null())
            .count(&state.db)
            .await?
    };
    Ok((people, statuses))
}

async fn contact_account(state: &AppState) -> Result<Value, AppError> {
    match actor_store::find_local(
        &state.db,
        &state.config,
        &state.config.instance.neighbourhood,
    )
    .await?
    {
        Some(a) => views::account(&state.db, &state.config, &a).await,
        None => Ok(Value::Null),
    }
}

fn configuration(state: &AppState) -> Value {
    json!({
        "urls": { "streaming": Value::Null, "status": Value::Null },
        "accounts": { "max_featured_tags": 0, "max_pinned_statuses": 0 },
        "statuses": { "max_characters": MAX_CHARS, "max_media_attachments": MAX_MEDIA, "characters_reserved_per_url": 23 },
        "media_attachments": {
            "supported_mime_types": ["image/png", "image/jpeg", "image/gif", "image/webp"],
            "image_size_limit": state.config.media.max_image_bytes,
            "image_matrix_limit": 33_177_600,
            "video_size_limit": 0, "video_frame_rate_limit": 0, "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": MAX_POLL_OPTIONS, "max_characters_per_option": MAX_POLL_OPTION_CHARS,
            "min_expiration": MIN_POLL_SECONDS, "max_expiration": MAX_POLL_SECONDS,
        },
        "translation": { "enabled": false },
    })
}

fn description(state: &AppState) -> String {
    format!(
        "Knooppunt van de wijk {}: bewoners, ondernemers en professionals werken samen aan de buurt.",
        state.config.instance.neighbourhood
    )
}

/// `GET /api/v1/instance`
pub async fn v1(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let (people, statuses) = usage(&state).await?;
    let config = &state.config;
    Ok(Json(json!({
        "uri": config.instance.domain,
        "title": config.instance.name,
        "short_description": description(&state),
        "description": description(&state),
        "email": "",
        "version": version(),
        "urls": { "streaming_api": Value::Null },
        "stats": { "user_count": people, "status_count": statuses, "domain_count": 0 },
        "thumbnail": format!("{}/static/header.png", config.base_url()),
        "languages": ["nl", "en"],
        "registrations": config.instance.registrations != Registrations::Closed,
        "approval_required": config.instance.registrations == Registrations::Approval,
        "invites_enabled": false,
        "configuration": configuration(&state),
        "contact_account": contact_account(&state).await?,
        "rules": [],
    })))
}

/// `GET /api/v2/instance`
pub async fn v2(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let (people, _) = usage(&state).await?;
    let config = &state.config;
    let mut configuration = configuration(&state);
    configuration["vapid"] = json!({ "public_key": "" });
    Ok(Json(json!({
        "domain": config.instance.domain,
        "title": config.instance.name,
        "version": version(),
        "source_url": "https://example.invalid/knooppunt",
        "description": description(&state),
        "usage": { "users": { "active_month": people } },
        "thumbnail": { "url": format!("{}/static/header.png", config.base_url()) },
        "icon": [],
        "languages": ["nl", "en"],
        "configuration": configuration,
        "registrations": {
            "enabled": config.instance.registrations != Registrations::Closed,
            "approval_required": config.instance.registrations == Registrations::Approval,
            "message": Value::Null,
            "url": Value::Null,
        },
        "api_versions": { "mastodon": 2 },
        "contact": { "email": "", "account": contact_account(&state).await? },
        "rules": [],
    })))
}

/// `GET /.well-known/nodeinfo`
pub async fn nodeinfo_links(State(state): State<AppState>) -> Json<Value> {
    let base = state.config.base_url();
    Json(json!({
        "links": [
            { "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": format!("{base}/nodeinfo/2.0") },
            { "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": format!("{base}/nodeinfo/2.1") },
        ]
    }))
}

/// `GET /nodeinfo/2.0` and `/nodeinfo/2.1`
pub async fn nodeinfo(
    State(state): State<AppState>,
    Path(version): Path<String>,
) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    if version != "2.0" && version != "2.1" {
        return Err(AppError::NotFound(msg!("error-missing")));
    }
    let (people, statuses) = usage(&state).await?;
    let mut software = json!({ "name": "knooppunt", "version": env!("CARGO_PKG_VERSION") });
    if version == "2.1" {
        software["repository"] = json!("https://example.invalid/knooppunt");
    }
    let body = json!({
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": ["atom1.0", "rss2.0"] },
        "openRegistrations": state.config.instance.registrations == Registrations::Open,
        "usage": { "users": { "total": people, "activeMonth": people, "activeHalfyear": people }, "localPosts": statuses },
        "metadata": { "nodeName": state.config.instance.name, "neighbourhood": state.config.instance.neighbourhood },
    });
    let content_type = format!(
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\""
    );
    Ok((
        [(axum::http::header::CONTENT_TYPE, content_type)],
        Json(body),
    )
        .into_response())
}

/// An empty list for features Knooppunt does not have (yet); valid for clients.
pub async fn empty_list(_auth: MaybeAuth) -> Json<Value> {
    Json(json!([]))
}

/// `GET /api/v1/preferences`
pub async fn preferences(auth: Auth) -> Result<Json<Value>, AppError> {
    auth.person("read:accounts")?;
    Ok(Json(json!({
        "posting:default:visibility": "public",
        "posting:default:sensitive": false,
        "posting:default:language": Value::Null,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false,
    })))
}

/// `GET /api/v1/favourites`: the statuses one favourited, newest favourite first.
pub async fn favourites(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let person = auth.person("read:favourites")?;
    let me = person.actor.id;
    let rows = pagination::fetch(
        &state.db,
        &page,
        favourite::Entity::find().filter(favourite::Column::ActorId.eq(me)),
        favourite::Column::Id,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|f| f.status_id).collect();
    let found = status::Entity::find()
        .filter(status::Column::Id.is_in(ids.clone()))
        .all(&state.db)
        .await?;
    let ordered: Vec<status::Model> = ids
        .iter()
        .filter_map(|id| found.iter().find(|s| s.id == *id).cloned())
        .collect();
    let body = views::statuses(&state.db, &state.config, &ordered, Some(me)).await?;
    Ok(paged_json(
        &state.config.base_url(),
        &uri,
        (rows.first().map(|r| r.id), rows.last().map(|r| r.id)),
        body,
    ))
}

#[derive(Deserialize, Default)]
pub struct MarkerQuery {
    #[serde(default)]
    timeline: Vec<String>,
}

/// `GET /api/v1/markers`
pub async fn markers(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MarkerQuery>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("read:statuses")?;
    let rows = marker::Entity::find()
        .filter(marker::Column::ActorId.eq(person.actor.id))
        .all(&state.db)
        .await?;
    let mut out = serde_json::Map::new();
    for m in rows {
        if q.timeline.is_empty() || q.timeline.contains(&m.timeline) {
            out.insert(
                m.timeline.clone(),
                json!({ "last_read_id": m.last_read_id, "version": m.version, "updated_at": views::time(&m.updated_at) }),
            );
        }
    }
    Ok(Json(Value::Object(out)))
}

#[derive(Deserialize, Default)]
pub struct MarkerPosition {
    last_read_id: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct MarkerForm {
    home: Option<MarkerPosition>,
    notifications: Option<MarkerPosition>,
}

/// `POST /api/v1/markers`
pub async fn save_markers(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(form): ApiForm<MarkerForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:statuses")?;
    let me = person.actor.id;
    let mut out = serde_json::Map::new();
    for (timeline, position) in [("home", form.home), ("notifications", form.notifications)] {
        let Some(last) = position
            .and_then(|p| p.last_read_id)
            .filter(|l| !l.is_empty())
        else {
            continue;
        };
        let now = Utc::now();
        let existing = marker::Entity::find_by_id((me, timeline.to_string()))
            .one(&state.db)
            .await?;
        let saved = match existing {
            Some(m) => {
                let version = m.version + 1;
                let mut active: marker::ActiveModel = m.into();
                active.last_read_id = Set(last);
                active.version = Set(version);
                active.updated_at = Set(now);
                active.update(&state.db).await?
            }
            None => {
                marker::ActiveModel {
                    actor_id: Set(me),
                    timeline: Set(timeline.to_string()),
                    last_read_id: Set(last),
                    version: Set(1),
                    updated_at: Set(now),
                }
                .insert(&state.db)
                .await?
            }
        };
        out.insert(
            timeline.to_string(),
            json!({ "last_read_id": saved.last_read_id, "version": saved.version, "updated_at": views::time(&saved.updated_at) }),
        );
    }
    Ok(Json(Value::Object(out)))
}

/// `GET /api/v1/follow_requests`: people waiting for one's approval.
pub async fn follow_requests(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    use crate::actors::graph::follow;
    let person = auth.person("read:follows")?;
    let query = follow::Entity::find()
        .filter(follow::Column::TargetId.eq(person.actor.id))
        .filter(follow::Column::Accepted.eq(false));
    let rows = pagination::fetch(&state.db, &page, query, follow::Column::Id).await?;
    account_page(
        &state,
        &uri,
        rows.iter().map(|f| (f.id, f.follower_id)).collect(),
    )
    .await
}

pub mod marker {
    //! The `markers` table: where a person stopped reading a timeline.
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "markers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub actor_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub timeline: String,
        pub last_read_id: String,
        pub version: i32,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// `GET /api/knooppunt/v1/admin/federation`: the delivery queue, for administrators.
pub async fn federation_status(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("read")?;
    if !person.account.admin {
        return Err(AppError::Forbidden(msg!("error-administrators-only")));
    }
    let status = crate::federation::outbox::status(&state.db).await?;
    serde_json::to_value(status)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}
