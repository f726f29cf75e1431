//! Result media: small real files from `fixtures/media`, compiled into the binary and
//! served under `/media/...` so that result URLs really download.
//!
//! Video URLs name their length, `/media/videos/{N}s/{video_id}.mp4`, so the route needs
//! no lookup: the emulator serves the fixture of that length (3 to 15 s) whatever the id.
//! The `duration` a task reports is read from the fixture's own MP4 header at start-up,
//! so a client that checks the file against the task sees them agree.

use std::io::Cursor;
use std::time::Duration;

/// One embedded video fixture.
#[derive(Debug, Clone, Copy)]
pub struct VideoFixture {
    /// Nominal length in whole seconds.
    pub seconds: u32,
    /// The MP4 bytes.
    pub bytes: &'static [u8],
    /// Exact container duration.
    pub duration: Duration,
}

impl VideoFixture {
    /// The duration as the API writes it: seconds with three decimals, e.g. `"5.041"`.
    pub fn duration_text(&self) -> String {
        format!("{:.3}", self.duration.as_secs_f64())
    }
}

macro_rules! videos {
    ($($n:literal),*) => {
        &[$(($n, include_bytes!(concat!("../../../fixtures/media/video-", $n, "s.mp4")))),*]
    };
}

const VIDEOS: &[(u32, &[u8])] = videos!(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

/// The media library, with every fixture's duration read once.
#[derive(Debug)]
pub struct Media {
    videos: Vec<VideoFixture>,
}

/// A fixture could not be read at start-up (a broken build, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("video fixture of {seconds} s is not a readable MP4: {source}")]
pub struct FixtureError {
    seconds: u32,
    #[source]
    source: mp4::Error,
}

impl Media {
    /// Reads the embedded fixtures.
    pub fn load() -> Result<Media, FixtureError> {
        let videos = VIDEOS
            .iter()
            .map(|&(seconds, bytes)| {
                let reader = mp4::Mp4Reader::read_header(Cursor::new(bytes), bytes.len() as u64)
                    .map_err(|source| FixtureError { seconds, source })?;
                Ok(VideoFixture { seconds, bytes, duration: reader.duration() })
            })
            .collect::<Result<Vec<_>, FixtureError>>()?;
        Ok(Media { videos })
    }

    /// The fixture closest to `seconds`.
    pub fn video(&self, seconds: u32) -> &VideoFixture {
        self.videos
            .iter()
            .min_by_key(|v| v.seconds.abs_diff(seconds))
            .unwrap_or_else(|| unreachable!("VIDEOS is a non-empty constant"))
    }

    /// The fixture with exactly `seconds`, if any.
    pub fn exact_video(&self, seconds: u32) -> Option<&VideoFixture> {
        self.videos.iter().find(|v| v.seconds == seconds)
    }
}

/// Path of a video under the media route.
pub fn video_path(seconds: u32, video_id: &str, watermark: bool) -> String {
    let suffix = if watermark { "-watermark" } else { "" };
    format!("/media/videos/{seconds}s/{video_id}{suffix}.mp4")
}

/// Parses the `{N}s` and `{id}[-watermark].mp4` segments of a video path.
pub fn parse_video_path(length: &str, file: &str) -> Option<u32> {
    let seconds = length.strip_suffix('s')?.parse().ok()?;
    let stem = file.strip_suffix(".mp4")?;
    let id = stem.strip_suffix("-watermark").unwrap_or(stem);
    uuid::Uuid::try_parse(id).ok()?;
    Some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_real_mp4s_of_their_length() {
        let media = Media::load().expect("fixtures load");
        for n in 3..=15 {
            let video = media.exact_video(n).expect("fixture exists");
            let seconds = video.duration.as_secs_f64();
            assert!((seconds - f64::from(n)).abs() < 0.2, "{n}s fixture lasts {seconds}");
        }
        assert_eq!(media.video(40).seconds, 15);
    }

    #[test]
    fn video_paths_round_trip_and_reject_tricks() {
        let id = "0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11";
        let path = video_path(5, id, true);
        let mut parts = path.rsplit('/');
        let file = parts.next().unwrap_or_default();
        let length = parts.next().unwrap_or_default();
        assert_eq!(parse_video_path(length, file), Some(5));
        assert_eq!(parse_video_path("5s", "../../etc/passwd"), None);
        assert_eq!(parse_video_path("..", "x.mp4"), None);
    }
}
