//! Where a form may send the browser back to: only our own paths.

use url::Url;

/// Where to go after signing in: a path on this site, or `/`. The value is
/// read as a URL relative to our own origin, and anything that lands on
/// another origin is refused, as are the characters browsers strip or turn
/// into slashes (tabs, newlines, backslashes, encoded slashes).
pub fn safe_return_to(config: &crate::config::Config, raw: Option<&str>) -> String {
    let home = || "/".to_string();
    let Some(raw) = raw.map(str::trim) else {
        return home();
    };
    // Encoded slashes matter in the path, where a decoding proxy or browser
    // could make `/%2F%2Fevil.example` a path to another host; in the query
    // (a return to /oauth/authorize carries an encoded redirect_uri) they
    // are only data.
    let path = raw
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !raw.starts_with('/')
        || raw.starts_with("//")
        || raw.chars().any(|c| c.is_control() || c == '\\')
        || ["%2f", "%5c", "%09", "%0a", "%0d", "%00"]
            .iter()
            .any(|e| path.contains(e))
    {
        return home();
    }
    let Ok(base) = Url::parse(&config.base_url()) else {
        return home();
    };
    match base.join(raw) {
        // `/..//x` resolves to the path `//x`, which a browser would take for
        // another host: the resolved path is checked again.
        Ok(url) if url.origin() == base.origin() && !url.path().starts_with("//") => {
            let mut path = url.path().to_string();
            if let Some(q) = url.query() {
                path.push('?');
                path.push_str(q);
            }
            path
        }
        _ => home(),
    }
}
