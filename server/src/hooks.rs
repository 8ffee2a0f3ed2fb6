//! How a lower domain tells a higher one about a change, or asks it to add
//! to something, without importing it: the higher domain registers a
//! function (in `app::wire`), and the lower one calls every registered
//! function. Change hooks run inside the change's transaction, so what they
//! write commits or rolls back with the change.

use std::future::Future;
use std::pin::Pin;
use std::sync::RwLock;

use sea_orm::DatabaseTransaction;

use crate::config::Config;
use crate::error::AppError;

/// What a hook returns: the work it does inside the transaction.
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

/// A registered hook for changes of type `E`, run inside their transaction.
pub type Hook<E> = for<'a> fn(&'a DatabaseTransaction, &'a Config, &'a E) -> HookFuture<'a>;

/// The hooks of one kind (function pointers of type `H`). Registration
/// happens once at start; hooks are code, not state, so several instances
/// in one process share them.
pub struct Hooks<H: Copy + 'static> {
    list: RwLock<Vec<(&'static str, H)>>,
}

impl<H: Copy + 'static> Hooks<H> {
    pub const fn new() -> Self {
        Hooks {
            list: RwLock::new(Vec::new()),
        }
    }

    /// Registers `hook` under `name`; a name registered before is kept once.
    pub fn register(&self, name: &'static str, hook: H) {
        let mut list = match self.list.write() {
            Ok(list) => list,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !list.iter().any(|(n, _)| *n == name) {
            list.push((name, hook));
        }
    }

    /// The hook registered under `name`, if any.
    pub fn get(&self, name: &str) -> Option<H> {
        let find =
            |list: &Vec<(&'static str, H)>| list.iter().find(|(n, _)| *n == name).map(|(_, h)| *h);
        match self.list.read() {
            Ok(list) => find(&list),
            Err(poisoned) => find(&poisoned.into_inner()),
        }
    }

    /// Every registered hook, in registration order.
    pub fn all(&self) -> Vec<H> {
        match self.list.read() {
            Ok(list) => list.iter().map(|(_, h)| *h).collect(),
            Err(poisoned) => poisoned.into_inner().iter().map(|(_, h)| *h).collect(),
        }
    }
}

impl<E: 'static> Hooks<Hook<E>> {
    /// Runs every hook on `event`, in registration order; the first error
    /// fails the change.
    pub async fn emit(
        &self,
        txn: &DatabaseTransaction,
        config: &Config,
        event: &E,
    ) -> Result<(), AppError> {
        for hook in self.all() {
            hook(txn, config, event).await?;
        }
        Ok(())
    }
}

impl<H: Copy + 'static> Default for Hooks<H> {
    fn default() -> Self {
        Self::new()
    }
}
