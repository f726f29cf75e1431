//! Account simulation: resource packs with remaining units and a concurrency limit per
//! pack type (REFERENCE.md §f), a cash balance and a test balance (REFERENCE-2026.md
//! §b), and the ledger of deductions the billing exports list.
//!
//! A task reserves its cost and its slots when it is accepted: from its pack when the
//! pack covers it, otherwise in cash at list price, the test balance before the real one
//! (FIDELITY.md). It gives its slots back when it ends; a success turns the reservation
//! into a deduction (one ledger row), a failure gives it back (failed tasks cost `"0"`).
//! Every limit is optional: by default an account has unlimited units and concurrency;
//! an account with a cash balance has no units but those its packs are given.

use std::collections::HashMap;

use kling_api::ErrorKind;
use kling_api::endpoints::PackType;
use kling_api::pricing::{Currency, Money, Units};
use serde::{Deserialize, Serialize};

/// Limits of one pack type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackLimits {
    /// Units in the pack; `None` is unlimited.
    pub units: Option<Units>,
    /// Most running tasks (slots); `None` is unlimited.
    pub concurrency: Option<u32>,
}

/// Limits of every pack type of an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Video generation pack.
    #[serde(default)]
    pub video: PackLimits,
    /// Image generation pack.
    #[serde(default)]
    pub image: PackLimits,
    /// Virtual try-on pack.
    #[serde(default)]
    pub virtual_try_on: PackLimits,
    /// Cash; `None` is an account that pays in units only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash: Option<CashLimits>,
}

/// An account's cash: the balance bought and the test balance granted, in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CashLimits {
    /// The balance (`cash_type: balance`).
    #[serde(default)]
    pub balance: Money,
    /// The test balance (`cash_type: test_balance`), spent first.
    #[serde(default)]
    pub test_balance: Money,
    /// The currency of both.
    #[serde(default)]
    pub currency: Currency,
}

impl std::str::FromStr for CashLimits {
    type Err = String;

    /// Parses `AMOUNT[:CURRENCY]` (`100`, `25.5:CNY`), as `--balance` takes it.
    fn from_str(s: &str) -> Result<CashLimits, String> {
        let (amount, currency) = s.split_once(':').unwrap_or((s, "USD"));
        Ok(CashLimits { balance: amount.parse()?, test_balance: Money::ZERO, currency: currency.parse()? })
    }
}

impl Limits {
    /// The limits of `pack`.
    pub fn of(&self, pack: PackType) -> PackLimits {
        match pack {
            PackType::Video => self.video,
            PackType::Image => self.image,
            PackType::VirtualTryOn => self.virtual_try_on,
        }
    }

    /// Sets the limits of `pack`.
    pub fn set(&mut self, pack: PackType, limits: PackLimits) {
        match pack {
            PackType::Video => self.video = limits,
            PackType::Image => self.image = limits,
            PackType::VirtualTryOn => self.virtual_try_on = limits,
        }
    }
}

/// The live state of one pack type of one account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackState {
    /// Pack type.
    pub pack_type: PackType,
    /// Units at the start; `None` is unlimited.
    pub total: Option<Units>,
    /// Units left; `None` is unlimited.
    pub remaining: Option<Units>,
    /// Units held by running tasks and deducted for succeeded ones.
    pub used: Units,
    /// Units deducted for succeeded tasks (what the billing export counts down from).
    #[serde(default)]
    pub spent: Units,
    /// Slot limit; `None` is unlimited.
    pub concurrency: Option<u32>,
    /// Slots taken by running tasks.
    pub running: u32,
}

impl PackState {
    fn new(pack_type: PackType, limits: PackLimits) -> PackState {
        PackState {
            pack_type,
            total: limits.units,
            remaining: limits.units,
            used: Units::ZERO,
            spent: Units::ZERO,
            concurrency: limits.concurrency,
            running: 0,
        }
    }

    /// `remaining` is always `total - used`, so changing limits or refunding can never
    /// leave more units than the pack holds.
    fn recount(&mut self) {
        self.remaining = self.total.map(|total| total.saturating_sub(self.used));
    }
}

/// One purse of cash: what it started with, what running tasks hold, what was deducted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purse {
    /// At the start.
    pub total: Money,
    /// Held by running tasks.
    pub held: Money,
    /// Deducted for succeeded tasks.
    pub spent: Money,
}

impl Purse {
    fn new(total: Money) -> Purse {
        Purse { total, held: Money::ZERO, spent: Money::ZERO }
    }

    /// What is left to spend.
    pub fn remaining(&self) -> Money {
        self.total.saturating_sub(self.held).saturating_sub(self.spent)
    }
}

/// The live cash of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashState {
    /// Currency.
    pub currency: Currency,
    /// `cash_type: balance`.
    pub balance: Purse,
    /// `cash_type: test_balance`.
    pub test_balance: Purse,
}

/// Which cash a task was paid from (`cash_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CashType {
    /// The balance bought.
    Balance,
    /// The test balance granted.
    TestBalance,
}

impl CashType {
    /// As the API writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            CashType::Balance => "balance",
            CashType::TestBalance => "test_balance",
        }
    }
}

/// How a task is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "charge_type")]
pub enum Payment {
    /// From its resource pack, in units.
    #[default]
    Unit,
    /// In cash at list price (no discount: `quota` = `list_price`).
    Cash {
        /// Which cash.
        cash_type: CashType,
        /// Deducted.
        quota: Money,
        /// List price.
        list_price: Money,
        /// Currency.
        currency: Currency,
    },
}

/// Text of a ledger row: most of it is one of kling-api's static names (product
/// function, model, resolution, sound), so a row made per successful task borrows them
/// instead of allocating; a row read back from the state file owns its text.
pub type RowText = std::borrow::Cow<'static, str>;

/// What a deduction row says about its task (the billing exports' descriptive fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeductionFacts {
    /// Task id.
    pub task_id: u64,
    /// When the task was created (the exports' window filters on it).
    pub created_at: i64,
    /// When it was deducted (the task's success).
    pub deduction_time: i64,
    /// The account's name.
    pub api_key_name: std::sync::Arc<str>,
    /// What the task did (`Text to Video`).
    pub product_function: RowText,
    /// Model.
    pub model_name: RowText,
    /// `720p`, `1080p`, `4k` for videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<RowText>,
    /// Seconds of video, as results write them (`"5.041"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// A reference video was used (videos only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refer_video_input: Option<bool>,
    /// `native`, `original`, `off` (videos only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_sound: Option<RowText>,
    /// Voices were bound (videos only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_control: Option<bool>,
}

/// One deduction: a unit row of a pack, or a cash row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Deducted {
    /// From a pack.
    Unit {
        /// The pack.
        pack: PackType,
        /// Units before, `None` for an unlimited pack.
        before: Option<Units>,
        /// Units deducted.
        amount: Units,
    },
    /// From cash.
    Cash {
        /// Which cash.
        cash_type: CashType,
        /// Currency.
        currency: Currency,
        /// Before.
        before: Money,
        /// Deducted.
        amount: Money,
        /// List price.
        list_price: Money,
    },
}

/// A ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    /// Position in the account's ledger (newest is highest).
    pub seq: u64,
    /// The task.
    #[serde(flatten)]
    pub facts: DeductionFacts,
    /// What was deducted, from what.
    pub deducted: Deducted,
}

/// The most ledger rows an account keeps; the oldest go first (like evicted tasks). The
/// engine keeps no more rows than the store keeps tasks ([`AccountState::trim_ledger`]).
pub const LEDGER_CAPACITY: usize = 100_000;

/// An account's packs, cash and ledger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountState {
    /// One entry per pack type.
    pub packs: Vec<PackState>,
    /// Cash, when the account has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash: Option<CashState>,
    /// Deductions, oldest first.
    #[serde(default, skip_serializing_if = "std::collections::VecDeque::is_empty")]
    pub ledger: std::collections::VecDeque<Deduction>,
    /// The next ledger row's `seq`.
    #[serde(default)]
    pub next_seq: u64,
}

const PACK_TYPES: [PackType; 3] = [PackType::Video, PackType::Image, PackType::VirtualTryOn];

impl AccountState {
    /// Fresh packs and cash with `limits`.
    pub fn new(limits: &Limits) -> AccountState {
        AccountState {
            packs: PACK_TYPES.iter().map(|t| PackState::new(*t, limits.of(*t))).collect(),
            cash: limits.cash.map(|cash| CashState {
                currency: cash.currency,
                balance: Purse::new(cash.balance),
                test_balance: Purse::new(cash.test_balance),
            }),
            ledger: std::collections::VecDeque::new(),
            next_seq: 0,
        }
    }

    fn pack_mut(&mut self, pack: PackType) -> Option<&mut PackState> {
        self.packs.iter_mut().find(|p| p.pack_type == pack)
    }

    /// The pack of `pack` type.
    pub fn pack(&self, pack: PackType) -> Option<&PackState> {
        self.packs.iter().find(|p| p.pack_type == pack)
    }

    /// Reserves `cost` units of `pack` (or their list price in cash, `list_price` of the
    /// account's currency) and `slots` slots, or says which limit forbids it: the
    /// balance is checked before concurrency.
    pub fn reserve(
        &mut self,
        pack: PackType,
        cost: Units,
        slots: u32,
        list_price: impl Fn(Currency) -> Money,
    ) -> Result<Payment, ErrorKind> {
        let cash = self.cash;
        let Some(state) = self.pack_mut(pack) else { return Ok(Payment::Unit) };
        let pack_covers = match state.remaining {
            Some(left) => left >= cost,
            None => cash.is_none() || cost == Units::ZERO,
        };
        let payment = if pack_covers {
            Payment::Unit
        } else {
            let cash = cash.ok_or(ErrorKind::InsufficientBalance)?;
            let price = list_price(cash.currency);
            let cash_type = if cash.test_balance.remaining() >= price {
                CashType::TestBalance
            } else if cash.balance.remaining() >= price {
                CashType::Balance
            } else {
                return Err(ErrorKind::InsufficientBalance);
            };
            Payment::Cash { cash_type, quota: price, list_price: price, currency: cash.currency }
        };
        if state.concurrency.is_some_and(|limit| state.running.saturating_add(slots) > limit) {
            return Err(ErrorKind::ConcurrencyLimit);
        }
        state.running = state.running.saturating_add(slots);
        match payment {
            Payment::Unit => {
                state.used = state.used.saturating_add(cost);
                state.recount();
            }
            Payment::Cash { cash_type, quota, .. } => {
                if let Some(purse) = self.purse_mut(cash_type) {
                    purse.held = purse.held.saturating_add(quota);
                }
            }
        }
        Ok(payment)
    }

    fn purse_mut(&mut self, cash_type: CashType) -> Option<&mut Purse> {
        let cash = self.cash.as_mut()?;
        Some(match cash_type {
            CashType::Balance => &mut cash.balance,
            CashType::TestBalance => &mut cash.test_balance,
        })
    }

    /// Gives back the slots of an ended task; turns its reservation into a deduction
    /// (a ledger row with `facts`) when it succeeded, gives it back when it failed.
    pub fn finish(
        &mut self,
        pack: PackType,
        cost: Units,
        payment: Payment,
        slots: u32,
        succeeded: Option<DeductionFacts>,
    ) {
        let Some(state) = self.pack_mut(pack) else { return };
        state.running = state.running.saturating_sub(slots);
        let deducted = match (payment, succeeded.is_some()) {
            (Payment::Unit, true) => {
                let before = state.total.map(|total| total.saturating_sub(state.spent));
                state.spent = state.spent.saturating_add(cost);
                Some(Deducted::Unit { pack, before, amount: cost })
            }
            (Payment::Unit, false) => {
                state.used = state.used.saturating_sub(cost);
                None
            }
            (Payment::Cash { cash_type, quota, list_price, currency }, ok) => {
                let purse = self.purse_mut(cash_type);
                let Some(purse) = purse else { return };
                purse.held = purse.held.saturating_sub(quota);
                ok.then(|| {
                    let before = purse.total.saturating_sub(purse.spent);
                    purse.spent = purse.spent.saturating_add(quota);
                    Deducted::Cash { cash_type, currency, before, amount: quota, list_price }
                })
            }
        };
        if let Some(state) = self.pack_mut(pack) {
            state.recount();
        }
        if let (Some(deducted), Some(facts)) = (deducted, succeeded) {
            // A free task (a deletion, a zero-priced call) is no deduction.
            let free = matches!(deducted, Deducted::Unit { amount: Units::ZERO, .. });
            if !free {
                let seq = self.next_seq;
                self.next_seq = seq.saturating_add(1);
                if self.ledger.len() >= LEDGER_CAPACITY {
                    self.ledger.pop_front();
                }
                self.ledger.push_back(Deduction { seq, facts, deducted });
            }
        }
    }

    /// Drops the oldest rows beyond `rows`: an account's ledger holds at most as many
    /// deductions as the store holds tasks (`--task-capacity`), so memory stays bounded by
    /// the one setting users size.
    pub fn trim_ledger(&mut self, rows: usize) {
        while self.ledger.len() > rows {
            self.ledger.pop_front();
        }
    }

    /// Replaces the limits of `pack`. What running tasks hold and what was already
    /// charged stay: the remaining units are the new total minus the units used.
    pub fn set_limits(&mut self, pack: PackType, limits: PackLimits) {
        if let Some(state) = self.pack_mut(pack) {
            state.total = limits.units;
            state.concurrency = limits.concurrency;
            state.recount();
        }
    }

    /// Replaces the account's cash: what is held and spent stays, against the new totals.
    pub fn set_cash(&mut self, cash: Option<CashLimits>) {
        self.cash = cash.map(|cash| {
            let (balance, test) =
                self.cash.map_or((Purse::default(), Purse::default()), |c| (c.balance, c.test_balance));
            CashState {
                currency: cash.currency,
                balance: Purse { total: cash.balance, ..balance },
                test_balance: Purse { total: cash.test_balance, ..test },
            }
        });
    }
}

/// The id `/account/costs` and the unit export give an account's pack.
pub fn pack_id(account: crate::auth::AccountId, pack: PackType) -> String {
    format!("{:016x}{:016x}", crate::ids::mix(u64::from(account.0)), crate::ids::mix(pack as u64 + 1))
}

/// The name `/account/costs` and the unit export give a pack of `total` units.
pub fn pack_name(pack: PackType, total: Option<Units>) -> String {
    let kind = match pack {
        PackType::Video => "Video Generation",
        PackType::Image => "Image Generation",
        PackType::VirtualTryOn => "Virtual Try-On",
    };
    match total {
        Some(total) => format!("{kind} - {total} units"),
        None => format!("{kind} - unlimited"),
    }
}

/// Limits per account: a default for every account and overrides by access key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Applies to every account without an override.
    #[serde(default)]
    pub default: Limits,
    /// Overrides by access key.
    #[serde(default)]
    pub accounts: HashMap<String, Limits>,
}

impl LimitsConfig {
    /// The limits of the account with `access_key`.
    pub fn for_account(&self, access_key: &str) -> Limits {
        self.accounts.get(access_key).copied().unwrap_or(self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(_: Currency) -> Money {
        Money::ZERO
    }

    fn facts() -> DeductionFacts {
        DeductionFacts {
            task_id: 1,
            created_at: 0,
            deduction_time: 1,
            api_key_name: "ak".into(),
            product_function: "Text to Video".into(),
            model_name: "kling-v3".into(),
            resolution: None,
            duration: None,
            refer_video_input: None,
            video_sound: None,
            voice_control: None,
        }
    }

    #[test]
    fn cash_pays_when_the_pack_cannot_test_balance_first() {
        let cash = CashLimits { balance: Money(5000), test_balance: Money(5000), currency: Currency::Usd };
        let limits = Limits { cash: Some(cash), ..Limits::default() };
        let mut account = AccountState::new(&limits);
        let price = |_: Currency| Money(4200);
        let first = account.reserve(PackType::Video, Units(3000), 1, price);
        assert!(matches!(first, Ok(Payment::Cash { cash_type: CashType::TestBalance, .. })), "{first:?}");
        let second = account.reserve(PackType::Video, Units(3000), 1, price);
        assert!(matches!(second, Ok(Payment::Cash { cash_type: CashType::Balance, .. })), "{second:?}");
        assert_eq!(account.reserve(PackType::Video, Units(3000), 1, price), Err(ErrorKind::InsufficientBalance));
        if let Ok(paid) = second {
            account.finish(PackType::Video, Units(3000), paid, 1, Some(facts()));
        }
        let row = account.ledger.back().map(|d| d.deducted.clone());
        assert_eq!(
            row,
            Some(Deducted::Cash {
                cash_type: CashType::Balance,
                currency: Currency::Usd,
                before: Money(5000),
                amount: Money(4200),
                list_price: Money(4200)
            })
        );
        assert_eq!(account.cash.map(|c| c.balance.remaining()), Some(Money(800)));
        if let Ok(paid) = first {
            account.finish(PackType::Video, Units(3000), paid, 1, None);
        }
        assert_eq!(account.cash.map(|c| c.test_balance.remaining()), Some(Money(5000)), "a failure gives it back");
    }

    #[test]
    fn balance_and_concurrency_are_reserved_and_released() {
        let limits =
            Limits { video: PackLimits { units: Some(Units::whole(300)), concurrency: Some(1) }, ..Limits::default() };
        let mut account = AccountState::new(&limits);
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1, free), Ok(Payment::Unit));
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1, free), Err(ErrorKind::ConcurrencyLimit));
        account.finish(PackType::Video, Units::whole(150), Payment::Unit, 1, None);
        assert_eq!(
            account.pack(PackType::Video).and_then(|p| p.remaining),
            Some(Units::whole(300)),
            "failed tasks are refunded"
        );
        assert_eq!(account.reserve(PackType::Video, Units::whole(200), 1, free), Ok(Payment::Unit));
        account.finish(PackType::Video, Units::whole(200), Payment::Unit, 1, Some(facts()));
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1, free), Err(ErrorKind::InsufficientBalance));
        assert_eq!(
            account.reserve(PackType::Image, Units::whole(10_000), 9, free),
            Ok(Payment::Unit),
            "other packs are unlimited"
        );
    }

    #[test]
    fn changing_limits_keeps_what_was_used_and_refunds_never_overflow() {
        let limits =
            Limits { video: PackLimits { units: Some(Units::whole(1000)), concurrency: None }, ..Limits::default() };
        let mut account = AccountState::new(&limits);
        assert_eq!(account.reserve(PackType::Video, Units::whole(150), 1, free), Ok(Payment::Unit));
        account.set_limits(PackType::Video, PackLimits { units: Some(Units::whole(300)), concurrency: Some(2) });
        assert_eq!(account.pack(PackType::Video).and_then(|p| p.remaining), Some(Units::whole(150)));
        account.finish(PackType::Video, Units::whole(150), Payment::Unit, 1, None);
        assert_eq!(account.pack(PackType::Video).and_then(|p| p.remaining), Some(Units::whole(300)));
        assert_eq!(account.pack(PackType::Video).map(|p| p.running), Some(0));
    }
}
