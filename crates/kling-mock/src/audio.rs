//! Result audio files of any length, made on demand: MP3 as a run of one silent frame
//! (`fixtures/media/silence-frame.mp3`, 24 ms; frames of a CBR stream without a Xing
//! header stand alone) and WAV as 16 kHz mono silence written with `hound`. Audio URLs
//! name their length like video URLs (`/media/audios/{3500ms}/{id}.mp3`).

use std::io::Cursor;

use axum::body::Bytes;

/// One MPEG-1 Layer III frame of silence, 48 kHz mono 32 kbit/s.
const SILENCE_FRAME: &[u8] = include_bytes!("../../../fixtures/media/silence-frame.mp3");
/// What one frame lasts: 1152 samples at 48 kHz.
pub const FRAME_MS: u64 = 24;
/// Sample rate of WAV results.
const WAV_RATE: u32 = 16_000;
/// Longest audio the emulator makes (an avatar speaks at most 300 s).
pub const MAX_AUDIO_MS: u64 = 600_000;

/// The two formats text-to-audio and video-to-audio deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    /// `audio/mpeg`.
    Mp3,
    /// `audio/wav`.
    Wav,
}

impl AudioFormat {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Wav => "wav",
        }
    }

    /// Content type.
    pub fn content_type(self) -> &'static str {
        match self {
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Wav => "audio/wav",
        }
    }
}

/// The length a file of `ms` really has in `format` (MP3 rounds up to whole frames).
pub fn file_ms(ms: u64, format: AudioFormat) -> u64 {
    match format {
        AudioFormat::Mp3 => ms.div_ceil(FRAME_MS) * FRAME_MS,
        AudioFormat::Wav => ms,
    }
}

/// The bytes of an audio file lasting `ms`.
pub fn audio_bytes(ms: u64, format: AudioFormat) -> Result<Bytes, hound::Error> {
    let ms = ms.min(MAX_AUDIO_MS);
    match format {
        AudioFormat::Mp3 => Ok(Bytes::from(SILENCE_FRAME.repeat(usize::try_from(ms.div_ceil(FRAME_MS)).unwrap_or(0)))),
        AudioFormat::Wav => {
            let spec = hound::WavSpec {
                channels: 1,
                sample_rate: WAV_RATE,
                bits_per_sample: 16,
                sample_format: hound::SampleFormat::Int,
            };
            let mut out = Cursor::new(Vec::new());
            let mut writer = hound::WavWriter::new(&mut out, spec)?;
            let samples = u32::try_from(ms * u64::from(WAV_RATE) / 1000).unwrap_or(u32::MAX);
            {
                let mut fast = writer.get_i16_writer(samples);
                for _ in 0..samples {
                    fast.write_sample(0);
                }
                fast.flush()?;
            }
            writer.finalize()?;
            Ok(Bytes::from(out.into_inner()))
        }
    }
}

/// Path of an audio of `ms` under the media route.
pub fn audio_path(ms: u64, audio_id: &str, format: AudioFormat) -> String {
    format!(
        "{}{}/{audio_id}.{}",
        kling_api::media::AUDIO_PREFIX,
        kling_api::media::length_segment(ms),
        format.extension()
    )
}

/// Parses the `{length}` and `{id}.{mp3|wav}` segments of an audio path.
pub fn parse_audio_path(length: &str, file: &str) -> Option<(u64, AudioFormat)> {
    let ms = kling_api::media::parse_length(length).filter(|ms| *ms <= MAX_AUDIO_MS)?;
    let (stem, format) = match file.rsplit_once('.')? {
        (stem, "mp3") => (stem, AudioFormat::Mp3),
        (stem, "wav") => (stem, AudioFormat::Wav),
        _ => return None,
    };
    crate::media::valid_stem(stem).then_some((ms, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_last_what_their_path_says() {
        for ms in [1_000, 3_500, 10_000] {
            let mp3 = audio_bytes(ms, AudioFormat::Mp3).expect("mp3");
            let measured = mp3_duration::from_read(&mut Cursor::new(mp3.to_vec())).expect("readable mp3");
            assert_eq!(measured.as_millis() as u64, file_ms(ms, AudioFormat::Mp3), "mp3 of {ms} ms");

            let wav = audio_bytes(ms, AudioFormat::Wav).expect("wav");
            let reader = hound::WavReader::new(Cursor::new(wav.to_vec())).expect("readable wav");
            assert_eq!(u64::from(reader.duration()) * 1000 / u64::from(reader.spec().sample_rate), ms);
        }
    }

    #[test]
    fn paths_round_trip_and_reject_other_files() {
        let id = uuid::Uuid::nil().to_string();
        let path = audio_path(3_500, &id, AudioFormat::Wav);
        let mut parts = path.trim_start_matches(kling_api::media::AUDIO_PREFIX).split('/');
        let (length, file) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        assert_eq!(parse_audio_path(length, file), Some((3_500, AudioFormat::Wav)));
        assert_eq!(parse_audio_path(length, &format!("{id}.ogg")), None);
        assert_eq!(parse_audio_path(length, "../etc/passwd.mp3"), None);
    }
}
