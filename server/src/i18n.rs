//! Interface language: Dutch or English, chosen from `Accept-Language`.

use axum::http::{HeaderMap, header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The first of nl/en in the client's preference order (by q-value);
    /// Dutch when the client names neither.
    pub fn negotiate(headers: &HeaderMap) -> Lang {
        let Some(value) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Lang::Nl;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("nl") => Lang::Nl,
                Some("en") => Lang::En,
                _ => continue,
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Nl, |(_, lang)| lang)
    }
}

/// Strings of the sign-in, sign-up and authorisation pages.
pub struct AuthText {
    pub sign_in: &'static str,
    pub sign_up: &'static str,
    pub name_or_email: &'static str,
    pub password: &'static str,
    pub no_account: &'static str,
    pub name: &'static str,
    pub name_hint: &'static str,
    pub email: &'static str,
    pub password_hint: &'static str,
    pub role: &'static str,
    pub roles: [&'static str; 5],
    pub closed: &'static str,
    pub approval_needed: &'static str,
    pub waiting: &'static str,
    pub authorize: &'static str,
    pub app_wants: &'static str,
    pub signed_in_as: &'static str,
    pub approve: &'static str,
    pub deny: &'static str,
    pub code_title: &'static str,
    pub code_message: &'static str,
}

const AUTH_NL: AuthText = AuthText {
    sign_in: "Inloggen",
    sign_up: "Account aanmaken",
    name_or_email: "Naam of e-mailadres",
    password: "Wachtwoord",
    no_account: "Nog geen account? Maak er een aan.",
    name: "Naam",
    name_hint: "Kleine letters, cijfers en liggende streepjes; hiermee vinden anderen je als @naam.",
    email: "E-mailadres",
    password_hint: "Minstens 10 tekens. Een zin van een paar woorden werkt goed.",
    role: "Ik ben",
    roles: [
        "bewoner",
        "ondernemer",
        "professional",
        "gemeente",
        "coöperatie",
    ],
    closed: "Aanmelden is gesloten. Vraag de coöperatie om een account.",
    approval_needed: "De coöperatie keurt nieuwe accounts goed voordat je kunt inloggen.",
    waiting: "Je account is aangemaakt en wacht op goedkeuring door de coöperatie.",
    authorize: "Toegang geven",
    app_wants: "Deze app vraagt toegang tot je account:",
    signed_in_as: "ingelogd als",
    approve: "Toestaan",
    deny: "Weigeren",
    code_title: "Autorisatiecode",
    code_message: "Kopieer deze code en plak hem in de app:",
};

const AUTH_EN: AuthText = AuthText {
    sign_in: "Sign in",
    sign_up: "Create an account",
    name_or_email: "Name or email address",
    password: "Password",
    no_account: "No account yet? Create one.",
    name: "Name",
    name_hint: "Lowercase letters, digits and underscores; others find you as @name.",
    email: "Email address",
    password_hint: "At least 10 characters. A sentence of a few words works well.",
    role: "I am a",
    roles: [
        "resident",
        "entrepreneur",
        "professional",
        "municipality",
        "cooperative",
    ],
    closed: "Sign-up is closed. Ask the cooperative for an account.",
    approval_needed: "The cooperative approves new accounts before you can sign in.",
    waiting: "Your account was created and is waiting for approval by the cooperative.",
    authorize: "Authorise access",
    app_wants: "This app asks for access to your account:",
    signed_in_as: "signed in as",
    approve: "Allow",
    deny: "Deny",
    code_title: "Authorisation code",
    code_message: "Copy this code and paste it into the app:",
};

impl Lang {
    pub fn auth(self) -> &'static AuthText {
        match self {
            Lang::Nl => &AUTH_NL,
            Lang::En => &AUTH_EN,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pick(v: &str) -> Lang {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, v.parse().unwrap());
        Lang::negotiate(&h)
    }

    #[test]
    fn negotiation() {
        assert_eq!(pick("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(pick("de, en;q=0.5, nl;q=0.8"), Lang::Nl);
        assert_eq!(pick("fr"), Lang::Nl);
        assert_eq!(Lang::negotiate(&HeaderMap::new()), Lang::Nl);
    }
}
