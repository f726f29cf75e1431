//! The error catalogue: every failure the API can report, with its wire form per dialect.
//!
//! The official table (REFERENCE.md §e) pairs each code with an HTTP status. The seed
//! dialect collapses several official codes into its five categories (§g); both live here
//! so that the emulator, the client and the contract kit classify errors the same way.

use serde::{Deserialize, Serialize};

/// Which error vocabulary the emulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// The official API: official paths, codes and HTTP statuses.
    #[default]
    Official,
    /// The team's seed reference: its extra paths and its five error codes.
    Seed,
}

/// A failure the API can report, independent of dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 1000: authentication failed for a reason not covered below.
    AuthFailed,
    /// 1001: the Authorization header is missing or empty.
    AuthEmpty,
    /// 1002: the token is malformed, badly signed, uses another algorithm or names an unknown key.
    AuthInvalid,
    /// 1003: the token's `nbf` is in the future.
    AuthNotYetValid,
    /// 1004: the token's `exp` has passed.
    AuthExpired,
    /// 1100: the account is in an abnormal state.
    AccountException,
    /// 1101: a postpaid account is in arrears.
    AccountArrears,
    /// 1102: the prepaid resource pack is depleted or expired.
    InsufficientBalance,
    /// 1103: no permission for the requested API or model.
    NoPermission,
    /// 1200: the request could not be read as a request (body, content type).
    InvalidRequest,
    /// 1201: a parameter is wrong (bad key or illegal value).
    InvalidParameter,
    /// 1202: the method is not allowed on this path.
    InvalidMethod,
    /// 1203: the requested resource (path, task, model) does not exist.
    ResourceNotFound,
    /// 1300: a platform policy was triggered.
    PolicyTriggered,
    /// 1301: the content security policy rejected the input.
    ContentModeration,
    /// 1302: requests arrive faster than the platform allows.
    RateLimited,
    /// 1303: more running tasks than the resource pack allows.
    ConcurrencyLimit,
    /// 1304: the IP whitelist policy rejected the caller.
    IpWhitelist,
    /// 5000: server internal error.
    InternalError,
    /// 5001: temporarily unavailable (maintenance).
    ServiceUnavailable,
    /// 5002: internal timeout (backlog).
    ServiceTimeout,
}

/// How an error appears on the wire: HTTP status, service code and default message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireError {
    /// HTTP status code.
    pub http: u16,
    /// The envelope's `code`.
    pub code: u32,
    /// The message used when nothing more specific is known.
    pub message: &'static str,
}

impl ErrorKind {
    /// Every kind, in code order.
    pub const ALL: [ErrorKind; 21] = [
        ErrorKind::AuthFailed,
        ErrorKind::AuthEmpty,
        ErrorKind::AuthInvalid,
        ErrorKind::AuthNotYetValid,
        ErrorKind::AuthExpired,
        ErrorKind::AccountException,
        ErrorKind::AccountArrears,
        ErrorKind::InsufficientBalance,
        ErrorKind::NoPermission,
        ErrorKind::InvalidRequest,
        ErrorKind::InvalidParameter,
        ErrorKind::InvalidMethod,
        ErrorKind::ResourceNotFound,
        ErrorKind::PolicyTriggered,
        ErrorKind::ContentModeration,
        ErrorKind::RateLimited,
        ErrorKind::ConcurrencyLimit,
        ErrorKind::IpWhitelist,
        ErrorKind::InternalError,
        ErrorKind::ServiceUnavailable,
        ErrorKind::ServiceTimeout,
    ];

    /// The official wire form (REFERENCE.md §e). Messages are short English texts; the
    /// only documented real one is 1303's.
    pub const fn official(self) -> WireError {
        let (http, code, message) = match self {
            ErrorKind::AuthFailed => (401, 1000, "Authentication failed"),
            ErrorKind::AuthEmpty => (401, 1001, "Authorization is empty"),
            ErrorKind::AuthInvalid => (401, 1002, "Authorization is invalid"),
            ErrorKind::AuthNotYetValid => (401, 1003, "Authorization is not yet valid"),
            ErrorKind::AuthExpired => (401, 1004, "Authorization has expired"),
            ErrorKind::AccountException => (429, 1100, "Account exception"),
            ErrorKind::AccountArrears => (429, 1101, "Account is in arrears"),
            ErrorKind::InsufficientBalance => (429, 1102, "Account balance not enough"),
            ErrorKind::NoPermission => (403, 1103, "No permission for the requested resource"),
            ErrorKind::InvalidRequest => (400, 1200, "Invalid request parameters"),
            ErrorKind::InvalidParameter => (400, 1201, "Invalid parameter"),
            ErrorKind::InvalidMethod => (404, 1202, "Invalid request method"),
            ErrorKind::ResourceNotFound => (404, 1203, "Requested resource does not exist"),
            ErrorKind::PolicyTriggered => (400, 1300, "Platform policy triggered"),
            ErrorKind::ContentModeration => (400, 1301, "Content security policy triggered"),
            ErrorKind::RateLimited => (429, 1302, "Request rate exceeds the platform limit"),
            ErrorKind::ConcurrencyLimit => (429, 1303, "parallel task over resource pack limit"),
            ErrorKind::IpWhitelist => (429, 1304, "IP whitelist policy triggered"),
            ErrorKind::InternalError => (500, 5000, "Server internal error"),
            ErrorKind::ServiceUnavailable => (503, 5001, "Service temporarily unavailable"),
            ErrorKind::ServiceTimeout => (504, 5002, "Server internal timeout"),
        };
        WireError { http, code, message }
    }

    /// The seed dialect's wire form: its five categories replace the official codes they
    /// cover (REFERENCE.md §g); everything else keeps its official form. The seed gives no
    /// HTTP statuses: each category keeps the official status of its meaning, except that
    /// "service busy" is 503, the official status of code 5001.
    pub const fn seed(self) -> WireError {
        let official = self.official();
        let (code, message) = match self {
            ErrorKind::AuthFailed
            | ErrorKind::AuthEmpty
            | ErrorKind::AuthInvalid
            | ErrorKind::AuthNotYetValid
            | ErrorKind::AuthExpired => (1001, "authentication failed"),
            ErrorKind::AccountArrears | ErrorKind::InsufficientBalance => (1002, "insufficient balance"),
            ErrorKind::InvalidRequest | ErrorKind::InvalidParameter => (1003, "parameter error"),
            ErrorKind::ContentModeration => (2001, "content moderation rejected"),
            ErrorKind::ServiceUnavailable | ErrorKind::ServiceTimeout => (5001, "service busy"),
            _ => return official,
        };
        let http = if code == 5001 { 503 } else { official.http };
        WireError { http, code, message }
    }

    /// The wire form in `dialect`.
    pub const fn wire(self, dialect: Dialect) -> WireError {
        match dialect {
            Dialect::Official => self.official(),
            Dialect::Seed => self.seed(),
        }
    }

    /// The kind a code stands for in `dialect`: the seed's five codes first, then the
    /// official table.
    pub fn from_code(code: u32, dialect: Dialect) -> Option<ErrorKind> {
        let seed = match (dialect, code) {
            (Dialect::Seed, 1001) => Some(ErrorKind::AuthFailed),
            (Dialect::Seed, 1002) => Some(ErrorKind::InsufficientBalance),
            (Dialect::Seed, 1003) => Some(ErrorKind::InvalidParameter),
            (Dialect::Seed, 2001) => Some(ErrorKind::ContentModeration),
            (Dialect::Seed, 5001) => Some(ErrorKind::ServiceUnavailable),
            _ => None,
        };
        seed.or_else(|| ErrorKind::from_official_code(code))
    }

    /// The kind an official code stands for.
    pub fn from_official_code(code: u32) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.official().code == code)
    }

    /// Whether a client may retry the same request later (official guidance: 1302, 1303
    /// and the 5xxx family).
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited
                | ErrorKind::ConcurrencyLimit
                | ErrorKind::InternalError
                | ErrorKind::ServiceUnavailable
                | ErrorKind::ServiceTimeout
        )
    }

    /// Whether the failure is about credentials or the token.
    pub const fn is_auth(self) -> bool {
        matches!(
            self,
            ErrorKind::AuthFailed
                | ErrorKind::AuthEmpty
                | ErrorKind::AuthInvalid
                | ErrorKind::AuthNotYetValid
                | ErrorKind::AuthExpired
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_codes_are_unique_and_round_trip() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_official_code(kind.official().code), Some(kind));
        }
    }

    #[test]
    fn seed_dialect_uses_the_seed_codes() {
        assert_eq!(ErrorKind::AuthExpired.seed().code, 1001);
        assert_eq!(ErrorKind::InsufficientBalance.seed().code, 1002);
        assert_eq!(ErrorKind::InvalidParameter.seed().code, 1003);
        assert_eq!(ErrorKind::ContentModeration.seed().code, 2001);
        assert_eq!(ErrorKind::ServiceUnavailable.seed().code, 5001);
        assert_eq!(ErrorKind::ConcurrencyLimit.seed(), ErrorKind::ConcurrencyLimit.official());
    }
}
