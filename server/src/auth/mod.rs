//! People logging in: password checks with rate limiting, web sessions with a
//! cookie, CSRF protection for forms, and the sign-in/sign-up/sign-out pages.

pub mod account;
pub mod credentials;
pub mod csrf;
pub mod entity;
pub mod extract;
pub mod oauth;
pub mod service;
pub mod web;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "kp_session";
/// Name of the CSRF double-submit cookie.
pub const CSRF_COOKIE: &str = "kp_csrf";
