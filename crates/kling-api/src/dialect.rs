//! What the seed dialect adds: its paths, and how the official dialect hints at the
//! official form when a seed-shaped request arrives (REFERENCE.md §g).

/// A path the seed reference uses that the official API does not serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedPath {
    /// HTTP method.
    pub method: &'static str,
    /// The seed's path (`{task_id}` marks a parameter).
    pub path: &'static str,
    /// The official form, for the `X-Kling-Mock-Hint` header.
    pub official: &'static str,
    /// The official endpoint the seed dialect routes a create path to.
    pub endpoint: Option<crate::EndpointId>,
}

/// Every seed-only path.
pub const SEED_PATHS: &[SeedPath] = &[
    SeedPath {
        method: "GET",
        path: "/v1/videos/{task_id}",
        official: "GET <create path>/{id}, e.g. GET /v1/videos/text2video/{id}; there is no generic query path",
        endpoint: None,
    },
    SeedPath {
        method: "POST",
        path: "/v1/videos/lipsync",
        official: "POST /v1/videos/lip-sync (body wrapped in input), or POST /v1/videos/identify-face then POST /v1/videos/advanced-lip-sync",
        endpoint: Some(crate::EndpointId::LipSync),
    },
    SeedPath {
        method: "POST",
        path: "/v1/videos/motion/generation",
        official: "POST /v1/videos/motion-control",
        endpoint: Some(crate::EndpointId::MotionControl),
    },
    SeedPath {
        method: "POST",
        path: "/v1/videos/extend",
        official: "POST /v1/videos/video-extend (body: video_id)",
        endpoint: Some(crate::EndpointId::VideoExtend),
    },
];

/// Name of the response header that carries hints.
pub const HINT_HEADER: &str = "x-kling-mock-hint";

impl SeedPath {
    /// Whether `method` and `path` are this seed path (`{...}` matches one segment).
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let pattern = self.path.trim_end_matches('/').split('/');
        let actual = path.trim_end_matches('/').split('/');
        self.method.eq_ignore_ascii_case(method)
            && pattern.clone().count() == actual.clone().count()
            && pattern.zip(actual).all(|(p, a)| (p.starts_with('{') && !a.is_empty()) || p == a)
    }
}

/// The seed path `method path` is, if any.
pub fn seed_path(method: &str, path: &str) -> Option<&'static SeedPath> {
    SEED_PATHS.iter().find(|p| p.matches(method, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_paths_match_by_segment() {
        assert!(seed_path("GET", "/v1/videos/866889456698785798").is_some());
        assert!(seed_path("POST", "/v1/videos/lipsync").is_some());
        assert!(seed_path("GET", "/v1/videos/text2video/123").is_none());
        assert!(seed_path("POST", "/v1/videos/866889456698785798").is_none());
    }
}
