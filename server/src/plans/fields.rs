//! The fields of a plan its owners write, and the checks on them.

use serde_json::Value;

use crate::error::AppError;
use crate::i18n::Msg;

const MAX_TITLE: usize = 200;
const MAX_SUMMARY: usize = 1_000;
pub(super) const MAX_CONTENT: usize = 100_000;
const MAX_THEMES: usize = 20;

/// The fields of a plan that its owners write. `None` leaves a field as it is
/// when editing.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub content: Option<String>,
    pub themes: Option<Vec<String>>,
    pub area_address: Option<Option<String>>,
    pub area_geometry: Option<Option<Value>>,
    pub cost_estimate_cents: Option<Option<i64>>,
    pub requested_budget_cents: Option<Option<i64>>,
    pub currency: Option<String>,
}

pub(super) fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), AppError> {
    let n = value.chars().count();
    if n > max {
        return Err(AppError::invalid(
            field,
            msg!("error-too-long-count", count = n, max = max),
        ));
    }
    Ok(())
}

/// Themes as hashtag names: lowercase, letters, digits and `_`.
pub fn clean_themes(themes: &[String]) -> Result<Vec<String>, AppError> {
    if themes.len() > MAX_THEMES {
        return Err(AppError::invalid(
            "themes",
            msg!("error-at-most-themes", max = MAX_THEMES),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for t in themes {
        let name = t.trim().trim_start_matches('#').to_lowercase();
        if name.is_empty()
            || name.chars().count() > 100
            || !name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            return Err(AppError::invalid(
                "themes",
                msg!("error-not-theme-letters-digits", t = t),
            ));
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// A GeoJSON Point or Polygon with numeric coordinates in range.
pub fn check_geometry(g: &Value) -> Result<(), AppError> {
    let bad = |key: &'static str| AppError::invalid("area.geometry", Msg::new(key));
    let position = |p: &Value| -> bool {
        matches!(p.as_array().map(Vec::as_slice), Some([lon, lat, ..])
            if lon.as_f64().is_some_and(|x| (-180.0..=180.0).contains(&x))
            && lat.as_f64().is_some_and(|y| (-90.0..=90.0).contains(&y)))
    };
    match g.get("type").and_then(Value::as_str) {
        Some("Point") => {
            if !g.get("coordinates").is_some_and(position) {
                return Err(bad("error-geometry-point"));
            }
        }
        Some("Polygon") => {
            let rings = g
                .get("coordinates")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("error-geometry-polygon-rings"))?;
            if rings.is_empty() || rings.len() > 100 {
                return Err(bad("error-geometry-polygon-ring-count"));
            }
            for ring in rings {
                let points = ring
                    .as_array()
                    .ok_or_else(|| bad("error-geometry-ring-list"))?;
                if points.len() < 4 || points.len() > 10_000 || !points.iter().all(position) {
                    return Err(bad("error-geometry-ring-size"));
                }
                if points.first() != points.last() {
                    return Err(bad("error-geometry-ring-closed"));
                }
            }
        }
        _ => return Err(bad("error-geometry-kind")),
    }
    Ok(())
}

fn check_money(field: &'static str, cents: Option<i64>) -> Result<(), AppError> {
    if cents.is_some_and(|c| c < 0) {
        return Err(AppError::invalid(field, msg!("error-cannot-negative")));
    }
    Ok(())
}

pub fn check_fields(f: &Fields) -> Result<(), AppError> {
    if let Some(t) = &f.title {
        if t.trim().is_empty() {
            return Err(AppError::invalid("title", msg!("error-cant-blank")));
        }
        check_text("title", t, MAX_TITLE)?;
    }
    if let Some(s) = &f.summary {
        check_text("summary", s, MAX_SUMMARY)?;
    }
    if let Some(c) = &f.content {
        check_text("content", c, MAX_CONTENT)?;
    }
    if let Some(Some(a)) = &f.area_address {
        check_text("area.address", a, 500)?;
    }
    if let Some(Some(g)) = &f.area_geometry {
        check_geometry(g)?;
    }
    check_money("cost_estimate", f.cost_estimate_cents.flatten())?;
    check_money("requested_budget", f.requested_budget_cents.flatten())?;
    if let Some(c) = &f.currency
        && (c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_uppercase()))
    {
        return Err(AppError::invalid(
            "currency",
            msg!("error-must-iso-4217-code-such-as"),
        ));
    }
    Ok(())
}
