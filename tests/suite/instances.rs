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
