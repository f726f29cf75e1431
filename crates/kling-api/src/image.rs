//! Image inputs: a URL or raw Base64 (REFERENCE.md §c, "Image inputs").
//!
//! Base64 images are inspected the way the real service describes its limits (format,
//! size, shorter side, aspect ratio) by reading the image header, never by decoding the
//! pixels. URLs are only checked for shape: the emulator never fetches them.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Limits applied to an image input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageLimits {
    /// Largest decoded size in bytes.
    pub max_bytes: usize,
    /// Smallest allowed shorter side in pixels.
    pub min_side: u32,
    /// Largest allowed longer side in pixels, if any.
    pub max_side: Option<u32>,
    /// Largest allowed ratio of the longer to the shorter side.
    pub max_aspect: f64,
}

/// The common limits: jpg/png, at most 10 MB, shorter side at least 300 px, aspect
/// between 1:2.5 and 2.5:1.
pub const COMMON_LIMITS: ImageLimits =
    ImageLimits { max_bytes: 10 * 1024 * 1024, min_side: 300, max_side: None, max_aspect: 2.5 };

/// Formats the API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// `.jpg` / `.jpeg`.
    Jpeg,
    /// `.png`.
    Png,
}

/// What an inspected Base64 image turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// Container format.
    pub format: ImageFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Decoded size in bytes.
    pub bytes: usize,
}

impl ImageInfo {
    /// Width divided by height.
    pub fn aspect(&self) -> f64 {
        f64::from(self.width) / f64::from(self.height)
    }
}

/// An accepted image input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageInput<'a> {
    /// An http(s) URL, not fetched.
    Url(&'a str),
    /// Raw Base64 whose header was read.
    Base64(ImageInfo),
}

/// Why an image input was refused; `Display` is the detail of the 1201 message.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageError {
    /// Base64 with a `data:...;base64,` prefix, which the docs call incorrect.
    DataUriPrefix,
    /// Neither an http(s) URL nor valid Base64.
    NotUrlOrBase64,
    /// Decoded bytes are not a recognisable image.
    UnknownFormat,
    /// A recognisable image in a format other than jpg/png.
    UnsupportedFormat(String),
    /// Larger than the byte limit.
    TooLarge {
        /// Decoded size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Shorter side below the minimum.
    TooSmall {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// The minimum.
        min: u32,
    },
    /// Longer side above the maximum.
    TooBig {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// The maximum.
        max: u32,
    },
    /// Aspect ratio outside the allowed band.
    Aspect {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// Largest allowed long:short ratio.
        max: f64,
    },
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::DataUriPrefix => f.write_str("Base64 must be sent without a data:image/...;base64, prefix"),
            ImageError::NotUrlOrBase64 => f.write_str("must be an http(s) URL or raw Base64"),
            ImageError::UnknownFormat => f.write_str("image format not recognised; use jpg or png"),
            ImageError::UnsupportedFormat(kind) => {
                write!(f, "image format {kind} is not supported; use jpg or png")
            }
            ImageError::TooLarge { bytes, max } => {
                write!(f, "image is {bytes} bytes; the limit is {max} bytes (10 MB)")
            }
            ImageError::TooSmall { width, height, min } => {
                write!(f, "image is {width}x{height} px; the shorter side must be at least {min} px")
            }
            ImageError::TooBig { width, height, max } => {
                write!(f, "image is {width}x{height} px; the longer side must be at most {max} px")
            }
            ImageError::Aspect { width, height, max } => {
                write!(f, "image is {width}x{height} px; the aspect ratio must be between 1:{max} and {max}:1")
            }
        }
    }
}

/// Standard alphabet, padding optional (clients differ), and nonzero bits after the last
/// whole byte ignored, as the common decoders (Go's and Python's defaults) ignore them.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Whether `s` is an absolute http or https URL with a host.
pub fn is_http_url(s: &str) -> bool {
    url::Url::parse(s)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
}

/// Classifies and, for Base64, inspects an image input against `limits`.
pub fn inspect<'a>(input: &'a str, limits: &ImageLimits) -> Result<ImageInput<'a>, ImageError> {
    if input.starts_with("http://") || input.starts_with("https://") {
        return if is_http_url(input) { Ok(ImageInput::Url(input)) } else { Err(ImageError::NotUrlOrBase64) };
    }
    if input.starts_with("data:") {
        return Err(ImageError::DataUriPrefix);
    }
    let estimated = input.len() / 4 * 3;
    if estimated > limits.max_bytes + 3 {
        return Err(ImageError::TooLarge { bytes: estimated, max: limits.max_bytes });
    }
    let bytes = BASE64.decode(input).map_err(|_| ImageError::NotUrlOrBase64)?;
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooLarge { bytes: bytes.len(), max: limits.max_bytes });
    }
    let info = read_header(&bytes)?;
    check_dimensions(&info, limits)?;
    Ok(ImageInput::Base64(info))
}

/// Reads format and dimensions from the header of `bytes`.
pub fn read_header(bytes: &[u8]) -> Result<ImageInfo, ImageError> {
    let format = match imagesize::image_type(bytes).map_err(|_| ImageError::UnknownFormat)? {
        imagesize::ImageType::Jpeg => ImageFormat::Jpeg,
        imagesize::ImageType::Png => ImageFormat::Png,
        other => {
            return Err(ImageError::UnsupportedFormat(format!("{other:?}").to_lowercase()));
        }
    };
    let size = imagesize::blob_size(bytes).map_err(|_| ImageError::UnknownFormat)?;
    let (Ok(width), Ok(height)) = (u32::try_from(size.width), u32::try_from(size.height)) else {
        return Err(ImageError::UnknownFormat);
    };
    if width == 0 || height == 0 {
        return Err(ImageError::UnknownFormat);
    }
    Ok(ImageInfo { format, width, height, bytes: bytes.len() })
}

fn check_dimensions(info: &ImageInfo, limits: &ImageLimits) -> Result<(), ImageError> {
    let (width, height) = (info.width, info.height);
    if width.min(height) < limits.min_side {
        return Err(ImageError::TooSmall { width, height, min: limits.min_side });
    }
    if let Some(max) = limits.max_side
        && width.max(height) > max
    {
        return Err(ImageError::TooBig { width, height, max });
    }
    let ratio = f64::from(width.max(height)) / f64::from(width.min(height));
    if ratio > limits.max_aspect + 1e-9 {
        return Err(ImageError::Aspect { width, height, max: limits.max_aspect });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG header (signature + IHDR) for the given size; enough for header reading.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        v.extend_from_slice(b"IHDR");
        v.extend_from_slice(&width.to_be_bytes());
        v.extend_from_slice(&height.to_be_bytes());
        v.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        v
    }

    #[test]
    fn urls_are_accepted_by_shape_only() {
        assert_eq!(
            inspect("https://cdn.example.com/a.png", &COMMON_LIMITS),
            Ok(ImageInput::Url("https://cdn.example.com/a.png"))
        );
        assert_eq!(inspect("https://", &COMMON_LIMITS), Err(ImageError::NotUrlOrBase64));
    }

    #[test]
    fn base64_header_is_read() {
        let b64 = BASE64.encode(png_header(640, 360));
        let ImageInput::Base64(info) = inspect(&b64, &COMMON_LIMITS).expect("valid") else {
            panic!("expected base64");
        };
        assert_eq!((info.format, info.width, info.height), (ImageFormat::Png, 640, 360));
    }

    #[test]
    fn limits_are_enforced() {
        let small = BASE64.encode(png_header(200, 400));
        assert!(matches!(inspect(&small, &COMMON_LIMITS), Err(ImageError::TooSmall { .. })));
        let wide = BASE64.encode(png_header(1000, 300));
        assert!(matches!(inspect(&wide, &COMMON_LIMITS), Err(ImageError::Aspect { .. })));
        let exact = BASE64.encode(png_header(750, 300));
        assert!(inspect(&exact, &COMMON_LIMITS).is_ok());
        let prefixed = format!("data:image/png;base64,{small}");
        assert_eq!(inspect(&prefixed, &COMMON_LIMITS), Err(ImageError::DataUriPrefix));
        assert_eq!(inspect("not base64!", &COMMON_LIMITS), Err(ImageError::NotUrlOrBase64));
        let gif = BASE64.encode(b"GIF89a\x90\x01\x90\x01\x00\x00\x00");
        assert!(matches!(inspect(&gif, &COMMON_LIMITS), Err(ImageError::UnsupportedFormat(_))));
    }
}
