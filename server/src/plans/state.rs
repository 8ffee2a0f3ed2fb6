//! A plan's states and who may move it between them. Every state change of a
//! plan goes through [`check`]; nothing else decides what is allowed.
//!
//! ```text
//! idea ──owners──▶ proposal ──deciders (with reason)──▶ adopted ──owners──▶ in_progress ──owners (results)──▶ done
//!                           └─deciders (with reason)──▶ rejected
//! idea, proposal, adopted, in_progress ──owners──▶ withdrawn
//! ```
//! Owners are the plan's persons, the moderators of its groups here, and
//! the members those moderators named as the plan's editors; following or
//! joining a group makes nobody an owner. Deciders are the moderators of the
//! neighbourhood and the instance's administrators, and never an owner of
//! the plan they decide on.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Idea,
    Proposal,
    Adopted,
    Rejected,
    InProgress,
    Done,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Idea,
        State::Proposal,
        State::Adopted,
        State::Rejected,
        State::InProgress,
        State::Done,
        State::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Idea => "idea",
            State::Proposal => "proposal",
            State::Adopted => "adopted",
            State::Rejected => "rejected",
            State::InProgress => "in_progress",
            State::Done => "done",
            State::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Open plans can still change; decided-against, done and withdrawn ones cannot.
    pub fn is_open(self) -> bool {
        !matches!(self, State::Rejected | State::Done | State::Withdrawn)
    }
}

use crate::i18n::Msg;

/// What the acting person is to the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standing {
    pub owner: bool,
    pub decider: bool,
}

/// Why a step was refused: a step no plan can take (409), a person who may
/// not take it (403), or a step that needs a reason or results (422). `to` is
/// a state, or `progress` for a progress report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoSuchStep {
        from: &'static str,
        to: &'static str,
    },
    /// `who`: `owners` or `deciders`.
    NotYours {
        who: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// The message key of what the note must say.
    NeedsNote(&'static str),
}

/// What a progress report is, where a state would be.
const PROGRESS: &str = "progress";

impl Refusal {
    pub fn msg(&self) -> Msg {
        match *self {
            Refusal::NoSuchStep { from, to: PROGRESS } => {
                msg!("error-progress-not-now").state("from", from)
            }
            Refusal::NoSuchStep { from, to } => msg!("error-plan-no-such-step")
                .state("from", from)
                .state("to", to),
            Refusal::NotYours { to: PROGRESS, .. } => msg!("error-progress-owners-only"),
            Refusal::NotYours { who, from, to } => msg!("error-plan-step-not-yours", who = who)
                .state("from", from)
                .state("to", to),
            Refusal::NeedsNote(key) => Msg::new(key),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.msg().fmt(f)
    }
}

impl std::error::Error for Refusal {}

enum Who {
    Owners,
    Deciders,
}

/// The rule for one step, or `None` when the step does not exist.
fn rule(from: State, to: State) -> Option<(Who, Option<&'static str>)> {
    use State::*;
    match (from, to) {
        (Idea, Proposal) | (Adopted, InProgress) => Some((Who::Owners, None)),
        (Proposal, Adopted) | (Proposal, Rejected) => {
            Some((Who::Deciders, Some("error-decision-needs-reason")))
        }
        (InProgress, Done) => Some((Who::Owners, Some("error-done-needs-results"))),
        (from, Withdrawn) if from.is_open() => Some((Who::Owners, None)),
        _ => None,
    }
}

/// Whether `standing` may move a plan from `from` to `to` with `note`.
pub fn check(from: State, to: State, standing: Standing, note: &str) -> Result<(), Refusal> {
    let (who, needs) = rule(from, to).ok_or(Refusal::NoSuchStep {
        from: from.as_str(),
        to: to.as_str(),
    })?;
    let (allowed, who) = match who {
        Who::Owners => (standing.owner, "owners"),
        Who::Deciders => (standing.decider, "deciders"),
    };
    if !allowed {
        return Err(Refusal::NotYours {
            who,
            from: from.as_str(),
            to: to.as_str(),
        });
    }
    if let Some(message) = needs
        && note.trim().is_empty()
    {
        return Err(Refusal::NeedsNote(message));
    }
    Ok(())
}

/// Progress reports: by owners, while the plan is adopted or in progress.
pub fn check_progress(current: State, standing: Standing, note: &str) -> Result<(), Refusal> {
    if !matches!(current, State::Adopted | State::InProgress) {
        return Err(Refusal::NoSuchStep {
            from: current.as_str(),
            to: PROGRESS,
        });
    }
    if !standing.owner {
        return Err(Refusal::NotYours {
            who: "owners",
            from: current.as_str(),
            to: PROGRESS,
        });
    }
    if note.trim().is_empty() {
        return Err(Refusal::NeedsNote("error-progress-needs-text"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: Standing = Standing {
        owner: true,
        decider: false,
    };
    const DECIDER: Standing = Standing {
        owner: false,
        decider: true,
    };
    const NOBODY: Standing = Standing {
        owner: false,
        decider: false,
    };

    #[test]
    fn every_pair_of_states_has_one_answer() {
        let mut allowed = Vec::new();
        for from in State::ALL {
            for to in State::ALL {
                let any = [OWNER, DECIDER]
                    .into_iter()
                    .any(|s| check(from, to, s, "reden").is_ok());
                if any {
                    allowed.push((from.as_str(), to.as_str()));
                }
                assert!(check(from, to, NOBODY, "reden").is_err());
            }
        }
        assert_eq!(
            allowed,
            vec![
                ("idea", "proposal"),
                ("idea", "withdrawn"),
                ("proposal", "adopted"),
                ("proposal", "rejected"),
                ("proposal", "withdrawn"),
                ("adopted", "in_progress"),
                ("adopted", "withdrawn"),
                ("in_progress", "done"),
                ("in_progress", "withdrawn"),
            ]
        );
    }

    #[test]
    fn decisions_need_deciders_and_a_reason() {
        assert!(matches!(
            check(State::Proposal, State::Adopted, OWNER, "ja"),
            Err(Refusal::NotYours { .. })
        ));
        assert!(matches!(
            check(State::Proposal, State::Adopted, DECIDER, "  "),
            Err(Refusal::NeedsNote(_))
        ));
        assert!(matches!(
            check(State::Done, State::Idea, OWNER, "x"),
            Err(Refusal::NoSuchStep { .. })
        ));
    }
}
