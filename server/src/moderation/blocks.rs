//! Instance-level domain blocks: stored, applied to the actors they cover
//! at once, handed to the federation client, and read and written as
//! Mastodon's CSV blocklists. Every change is in the audit log.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::service::{Moderator, record, remove_follows};
use crate::actors::entity as actor;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::entity::domain_block;
use crate::state::AppState;
use knooppunt_federation::fetch::block_covers;

/// What a domain block does, as Mastodon's lists name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Severity {
    /// Its posts stay out of public timelines; follows stay.
    Silence,
    /// Nothing is received from it, delivered to it or fetched from it; its
    /// follows end and its content is hidden.
    #[default]
    Suspend,
    /// Only recorded (Mastodon's lists carry it for reject_media/reports).
    Noop,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Silence => "silence",
            Severity::Suspend => "suspend",
            Severity::Noop => "noop",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "silence" => Some(Severity::Silence),
            "suspend" => Some(Severity::Suspend),
            "noop" => Some(Severity::Noop),
            _ => None,
        }
    }
}

/// A domain block as it is asked for.
#[derive(Debug, Clone, Default)]
pub struct NewBlock {
    pub domain: String,
    pub severity: Severity,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
}

/// A domain to block: lowercase letters, digits, dots and hyphens, or an
/// IP address, with an optional port (instances in tests and on odd ports).
pub fn parse_domain(raw: &str) -> Result<String, AppError> {
    let d = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let bad = || AppError::invalid("domain", msg!("error-not-domain", raw = raw));
    let (host, port) = match d.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (d.as_str(), None),
    };
    if host.is_empty()
        || host.len() > 253
        || host.starts_with(['.', '-'])
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        || port.is_some_and(|p| p.parse::<u16>().is_err())
    {
        return Err(bad());
    }
    Ok(d)
}

/// The SQL condition on a host column (`name[:port]`) for what a domain
/// block covers: the same rule as [`block_covers`], in SQL.
fn covers(host: impl ColumnTrait, domain: &str) -> Condition {
    let c = Condition::any()
        .add(host.eq(domain))
        .add(host.like(format!("%.{domain}")));
    if domain.contains(':') {
        c
    } else {
        c.add(host.like(format!("{domain}:%")))
            .add(host.like(format!("%.{domain}:%")))
    }
}

/// Blocks (or re-blocks with new terms) a domain and applies it at once.
pub async fn block_domain(
    state: &AppState,
    who: &Moderator<'_>,
    new: NewBlock,
) -> Result<domain_block::Model, AppError> {
    let mut blocked = block_domains(state, who, vec![new]).await?;
    blocked
        .pop()
        .ok_or_else(|| AppError::Internal("a domain block went missing".into()))
}

/// Blocks domains in one transaction, each audited: the blocks are stored,
/// actors' limits are set once for all of them, and suspended domains are
/// cut off. Nothing is blocked when one of them is refused.
async fn block_domains(
    state: &AppState,
    who: &Moderator<'_>,
    blocks: Vec<NewBlock>,
) -> Result<Vec<domain_block::Model>, AppError> {
    let own = &state.config.instance.domain;
    let txn = state.db.begin_write().await?;
    let mut saved = Vec::with_capacity(blocks.len());
    for new in blocks {
        let domain = parse_domain(&new.domain)?;
        if domain == *own || knooppunt_federation::fetch::host_within(own, &domain) {
            return Err(AppError::invalid(
                "domain",
                msg!("error-instance-cannot-block-itself"),
            ));
        }
        let existing = domain_block::Entity::find()
            .filter(domain_block::Column::Domain.eq(domain.as_str()))
            .one(&txn)
            .await?;
        let mut active: domain_block::ActiveModel = match existing.clone() {
            Some(b) => b.into(),
            None => domain_block::ActiveModel {
                domain: Set(domain.clone()),
                created_at: Set(Utc::now()),
                ..Default::default()
            },
        };
        active.severity = Set(new.severity.as_str().into());
        active.reject_media = Set(new.reject_media);
        active.reject_reports = Set(new.reject_reports);
        active.public_comment = Set(new.public_comment.chars().take(1_000).collect());
        active.private_comment = Set(new.private_comment.chars().take(1_000).collect());
        active.obfuscate = Set(new.obfuscate);
        let block = match existing {
            Some(_) => active.update(&txn).await?,
            None => active.insert(&txn).await?,
        };
        if new.severity == Severity::Suspend {
            cut_off(&txn, &domain).await?;
        }
        let reason = [new.public_comment.as_str(), new.private_comment.as_str()]
            .into_iter()
            .filter(|r| !r.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        let action = format!("domain.block.{}", new.severity.as_str());
        record(&txn, who, &action, &domain, &reason).await?;
        saved.push(block);
    }
    apply_limits(&txn).await?;
    txn.commit().await?;
    forget_signers(state).await;
    load_blocks(state).await?;
    Ok(saved)
}

/// A suspended domain: follows and memberships with its actors end, and
/// nothing waits to be delivered to it.
async fn cut_off(db: &impl ConnectionTrait, domain: &str) -> Result<(), AppError> {
    use sea_orm::QuerySelect;
    let ids: Vec<i64> = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::Local.eq(false))
        .filter(covers(actor::Column::Host, domain))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in ids.chunks(500) {
        remove_follows(db, chunk).await?;
    }
    knooppunt_federation::engine::outbox::cancel_pending(db, |host| covers(host, domain)).await?;
    Ok(())
}

/// Sets every remote actor's `domain_limit` from the blocks: suspend wins
/// over silence where both cover an actor.
async fn apply_limits(db: &impl ConnectionTrait) -> Result<(), AppError> {
    actor::Entity::update_many()
        .col_expr(
            actor::Column::DomainLimit,
            Expr::value(Option::<String>::None),
        )
        .filter(actor::Column::DomainLimit.is_not_null())
        .exec(db)
        .await?;
    let blocks = domain_block::Entity::find().all(db).await?;
    for severity in ["silence", "suspend"] {
        for b in blocks.iter().filter(|b| b.severity == severity) {
            actor::Entity::update_many()
                .col_expr(actor::Column::DomainLimit, Expr::value(Some(severity)))
                .filter(actor::Column::Local.eq(false))
                .filter(covers(actor::Column::Host, &b.domain))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

pub use crate::federation::blocks::limit_for_host;

/// Lifts a domain block.
pub async fn unblock_domain(
    state: &AppState,
    who: &Moderator<'_>,
    domain: &str,
    reason: &str,
) -> Result<(), AppError> {
    let domain = parse_domain(domain)?;
    let txn = state.db.begin_write().await?;
    let removed = domain_block::Entity::delete_many()
        .filter(domain_block::Column::Domain.eq(domain.as_str()))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound(msg!(
            "error-not-blocked",
            domain = domain
        )));
    }
    apply_limits(&txn).await?;
    record(&txn, who, "domain.unblock", &domain, reason).await?;
    txn.commit().await?;
    forget_signers(state).await;
    load_blocks(state).await
}

pub async fn domain_blocks(
    db: &impl ConnectionTrait,
) -> Result<Vec<domain_block::Model>, AppError> {
    Ok(domain_block::Entity::find()
        .order_by_asc(domain_block::Column::Domain)
        .all(db)
        .await?)
}

/// Hands the suspended domains to the federation client, which then
/// neither fetches from nor delivers to them. Called at start, after each
/// change, and now and then (another process may have changed them).
pub async fn load_blocks(state: &AppState) -> Result<(), AppError> {
    let suspended: Vec<String> = domain_blocks(&state.db)
        .await?
        .into_iter()
        .filter(|b| b.severity == "suspend")
        .map(|b| b.domain)
        .collect();
    state.federation.client.set_blocked(suspended);
    Ok(())
}

/// After a block changed: signers kept in memory carry their domain's old
/// limit, so they are read again.
async fn forget_signers(state: &AppState) {
    state.federation.signers.invalidate_all();
}

/// Whether reports from `host` are refused (`reject_reports`).
pub async fn rejects_reports(db: &impl ConnectionTrait, host: &str) -> Result<bool, AppError> {
    Ok(domain_blocks(db)
        .await?
        .iter()
        .any(|b| b.reject_reports && block_covers(&b.domain, host)))
}

/// The blocks as Mastodon's CSV export writes them.
pub fn export_csv(blocks: &[domain_block::Model]) -> Result<String, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    out.write_record([
        "#domain",
        "#severity",
        "#reject_media",
        "#reject_reports",
        "#public_comment",
        "#obfuscate",
    ])
    .map_err(fail)?;
    for b in blocks {
        out.write_record([
            b.domain.as_str(),
            b.severity.as_str(),
            if b.reject_media { "true" } else { "false" },
            if b.reject_reports { "true" } else { "false" },
            b.public_comment.as_str(),
            if b.obfuscate { "true" } else { "false" },
        ])
        .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
}

/// Reads Mastodon's blocklist CSV (header `#domain,#severity,…`; also
/// without the `#`, and with columns in any order). Refuses the whole file
/// when a line is bad, naming it.
pub fn parse_csv(text: &str) -> Result<Vec<NewBlock>, AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let bad = |line: u64, why: String| {
        AppError::invalid("file", msg!("error-line", line = line, why = why))
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(|h| h.trim_start_matches('#').to_ascii_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let domain_at = column("domain").ok_or_else(|| bad(1, "no domain column".into()))?;
    let flag = |v: Option<&str>| {
        matches!(
            v.map(str::to_ascii_lowercase).as_deref(),
            Some("true" | "1" | "yes")
        )
    };
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(2);
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let get = |name: &str| column(name).and_then(|i| record.get(i));
        let Some(raw) = record.get(domain_at).filter(|d| !d.is_empty()) else {
            continue;
        };
        let domain =
            parse_domain(raw).map_err(|_| bad(line, format!("{raw:?} is not a domain")))?;
        let severity = match get("severity").filter(|s| !s.is_empty()) {
            Some(s) => Severity::parse(s)
                .ok_or_else(|| bad(line, format!("{s:?} is not silence, suspend or noop")))?,
            None => Severity::Suspend,
        };
        out.push(NewBlock {
            domain,
            severity,
            reject_media: flag(get("reject_media")),
            reject_reports: flag(get("reject_reports")),
            public_comment: get("public_comment").unwrap_or_default().to_string(),
            private_comment: String::new(),
            obfuscate: flag(get("obfuscate")),
        });
    }
    Ok(out)
}

/// Imports a Mastodon blocklist: each line blocks its domain, all in one
/// transaction.
pub async fn import(state: &AppState, who: &Moderator<'_>, text: &str) -> Result<usize, AppError> {
    Ok(block_domains(state, who, parse_csv(text)?).await?.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn mastodon_blocklists_round_trip() {
        let text = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                    spam.example,suspend,true,true,\"Spam, veel spam\",false\n\
                    luid.example,silence,false,false,,false\n\
                    media.example,noop,true,false,Alleen media,false\n";
        let blocks = parse_csv(text).unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].domain, "spam.example");
        assert_eq!(blocks[0].severity, Severity::Suspend);
        assert!(blocks[0].reject_reports && blocks[0].reject_media);
        assert_eq!(blocks[0].public_comment, "Spam, veel spam");
        assert_eq!(blocks[1].severity, Severity::Silence);
        assert_eq!(blocks[2].severity, Severity::Noop);
        assert!(parse_csv("#domain,#severity\nx.example,ban\n").is_err());
        assert!(parse_csv("#domain\nniet een domein!\n").is_err());
        assert_eq!(
            parse_csv("domain,severity\nA.Example,SILENCE\n").unwrap()[0].domain,
            "a.example"
        );
    }

    #[test]
    fn domains() {
        for ok in ["bad.example", "127.0.0.3:8080", "xn--bcher-kva.example"] {
            assert!(parse_domain(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "bad_example.com",
            "%.example",
            "x.example:99999",
            "-x.example",
        ] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
    }
}
