//! Lists that grow with user data never become one list of bound values:
//! a plan with more arguments, by more people, than SQLite binds in one
//! statement (32,766) still shows, and so does the thread of its post.

use std::time::Instant;

use knooppunt::statuses::entity::status;
use knooppunt_tests::seed::{self, RemoteActors};
use knooppunt_tests::{ApiClient, TestInstance};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const PW: &str = "lange wandeling 42";

/// Arguments on the plan, each by another person.
const ARGUMENTS: usize = 33_000;

/// Replies to post `parent`, one by each of `authors`: pro, contra or a
/// comment in turn.
async fn replies(a: &TestInstance, parent: i64, authors: &[i64]) {
    let now = chrono::Utc::now();
    let rows: Vec<status::ActiveModel> = authors
        .iter()
        .enumerate()
        .map(|(n, author)| status::ActiveModel {
            ap_id: Set(format!("http://127.0.0.9:1/users/r{n}/statuses/1")),
            actor_id: Set(*author),
            in_reply_to_id: Set(Some(parent)),
            content: Set(format!("<p>Argument {n}</p>")),
            spoiler_text: Set(String::new()),
            sensitive: Set(false),
            visibility: Set("public".into()),
            local: Set(false),
            created_at: Set(now),
            stance: Set([Some("pro".to_string()), Some("contra".into()), None][n % 3].clone()),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        status::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&a.state.db)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_plan_with_thirty_three_thousand_arguments_shows_with_its_thread() {
    let a = TestInstance::start().await;
    a.create_person("alice", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Een plein zonder auto's", "summary": "Iedereen praat mee." }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let post = knooppunt::plans::entity::plan::Entity::find_by_id(
        plan["id"].as_str().unwrap().parse::<i64>().unwrap(),
    )
    .one(&a.state.db)
    .await
    .unwrap()
    .unwrap()
    .status_id;
    let people = seed::remote_actors(
        &a.state.db,
        &RemoteActors {
            host: "127.0.0.9:1",
            name: "r",
            range: 0..ARGUMENTS,
            inbox: None,
            shared_inbox: None,
        },
    )
    .await;
    replies(&a, post, &people).await;

    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    let counts = alice.ok(&path).await["arguments_count"].clone();
    let third = ARGUMENTS as u64 / 3;
    assert_eq!(
        counts,
        json!({ "pro": third, "contra": third, "comments": third })
    );
    // The page for people shows the first arguments of each side, with
    // how many there are and a way to all of them.
    let plan_path = format!("/plans/{}", plan["id"].as_str().unwrap());
    let shown = Instant::now();
    let page = a.get(&plan_path).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    eprintln!(
        "plan page with {ARGUMENTS} arguments in {:?} ({} KB)",
        shown.elapsed(),
        html.len() / 1024
    );
    assert_eq!(html.matches("<li class=\"argument\">").count(), 2 * 20);
    assert!(html.contains(&format!("({third})")), "the sides' sizes");
    for first in [0, 1] {
        assert!(html.contains(&format!(
            "<p class=\"who\">r{first}@127.0.0.9:1</p><div class=\"content\"><p>Argument {first}</p></div>"
        )));
    }
    assert!(html.contains(&format!("href=\"{plan_path}/arguments?side=contra\"")));
    // One side a page at a time: the next page follows the last shown.
    let side = a.get(&format!("{plan_path}/arguments?side=contra")).await;
    assert_eq!(side.status(), 200);
    let side = side.text().await.unwrap();
    assert_eq!(side.matches("<li class=\"argument\">").count(), 20);
    assert!(side.contains("<p>Argument 58</p>") && !side.contains("<p>Argument 61</p>"));
    let later = side
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| {
            href.contains("min_id=") && side.contains(&format!("href=\"{href}\" rel=\"next\""))
        })
        .expect("a link to later arguments")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let next = a.get(&later).await.text().await.unwrap();
    assert!(next.contains("<p>Argument 61</p>") && !next.contains("<p>Argument 58</p>"));
    // The last ones are reached from a cursor near the end.
    let near_end = status::Entity::find()
        .filter(status::Column::ApId.eq(format!(
            "http://127.0.0.9:1/users/r{}/statuses/1",
            ARGUMENTS - 6
        )))
        .one(&a.state.db)
        .await
        .unwrap()
        .unwrap();
    let last = a
        .get(&format!(
            "{plan_path}/arguments?side=pro&min_id={}",
            near_end.id
        ))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(last.matches("<li class=\"argument\">").count(), 1, "{last}");
    assert!(last.contains(&format!("<p>Argument {}</p>", ARGUMENTS - 3)));
    assert!(
        !last.contains("rel=\"next\""),
        "no later page after the last"
    );
    let (code, _) = alice
        .get(&format!("{plan_path}/arguments?side=sideways"))
        .await;
    assert_eq!(code, 422);
    // The thread of the plan's post: its first 4,096 replies, as Mastodon.
    let asked = Instant::now();
    let (code, context) = alice.get(&format!("/api/v1/statuses/{post}/context")).await;
    eprintln!("context in {:?}", asked.elapsed());
    assert_eq!(code, 200, "{context}");
    let descendants = context["descendants"].as_array().unwrap();
    assert_eq!(descendants.len(), 4_096);
    assert_eq!(descendants[0]["content"], "<p>Argument 0</p>");
    a.stop().await;
}
