//! The ready-made scenarios of the repository's `scenarios/` folder, compiled in: `--scenario
//! moderation` and the admin API find them by name wherever the binary runs (an installed
//! Python wheel has no checkout to read them from).

/// `(name, TOML text)`, the name being the file's stem.
pub const READY_MADE: &[(&str, &str)] = &[
    ("balance-runs-out", include_str!("../../../../scenarios/balance-runs-out.toml")),
    ("concurrency-2", include_str!("../../../../scenarios/concurrency-2.toml")),
    ("flaky", include_str!("../../../../scenarios/flaky.toml")),
    ("hold-and-release", include_str!("../../../../scenarios/hold-and-release.toml")),
    ("instant", include_str!("../../../../scenarios/instant.toml")),
    ("late-failure", include_str!("../../../../scenarios/late-failure.toml")),
    ("moderation", include_str!("../../../../scenarios/moderation.toml")),
    ("network-chaos", include_str!("../../../../scenarios/network-chaos.toml")),
    ("retired-multi-image2video", include_str!("../../../../scenarios/retired-multi-image2video.toml")),
    ("seed-errors", include_str!("../../../../scenarios/seed-errors.toml")),
    ("slow-pro", include_str!("../../../../scenarios/slow-pro.toml")),
    ("storm-30s", include_str!("../../../../scenarios/storm-30s.toml")),
    ("storm-5001", include_str!("../../../../scenarios/storm-5001.toml")),
];

/// The ready-made scenario called `name` (with or without `.toml`).
pub fn named(name: &str) -> Option<&'static str> {
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    READY_MADE.iter().find(|(n, _)| *n == stem).map(|(_, text)| *text)
}

/// The names, for error messages and the admin API.
pub fn names() -> Vec<&'static str> {
    READY_MADE.iter().map(|(n, _)| *n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of `scenarios/` is compiled in, and every one parses.
    #[test]
    fn the_folder_and_the_list_agree_and_every_scenario_parses() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let mut files: Vec<String> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".toml").map(str::to_owned))
            .collect();
        files.sort();
        assert_eq!(files, names());
        for (name, text) in READY_MADE {
            crate::scenario::parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(named("moderation.toml").is_some() && named("no-such").is_none());
        let by_name = crate::scenario::load(std::path::Path::new("moderation"));
        assert!(by_name.is_ok_and(|s| !s.rules.is_empty()));
        let unknown = crate::scenario::load(std::path::Path::new("no-such-scenario")).err().map(|e| e.to_string());
        assert!(unknown.is_some_and(|m| m.contains("ready-made scenario: balance-runs-out")), "names the choices");
    }
}
