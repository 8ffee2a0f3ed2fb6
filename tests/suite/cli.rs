//! Operator commands through the real binary on the engine under test.

use knooppunt_tests::binary::Finished;
use knooppunt_tests::{Knooppunt, TestDb};

const PASSWORD: &str = "lange wandeling 42\n";

/// A working directory and a migrated database for one test.
struct Operator {
    dir: tempfile::TempDir,
    db: TestDb,
}

impl Operator {
    async fn new() -> Operator {
        let op = Operator {
            dir: tempfile::tempdir().unwrap(),
            db: TestDb::create().await,
        };
        let out = op.run(&["migrate"], None);
        assert!(out.success(), "{out:?}");
        op
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Finished {
        let mut cmd = Knooppunt::new(self.dir.path(), args)
            .env("KNOOPPUNT_DATABASE__URL", &self.db.url)
            .env("KNOOPPUNT_INSTANCE__DOMAIN", "wijk.example");
        if let Some(text) = stdin {
            cmd = cmd.stdin(text);
        }
        cmd.run()
    }

    fn create_user(&self, name: &str, email: &str, extra: &[&str], password: &str) -> Finished {
        let mut args = vec!["user", "create", name, "--email", email];
        args.extend_from_slice(extra);
        self.run(&args, Some(password))
    }

    async fn finish(self) {
        self.db.drop_now().await;
    }
}

fn assert_refused(out: &Finished, code: i32, message: &str) {
    assert_eq!(out.code, Some(code), "{out:?}");
    assert!(
        out.stderr.contains(message),
        "expected {message:?} in {:?}",
        out.stderr
    );
}

#[tokio::test]
async fn creating_listing_and_disabling_people() {
    let op = Operator::new().await;
    let out = op.create_user(
        "alice",
        "Alice@Wijk.example",
        &["--role", "professional", "--admin"],
        PASSWORD,
    );
    assert!(out.success(), "{out:?}");
    assert!(out.stdout.contains("@alice@wijk.example"), "{}", out.stdout);
    let out = op.create_user("bob", "bob@wijk.example", &[], PASSWORD);
    assert!(out.success(), "{out:?}");

    let list = op.run(&["user", "list"], None);
    assert!(list.success(), "{list:?}");
    let rows: Vec<Vec<&str>> = list
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{}", list.stdout);
    assert_eq!(
        &rows[0][..5],
        [
            "alice",
            "Alice@Wijk.example",
            "professional",
            "yes",
            "active"
        ]
    );
    assert_eq!(
        &rows[1][..5],
        ["bob", "bob@wijk.example", "resident", "no", "active"]
    );

    let out = op.run(&["user", "disable", "bob"], None);
    assert!(
        out.success() && out.stdout.contains("disabled bob"),
        "{out:?}"
    );
    let out = op.run(&["user", "disable", "bob"], None);
    assert!(
        out.success() && out.stdout.contains("already disabled"),
        "{out:?}"
    );
    let list = op.run(&["user", "list"], None);
    assert!(
        list.stdout
            .lines()
            .any(|l| l.starts_with("bob") && l.contains("disabled")),
        "{}",
        list.stdout
    );
    assert_refused(
        &op.run(&["user", "disable", "nobody"], None),
        1,
        "no local person named \"nobody\"",
    );
    let out = op.run(&["user", "approve", "alice"], None);
    assert!(
        out.success() && out.stdout.contains("alice was already approved"),
        "{out:?}"
    );
    assert_refused(
        &op.run(&["user", "approve", "nobody"], None),
        1,
        "no local person named \"nobody\"",
    );
    // The audit log has the one disable that changed something, by the
    // command line; the repeat and the approval of an approved account
    // changed nothing and left nothing.
    let conn = sea_orm::Database::connect(&op.db.url).await.unwrap();
    let log = knooppunt::moderation::service::audit_log(&conn, None, 50)
        .await
        .unwrap();
    let logged: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.actor_label.as_str(), e.target.as_str()))
        .collect();
    assert_eq!(logged, [("account.disable", "command line", "bob")]);
    conn.close().await.unwrap();
    assert_refused(
        &op.run(&["user", "delete", "bob"], None),
        1,
        "add --yes to confirm",
    );
    let out = op.run(&["user", "delete", "bob", "--yes"], None);
    assert!(
        out.success() && out.stdout.contains("deleted bob"),
        "{out:?}"
    );
    assert_refused(
        &op.run(&["user", "delete", "bob", "--yes"], None),
        1,
        "bob was already deleted",
    );
    assert_refused(
        &op.create_user("bob", "bob2@wijk.example", &[], PASSWORD),
        1,
        "the name bob is taken",
    );
    op.finish().await;
}

#[tokio::test]
async fn every_user_validation_error() {
    let op = Operator::new().await;
    assert!(
        op.create_user("alice", "alice@wijk.example", &[], PASSWORD)
            .success()
    );
    let cases: [(&str, &str, &[&str], &str, i32, &str); 13] = [
        (
            "Alice",
            "x1@wijk.example",
            &[],
            PASSWORD,
            1,
            "may only contain lowercase letters",
        ),
        (
            "al-ice",
            "x2@wijk.example",
            &[],
            PASSWORD,
            1,
            "may only contain lowercase letters",
        ),
        (
            "élise",
            "x3@wijk.example",
            &[],
            PASSWORD,
            1,
            "may only contain lowercase letters",
        ),
        (
            "a_very_long_name_that_goes_on_and_on",
            "x4@wijk.example",
            &[],
            PASSWORD,
            1,
            "too long",
        ),
        (
            "alice",
            "x5@wijk.example",
            &[],
            PASSWORD,
            1,
            "the name alice is taken",
        ),
        (
            "wijk",
            "x6@wijk.example",
            &[],
            PASSWORD,
            1,
            "the name wijk is taken",
        ),
        (
            "carol",
            "ALICE@wijk.example",
            &[],
            PASSWORD,
            1,
            "already in use",
        ),
        (
            "carol",
            "not-an-email",
            &[],
            PASSWORD,
            1,
            "is not an email address",
        ),
        (
            "carol",
            "c@wijk.example",
            &[],
            "kort\n",
            1,
            "password: too short",
        ),
        (
            "carol",
            "c@wijk.example",
            &[],
            "aaaaaaaaaaaaaa\n",
            1,
            "too easy to guess",
        ),
        (
            "carol",
            "c@wijk.example",
            &[],
            "carol-is-great-99\n",
            1,
            "must not contain the name",
        ),
        ("carol", "c@wijk.example", &[], "", 1, "no password given"),
        (
            "carol",
            "c@wijk.example",
            &["--role", "mayor"],
            PASSWORD,
            2,
            "invalid value 'mayor'",
        ),
    ];
    for (name, email, extra, password, code, message) in cases {
        let out = op.create_user(name, email, extra, password);
        assert_refused(&out, code, message);
    }
    // Only alice exists: nothing half-created by the refusals.
    let list = op.run(&["user", "list"], None);
    assert_eq!(list.stdout.lines().count(), 2, "{}", list.stdout);
    op.finish().await;
}

#[tokio::test]
async fn creating_groups() {
    let op = Operator::new().await;
    assert!(
        op.create_user("alice", "alice@wijk.example", &[], PASSWORD)
            .success()
    );
    assert!(
        op.create_user("bob", "bob@wijk.example", &[], PASSWORD)
            .success()
    );
    assert!(op.run(&["user", "disable", "bob"], None).success());

    let out = op.run(&["group", "create", "groen", "--owner", "alice"], None);
    assert!(out.success(), "{out:?}");
    assert!(
        out.stdout.contains("@groen@wijk.example") && out.stdout.contains("join policy open"),
        "{}",
        out.stdout
    );
    let out = op.run(
        &[
            "group",
            "create",
            "buurtzorg",
            "--owner",
            "alice",
            "--join-policy",
            "approval",
        ],
        None,
    );
    assert!(
        out.success() && out.stdout.contains("join policy approval"),
        "{out:?}"
    );
    // The operator appoints the neighbourhood's moderators (they decide on
    // proposals); a group's owner is no moderator to appoint.
    let out = op.run(&["group", "moderator", "wijk", "alice"], None);
    assert!(
        out.success() && out.stdout.contains("alice is a moderator of wijk"),
        "{out:?}"
    );
    let out = op.run(&["group", "moderator", "wijk", "alice", "--remove"], None);
    assert!(out.success() && out.stdout.contains("no longer"), "{out:?}");
    assert_refused(
        &op.run(&["group", "moderator", "groen", "alice"], None),
        1,
        "moderates it already",
    );
    assert_refused(
        &op.run(&["group", "moderator", "nogroup", "alice"], None),
        1,
        "no group named",
    );

    assert_refused(
        &op.run(&["group", "create", "groen", "--owner", "alice"], None),
        1,
        "the name groen is taken",
    );
    assert_refused(
        &op.run(&["group", "create", "alice", "--owner", "alice"], None),
        1,
        "the name alice is taken",
    );
    assert_refused(
        &op.run(&["group", "create", "wijk", "--owner", "alice"], None),
        1,
        "the name wijk is taken",
    );
    assert_refused(
        &op.run(&["group", "create", "Groen", "--owner", "alice"], None),
        1,
        "may only contain lowercase letters",
    );
    assert_refused(
        &op.run(&["group", "create", "x", "--owner", "nobody"], None),
        1,
        "no local person named \"nobody\"",
    );
    assert_refused(
        &op.run(&["group", "create", "x", "--owner", "bob"], None),
        1,
        "bob is disabled",
    );
    assert_refused(
        &op.run(&["group", "create", "x", "--owner", "groen"], None),
        1,
        "no local person named \"groen\"",
    );
    assert_refused(&op.run(&["group", "create", "x"], None), 2, "--owner");
    // A person cannot take a group's name either: one namespace.
    assert_refused(
        &op.create_user("groen", "g@wijk.example", &[], PASSWORD),
        1,
        "the name groen is taken",
    );
    op.finish().await;
}

#[tokio::test]
async fn commands_refuse_an_unmigrated_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create().await;
    let out = Knooppunt::new(dir.path(), &["user", "list"])
        .env("KNOOPPUNT_DATABASE__URL", &db.url)
        .run();
    assert_refused(&out, 1, "run `knooppunt migrate` first");
    db.drop_now().await;
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["config", "--help"],
        &["config", "check", "--help"],
        &["user", "--help"],
        &["user", "create", "--help"],
        &["user", "list", "--help"],
        &["user", "disable", "--help"],
        &["group", "--help"],
        &["group", "create", "--help"],
        &["group", "moderator", "--help"],
        &["federation", "--help"],
        &["federation", "status", "--help"],
        &["federation", "retry", "--help"],
        &["user", "approve", "--help"],
        &["user", "delete", "--help"],
    ] {
        let out = Knooppunt::new(dir.path(), args).run();
        assert!(out.success(), "{args:?}: {out:?}");
        assert!(
            out.stdout.contains("Usage: knooppunt"),
            "{args:?}: {}",
            out.stdout
        );
    }
    let out = Knooppunt::new(dir.path(), &["user", "create", "--help"]).run();
    for flag in [
        "--email",
        "--role",
        "--admin",
        "resident",
        "entrepreneur",
        "professional",
        "municipality",
        "cooperative",
    ] {
        assert!(
            out.stdout.contains(flag),
            "help mentions {flag}: {}",
            out.stdout
        );
    }
}

#[tokio::test]
async fn federation_status_and_retry() {
    let op = Operator::new().await;
    let out = op.run(&["federation", "status"], None);
    assert!(out.success(), "{out:?}");
    for line in [
        "pending deliveries:   0",
        "given up:             0",
        "dead instances:       -",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in {}", out.stdout);
    }
    assert_refused(
        &op.run(&["federation", "retry", "noord.example"], None),
        1,
        "no deliveries were ever made to noord.example",
    );
    op.finish().await;
}
