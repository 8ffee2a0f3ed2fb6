//! A status as a page shows it, read from the client API's rendering of it
//! (`views::statuses`): one read model for both, so a page costs what the
//! API's list costs.

use serde_json::Value;

use crate::i18n::Tr;

/// One post in a list: a boost shows the boosted post and who boosted it.
pub struct PostView {
    /// The shown post's id: actions act on it.
    pub id: String,
    pub author_name: String,
    pub author_acct: String,
    pub author_url: String,
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM` (UTC).
    pub created_label: String,
    pub url: String,
    /// Our own sanitised HTML.
    pub content: String,
    pub spoiler_text: String,
    pub visibility_label: String,
    pub favourited: bool,
    pub reblogged: bool,
    pub favourites_count: u64,
    pub reblogs_count: u64,
    pub replies_count: u64,
    /// May be boosted (public or unlisted, and not one's own private post).
    pub boostable: bool,
    pub mine: bool,
    pub boosted_by: Option<String>,
    pub is_reply: bool,
    /// Images, each with its description as alt text.
    pub media: Vec<MediaView>,
    pub poll: Option<PollView>,
}

pub struct MediaView {
    pub url: String,
    pub alt: String,
}

pub struct PollView {
    pub id: String,
    pub multiple: bool,
    /// The viewer may still vote: signed in, not voted, not ended.
    pub open: bool,
    pub expired: bool,
    pub votes_count: u64,
    /// Each option: its number (the API's `choices[]`), title and votes.
    pub options: Vec<(usize, String, u64)>,
}

fn poll_of(poll: &Value, me: Option<i64>) -> Option<PollView> {
    let id = poll["id"].as_str()?.to_string();
    let expired = poll["expired"].as_bool().unwrap_or(false);
    let voted = poll["voted"].as_bool().unwrap_or(false);
    let options = poll["options"]
        .as_array()
        .map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, o)| (i, text(o, "title"), o["votes_count"].as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    Some(PollView {
        id,
        multiple: poll["multiple"].as_bool().unwrap_or(false),
        open: me.is_some() && !voted && !expired,
        expired,
        votes_count: poll["votes_count"].as_u64().unwrap_or(0),
        options,
    })
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

impl PostView {
    /// The post of one rendered status; `me` is the viewer's account id.
    pub fn of(rendered: &Value, me: Option<i64>, t: Tr) -> PostView {
        let (shown, boosted_by) = match &rendered["reblog"] {
            Value::Object(_) => (&rendered["reblog"], Some(display(&rendered["account"]))),
            _ => (rendered, None),
        };
        let account = &shown["account"];
        let visibility = shown["visibility"].as_str().unwrap_or("public");
        let created_at = text(shown, "created_at");
        let mine = me.is_some_and(|me| account["id"].as_str() == Some(&me.to_string()));
        PostView {
            id: text(shown, "id"),
            author_name: display(account),
            author_acct: text(account, "acct"),
            author_url: text(account, "url"),
            created_label: created_at.get(..16).unwrap_or_default().replace('T', " "),
            created_at,
            url: text(shown, "url"),
            content: text(shown, "content"),
            spoiler_text: text(shown, "spoiler_text"),
            visibility_label: t.get(&format!("visibility-{visibility}")),
            favourited: shown["favourited"].as_bool().unwrap_or(false),
            reblogged: shown["reblogged"].as_bool().unwrap_or(false),
            favourites_count: shown["favourites_count"].as_u64().unwrap_or(0),
            reblogs_count: shown["reblogs_count"].as_u64().unwrap_or(0),
            replies_count: shown["replies_count"].as_u64().unwrap_or(0),
            boostable: matches!(visibility, "public" | "unlisted"),
            mine,
            boosted_by,
            is_reply: !shown["in_reply_to_id"].is_null(),
            media: shown["media_attachments"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter(|m| matches!(m["type"].as_str(), Some("image" | "gifv")))
                        .map(|m| MediaView {
                            url: media_src(m),
                            alt: text(m, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            poll: poll_of(&shown["poll"], me),
        }
    }
}

/// Where the page loads an attachment from: a remote one from our copy
/// (pages load images from our own origin only), ours from its file.
fn media_src(m: &Value) -> String {
    let id = m["id"].as_str().and_then(|id| id.parse::<i64>().ok());
    match (id, m["remote_url"].as_str()) {
        (Some(id), Some(_)) => crate::media::views::cache_path("attachment", id),
        _ => text(m, "url"),
    }
}

/// An account's display name, or its handle when it has none.
fn display(account: &Value) -> String {
    match account["display_name"].as_str() {
        Some(name) if !name.trim().is_empty() => name.to_string(),
        _ => text(account, "acct"),
    }
}
