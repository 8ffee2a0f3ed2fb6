//! The operator's command line. Exit codes: 0 success, 2 bad usage or bad
//! configuration, 1 anything else (database unreachable, port taken, refused input).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::app::{self, Instance};
use crate::config::Config;
use crate::db;
use crate::groups::{self, JoinPolicy};
use crate::instance::service::bootstrap;
use crate::moderation::blocks::{self, Severity};
use crate::moderation::service::{self as moderation, Moderator};
use crate::persons::{self, Role};

#[derive(Debug, Parser)]
#[command(
    name = "knooppunt",
    version,
    about = "Knooppunt: a federated server for neighbourhood cooperatives"
)]
pub struct Cli {
    /// Configuration file (default: config/knooppunt.toml if it exists).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server (applies pending migrations first).
    Serve,
    /// Apply pending database migrations and create the instance's own actors.
    Migrate,
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage local people.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage groups.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Inspect and steer federation with other servers.
    #[command(subcommand)]
    Federation(FederationCommand),
    /// Block other instances (each action is in the audit log).
    #[command(subcommand)]
    Domain(DomainCommand),
}

#[derive(Debug, Subcommand)]
pub enum DomainCommand {
    /// Block a domain and its subdomains.
    Block {
        /// The domain, e.g. spam.example (a port limits it to that port).
        domain: String,
        /// suspend: nothing is received from it, delivered to it or fetched
        /// from it, and its follows end; silence: its posts stay out of
        /// public timelines.
        #[arg(long, value_enum, default_value_t = Severity::Suspend)]
        severity: Severity,
        /// Why, shown to administrators and in the export.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Lift the block of a domain.
    Unblock {
        domain: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// List the blocked domains.
    List,
    /// Block every domain of a Mastodon blocklist (CSV with the header
    /// #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate).
    Import { file: PathBuf },
    /// Print the blocked domains as Mastodon's blocklist CSV.
    Export,
}

#[derive(Debug, Subcommand)]
pub enum FederationCommand {
    /// Show the delivery queue and the instances that fail.
    Status,
    /// Revive an instance marked dead and send its waiting deliveries now.
    Retry {
        /// The instance's host (with port if it has one), e.g. noord.example.
        domain: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print it with secrets masked.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a person; the password is read from standard input.
    Create {
        /// Name: lowercase letters, digits and underscores.
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_enum, default_value_t = Role::Resident)]
        role: Role,
        /// Make the person an administrator of this instance.
        #[arg(long)]
        admin: bool,
    },
    /// List local people.
    List,
    /// Disable a person's account so they can no longer log in.
    Disable { name: String },
    /// Approve an account that signed up while registrations need approval.
    Approve { name: String },
    /// Delete a person: their posts and follows go, other servers are told.
    Delete {
        name: String,
        /// Confirm: deletion cannot be undone.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group owned by a local person.
    Create {
        /// Name: lowercase letters, digits and underscores.
        name: String,
        /// Name of the local person who owns the group.
        #[arg(long)]
        owner: String,
        #[arg(long, value_enum, default_value_t = JoinPolicy::Open)]
        join_policy: JoinPolicy,
    },
    /// Make a member of a group (or of the neighbourhood) one of its
    /// moderators; the neighbourhood's moderators decide on proposals.
    Moderator {
        /// The group, or the neighbourhood's name.
        group: String,
        /// A local person who is a member of the group.
        person: String,
        /// Make them a plain member again.
        #[arg(long)]
        remove: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.command);
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("knooppunt: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("knooppunt: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("knooppunt: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(command: &Command) {
    let default = match command {
        Command::Serve | Command::Migrate => "info",
        _ => "warn",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .init();
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    app::wire();
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let db = db::connect(&config).await?;
            db::migrate(&db).await?;
            bootstrap(&db, &config).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            println!("# configuration is valid; effective values (secrets masked):");
            print!("{}", config.to_redacted_toml()?);
            Ok(())
        }
        Command::User(command) => user(command, &config).await,
        Command::Group(command) => group(command, &config).await,
        Command::Federation(command) => federation(command, &config).await,
        Command::Domain(command) => domain(command, &config).await,
    }
}

async fn domain(command: DomainCommand, config: &Config) -> anyhow::Result<()> {
    let db = open_db(config).await?;
    let instance = Instance::with_db(db, config.clone()).await?;
    let state = instance.state();
    match command {
        DomainCommand::Block {
            domain,
            severity,
            reason,
        } => {
            let b = blocks::block_domain(
                state,
                &Moderator::Operator,
                blocks::NewBlock {
                    domain,
                    severity,
                    public_comment: reason,
                    ..Default::default()
                },
            )
            .await?;
            println!("blocked {} ({})", b.domain, b.severity);
        }
        DomainCommand::Unblock { domain, reason } => {
            blocks::unblock_domain(state, &Moderator::Operator, &domain, &reason).await?;
            println!("unblocked {domain}");
        }
        DomainCommand::List => {
            println!(
                "{:<40} {:<8} {:<16} reason",
                "domain", "severity", "blocked"
            );
            for b in blocks::domain_blocks(&state.db).await? {
                println!(
                    "{:<40} {:<8} {:<16} {}",
                    b.domain,
                    b.severity,
                    b.created_at.format("%Y-%m-%d %H:%M"),
                    b.public_comment
                );
            }
        }
        DomainCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = blocks::import(state, &Moderator::Operator, &text).await?;
            println!("imported {n} domain blocks from {}", file.display());
        }
        DomainCommand::Export => {
            print!(
                "{}",
                blocks::export_csv(&blocks::domain_blocks(&state.db).await?)?
            );
        }
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.http.listen;
    let domain = config.instance.domain.clone();
    // Bind before migrating so a taken port fails fast without touching the database.
    let listener = app::bind(listen).await?;
    let instance = Instance::open(config).await?;
    tracing::info!(%listen, %domain, "knooppunt is serving");
    instance.serve(listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM; in-flight requests then finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Connects and checks the schema; operator commands never migrate implicitly.
async fn open_db(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = db::connect(config).await?;
    db::ensure_migrated(&db).await?;
    Ok(db)
}

async fn user(command: UserCommand, config: &Config) -> anyhow::Result<()> {
    match command {
        UserCommand::Create {
            name,
            email,
            role,
            admin,
        } => create_user(config, &name, &email, role, admin).await,
        UserCommand::List => list_users(config).await,
        UserCommand::Delete { name, yes } => {
            if !yes {
                anyhow::bail!("deleting {name} cannot be undone: add --yes to confirm");
            }
            let db = open_db(config).await?;
            let instance = crate::app::Instance::with_db(db, config.clone()).await?;
            persons::service::delete(instance.state(), &name).await?;
            moderation::record(
                &instance.state().db,
                &Moderator::Operator,
                "account.delete",
                &name,
                "",
            )
            .await?;
            println!(
                "deleted {name}; other servers are told by the running server's delivery worker"
            );
            Ok(())
        }
        UserCommand::Approve { name } => {
            let db = open_db(config).await?;
            if persons::service::approve(&db, config, &name, &Moderator::Operator).await? {
                println!("approved {name}");
            } else {
                println!("{name} was already approved");
            }
            Ok(())
        }
        UserCommand::Disable { name } => {
            let db = open_db(config).await?;
            if persons::service::disable(&db, config, &name, &Moderator::Operator).await? {
                println!("disabled {name}");
            } else {
                println!("{name} was already disabled");
            }
            Ok(())
        }
    }
}

/// `user create`: the password is read from the terminal or standard input.
async fn create_user(
    config: &Config,
    name: &str,
    email: &str,
    role: Role,
    admin: bool,
) -> anyhow::Result<()> {
    let password = read_password()?;
    let db = open_db(config).await?;
    let person = persons::service::create(
        &db,
        config,
        persons::service::NewPerson {
            name,
            email,
            password: &password,
            role,
            admin,
            approved: true,
        },
    )
    .await?;
    println!(
        "created {} <{}> as {}{}: @{}@{}",
        person.name,
        person.email,
        person.role,
        if person.admin { ", administrator" } else { "" },
        person.name,
        config.instance.domain
    );
    Ok(())
}

async fn list_users(config: &Config) -> anyhow::Result<()> {
    let db = open_db(config).await?;
    let people = persons::service::list(&db).await?;
    println!(
        "{:<30} {:<32} {:<13} {:<6} {:<9} created",
        "name", "email", "role", "admin", "status"
    );
    for p in people {
        println!(
            "{:<30} {:<32} {:<13} {:<6} {:<9} {}",
            p.name,
            p.email,
            p.role,
            if p.admin { "yes" } else { "no" },
            if p.disabled_at.is_some() {
                "disabled"
            } else {
                "active"
            },
            p.created_at.format("%Y-%m-%d %H:%M")
        );
    }
    Ok(())
}

async fn group(command: GroupCommand, config: &Config) -> anyhow::Result<()> {
    match command {
        GroupCommand::Create {
            name,
            owner,
            join_policy,
        } => {
            let db = open_db(config).await?;
            let group = groups::service::create(&db, config, &name, &owner, join_policy).await?;
            println!(
                "created group {} (owner {}, join policy {}): @{}@{}",
                group.name,
                group.owner,
                group.join_policy.as_str(),
                group.name,
                config.instance.domain
            );
            Ok(())
        }
        GroupCommand::Moderator {
            group,
            person,
            remove,
        } => {
            let db = open_db(config).await?;
            let g = crate::actors::store::find_local(&db, config, &group)
                .await?
                .filter(|a| a.kind == "group")
                .ok_or_else(|| anyhow::anyhow!("there is no group named {group:?} here"))?;
            let (p, _) = crate::auth::service::named_person(&db, config, &person).await?;
            groups::service::set_moderator(&db, g.id, p.id, !remove, true).await?;
            let action = if remove {
                "group.moderator.remove"
            } else {
                "group.moderator.add"
            };
            moderation::record(
                &db,
                &Moderator::Operator,
                action,
                &format!("{} in {}", p.username, g.username),
                "",
            )
            .await?;
            println!(
                "{} is {} of {}",
                p.username,
                if remove {
                    "no longer a moderator"
                } else {
                    "a moderator"
                },
                g.username
            );
            Ok(())
        }
    }
}

/// The password comes from standard input: typed without echo on a terminal,
/// or the first line of a pipe (scripts).
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        rpassword::prompt_password("Password: ").context("cannot read the password")?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    if password.is_empty() {
        anyhow::bail!("no password given on standard input");
    }
    Ok(password)
}

async fn federation(command: FederationCommand, config: &Config) -> anyhow::Result<()> {
    let db = open_db(config).await?;
    match command {
        FederationCommand::Status => {
            let s = crate::federation::outbox::status(&db).await?;
            println!("pending deliveries:   {}", s.pending);
            println!("  of which failing:   {}", s.failing);
            println!("delivered:            {}", s.delivered);
            println!("given up:             {}", s.failed);
            match s.oldest_pending_secs {
                Some(secs) => println!("oldest pending:       {secs} s"),
                None => println!("oldest pending:       -"),
            }
            println!(
                "failing instances:    {}",
                if s.failing_instances.is_empty() {
                    "-".to_string()
                } else {
                    s.failing_instances.join(", ")
                }
            );
            println!(
                "dead instances:       {}",
                if s.dead_instances.is_empty() {
                    "-".to_string()
                } else {
                    s.dead_instances.join(", ")
                }
            );
            println!("received, unprocessed: {}", s.unprocessed_received);
            Ok(())
        }
        FederationCommand::Retry { domain } => {
            let domain = domain.trim().to_lowercase();
            let known = crate::federation::outbox::known_instance(&db, &domain).await?;
            if !known {
                anyhow::bail!("no deliveries were ever made to {domain}");
            }
            let n = crate::federation::outbox::revive(&db, &domain).await?;
            println!("revived {domain}: {n} deliveries due now");
            Ok(())
        }
    }
}
