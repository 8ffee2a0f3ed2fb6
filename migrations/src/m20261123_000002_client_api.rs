//! What the Mastodon client API needs: OAuth apps, tokens and codes; web
//! sessions; statuses with their edits, tags, mentions, favourites, polls and
//! media; follows, blocks, mutes; notifications; markers; idempotency keys.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
    Locked,
    AvatarMediaId,
    HeaderMediaId,
    Url,
    FollowersUrl,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Approved,
}

#[derive(DeriveIden)]
enum OauthApps {
    Table,
    Id,
    ClientId,
    ClientSecretHash,
    Name,
    RedirectUris,
    Scopes,
    Website,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OauthTokens {
    Table,
    Id,
    AppId,
    ActorId,
    TokenHash,
    RefreshHash,
    Scopes,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum OauthCodes {
    Table,
    CodeHash,
    AppId,
    ActorId,
    RedirectUri,
    Scopes,
    CodeChallenge,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    ActorId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    Key,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Statuses {
    Table,
    Id,
    ApId,
    Url,
    ActorId,
    InReplyToId,
    InReplyToActorId,
    ReblogOfId,
    Content,
    Source,
    SpoilerText,
    Sensitive,
    Visibility,
    Language,
    Local,
    CreatedAt,
    EditedAt,
}

#[derive(DeriveIden)]
enum StatusEdits {
    Table,
    Id,
    StatusId,
    Content,
    SpoilerText,
    Sensitive,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
enum StatusTags {
    Table,
    StatusId,
    TagId,
}

#[derive(DeriveIden)]
enum Mentions {
    Table,
    StatusId,
    ActorId,
}

#[derive(DeriveIden)]
enum Favourites {
    Table,
    Id,
    ActorId,
    StatusId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Follows {
    Table,
    Id,
    FollowerId,
    TargetId,
    Accepted,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Blocks {
    Table,
    Id,
    ActorId,
    TargetId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Mutes {
    Table,
    Id,
    ActorId,
    TargetId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    RecipientId,
    Kind,
    FromActorId,
    StatusId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    ActorId,
    StatusId,
    FileName,
    ContentType,
    Size,
    Width,
    Height,
    Description,
    RemoteUrl,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Polls {
    Table,
    Id,
    StatusId,
    Options,
    Multiple,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum PollVotes {
    Table,
    Id,
    PollId,
    ActorId,
    Choice,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Markers {
    Table,
    ActorId,
    Timeline,
    LastReadId,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    ActorId,
    Key,
    StatusId,
    CreatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            boolean(Actors::Locked).default(false).to_owned(),
            big_integer_null(Actors::AvatarMediaId).to_owned(),
            big_integer_null(Actors::HeaderMediaId).to_owned(),
            text_null(Actors::Url).to_owned(),
            text_null(Actors::FollowersUrl).to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(boolean(Accounts::Approved).default(true))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OauthApps::Table)
                .col(big_pk_auto(OauthApps::Id))
                .col(string_uniq(OauthApps::ClientId))
                .col(string(OauthApps::ClientSecretHash))
                .col(string(OauthApps::Name))
                .col(text(OauthApps::RedirectUris))
                .col(string(OauthApps::Scopes))
                .col(text_null(OauthApps::Website))
                .col(timestamp_with_time_zone(OauthApps::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OauthTokens::Table)
                .col(big_pk_auto(OauthTokens::Id))
                .col(big_integer(OauthTokens::AppId))
                .col(big_integer_null(OauthTokens::ActorId))
                .col(string_uniq(OauthTokens::TokenHash))
                .col(string_null(OauthTokens::RefreshHash).unique_key())
                .col(string(OauthTokens::Scopes))
                .col(timestamp_with_time_zone(OauthTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(OauthTokens::RevokedAt))
                .foreign_key(&mut fk(
                    "oauth_tokens_app",
                    (OauthTokens::Table, OauthTokens::AppId),
                    (OauthApps::Table, OauthApps::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "oauth_tokens_actor",
                    (OauthTokens::Table, OauthTokens::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OauthCodes::Table)
                .col(string(OauthCodes::CodeHash).primary_key())
                .col(big_integer(OauthCodes::AppId))
                .col(big_integer(OauthCodes::ActorId))
                .col(text(OauthCodes::RedirectUri))
                .col(string(OauthCodes::Scopes))
                .col(string_null(OauthCodes::CodeChallenge))
                .col(timestamp_with_time_zone(OauthCodes::ExpiresAt))
                .foreign_key(&mut fk(
                    "oauth_codes_app",
                    (OauthCodes::Table, OauthCodes::AppId),
                    (OauthApps::Table, OauthApps::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "oauth_codes_actor",
                    (OauthCodes::Table, OauthCodes::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string(Sessions::IdHash).primary_key())
                .col(big_integer(Sessions::ActorId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .foreign_key(&mut fk(
                    "sessions_actor",
                    (Sessions::Table, Sessions::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LoginAttempts::Table)
                .col(big_pk_auto(LoginAttempts::Id))
                .col(string(LoginAttempts::Key))
                .col(timestamp_with_time_zone(LoginAttempts::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "login_attempts_key",
            LoginAttempts::Table,
            vec![
                LoginAttempts::Key.into_iden(),
                LoginAttempts::CreatedAt.into_iden(),
            ],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Statuses::Table)
                .col(big_pk_auto(Statuses::Id))
                .col(text_uniq(Statuses::ApId))
                .col(text_null(Statuses::Url))
                .col(big_integer(Statuses::ActorId))
                .col(big_integer_null(Statuses::InReplyToId))
                .col(big_integer_null(Statuses::InReplyToActorId))
                .col(big_integer_null(Statuses::ReblogOfId))
                .col(text(Statuses::Content))
                .col(text_null(Statuses::Source))
                .col(text(Statuses::SpoilerText).default(""))
                .col(boolean(Statuses::Sensitive).default(false))
                .col(string(Statuses::Visibility))
                .col(string_null(Statuses::Language))
                .col(boolean(Statuses::Local))
                .col(timestamp_with_time_zone(Statuses::CreatedAt))
                .col(timestamp_with_time_zone_null(Statuses::EditedAt))
                .foreign_key(&mut fk(
                    "statuses_actor",
                    (Statuses::Table, Statuses::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "statuses_in_reply_to",
                    (Statuses::Table, Statuses::InReplyToId),
                    (Statuses::Table, Statuses::Id),
                    SET_NULL,
                ))
                .foreign_key(&mut fk(
                    "statuses_in_reply_to_actor",
                    (Statuses::Table, Statuses::InReplyToActorId),
                    (Actors::Table, Actors::Id),
                    SET_NULL,
                ))
                .foreign_key(&mut fk(
                    "statuses_reblog_of",
                    (Statuses::Table, Statuses::ReblogOfId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "statuses_actor_id",
            Statuses::Table,
            vec![Statuses::ActorId.into_iden(), Statuses::Id.into_iden()],
            false,
        ))
        .await?;
        m.create_index(index(
            "statuses_in_reply_to",
            Statuses::Table,
            vec![Statuses::InReplyToId.into_iden()],
            false,
        ))
        .await?;
        // One reblog per actor and status (NULLs are distinct, so ordinary posts are unaffected).
        m.create_index(index(
            "statuses_reblog_once",
            Statuses::Table,
            vec![
                Statuses::ActorId.into_iden(),
                Statuses::ReblogOfId.into_iden(),
            ],
            true,
        ))
        .await?;
        m.create_index(index(
            "statuses_reblog_of",
            Statuses::Table,
            vec![Statuses::ReblogOfId.into_iden()],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(StatusEdits::Table)
                .col(big_pk_auto(StatusEdits::Id))
                .col(big_integer(StatusEdits::StatusId))
                .col(text(StatusEdits::Content))
                .col(text(StatusEdits::SpoilerText))
                .col(boolean(StatusEdits::Sensitive))
                .col(timestamp_with_time_zone(StatusEdits::CreatedAt))
                .foreign_key(&mut fk(
                    "status_edits_status",
                    (StatusEdits::Table, StatusEdits::StatusId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "status_edits_status",
            StatusEdits::Table,
            vec![StatusEdits::StatusId.into_iden()],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Tags::Table)
                .col(big_pk_auto(Tags::Id))
                .col(string_uniq(Tags::Name))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StatusTags::Table)
                .col(big_integer(StatusTags::StatusId))
                .col(big_integer(StatusTags::TagId))
                .primary_key(
                    Index::create()
                        .col(StatusTags::TagId)
                        .col(StatusTags::StatusId),
                )
                .foreign_key(&mut fk(
                    "status_tags_status",
                    (StatusTags::Table, StatusTags::StatusId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "status_tags_tag",
                    (StatusTags::Table, StatusTags::TagId),
                    (Tags::Table, Tags::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "status_tags_status",
            StatusTags::Table,
            vec![StatusTags::StatusId.into_iden()],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(Mentions::Table)
                .col(big_integer(Mentions::StatusId))
                .col(big_integer(Mentions::ActorId))
                .primary_key(
                    Index::create()
                        .col(Mentions::StatusId)
                        .col(Mentions::ActorId),
                )
                .foreign_key(&mut fk(
                    "mentions_status",
                    (Mentions::Table, Mentions::StatusId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "mentions_actor",
                    (Mentions::Table, Mentions::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mentions_actor",
            Mentions::Table,
            vec![Mentions::ActorId.into_iden()],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Favourites::Table)
                .col(big_pk_auto(Favourites::Id))
                .col(big_integer(Favourites::ActorId))
                .col(big_integer(Favourites::StatusId))
                .col(timestamp_with_time_zone(Favourites::CreatedAt))
                .foreign_key(&mut fk(
                    "favourites_actor",
                    (Favourites::Table, Favourites::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "favourites_status",
                    (Favourites::Table, Favourites::StatusId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "favourites_once",
            Favourites::Table,
            vec![
                Favourites::ActorId.into_iden(),
                Favourites::StatusId.into_iden(),
            ],
            true,
        ))
        .await?;
        m.create_index(index(
            "favourites_status",
            Favourites::Table,
            vec![Favourites::StatusId.into_iden()],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Follows::Table)
                .col(big_pk_auto(Follows::Id))
                .col(big_integer(Follows::FollowerId))
                .col(big_integer(Follows::TargetId))
                .col(boolean(Follows::Accepted))
                .col(timestamp_with_time_zone(Follows::CreatedAt))
                .foreign_key(&mut fk(
                    "follows_follower",
                    (Follows::Table, Follows::FollowerId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "follows_target",
                    (Follows::Table, Follows::TargetId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "follows_once",
            Follows::Table,
            vec![
                Follows::FollowerId.into_iden(),
                Follows::TargetId.into_iden(),
            ],
            true,
        ))
        .await?;
        m.create_index(index(
            "follows_target",
            Follows::Table,
            vec![Follows::TargetId.into_iden()],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Blocks::Table)
                .col(big_pk_auto(Blocks::Id))
                .col(big_integer(Blocks::ActorId))
                .col(big_integer(Blocks::TargetId))
                .col(timestamp_with_time_zone(Blocks::CreatedAt))
                .foreign_key(&mut fk(
                    "blocks_actor",
                    (Blocks::Table, Blocks::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "blocks_target",
                    (Blocks::Table, Blocks::TargetId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "blocks_once",
            Blocks::Table,
            vec![Blocks::ActorId.into_iden(), Blocks::TargetId.into_iden()],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(Mutes::Table)
                .col(big_pk_auto(Mutes::Id))
                .col(big_integer(Mutes::ActorId))
                .col(big_integer(Mutes::TargetId))
                .col(timestamp_with_time_zone(Mutes::CreatedAt))
                .foreign_key(&mut fk(
                    "mutes_actor",
                    (Mutes::Table, Mutes::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "mutes_target",
                    (Mutes::Table, Mutes::TargetId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mutes_once",
            Mutes::Table,
            vec![Mutes::ActorId.into_iden(), Mutes::TargetId.into_iden()],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(big_pk_auto(Notifications::Id))
                .col(big_integer(Notifications::RecipientId))
                .col(string(Notifications::Kind))
                .col(big_integer(Notifications::FromActorId))
                .col(big_integer_null(Notifications::StatusId))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .foreign_key(&mut fk(
                    "notifications_recipient",
                    (Notifications::Table, Notifications::RecipientId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "notifications_from",
                    (Notifications::Table, Notifications::FromActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "notifications_status",
                    (Notifications::Table, Notifications::StatusId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "notifications_recipient",
            Notifications::Table,
            vec![
                Notifications::RecipientId.into_iden(),
                Notifications::Id.into_iden(),
            ],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Media::Table)
                .col(big_pk_auto(Media::Id))
                .col(big_integer(Media::ActorId))
                .col(big_integer_null(Media::StatusId))
                .col(string_null(Media::FileName))
                .col(string(Media::ContentType))
                .col(big_integer(Media::Size))
                .col(integer_null(Media::Width))
                .col(integer_null(Media::Height))
                .col(text(Media::Description).default(""))
                .col(text_null(Media::RemoteUrl))
                .col(timestamp_with_time_zone(Media::CreatedAt))
                .foreign_key(&mut fk(
                    "media_actor",
                    (Media::Table, Media::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "media_status",
                    (Media::Table, Media::StatusId),
                    (Statuses::Table, Statuses::Id),
                    SET_NULL,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "media_status",
            Media::Table,
            vec![Media::StatusId.into_iden()],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Polls::Table)
                .col(big_pk_auto(Polls::Id))
                .col(big_integer_uniq(Polls::StatusId))
                .col(text(Polls::Options))
                .col(boolean(Polls::Multiple))
                .col(timestamp_with_time_zone_null(Polls::ExpiresAt))
                .foreign_key(&mut fk(
                    "polls_status",
                    (Polls::Table, Polls::StatusId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PollVotes::Table)
                .col(big_pk_auto(PollVotes::Id))
                .col(big_integer(PollVotes::PollId))
                .col(big_integer(PollVotes::ActorId))
                .col(integer(PollVotes::Choice))
                .col(timestamp_with_time_zone(PollVotes::CreatedAt))
                .foreign_key(&mut fk(
                    "poll_votes_poll",
                    (PollVotes::Table, PollVotes::PollId),
                    (Polls::Table, Polls::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "poll_votes_actor",
                    (PollVotes::Table, PollVotes::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "poll_votes_once",
            PollVotes::Table,
            vec![
                PollVotes::PollId.into_iden(),
                PollVotes::ActorId.into_iden(),
                PollVotes::Choice.into_iden(),
            ],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Markers::Table)
                .col(big_integer(Markers::ActorId))
                .col(string(Markers::Timeline))
                .col(string(Markers::LastReadId))
                .col(integer(Markers::Version))
                .col(timestamp_with_time_zone(Markers::UpdatedAt))
                .primary_key(Index::create().col(Markers::ActorId).col(Markers::Timeline))
                .foreign_key(&mut fk(
                    "markers_actor",
                    (Markers::Table, Markers::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(big_integer(IdempotencyKeys::ActorId))
                .col(string(IdempotencyKeys::Key))
                .col(big_integer(IdempotencyKeys::StatusId))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(IdempotencyKeys::ActorId)
                        .col(IdempotencyKeys::Key),
                )
                .foreign_key(&mut fk(
                    "idempotency_actor",
                    (IdempotencyKeys::Table, IdempotencyKeys::ActorId),
                    (Actors::Table, Actors::Id),
                    CASCADE,
                ))
                .foreign_key(&mut fk(
                    "idempotency_status",
                    (IdempotencyKeys::Table, IdempotencyKeys::StatusId),
                    (Statuses::Table, Statuses::Id),
                    CASCADE,
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            Markers::Table.into_iden(),
            PollVotes::Table.into_iden(),
            Polls::Table.into_iden(),
            Media::Table.into_iden(),
            Notifications::Table.into_iden(),
            Mutes::Table.into_iden(),
            Blocks::Table.into_iden(),
            Follows::Table.into_iden(),
            Favourites::Table.into_iden(),
            Mentions::Table.into_iden(),
            StatusTags::Table.into_iden(),
            Tags::Table.into_iden(),
            StatusEdits::Table.into_iden(),
            Statuses::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
            Sessions::Table.into_iden(),
            OauthCodes::Table.into_iden(),
            OauthTokens::Table.into_iden(),
            OauthApps::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .drop_column(Accounts::Approved)
                .to_owned(),
        )
        .await?;
        for col in [
            Actors::FollowersUrl.into_iden(),
            Actors::Url.into_iden(),
            Actors::HeaderMediaId.into_iden(),
            Actors::AvatarMediaId.into_iden(),
            Actors::Locked.into_iden(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
