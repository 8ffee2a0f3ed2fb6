//! Avatar and header images from `/settings`, in a real browser with
//! JavaScript off: the profile form sends them as the client API's
//! `update_credentials` does (`avatar`, `header`), checked as its uploads
//! are; the profile `/@name` shows them. A file that is no image is refused
//! next to its field with the other input kept, and a form without the
//! CSRF token is refused.

use fantoccini::Locator;
use knooppunt_tests::browser::browser;
use knooppunt_tests::fixtures::png;
use knooppunt_tests::webdriver::Browser;
use knooppunt_tests::{ApiClient, TestInstance};

const PASSWORD: &str = "een lange zin als wachtwoord";

async fn choose_file(b: &Browser, css: &str, path: &std::path::Path) {
    let field = b.client.find(Locator::Css(css)).await.unwrap();
    field.send_keys(&path.display().to_string()).await.unwrap();
}

/// A file with `bytes` in a directory of this test run.
fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kp-web-images-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

async fn src(b: &Browser, css: &str) -> String {
    let img = b.client.find(Locator::Css(css)).await;
    let img = img.unwrap_or_else(|e| panic!("{css}: {e}"));
    img.attr("src").await.unwrap().unwrap_or_default()
}

/// The bytes at `url`.
async fn fetch(i: &TestInstance, url: &str) -> Vec<u8> {
    let answer = i.client.get(url).send().await.unwrap();
    assert_eq!(answer.status(), 200, "{url}");
    answer.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn settings_upload_an_avatar_and_a_header_shown_on_the_profile() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    i.create_person("carla", PASSWORD).await;
    b.goto(&i.url("/auth/sign_in")).await;
    b.fill("#username", "carla").await;
    b.fill("#password", PASSWORD).await;
    b.click("main form button[type=submit]").await;
    b.goto(&i.url("/settings")).await;
    // The defaults before any upload; no header on the profile yet.
    assert!(
        src(&b, ".settings-image img.avatar")
            .await
            .ends_with("/static/avatar.png")
    );
    b.goto(&i.url("/@carla")).await;
    assert!(
        b.client
            .find(Locator::Css("img.profile-header"))
            .await
            .is_err()
    );

    // A file that is no image: refused next to its field, the rest kept.
    b.goto(&i.url("/settings")).await;
    b.fill("#display_name", "Carla de Vries").await;
    b.fill("#note", "Ik woon aan de Kleiweg.").await;
    choose_file(&b, "#avatar", &file("notities.txt", b"geen afbeelding")).await;
    b.click("form.settings-profile button[type=submit]").await;
    assert!(
        b.text("#avatar-error")
            .await
            .contains("unsupported file type"),
        "{}",
        b.main_text().await
    );
    assert!(b.client.find(Locator::Css("#header-error")).await.is_err());
    assert_eq!(b.value("#display_name").await, "Carla de Vries");
    assert_eq!(b.value("#note").await, "Ik woon aan de Kleiweg.");
    let field = b.client.find(Locator::Css("#avatar")).await.unwrap();
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    // Nothing was saved.
    let api = ApiClient::login(&i, "carla", PASSWORD).await;
    let me = api.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["display_name"], "carla");
    assert!(
        me["avatar"]
            .as_str()
            .unwrap()
            .ends_with("/static/avatar.png")
    );

    // Two real images: saved with the profile, shown on it and in the API.
    choose_file(&b, "#avatar", &file("carla.png", &png(16, 16))).await;
    choose_file(&b, "#header", &file("kleiweg.png", &png(30, 10))).await;
    b.click("form.settings-profile button[type=submit]").await;
    assert_eq!(b.text("main .notice").await, "Your profile is saved.");
    let avatar = src(&b, ".settings-image img.avatar").await;
    let header = src(&b, ".settings-image img.header-image").await;
    assert!(avatar.contains("/media/"), "{avatar}");
    assert_eq!(fetch(&i, &avatar).await, png(16, 16));
    assert_eq!(fetch(&i, &header).await, png(30, 10));
    b.screenshot_full("settings", 390, 844).await;
    b.goto(&i.url("/@carla")).await;
    b.screenshot_full("profile", 1280, 800).await;
    assert_eq!(src(&b, ".profile img.avatar").await, avatar);
    assert_eq!(src(&b, "img.profile-header").await, header);
    assert!(b.main_text().await.contains("Carla de Vries"));
    let me = api.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(
        (me["avatar"].as_str(), me["header"].as_str()),
        (Some(avatar.as_str()), Some(header.as_str()))
    );

    // Saving the profile without new files keeps the images.
    b.goto(&i.url("/settings")).await;
    b.fill("#note", "Ik woon nog steeds aan de Kleiweg.").await;
    b.click("form.settings-profile button[type=submit]").await;
    assert_eq!(b.text("main .notice").await, "Your profile is saved.");
    assert_eq!(src(&b, ".settings-image img.avatar").await, avatar);
    assert_eq!(src(&b, ".settings-image img.header-image").await, header);
    b.quit().await;
    i.stop().await;
}

/// A multipart profile form without its token, or from someone signed out,
/// changes nothing.
#[tokio::test]
async fn an_image_form_without_the_token_is_refused() {
    let i = TestInstance::start().await;
    i.create_person("dora", PASSWORD).await;
    let dora = browser(&i);
    dora.sign_in("dora", PASSWORD).await;
    dora.get("/settings").await.expect(200);
    let multipart = |token: Option<&str>| {
        let mut form = reqwest::multipart::Form::new().text("display_name", "Overgenomen");
        if let Some(token) = token {
            form = form.text("csrf_token", token.to_string());
        }
        form.part(
            "avatar",
            reqwest::multipart::Part::bytes(png(8, 8))
                .file_name("a.png")
                .mime_str("image/png")
                .unwrap(),
        )
    };
    for token in [None, Some("geraden")] {
        let answer = dora
            .send(reqwest::Method::POST, "/settings/profile", |r| {
                r.multipart(multipart(token))
            })
            .await;
        answer.answers(403, None).shows("came from another site");
    }
    // Someone signed out, with a good token of their own: to sign in.
    let stranger = browser(&i);
    let page = stranger.get("/auth/sign_in").await;
    let token = page.input("csrf_token");
    let answer = stranger
        .send(reqwest::Method::POST, "/settings/profile", |r| {
            r.multipart(multipart(Some(&token)))
        })
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert!(
        answer
            .header("location")
            .unwrap()
            .starts_with("/auth/sign_in")
    );
    let api = ApiClient::login(&i, "dora", PASSWORD).await;
    let me = api.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["display_name"], "dora");
    assert!(
        me["avatar"]
            .as_str()
            .unwrap()
            .ends_with("/static/avatar.png")
    );
    i.stop().await;
}
