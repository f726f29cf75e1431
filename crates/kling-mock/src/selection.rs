//! Multi-elements selection sessions (REFERENCE.md §3.9): a video, the points marked on
//! its frames, valid 24 hours for the account that opened it.
//!
//! The emulator cannot look inside a video, so a session reports a fixed frame geometry
//! (1280x720 at 24 fps; FIDELITY.md) and masks that cover the marked points; what it
//! does check is what a client can get wrong: the session's owner and lifetime, frame
//! indexes within the video, at most 10 frames with at most 10 points each.

use std::collections::BTreeMap;

use kling_api::multi_elements::MAX_FRAMES;
use serde_json::{Value, json};

use crate::auth::AccountId;
use crate::task::ParentVideo;

/// Frame rate reported for every session.
pub const FPS: u64 = 24;
/// Frame size reported for every session.
pub const WIDTH: u32 = 1280;
/// Frame size reported for every session.
pub const HEIGHT: u32 = 720;
/// Most points on one frame.
const MAX_POINTS: usize = 10;

/// One selection session.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Owner.
    pub account: AccountId,
    /// Length of the video (ms).
    pub video_ms: u64,
    /// The source video, when it was a Kling video.
    pub parent: Option<ParentVideo>,
    /// Marked points per frame index, `(x, y)` in `[0, 1]`.
    pub frames: BTreeMap<u64, Vec<(f64, f64)>>,
    /// Simulated ms after which the session is gone.
    pub expires_at: i64,
}

impl Selection {
    /// Frames in the video at [`FPS`].
    pub fn total_frames(&self) -> u64 {
        (self.video_ms * FPS).div_ceil(1000)
    }

    /// Whether anything is selected.
    pub fn has_selection(&self) -> bool {
        self.frames.values().any(|points| !points.is_empty())
    }

    /// Marks `points` on `frame`; the frame and point limits are the caller's errors.
    pub fn add(&mut self, frame: u64, points: &[(f64, f64)]) -> Result<(), String> {
        if frame >= self.total_frames() {
            return Err(format!(
                "frame_index: the video has {} frames (0 to {})",
                self.total_frames(),
                self.total_frames() - 1
            ));
        }
        if !self.frames.contains_key(&frame) && self.frames.len() >= MAX_FRAMES {
            return Err(format!("frame_index: at most {MAX_FRAMES} frames can be marked in a session"));
        }
        let marked = self.frames.entry(frame).or_default();
        for point in points {
            if !marked.contains(point) {
                marked.push(*point);
            }
        }
        if marked.len() > MAX_POINTS {
            marked.truncate(MAX_POINTS);
            return Err(format!("points: at most {MAX_POINTS} points can be marked on one frame"));
        }
        Ok(())
    }

    /// Unmarks `points` on `frame`. Points that are not marked are ignored, so a retried
    /// deletion succeeds (FIDELITY.md).
    pub fn delete(&mut self, frame: u64, points: &[(f64, f64)]) {
        if let Some(marked) = self.frames.get_mut(&frame) {
            marked.retain(|p| !points.contains(p));
            if marked.is_empty() {
                self.frames.remove(&frame);
            }
        }
    }

    /// The `res` of add/delete-selection: one mask per marked frame, run-length encoded
    /// over the frame (COCO RLE counts, column-major), covering a square around each point.
    pub fn masks(&self, frame: u64) -> Value {
        let masks: Vec<Value> = self
            .frames
            .get(&frame)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(object_id, &(x, y))| {
                json!({"object_id": object_id, "rle_mask": {"size": [HEIGHT, WIDTH], "counts": square_rle(x, y)}})
            })
            .collect();
        json!({"frame_index": frame, "rle_mask_list": masks})
    }
}

/// Column-major run lengths of a 64x64 square centred on `(x, y)` in a `WIDTH`x`HEIGHT`
/// frame, as space-separated counts starting with a background run.
fn square_rle(x: f64, y: f64) -> String {
    const SIDE: u32 = 64;
    let centre = |v: f64, size: u32| ((v.clamp(0.0, 1.0) * f64::from(size)) as u32).min(size - 1);
    let (cx, cy) = (centre(x, WIDTH), centre(y, HEIGHT));
    let left = cx.saturating_sub(SIDE / 2).min(WIDTH - SIDE);
    let top = cy.saturating_sub(SIDE / 2).min(HEIGHT - SIDE);
    let mut counts = vec![u64::from(left) * u64::from(HEIGHT) + u64::from(top)];
    for column in 0..SIDE {
        counts.push(u64::from(SIDE));
        let last = column + 1 == SIDE;
        counts.push(if last {
            u64::from(WIDTH - left - SIDE) * u64::from(HEIGHT) + u64::from(HEIGHT - top - SIDE)
        } else {
            u64::from(HEIGHT - SIDE)
        });
    }
    counts.iter().map(u64::to_string).collect::<Vec<_>>().join(" ")
}

/// The `points` of a validated add/delete-selection body.
pub fn points_of(body: &Value) -> Vec<(f64, f64)> {
    let coordinate = |p: &Value, key: &str| p.get(key).and_then(|v| kling_api::rules::as_f64(v, Default::default()));
    body.get("points")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((coordinate(p, "x")?, coordinate(p, "y")?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection() -> Selection {
        Selection { account: AccountId(0), video_ms: 5_000, parent: None, frames: BTreeMap::new(), expires_at: 1 }
    }

    #[test]
    fn frames_and_points_are_bounded() {
        let mut s = selection();
        assert_eq!(s.total_frames(), 120);
        assert!(s.add(120, &[(0.5, 0.5)]).is_err());
        for frame in 0..10 {
            s.add(frame, &[(0.5, 0.5)]).expect("within limits");
        }
        assert!(s.add(10, &[(0.5, 0.5)]).is_err(), "an eleventh frame");
        let many: Vec<(f64, f64)> = (0..11).map(|i| (f64::from(i) / 20.0, 0.5)).collect();
        assert!(s.add(3, &many).is_err(), "eleven points");
        s.delete(0, &[(0.5, 0.5)]);
        assert!(!s.frames.contains_key(&0), "frame 0 has nothing left");
        s.delete(0, &[(0.5, 0.5)]);
        assert!(s.has_selection(), "frames 1 to 9 keep theirs");
    }

    #[test]
    fn a_mask_covers_the_whole_frame_exactly() {
        for (x, y) in [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)] {
            let total: u64 = square_rle(x, y).split(' ').map(|c| c.parse::<u64>().unwrap_or(0)).sum();
            assert_eq!(total, u64::from(WIDTH) * u64::from(HEIGHT));
        }
    }
}
