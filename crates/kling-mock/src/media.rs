//! Result media: small real files from `fixtures/media`, compiled into the binary and
//! served under `/media/...` so that result URLs really download.
//!
//! Video URLs name their length, `/media/videos/{5s|9300ms}/{id}.mp4`, so the route needs
//! no lookup and other endpoints can tell the length of a video they are given. Whole
//! lengths of 3 to 15 s are ffmpeg-made fixtures; any other length (an extended video,
//! a lip-synced clip) is muxed on demand from one keyframe of a fixture, repeated once a
//! second, with the `mp4` crate. The `duration` a task reports is read from the file's own
//! header, so a client that checks the file against the task sees them agree.

use std::collections::HashMap;
use std::io::Cursor;
use std::time::Duration;

use axum::body::Bytes;
use kling_api::media::{VIDEO_PREFIX, length_segment, parse_length};
use parking_lot::Mutex;

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

macro_rules! videos {
    ($($n:literal),*) => {
        &[$(($n, include_bytes!(concat!("../../../fixtures/media/video-", $n, "s.mp4")))),*]
    };
}

const VIDEOS: &[(u32, &[u8])] = videos!(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
/// The result image (PNG, 1024x1024).
pub const IMAGE: &[u8] = include_bytes!("../../../fixtures/media/image.png");
/// Most synthesized videos kept in memory.
const SYNTHESIZED_CACHE: usize = 64;
/// Longest video the emulator synthesizes (the API caps extended videos at 3 minutes).
pub const MAX_VIDEO_MS: u64 = 600_000;

/// What every synthesized video is made of: one keyframe and its decoder setup.
#[derive(Debug)]
struct Keyframe {
    width: u16,
    height: u16,
    sps: Vec<u8>,
    pps: Vec<u8>,
    frame: Bytes,
}

/// The media library, with every fixture's duration read once.
#[derive(Debug)]
pub struct Media {
    videos: Vec<VideoFixture>,
    keyframe: Keyframe,
    synthesized: Mutex<HashMap<u64, Bytes>>,
}

/// A fixture could not be read at start-up (a broken build, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("video fixture of {seconds} s is not a readable MP4: {source}")]
pub struct FixtureError {
    seconds: u32,
    #[source]
    source: mp4::Error,
}

fn keyframe_of(bytes: &'static [u8]) -> Result<Keyframe, mp4::Error> {
    let mut reader = mp4::Mp4Reader::read_header(Cursor::new(bytes), bytes.len() as u64)?;
    let (track_id, width, height, sps, pps) = {
        let track = reader
            .tracks()
            .values()
            .find(|t| t.track_type().is_ok_and(|k| k == mp4::TrackType::Video))
            .ok_or(mp4::Error::TrakNotFound(1))?;
        (
            track.track_id(),
            track.width(),
            track.height(),
            track.sequence_parameter_set()?.to_vec(),
            track.picture_parameter_set()?.to_vec(),
        )
    };
    let sample =
        reader.read_sample(track_id, 1)?.ok_or(mp4::Error::EntryInStblNotFound(track_id, mp4::BoxType::StszBox, 1))?;
    Ok(Keyframe { width, height, sps, pps, frame: sample.bytes })
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
        let keyframe = keyframe_of(VIDEOS[0].1).map_err(|source| FixtureError { seconds: VIDEOS[0].0, source })?;
        Ok(Media { videos, keyframe, synthesized: Mutex::new(HashMap::new()) })
    }

    fn fixture(&self, ms: u64) -> Option<&VideoFixture> {
        ms.is_multiple_of(1000).then(|| self.videos.iter().find(|v| u64::from(v.seconds) * 1000 == ms)).flatten()
    }

    /// The duration a task reports for a video of `ms`, as the API writes it (`"5.000"`).
    pub fn duration_text(&self, ms: u64) -> String {
        let seconds = self.fixture(ms).map_or(ms as f64 / 1000.0, |f| f.duration.as_secs_f64());
        format!("{seconds:.3}")
    }

    /// The MP4 bytes of a video lasting `ms`.
    pub fn video_bytes(&self, ms: u64) -> Result<Bytes, mp4::Error> {
        if let Some(fixture) = self.fixture(ms) {
            return Ok(Bytes::from_static(fixture.bytes));
        }
        if let Some(bytes) = self.synthesized.lock().get(&ms) {
            return Ok(bytes.clone());
        }
        let bytes = self.synthesize(ms)?;
        let mut cache = self.synthesized.lock();
        if cache.len() >= SYNTHESIZED_CACHE {
            cache.clear();
        }
        cache.insert(ms, bytes.clone());
        Ok(bytes)
    }

    /// Muxes a video of `ms` from the keyframe shown once a second.
    fn synthesize(&self, ms: u64) -> Result<Bytes, mp4::Error> {
        let k = &self.keyframe;
        let config = mp4::Mp4Config {
            major_brand: str::parse("isom")?,
            minor_version: 512,
            compatible_brands: vec![str::parse("isom")?, str::parse("iso2")?, str::parse("avc1")?, str::parse("mp41")?],
            timescale: 1000,
        };
        let mut writer = mp4::Mp4Writer::write_start(Cursor::new(Vec::new()), &config)?;
        writer.add_track(&mp4::TrackConfig {
            track_type: mp4::TrackType::Video,
            timescale: 1000,
            language: "und".to_owned(),
            media_conf: mp4::MediaConfig::AvcConfig(mp4::AvcConfig {
                width: k.width,
                height: k.height,
                seq_param_set: k.sps.clone(),
                pic_param_set: k.pps.clone(),
            }),
        })?;
        let mut start = 0;
        while start < ms {
            let duration = (ms - start).min(1000);
            let sample = mp4::Mp4Sample {
                start_time: start,
                duration: u32::try_from(duration).unwrap_or(1000),
                rendering_offset: 0,
                is_sync: true,
                bytes: k.frame.clone(),
            };
            writer.write_sample(1, &sample)?;
            start += duration;
        }
        writer.write_end()?;
        Ok(Bytes::from(writer.into_writer().into_inner()))
    }
}

/// Path of a video of `ms` under the media route.
pub fn video_path(ms: u64, video_id: &str, watermark: bool) -> String {
    let suffix = if watermark { "-watermark" } else { "" };
    format!("{VIDEO_PREFIX}{}/{video_id}{suffix}.mp4", length_segment(ms))
}

/// Path of an image under the media route.
pub fn image_path(image_id: &str, watermark: bool) -> String {
    let suffix = if watermark { "-watermark" } else { "" };
    format!("/media/images/{image_id}{suffix}.png")
}

/// Whether `stem` is `{uuid}`, `{uuid}-{index}` or either with `-watermark`.
pub(crate) fn valid_stem(stem: &str) -> bool {
    let stem = stem.strip_suffix("-watermark").unwrap_or(stem);
    let id = match stem.get(36..) {
        Some("") => stem,
        Some(rest)
            if rest.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            &stem[..36]
        }
        _ => return false,
    };
    uuid::Uuid::try_parse(id).is_ok()
}

/// Parses the `{length}` and `{id}[-watermark].mp4` segments of a video path into ms.
pub fn parse_video_path(length: &str, file: &str) -> Option<u64> {
    let ms = parse_length(length).filter(|ms| *ms <= MAX_VIDEO_MS)?;
    valid_stem(file.strip_suffix(".mp4")?).then_some(ms)
}

/// Whether `file` names an image (`{id}[-N][-watermark].png`).
pub fn parse_image_path(file: &str) -> bool {
    file.strip_suffix(".png").is_some_and(valid_stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn length_of(bytes: &Bytes) -> f64 {
        let reader = mp4::Mp4Reader::read_header(Cursor::new(bytes.as_ref()), bytes.len() as u64).expect("readable");
        reader.duration().as_secs_f64()
    }

    #[test]
    fn fixtures_are_real_mp4s_of_their_length() {
        let media = Media::load().expect("fixtures load");
        for n in 3..=15u64 {
            let bytes = media.video_bytes(n * 1000).expect("fixture");
            assert!((length_of(&bytes) - n as f64).abs() < 0.2, "{n}s fixture");
        }
    }

    #[test]
    fn other_lengths_are_synthesized_exactly() {
        let media = Media::load().expect("fixtures load");
        for ms in [2_000, 9_300, 45_000, 180_000] {
            let bytes = media.video_bytes(ms).expect("synthesized");
            assert!((length_of(&bytes) - ms as f64 / 1000.0).abs() < 0.01, "{ms} ms");
            assert_eq!(media.duration_text(ms), format!("{:.3}", ms as f64 / 1000.0));
        }
    }

    #[test]
    fn paths_round_trip_and_reject_tricks() {
        let id = "0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11";
        let path = video_path(9_300, id, true);
        let mut parts = path.rsplit('/');
        let file = parts.next().unwrap_or_default();
        let length = parts.next().unwrap_or_default();
        assert_eq!(parse_video_path(length, file), Some(9_300));
        assert_eq!(parse_video_path("5s", "../../etc/passwd"), None);
        assert_eq!(parse_video_path("..", "x.mp4"), None);
        assert_eq!(parse_video_path("99999s", &format!("{id}.mp4")), None);
        assert!(parse_image_path(&format!("{id}-3-watermark.png")));
        assert!(!parse_image_path("../image.png"));
    }
}
