//! Several instances side by side, each on its own loopback address.

use knooppunt::persons::{
    Role,
    service::{self, NewPerson},
};
use knooppunt_tests::TestInstance;

#[tokio::test]
async fn two_instances_run_side_by_side_on_their_own_addresses() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    assert_eq!(a.addr.ip().to_string(), "127.0.0.2");
    assert_eq!(b.addr.ip().to_string(), "127.0.0.3");
    assert_eq!(a.addr.port(), b.addr.port(), "same port, different hosts");

    service::create(
        &a.state.db,
        &a.state.config,
        NewPerson {
            name: "alice",
            email: "alice@noord.example",
            password: "lange wandeling 42",
            role: Role::Resident,
            admin: false,
            approved: true,
        },
    )
    .await
    .unwrap();

    for (instance, people) in [(a, "1"), (b, "0")] {
        assert_eq!(instance.get("/healthz").await.status(), 200);
        let page = instance.get("/").await;
        assert_eq!(page.headers()["content-language"], "nl");
        let html = page.text().await.unwrap();
        assert!(
            html.contains(&format!("@wijk@{}", instance.domain)),
            "{html}"
        );
        assert!(
            html.contains(&format!("<dt>Mensen</dt><dd>{people}</dd>")),
            "{html}"
        );
    }
    let english = a
        .client
        .get(a.url("/"))
        .header("Accept-Language", "en-GB,en;q=0.9,nl;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(english.headers()["content-language"], "en");
    assert!(
        english
            .text()
            .await
            .unwrap()
            .contains("<dt>People</dt><dd>1</dd>")
    );

    for instance in instances {
        instance.stop().await;
    }
}

/// Many requests that meet the same unknown remote actor at once (searches,
/// inbox deliveries) all find it: the first stores it, the others take the
/// row it stored, also while its commit still waits in a group (SQLite).
#[tokio::test]
async fn an_actor_met_by_many_requests_at_once_is_stored_once() {
    use knooppunt_tests::ApiClient;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", "een lange zin als wachtwoord")
        .await;
    b.create_person("bob", "een lange zin als wachtwoord").await;
    let alice = ApiClient::login(a, "alice", "een lange zin als wachtwoord").await;
    let acct = format!("@bob@{}", b.domain);
    let found = futures_util::future::join_all((0..12).map(|_| alice.resolve(&acct))).await;
    assert!(found.iter().all(|id| *id == found[0]), "{found:?}");
    let rows = knooppunt::actors::entity::Entity::find()
        .filter(knooppunt::actors::entity::Column::ApId.eq(format!("{}/users/bob", b.base_url)))
        .count(&a.state.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    for i in instances {
        i.stop().await;
    }
}
