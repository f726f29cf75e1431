//! drama_subtitle's subtitle files: SubRip and Advanced SubStation Alpha of any length,
//! made on demand from the path, `/media/subtitles/{length}/{font}x{margin}/{id}.srt|ass`,
//! so the route needs no lookup. Cues follow one another every three seconds and end
//! within the video, the ASS file carries the task's font size and bottom margin, and
//! both parse with ordinary subtitle libraries (the Python tests read them with pysubs2).

use kling_api::media::{length_segment, parse_length};
use kling_api::solutions::SubtitleFormat;

use crate::media::MAX_VIDEO_MS;

/// `(font_size, margin_v)` when a task does not say: the page's landscape choice.
pub const DEFAULT_STYLE: (u32, u32) = kling_api::solutions::AUTO_SUBTITLE_STYLE;
/// How often a cue starts, and how long it shows.
const CUE_EVERY_MS: u64 = 3_000;
const CUE_SHOWS_MS: u64 = 2_500;
/// The translated lines, in turn.
const LINES: &[&str] = &[
    "Song Tang, you came back.",
    "I never left. You just stopped looking.",
    "The Gu Group will not forgive this.",
    "Then let them come.",
    "Tell me the truth, just this once.",
    "Everything I did, I did for you.",
];
/// The emulator's videos are 320x180 (fixtures/media): the ASS script is laid out on it.
const PLAY_RES: (u32, u32) = (320, 180);

/// The path of a subtitle file under the media route.
pub fn path(ms: u64, (font_size, margin_v): (u32, u32), id: &str, format: SubtitleFormat) -> String {
    format!("/media/subtitles/{}/{font_size}x{margin_v}/{id}.{}", length_segment(ms), format.extension())
}

/// The length, style and format a subtitle path names, or `None` for anything else.
pub fn parse_path(length: &str, style: &str, file: &str) -> Option<(u64, (u32, u32), SubtitleFormat)> {
    let ms = parse_length(length).filter(|ms| *ms <= MAX_VIDEO_MS)?;
    let (font, margin) = style.split_once('x')?;
    let font_size = font.parse().ok().filter(|f| (1..=512).contains(f))?;
    let margin_v = margin.parse().ok().filter(|m| (1..=4096).contains(m))?;
    let (stem, extension) = file.rsplit_once('.')?;
    let format = SubtitleFormat::from_extension(extension)?;
    uuid::Uuid::try_parse(stem).ok()?;
    Some((ms, (font_size, margin_v), format))
}

/// The cues of a video of `ms`: `(start, end, text)`, in order, all within the video.
pub fn cues(ms: u64) -> Vec<(u64, u64, &'static str)> {
    (0..)
        .map(|n| n * CUE_EVERY_MS)
        .take_while(|start| *start < ms)
        .enumerate()
        .map(|(n, start)| (start, (start + CUE_SHOWS_MS).min(ms), LINES[n % LINES.len()]))
        .collect()
}

/// The file for a video of `ms`.
pub fn file(ms: u64, style: (u32, u32), format: SubtitleFormat) -> String {
    match format {
        SubtitleFormat::Srt => srt(ms),
        SubtitleFormat::Ass => ass(ms, style),
    }
}

fn srt(ms: u64) -> String {
    let time = |t: u64| format!("{:02}:{:02}:{:02},{:03}", t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
    cues(ms)
        .iter()
        .enumerate()
        .map(|(n, (start, end, text))| format!("{}\n{} --> {}\n{text}\n\n", n + 1, time(*start), time(*end)))
        .collect()
}

fn ass(ms: u64, (font_size, margin_v): (u32, u32)) -> String {
    // Centiseconds, rounded down at the start and up at the end so a cue never grows
    // past the video's end by rounding.
    let time = |cs: u64| format!("{}:{:02}:{:02}.{:02}", cs / 360_000, cs / 6000 % 60, cs / 100 % 60, cs % 100);
    let (width, height) = PLAY_RES;
    let mut out = format!(
        "[Script Info]\nTitle: Kling drama subtitles\nScriptType: v4.00+\nPlayResX: {width}\nPlayResY: {height}\n\
         WrapStyle: 0\nScaledBorderAndShadow: yes\n\n[V4+ Styles]\n\
         Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
         Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, \
         MarginR, MarginV, Encoding\n\
         Style: Default,Arial,{font_size},&H00FFFFFF,&H000000FF,&H00000000,&H64000000,0,0,0,0,100,100,0,0,1,2,0,2,\
         20,20,{margin_v},1\n\n[Events]\n\
         Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    );
    for (start, end, text) in cues(ms) {
        let end_cs = (end / 10).max(start / 10 + 1).min(ms / 10);
        out.push_str(&format!("Dialogue: 0,{},{},Default,,0,0,0,,{text}\n", time(start / 10), time(end_cs)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_cover_the_video_and_end_inside_it() {
        for ms in [1_000, 5_000, 9_300, 30_000, 300_000] {
            let cues = cues(ms);
            assert!(!cues.is_empty(), "{ms}");
            assert!(cues.iter().all(|(start, end, _)| start < end && *end <= ms), "{ms}");
            assert!(ms - cues[cues.len() - 1].0 <= CUE_EVERY_MS, "{ms}: the last cue starts near the end");
        }
    }

    #[test]
    fn srt_and_ass_carry_the_same_cues() {
        let srt = file(7_000, DEFAULT_STYLE, SubtitleFormat::Srt);
        assert!(srt.starts_with("1\n00:00:00,000 --> 00:00:02,500\n"), "{srt}");
        assert!(srt.contains("3\n00:00:06,000 --> 00:00:07,000\n"), "{srt}");
        let ass = file(7_000, (60, 340), SubtitleFormat::Ass);
        assert!(ass.contains("Style: Default,Arial,60,"), "{ass}");
        assert!(ass.contains(",20,20,340,1\n"), "{ass}");
        assert_eq!(ass.matches("\nDialogue: ").count(), 3);
        assert!(ass.contains("Dialogue: 0,0:00:06.00,0:00:07.00,Default"), "{ass}");
    }

    #[test]
    fn paths_round_trip_and_reject_tricks() {
        let id = "0b8f6b58-5a43-4f4e-9b3e-0d2f1c9b7a11";
        let path = path(9_300, (56, 80), id, SubtitleFormat::Ass);
        let parts: Vec<&str> = path.trim_start_matches("/media/subtitles/").split('/').collect();
        assert_eq!(parse_path(parts[0], parts[1], parts[2]), Some((9_300, (56, 80), SubtitleFormat::Ass)));
        assert_eq!(parse_path("5s", "56x80", "../x.srt"), None);
        assert_eq!(parse_path("5s", "0x80", &format!("{id}.srt")), None);
        assert_eq!(parse_path("5s", "56x80", &format!("{id}.vtt")), None);
    }
}
