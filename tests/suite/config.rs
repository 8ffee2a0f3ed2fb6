//! Configuration through the real binary: file, env precedence, and every bad value.

use knooppunt::config::Config;
use knooppunt_tests::Knooppunt;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn shipped_config_file_is_the_defaults() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/knooppunt.toml");
    let loaded: Config = parse_toml_file(path);
    let default = Config::default();
    assert_eq!(
        toml::to_string(&loaded).unwrap(),
        toml::to_string(&default).unwrap(),
        "config/knooppunt.toml must document exactly the built-in defaults"
    );
}

fn parse_toml_file(path: &str) -> Config {
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn env_overrides_file_which_overrides_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "k.toml",
        "[instance]\ndomain = \"file.example\"\nname = \"From file\"\n[http]\nlisten = \"127.0.0.1:9999\"\n",
    );
    let out = Knooppunt::new(dir.path(), &["--config", &file, "config", "check"])
        .env("KNOOPPUNT_INSTANCE__NAME", "From env")
        .env("KNOOPPUNT_FEDERATION__ALLOW_HTTP", "true")
        .env("KNOOPPUNT_FEDERATION__PLAN_UPDATE_INTERVAL_SECS", "5")
        .run();
    assert!(out.success(), "{out:?}");
    let shown: Config = toml::from_str(&out.stdout).unwrap();
    assert_eq!(shown.instance.domain, "file.example", "file beats default");
    assert_eq!(shown.instance.name, "From env", "env beats file");
    assert_eq!(shown.http.listen.to_string(), "127.0.0.1:9999");
    assert!(shown.federation.allow_http);
    assert_eq!(shown.federation.plan_update_interval_secs, 5);
    assert_eq!(
        shown.instance.neighbourhood, "wijk",
        "default where nobody says otherwise"
    );
}

#[test]
fn default_file_is_read_from_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("config")).unwrap();
    write(
        &dir.path().join("config"),
        "knooppunt.toml",
        "[instance]\nname = \"Schiebroek\"\n",
    );
    let out = Knooppunt::new(dir.path(), &["config", "check"]).run();
    assert!(out.success(), "{out:?}");
    assert!(
        out.stdout.contains("name = \"Schiebroek\""),
        "{}",
        out.stdout
    );
}

#[test]
fn config_check_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let out = Knooppunt::new(dir.path(), &["config", "check"])
        .env(
            "KNOOPPUNT_DATABASE__URL",
            "postgres://kp:geheim123@db.example:5432/kp",
        )
        .run();
    assert!(out.success(), "{out:?}");
    assert!(
        out.stdout.contains("postgres://kp:***@db.example:5432/kp"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("geheim123"));
    // libpq also takes the password in the query string.
    let out = Knooppunt::new(dir.path(), &["config", "check"])
        .env(
            "KNOOPPUNT_DATABASE__URL",
            "postgres://kp@db.example/kp?sslmode=require&password=geheim456&sslpassword=sleutel789",
        )
        .run();
    assert!(out.success(), "{out:?}");
    assert!(
        out.stdout
            .contains("postgres://kp@db.example/kp?sslmode=require&password=***&sslpassword=***"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("geheim456") && !out.stdout.contains("sleutel789"));
}

/// Each bad configuration stops start-up with exit code 2 and one line naming the key.
#[test]
fn bad_configurations_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<(&str, &str)>, Option<&str>, &str)> = vec![
        (
            "unparsable listen address (env)",
            vec![("KNOOPPUNT_HTTP__LISTEN", "not-an-address")],
            None,
            "http.listen",
        ),
        (
            "unparsable listen address (file)",
            vec![],
            Some("[http]\nlisten = \"127.0.0.1\"\n"),
            "http.listen",
        ),
        (
            "domain with a scheme",
            vec![("KNOOPPUNT_INSTANCE__DOMAIN", "https://wijk.example")],
            None,
            "instance.domain",
        ),
        (
            "domain with a path",
            vec![("KNOOPPUNT_INSTANCE__DOMAIN", "wijk.example/knooppunt")],
            None,
            "instance.domain",
        ),
        (
            "unknown key (file)",
            vec![],
            Some("[instance]\ndomian = \"x.example\"\n"),
            "instance.domian",
        ),
        (
            "unknown section (file)",
            vec![],
            Some("[mail]\nhost = \"x\"\n"),
            "mail",
        ),
        (
            "unknown key (env)",
            vec![("KNOOPPUNT_HTTP__LISSEN", "127.0.0.1:1")],
            None,
            "http.lissen",
        ),
        (
            "unsupported database",
            vec![("KNOOPPUNT_DATABASE__URL", "mysql://root@localhost/kp")],
            None,
            "database.url",
        ),
        (
            "bad neighbourhood name",
            vec![("KNOOPPUNT_INSTANCE__NEIGHBOURHOOD", "Oude Noorden")],
            None,
            "instance.neighbourhood",
        ),
        (
            "wrong type",
            vec![],
            Some("[database]\nmax_connections = \"many\"\n"),
            "database.max_connections",
        ),
        (
            "zero connections",
            vec![("KNOOPPUNT_DATABASE__MAX_CONNECTIONS", "0")],
            None,
            "database.max_connections",
        ),
        (
            "finished deliveries kept for ages",
            vec![(
                "KNOOPPUNT_FEDERATION__KEEP_FINISHED_DAYS",
                "1000000000000000",
            )],
            None,
            "federation.keep_finished_days",
        ),
        (
            "a delivery lease of centuries",
            vec![],
            Some("[federation]\ndelivery_lease_secs = 9000000000000000\n"),
            "federation.delivery_lease_secs",
        ),
        (
            "plan Updates once a century",
            vec![(
                "KNOOPPUNT_FEDERATION__PLAN_UPDATE_INTERVAL_SECS",
                "3153600000",
            )],
            None,
            "federation.plan_update_interval_secs",
        ),
    ];
    for (what, env, file, key) in cases {
        for command in [&["config", "check"][..], &["serve"][..]] {
            let mut args: Vec<String> = Vec::new();
            if let Some(text) = file {
                args.push("--config".into());
                args.push(write(dir.path(), "bad.toml", text));
            }
            args.extend(command.iter().map(|s| s.to_string()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut run = Knooppunt::new(dir.path(), &args);
            for (k, v) in &env {
                run = run.env(k, v);
            }
            let out = run.run();
            assert_eq!(out.code, Some(2), "{what} ({command:?}): {out:?}");
            let line = out.stderr.trim();
            assert_eq!(line.lines().count(), 1, "{what}: one line, got {line}");
            assert!(
                line.starts_with(&format!("knooppunt: invalid configuration: {key}")),
                "{what}: expected key {key}, got {line}"
            );
        }
    }
    // Nothing was created by the refused starts.
    assert!(!dir.path().join("knooppunt.db").exists());
}

#[test]
fn missing_config_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = Knooppunt::new(dir.path(), &["--config", "nope.toml", "serve"]).run();
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("nope.toml does not exist"),
        "{}",
        out.stderr
    );
}
