//! Named faults: the failures scenarios can inject by name, each mapped to an error kind
//! (and so, through the dialect, to a code) and to the message the service would send.

use crate::errors::ErrorKind;

/// A failure with a name users can write in a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// Name in scenario files, e.g. `insufficient_balance`.
    pub name: &'static str,
    /// The error it produces.
    pub kind: ErrorKind,
    /// The message sent, when more specific than the kind's default.
    pub message: Option<&'static str>,
}

const fn fault(name: &'static str, kind: ErrorKind) -> Fault {
    Fault { name, kind, message: None }
}

/// Every named fault.
pub const FAULTS: &[Fault] = &[
    fault("insufficient_balance", ErrorKind::InsufficientBalance),
    fault("account_arrears", ErrorKind::AccountArrears),
    fault("account_exception", ErrorKind::AccountException),
    fault("no_permission", ErrorKind::NoPermission),
    fault("content_moderation", ErrorKind::ContentModeration),
    fault("policy_triggered", ErrorKind::PolicyTriggered),
    fault("rate_limited", ErrorKind::RateLimited),
    fault("concurrency_limit", ErrorKind::ConcurrencyLimit),
    fault("ip_whitelist", ErrorKind::IpWhitelist),
    fault("internal_error", ErrorKind::InternalError),
    fault("service_unavailable", ErrorKind::ServiceUnavailable),
    Fault {
        name: "service_busy",
        kind: ErrorKind::ServiceTimeout,
        message: Some("Service busy, please try again later"),
    },
    fault("timeout", ErrorKind::ServiceTimeout),
    fault("invalid_parameter", ErrorKind::InvalidParameter),
    fault("model_not_found", ErrorKind::ResourceNotFound),
    Fault { name: "api_retired", kind: ErrorKind::InvalidParameter, message: Some(crate::history::ENDPOINT_RETIRED) },
    fault("auth_failed", ErrorKind::AuthFailed),
    fault("auth_empty", ErrorKind::AuthEmpty),
    fault("auth_invalid", ErrorKind::AuthInvalid),
    fault("auth_not_yet_valid", ErrorKind::AuthNotYetValid),
    fault("auth_expired", ErrorKind::AuthExpired),
];

/// The fault with this name.
pub fn named(name: &str) -> Option<&'static Fault> {
    FAULTS.iter().find(|f| f.name == name)
}

/// `task_status_msg` of a task that fails its content review after submission. The
/// real wording is not documented.
pub const LATE_MODERATION_MESSAGE: &str = "Failure to pass the risk control system";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::Dialect;

    #[test]
    fn the_seeds_three_errors_map_to_its_codes() {
        let seed = |name| named(name).map(|f| f.kind.wire(Dialect::Seed).code);
        assert_eq!(seed("insufficient_balance"), Some(1002));
        assert_eq!(seed("content_moderation"), Some(2001));
        assert_eq!(seed("service_busy"), Some(5001));
        assert_eq!(named("service_busy").map(|f| f.kind.official().code), Some(5002));
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = FAULTS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FAULTS.len());
    }
}
