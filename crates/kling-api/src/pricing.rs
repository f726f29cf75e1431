//! What a task costs, in the units `final_unit_deduction` reports.
//!
//! The official docs publish no unit table for the legacy API. The emulator uses the
//! seed reference's credit ranges per endpoint (SEED-REFERENCE.md §2): `std` costs the low
//! end, `pro` the high end, for each started 5 seconds of output. FIDELITY.md records
//! this choice; the real service reports much smaller unit counts (PROBE saw `"3"`).

use crate::endpoints::EndpointId;

/// The seed's credit range `(low, high)` for an endpoint.
pub const fn seed_credit_range(endpoint: EndpointId) -> (u32, u32) {
    match endpoint {
        EndpointId::Text2Video => (150, 300),
        EndpointId::Image2Video => (80, 150),
    }
}

/// Units charged for a task of `endpoint` in `mode` producing `duration_s` seconds.
pub fn unit_cost(endpoint: EndpointId, mode: Option<&str>, duration_s: u32) -> u32 {
    let (low, high) = seed_credit_range(endpoint);
    let per_five_seconds = if mode == Some("pro") { high } else { low };
    per_five_seconds * duration_s.div_ceil(5).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pro_and_longer_cost_more() {
        assert_eq!(unit_cost(EndpointId::Text2Video, Some("std"), 5), 150);
        assert_eq!(unit_cost(EndpointId::Text2Video, Some("pro"), 5), 300);
        assert_eq!(unit_cost(EndpointId::Text2Video, Some("std"), 10), 300);
        assert_eq!(unit_cost(EndpointId::Image2Video, None, 3), 80);
    }
}
