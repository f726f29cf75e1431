//! Sample media for rule examples.
//!
//! Rule tables stay readable by naming images instead of embedding them:
//! `"$image:png:640x360"` is a real 640x360 PNG, `"$image:gif:400x400"` a GIF header,
//! and `:pad=N` grows the file to `N` bytes. [`materialize`] replaces every such
//! placeholder (also at the end of a longer string, e.g. after a `data:` prefix) with
//! the Base64 of the bytes.

use base64::Engine as _;
use serde_json::Value;

const MARKER: &str = "$image:";

/// Replaces every image placeholder in `value` with Base64 image bytes.
pub fn materialize(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(at) = s.find(MARKER)
                && let Some(bytes) = image_bytes(&s[at + MARKER.len()..])
            {
                let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
                *s = format!("{}{encoded}", &s[..at]);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(materialize),
        Value::Object(map) => map.values_mut().for_each(materialize),
        _ => {}
    }
}

/// The bytes a placeholder body (`png:640x360[:pad=N]`) stands for.
pub fn image_bytes(spec: &str) -> Option<Vec<u8>> {
    let mut parts = spec.split(':');
    let format = parts.next()?;
    let (width, height) = parts.next()?.split_once('x')?;
    let (width, height): (u32, u32) = (width.parse().ok()?, height.parse().ok()?);
    let pad = parts.next().and_then(|p| p.strip_prefix("pad=")).and_then(|n| n.parse::<usize>().ok());
    let mut bytes = match format {
        "png" => png(width, height)?,
        "gif" => gif_header(width, height)?,
        _ => return None,
    };
    if let Some(target) = pad {
        bytes.resize(target.max(bytes.len()), 0);
    }
    Some(bytes)
}

/// A grey PNG of the given size.
pub fn png(width: u32, height: u32) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    let pixels = vec![128u8; usize::try_from(u64::from(width) * u64::from(height)).ok()?];
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

/// A GIF logical screen header: enough for any header reader to see a GIF.
fn gif_header(width: u32, height: u32) -> Option<Vec<u8>> {
    let mut out = b"GIF89a".to_vec();
    out.extend_from_slice(&u16::try_from(width).ok()?.to_le_bytes());
    out.extend_from_slice(&u16::try_from(height).ok()?.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0x3B]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::{ImageFormat, read_header};

    #[test]
    fn placeholders_become_real_images() {
        let mut v =
            serde_json::json!({"a": ["$image:png:640x360"], "b": "data:image/png;base64,$image:png:10x10:pad=100"});
        materialize(&mut v);
        let a = base64::engine::general_purpose::STANDARD
            .decode(v["a"][0].as_str().unwrap_or_default())
            .unwrap_or_default();
        let info = read_header(&a).expect("png header");
        assert_eq!((info.format, info.width, info.height), (ImageFormat::Png, 640, 360));
        assert!(v["b"].as_str().unwrap_or_default().starts_with("data:image/png;base64,iVBOR"));
    }
}
