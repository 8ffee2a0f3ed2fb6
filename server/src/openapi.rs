//! The OpenAPI 3.1 document of Knooppunt's own API, generated from the
//! handlers' `#[utoipa::path]` annotations and the request and response
//! types, served at `/api/knooppunt/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{AuthorizationCode, Flow, OAuth2, Scopes, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::events::api as events;
use crate::events::search as event_search;
use crate::http::ApiError;
use crate::moderation::api as admin;
use crate::plans::api as plans;
use crate::plans::search as plan_search;

struct OAuthScheme;

/// Operation ids default to the handler's name, which repeats across
/// modules (`plans::list`, `events::list`); they must be unique.
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let tag = op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first())
                    .cloned()
                    .unwrap_or_default();
                if let Some(id) = &op.operation_id {
                    op.operation_id = Some(format!("{tag}_{id}"));
                }
            }
        }
    }
}

impl Modify for OAuthScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let scopes = Scopes::from_iter([
            (
                "read:statuses",
                "read plans, invitations and advice requests",
            ),
            ("write:statuses", "start, change and answer on plans"),
            ("write:favourites", "support plans"),
            (
                "admin:read",
                "read reports, domain blocks and the audit log (administrators)",
            ),
            (
                "admin:write",
                "act on reports, accounts and domains (administrators)",
            ),
        ]);
        let flow = Flow::AuthorizationCode(AuthorizationCode::new(
            "/oauth/authorize",
            "/oauth/token",
            scopes,
        ));
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("oauth", SecurityScheme::OAuth2(OAuth2::new([flow])));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Knooppunt API",
        description = "Knooppunt's own API: plans (states, history, support, arguments, co-owners, advice, polls), events (participation, iCalendar) and moderation for administrators. Authenticated with the OAuth 2 tokens of the Mastodon client API.",
        license(name = "AGPL-3.0-or-later"),
    ),
    modifiers(&OAuthScheme, &UniqueOperationIds),
    paths(
        plans::list,
        plan_search::search,
        plans::create,
        plans::show,
        plans::update,
        plans::transition,
        plans::progress,
        plans::history,
        plans::support,
        plans::unsupport,
        plans::arguments,
        plans::argue,
        plans::add_owner,
        plans::editors,
        plans::name_editor,
        plans::remove_editor,
        plans::plan_invitations,
        plans::request_advice,
        plans::advice,
        plans::create_poll,
        plans::invitations,
        plans::accept_invitation,
        plans::reject_invitation,
        plans::advice_requests,
        plans::answer_advice,
        events::list,
        event_search::search,
        events::create,
        events::show,
        events::update,
        events::cancel,
        events::join,
        events::leave,
        events::participants,
        events::event_ics,
        events::neighbourhood_ics,
        events::group_ics,
        admin::reports,
        admin::report,
        admin::resolve,
        admin::reopen,
        admin::forward,
        admin::act,
        admin::domain_blocks,
        admin::block,
        admin::unblock,
        admin::export,
        admin::import,
        admin::audit_log,
    ),
    components(schemas(ApiError)),
    tags(
        (name = "plans", description = "Plans from idea to done"),
        (name = "events", description = "Events, participation and calendars"),
        (name = "admin", description = "Moderation: reports, accounts, domain blocks and the audit log, for administrators"),
    ),
)]
pub struct ApiDoc;

/// `GET /api/knooppunt/v1/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
