//! What people do with plans: start, edit, move between states, report
//! progress. Each change is written with its history entry and its outgoing
//! `Update` in one transaction. Who may take which step is in `state.rs`.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};

use super::entity::{history, owner, plan};
use super::state::{self, Refusal, Standing, State};
use crate::actors::entity::{self as actor, Model as Actor};
use crate::auth::service::Person;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::text::{escape, sanitize_html};

pub use super::fields::{Fields, check_fields, check_geometry, clean_themes};
use super::fields::{MAX_CONTENT, check_text};

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> AppError {
        match r {
            Refusal::NoSuchStep { .. } => AppError::Conflict(r.msg()),
            Refusal::NotYours { .. } => AppError::Forbidden(r.msg()),
            Refusal::NeedsNote(_) => AppError::invalid("note", r.msg()),
        }
    }
}

/// The readable post of a plan, for apps that show only posts: title,
/// summary and a link to the plan.
pub fn post_html(title: &str, summary: &str, url: &str) -> String {
    sanitize_html(&format!(
        "<p><strong>{}</strong></p>{}<p><a href=\"{}\">{}</a></p>",
        escape(title),
        if summary.is_empty() {
            String::new()
        } else {
            format!("<p>{}</p>", escape(summary))
        },
        escape(url),
        escape(url)
    ))
}

/// The page of a plan in the browser.
pub fn html_url(config: &crate::config::Config, plan_id: i64) -> String {
    format!("{}/plans/{plan_id}", config.base_url())
}

/// Starts a plan as an idea, owned by `person` and, if named, by a local group
/// the person is a member of.
pub async fn create(
    state: &AppState,
    person: &Person,
    fields: Fields,
    group: Option<&str>,
) -> Result<plan::Model, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let title = fields.title.clone().unwrap_or_default();
    if title.trim().is_empty() {
        return Err(AppError::invalid("title", msg!("error-cant-blank")));
    }
    check_fields(&fields)?;
    let themes = clean_themes(fields.themes.as_deref().unwrap_or_default())?;
    let group = match group {
        Some(name) => Some(group_of_new_plan(state, person, name).await?),
        None => None,
    };
    let now = Utc::now();

    let txn = db.begin_write().await?;
    let s = crate::statuses::service::new_public_post(&txn, person.actor.id, now).await?;
    let p = insert_plan(&txn, s.id, &fields, now).await?;
    // The plan's post: its id under the author, its link to the plan's page.
    let url = html_url(config, p.id);
    let mut active: status::ActiveModel = s.into();
    active.ap_id = Set(format!("{}/statuses/{}", person.actor.ap_id, p.status_id));
    active.url = Set(Some(url.clone()));
    active.content = Set(post_html(&p.title, &p.summary, &url));
    let s = active.update(&txn).await?;
    crate::statuses::service::attach_tags(&txn, s.id, &themes).await?;
    crate::statuses::search::index(&txn, &s).await?;
    super::search::index(&txn, &p, s.actor_id).await?;
    let owning_group = group
        .as_ref()
        .filter(|(_, moderates)| *moderates)
        .map(|(g, _)| g.id);
    for owner_id in std::iter::once(person.actor.id).chain(owning_group) {
        owner::ActiveModel {
            plan_id: Set(p.id),
            actor_id: Set(owner_id),
            added_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    append_history(&txn, p.id, Entry::local(&person.actor.ap_id, "created")).await?;
    if let Some((g, false)) = &group {
        super::coowners::invite_local(&txn, &s, p.id, &person.actor, g).await?;
    }
    crate::statuses::federate::publish::status_created(&txn, config, &s).await?;
    if let Some(hood) =
        crate::actors::store::find_local(&txn, config, &config.instance.neighbourhood).await?
    {
        let create =
            crate::statuses::federate::publish::create_activity_of(&txn, config, &s).await?;
        crate::statuses::federate::publish::redistribute(&txn, config, &hood, &s, &create).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(p)
}

/// The local group `name` a new plan is started for, and whether `person`
/// moderates it. A moderator speaks for the group: it owns the plan at
/// once. A member proposes it to the group: its moderators accept (or not)
/// the invitation. Following a group gives no say in it.
async fn group_of_new_plan(
    state: &AppState,
    person: &Person,
    name: &str,
) -> Result<(Actor, bool), AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let g = crate::actors::store::find_local(db, config, name)
        .await?
        .filter(|a| a.kind == "group")
        .ok_or_else(|| AppError::NotFound(msg!("error-there-no-group-named-here", name = name)))?;
    let moderates = crate::groups::service::may_moderate(db, g.id, person.actor.id).await?;
    if !moderates && !crate::groups::service::is_active_member(db, g.id, person.actor.id).await? {
        return Err(AppError::Forbidden(msg!("error-members-group-start-plan")));
    }
    Ok((g, moderates))
}

/// The row of a new plan, an idea here, whose post is `status_id`.
async fn insert_plan(
    txn: &impl ConnectionTrait,
    status_id: i64,
    fields: &Fields,
    now: chrono::DateTime<Utc>,
) -> Result<plan::Model, AppError> {
    let title = fields.title.clone().unwrap_or_default();
    let summary = fields.summary.clone().unwrap_or_default();
    let source = fields.content.clone().unwrap_or_default();
    Ok(plan::ActiveModel {
        status_id: Set(status_id),
        title: Set(title.trim().to_string()),
        summary: Set(summary.trim().to_string()),
        content: Set(sanitize_html(&source)),
        source: Set(Some(source)),
        area_address: Set(fields.area_address.clone().flatten()),
        area_geometry: Set(fields
            .area_geometry
            .clone()
            .flatten()
            .map(|g| g.to_string())),
        cost_estimate_cents: Set(fields.cost_estimate_cents.flatten()),
        requested_budget_cents: Set(fields.requested_budget_cents.flatten()),
        currency: Set(fields.currency.clone().unwrap_or_else(|| "EUR".into())),
        state: Set(State::Idea.as_str().into()),
        local: Set(true),
        supports_count: Set(0),
        pro_count: Set(0),
        contra_count: Set(0),
        comments_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Where a history entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// It happened here.
    Local,
    /// A copy's home instance states it.
    Home,
    /// A local actor sent this change to a copy's home: evidence that it
    /// acted, matched against what the home states (never shown itself).
    Sent,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Local => "local",
            Source::Home => "home",
            Source::Sent => "sent",
        }
    }
}

/// One history entry to append.
pub struct Entry<'a> {
    pub actor_ap_id: &'a str,
    pub action: &'a str,
    pub from: Option<State>,
    pub to: Option<State>,
    pub note: &'a str,
    pub fields: &'a [&'a str],
    pub source: Source,
}

impl<'a> Entry<'a> {
    /// What `actor_ap_id` did here, with no states, note or fields.
    pub fn local(actor_ap_id: &'a str, action: &'a str) -> Entry<'a> {
        Entry {
            actor_ap_id,
            action,
            from: None,
            to: None,
            note: "",
            fields: &[],
            source: Source::Local,
        }
    }
}

pub async fn append_history(
    db: &impl ConnectionTrait,
    plan_id: i64,
    e: Entry<'_>,
) -> Result<(), AppError> {
    history::ActiveModel {
        plan_id: Set(plan_id),
        actor_ap_id: Set(e.actor_ap_id.to_string()),
        action: Set(e.action.to_string()),
        from_state: Set(e.from.map(|s| s.as_str().to_string())),
        to_state: Set(e.to.map(|s| s.as_str().to_string())),
        note: Set(e.note.to_string()),
        fields: Set(json!(e.fields).to_string()),
        at: Set(Utc::now()),
        source: Set(e.source.as_str().to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A plan by its id here.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<plan::Model, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound(msg!("error-no-such-plan")))?;
    // A suspended author's plan is hidden like the rest of their content.
    plan::Entity::find_by_id(id)
        .filter(plan::Column::StatusId.not_in_subquery(crate::statuses::store::hidden_statuses()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-plan")))
}

/// The plan's owners, the first (its author) first.
pub async fn owners(db: &impl ConnectionTrait, plan_id: i64) -> Result<Vec<Actor>, AppError> {
    let ids: Vec<i64> = owner::Entity::find()
        .filter(owner::Column::PlanId.eq(plan_id))
        .order_by_asc(owner::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.actor_id)
        .collect();
    let mut actors = actor::Entity::find()
        .filter(actor::Column::Id.in_subquery(owner_ids(plan_id)))
        .all(db)
        .await?;
    actors.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
    Ok(actors)
}

/// The history as shown: what happened here and what a copy's home states,
/// never the evidence kept of changes sent home.
pub async fn history_of(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<history::Model>, AppError> {
    Ok(history::Entity::find()
        .filter(history::Column::PlanId.eq(plan_id))
        .filter(history::Column::Source.ne(Source::Sent.as_str()))
        .order_by_asc(history::Column::At)
        .order_by_asc(history::Column::Id)
        .all(db)
        .await?)
}

/// What `person` is to the plan. An owner: named as one, a moderator of an
/// owning group here, or a member of such a group whom its moderators named
/// an editor of this plan; following or joining a group is not enough. A
/// decider: a moderator of the neighbourhood or an administrator, and never
/// an owner of this plan.
pub async fn standing(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
) -> Result<Standing, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let owner = acting_owner(state, person, p).await?.is_some();
    let deciding_role = person.account.admin
        || match crate::actors::store::find_local(db, config, &config.instance.neighbourhood)
            .await?
        {
            Some(hood) => {
                crate::groups::service::may_moderate(db, hood.id, person.actor.id).await?
            }
            None => false,
        };
    Ok(Standing {
        owner,
        decider: deciding_role && !owner,
    })
}

fn local_only(p: &plan::Model) -> Result<(), AppError> {
    if p.local {
        Ok(())
    } else {
        Err(AppError::Forbidden(msg!(
            "error-plan-lives-another-instance-change-there"
        )))
    }
}

/// Saves a changed plan with its history entry and sends the `Update`.
async fn save(
    state: &AppState,
    p: plan::ActiveModel,
    entry: Entry<'_>,
    themes: Option<Vec<String>>,
) -> Result<plan::Model, AppError> {
    let txn = state.db.begin_write().await?;
    let p = save_in(&txn, state.config.as_ref(), p, entry, themes).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(p)
}

/// [`save`] within the caller's transaction.
async fn save_in(
    txn: &impl crate::db::Db,
    config: &crate::config::Config,
    p: plan::ActiveModel,
    entry: Entry<'_>,
    themes: Option<Vec<String>>,
) -> Result<plan::Model, AppError> {
    let p = p.update(txn).await?;
    append_history(txn, p.id, entry).await?;
    let s = status::Entity::find_by_id(p.status_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::Internal("a plan without its post".into()))?;
    let mut active: status::ActiveModel = s.into();
    active.content = Set(post_html(&p.title, &p.summary, &html_url(config, p.id)));
    active.edited_at = Set(Some(p.updated_at));
    let s = active.update(txn).await?;
    if let Some(themes) = themes {
        crate::statuses::entity::status_tag::Entity::delete_many()
            .filter(crate::statuses::entity::status_tag::Column::StatusId.eq(s.id))
            .exec(txn)
            .await?;
        crate::statuses::service::attach_tags(txn, s.id, &themes).await?;
    }
    crate::statuses::search::index(txn, &s).await?;
    super::search::index(txn, &p, s.actor_id).await?;
    // The neighbourhood's followers saw the plan through its announce: they
    // get the Update as well, and so do owners elsewhere.
    let extra = super::updates::hood_followers(txn, config)
        .await?
        .actors_in(owner_ids(p.id));
    crate::statuses::federate::publish::status_updated_with(txn, config, &s, extra).await?;
    // This Update carries the counts too: none is due any more.
    super::updates::clear_pending_update(txn, p.id).await?;
    Ok(p)
}

/// Edits a plan's fields (owners only, while it is open). On a copy of a
/// plan from elsewhere, a co-owner's edit is sent to the plan's home, which
/// applies it and sends everyone the new plan; the copy is returned as is.
pub async fn edit(
    state: &AppState,
    person: &Person,
    p: plan::Model,
    fields: Fields,
) -> Result<plan::Model, AppError> {
    if !p.local {
        let acting = acting_owner(state, person, &p)
            .await?
            .ok_or_else(|| AppError::Forbidden(msg!("error-plans-owners-edit")))?;
        check_fields(&fields)?;
        let themes = match &fields.themes {
            Some(t) => Some(clean_themes(t)?),
            None => None,
        };
        super::coowners::send_edit_home(state, &acting, &p, &fields, themes).await?;
        return Ok(p);
    }
    let standing = standing(state, person, &p).await?;
    if !standing.owner {
        return Err(AppError::Forbidden(msg!("error-plans-owners-edit")));
    }
    apply_edit(state, &person.actor.ap_id, p, fields).await
}

/// The local actor through which `person` owns a plan: the person, or a
/// group here that owns it and that the person moderates or edits this
/// plan for. Used on copies too, where it is the actor whose changes the
/// plan's home receives.
pub async fn acting_owner(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
) -> Result<Option<Actor>, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let owners = owners(db, p.id).await?;
    if let Some(o) = owners.iter().find(|o| o.id == me) {
        return Ok(Some(o.clone()));
    }
    for g in owners.iter().filter(|o| o.kind == "group" && o.local) {
        if crate::groups::service::may_moderate(db, g.id, me).await?
            || super::editors::edits_for(db, p.id, g.id, me).await?
        {
            return Ok(Some(g.clone()));
        }
    }
    Ok(None)
}

/// Applies an owner's edit (checked by the caller) by `who`, an actor's AP id.
pub async fn apply_edit(
    state: &AppState,
    who: &str,
    p: plan::Model,
    fields: Fields,
) -> Result<plan::Model, AppError> {
    local_only(&p)?;
    let current = State::parse(&p.state).unwrap_or(State::Idea);
    if !current.is_open() {
        return Err(AppError::Conflict(
            msg!("error-plan-cannot-be-edited").state("state", current.as_str()),
        ));
    }
    check_fields(&fields)?;
    let themes = match &fields.themes {
        Some(t) => Some(clean_themes(t)?),
        None => None,
    };
    let mut active: plan::ActiveModel = p.clone().into();
    let mut changed = set_changed(&p, &fields, &mut active);
    if themes.is_some() {
        changed.push("themes");
    }
    if changed.is_empty() {
        return Ok(p);
    }
    active.updated_at = Set(Utc::now());
    save(
        state,
        active,
        Entry {
            fields: &changed,
            ..Entry::local(who, "edited")
        },
        themes,
    )
    .await
}

/// Sets on `active` the fields of the edit that differ from `p`; the names
/// of what changed, for the history.
fn set_changed(
    p: &plan::Model,
    fields: &Fields,
    active: &mut plan::ActiveModel,
) -> Vec<&'static str> {
    let mut changed: Vec<&'static str> = Vec::new();
    if let Some(t) = &fields.title
        && t.trim() != p.title
    {
        active.title = Set(t.trim().to_string());
        changed.push("title");
    }
    if let Some(s) = &fields.summary
        && s.trim() != p.summary
    {
        active.summary = Set(s.trim().to_string());
        changed.push("summary");
    }
    if let Some(c) = &fields.content
        && Some(c) != p.source.as_ref()
    {
        active.content = Set(sanitize_html(c));
        active.source = Set(Some(c.clone()));
        changed.push("content");
    }
    if let Some(a) = &fields.area_address
        && *a != p.area_address
    {
        active.area_address = Set(a.clone());
        changed.push("area");
    }
    if let Some(g) = &fields.area_geometry {
        let g = g.as_ref().map(Value::to_string);
        if g != p.area_geometry {
            active.area_geometry = Set(g);
            if !changed.contains(&"area") {
                changed.push("area");
            }
        }
    }
    if let Some(c) = fields.cost_estimate_cents
        && c != p.cost_estimate_cents
    {
        active.cost_estimate_cents = Set(c);
        changed.push("cost_estimate");
    }
    if let Some(c) = fields.requested_budget_cents
        && c != p.requested_budget_cents
    {
        active.requested_budget_cents = Set(c);
        changed.push("requested_budget");
    }
    if let Some(c) = &fields.currency
        && *c != p.currency
    {
        active.currency = Set(c.clone());
        changed.push("currency");
    }
    changed
}

/// Inboxes of the plan's owners on other instances: they keep their copy.
/// The ids of a plan's owners.
pub fn owner_ids(plan_id: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(owner::Column::ActorId)
        .from(owner::Entity)
        .and_where(owner::Column::PlanId.eq(plan_id))
        .to_owned()
}

/// Adds a co-owner, who accepted an invitation, and tells everyone who has
/// the plan: within the transaction that records the acceptance. `who`
/// added it (the new owner, consenting).
pub async fn add_owner_in(
    txn: &impl crate::db::Db,
    config: &crate::config::Config,
    who: &str,
    p: plan::Model,
    new_owner: &Actor,
) -> Result<plan::Model, AppError> {
    if owners(txn, p.id)
        .await?
        .iter()
        .any(|o| o.id == new_owner.id)
    {
        return Ok(p);
    }
    owner::ActiveModel {
        plan_id: Set(p.id),
        actor_id: Set(new_owner.id),
        added_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| AppError::from_db_conflict(e, msg!("error-already-owner")))?;
    let mut active: plan::ActiveModel = p.into();
    active.updated_at = Set(Utc::now());
    let note = new_owner.ap_id.clone();
    save_in(
        txn,
        config,
        active,
        Entry {
            note: &note,
            ..Entry::local(who, "owner_added")
        },
        None,
    )
    .await
}

/// Moves a plan to another state, if `person` may take that step. On a copy
/// of a plan from elsewhere, a co-owner's step is sent to the plan's home
/// (which checks it again) and the copy is returned as is.
pub async fn transition(
    state: &AppState,
    person: &Person,
    p: plan::Model,
    to: &str,
    note: &str,
) -> Result<plan::Model, AppError> {
    let to = parse_state(to)?;
    check_text("note", note, MAX_CONTENT)?;
    let from = State::parse(&p.state).unwrap_or(State::Idea);
    if !p.local {
        let acting = acting_owner(state, person, &p).await?;
        // Deciders are people of the plan's home; owners elsewhere may take
        // the owners' steps only.
        let standing = Standing {
            owner: acting.is_some(),
            decider: false,
        };
        state::check(from, to, standing, note)?;
        if let Some(acting) = acting {
            super::coowners::send_step_home(state, &acting, &p, to, note.trim()).await?;
        }
        return Ok(p);
    }
    state::check(from, to, standing(state, person, &p).await?, note)?;
    apply_transition(state, &person.actor.ap_id, p, from, to, note).await
}

fn parse_state(to: &str) -> Result<State, AppError> {
    State::parse(to).ok_or_else(|| {
        AppError::invalid(
            "to",
            msg!(
                "error-not-a-state-of",
                state = to,
                states = State::ALL.map(State::as_str).join(", ")
            ),
        )
    })
}

/// Applies a step already checked, by `who` (an actor's AP id).
pub async fn apply_transition(
    state: &AppState,
    who: &str,
    p: plan::Model,
    from: State,
    to: State,
    note: &str,
) -> Result<plan::Model, AppError> {
    local_only(&p)?;
    let mut active: plan::ActiveModel = p.into();
    active.state = Set(to.as_str().into());
    active.updated_at = Set(Utc::now());
    save(
        state,
        active,
        Entry {
            from: Some(from),
            to: Some(to),
            note: note.trim(),
            ..Entry::local(who, "state")
        },
        None,
    )
    .await
}

/// A progress report by an owner of an adopted or running plan.
pub async fn report_progress(
    state: &AppState,
    person: &Person,
    p: plan::Model,
    note: &str,
) -> Result<plan::Model, AppError> {
    local_only(&p)?;
    check_text("note", note, MAX_CONTENT)?;
    let current = State::parse(&p.state).unwrap_or(State::Idea);
    state::check_progress(current, standing(state, person, &p).await?, note)?;
    let mut active: plan::ActiveModel = p.into();
    active.updated_at = Set(Utc::now());
    save(
        state,
        active,
        Entry {
            note: note.trim(),
            ..Entry::local(&person.actor.ap_id, "progress")
        },
        None,
    )
    .await
}

/// An argument (`pro` or `contra`) or, without a stance, a comment: a
/// public reply to the plan's post.
pub async fn argue(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
    text: String,
    stance: Option<&str>,
) -> Result<status::Model, AppError> {
    let stance = match stance.map(str::trim) {
        None | Some("") => None,
        Some(s @ ("pro" | "contra")) => Some(s.to_string()),
        Some(other) => {
            return Err(AppError::invalid(
                "stance",
                msg!("error-not-stance-pro-contra", other = other),
            ));
        }
    };
    let draft = crate::statuses::service::Draft {
        text,
        spoiler_text: String::new(),
        sensitive: false,
        visibility: crate::statuses::Visibility::Public,
        language: None,
        in_reply_to_id: Some(p.status_id.to_string()),
        media_ids: vec![],
        poll: None,
        stance,
    };
    crate::statuses::service::create(state, person, draft, None).await
}

/// A poll an owner puts to the neighbourhood about a plan here: a public
/// `Question` in reply to the plan's post.
pub async fn start_poll(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
    question: String,
    options: Vec<String>,
    expires_in: Option<i64>,
    multiple: bool,
) -> Result<status::Model, AppError> {
    local_only(p)?;
    if !standing(state, person, p).await?.owner {
        return Err(AppError::Forbidden(msg!("error-plans-owners-start-poll")));
    }
    let options: Vec<String> = options
        .into_iter()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    if options.len() < 2 {
        return Err(AppError::invalid(
            "options",
            msg!("error-poll-needs-at-least-2-options"),
        ));
    }
    let draft = crate::statuses::service::Draft {
        text: question,
        spoiler_text: String::new(),
        sensitive: false,
        visibility: crate::statuses::Visibility::Public,
        language: None,
        in_reply_to_id: Some(p.status_id.to_string()),
        media_ids: vec![],
        poll: Some(crate::statuses::service::NewPoll {
            options,
            expires_in: expires_in.unwrap_or(86_400),
            multiple,
        }),
        stance: None,
    };
    crate::statuses::service::create(state, person, draft, None).await
}

/// The plan an event belongs to, as the event stores it (its post's
/// ActivityPub id): only the plan's owners link an event to it.
pub async fn event_link(state: &AppState, person: &Person, id: &str) -> Result<String, AppError> {
    let p = find(&state.db, id).await?;
    if !standing(state, person, &p).await?.owner {
        return Err(AppError::Forbidden(msg!("error-plans-owners-link-event")));
    }
    let s = status::Entity::find_by_id(p.status_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-plan")))?;
    Ok(s.ap_id)
}
