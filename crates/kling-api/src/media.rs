//! Where the emulator serves result files, as a pattern other crates can read: a URL
//! that points at an emulator video says how long that video is, so endpoints whose
//! output "follows the input video" can know its length without fetching anything.

/// Path prefix of result videos: `/media/videos/{N}s/{id}.mp4` (N in milliseconds-free
/// seconds) or `/media/videos/{N}ms/{id}.mp4` for lengths that are not whole seconds.
pub const VIDEO_PREFIX: &str = "/media/videos/";

/// The length in milliseconds encoded in an emulator video path segment (`5s`, `9300ms`).
pub fn parse_length(segment: &str) -> Option<u64> {
    if let Some(ms) = segment.strip_suffix("ms") {
        return ms.parse().ok().filter(|ms| *ms > 0);
    }
    segment.strip_suffix('s')?.parse::<u64>().ok().filter(|s| *s > 0).map(|s| s * 1000)
}

/// The segment that encodes `ms`.
pub fn length_segment(ms: u64) -> String {
    if ms.is_multiple_of(1000) { format!("{}s", ms / 1000) } else { format!("{ms}ms") }
}

/// Path prefix of result audios: `/media/audios/{length}/{id}.mp3` or `.wav`.
pub const AUDIO_PREFIX: &str = "/media/audios/";

/// The length in milliseconds of the video at `url`, when it is an emulator result URL.
pub fn emulator_video_ms(url: &str) -> Option<u64> {
    emulator_media_ms(url, VIDEO_PREFIX)
}

/// The length in milliseconds of the audio at `url`, when it is an emulator result URL.
pub fn emulator_audio_ms(url: &str) -> Option<u64> {
    emulator_media_ms(url, AUDIO_PREFIX)
}

fn emulator_media_ms(url: &str, prefix: &str) -> Option<u64> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let rest = path.strip_prefix(prefix)?;
    parse_length(rest.split('/').next()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_trip_and_urls_are_read() {
        assert_eq!(parse_length(&length_segment(5000)), Some(5000));
        assert_eq!(parse_length(&length_segment(9300)), Some(9300));
        assert_eq!(emulator_video_ms("http://127.0.0.1:8088/media/videos/10s/x.mp4"), Some(10_000));
        assert_eq!(emulator_video_ms("https://cdn.example.com/media/videos/x.mp4"), None);
        assert_eq!(parse_length("0s"), None);
        assert_eq!(emulator_audio_ms("http://h/media/audios/3500ms/x.mp3"), Some(3500));
        assert_eq!(emulator_audio_ms("http://h/media/videos/5s/x.mp4"), None);
    }
}
