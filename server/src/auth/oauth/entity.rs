//! The `oauth_apps`, `oauth_tokens` and `oauth_codes` tables.

pub mod app {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oauth_apps")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub client_id: String,
        /// SHA-256 of the secret, which is shown to the app once.
        pub client_secret_hash: String,
        pub name: String,
        /// Newline-separated.
        pub redirect_uris: String,
        pub scopes: String,
        pub website: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oauth_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub app_id: i64,
        /// None for `client_credentials` tokens, which act for the app only.
        pub actor_id: Option<i64>,
        /// SHA-256 of the token; the token itself is never stored.
        #[sea_orm(unique)]
        pub token_hash: String,
        pub refresh_hash: Option<String>,
        pub scopes: String,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod code {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oauth_codes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code_hash: String,
        pub app_id: i64,
        pub actor_id: i64,
        pub redirect_uri: String,
        pub scopes: String,
        /// PKCE S256 challenge, when the client sent one.
        pub code_challenge: Option<String>,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
