//! Our ActivityPub face, above every domain: the documents we serve
//! (actors, their collections, WebFinger) and what each verified inbound
//! activity does (`receive.rs`, dispatching to the domains' services). The
//! engine below (`crate::federation`) checks, journals and delivers.

pub mod actors;
pub mod receive;
pub mod webfinger;
