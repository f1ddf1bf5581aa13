//! PNG checks for the screenshots the test takes, and a sample page image
//! for the prepared failed run.

/// A 480×300 PNG that looks like a page (a header bar, a button, text lines).
pub fn sample_page_png() -> Vec<u8> {
    let (w, h) = (480u32, 300u32);
    let mut px = vec![255u8; (w * h * 3) as usize];
    let mut fill = |x0: u32, y0: u32, x1: u32, y1: u32, rgb: [u8; 3]| {
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                let i = ((y * w + x) * 3) as usize;
                px[i..i + 3].copy_from_slice(&rgb);
            }
        }
    };
    fill(0, 0, w, 40, [13, 148, 136]);
    for line in 0..6 {
        fill(
            24,
            70 + line * 22,
            24 + 300 - line * 30,
            80 + line * 22,
            [180, 190, 200],
        );
    }
    fill(24, 230, 160, 262, [192, 38, 45]);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&px).unwrap();
    }
    out
}

/// What a screenshot holds, for the "not blank" check.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    /// Distinct colours (quantised to 4 bits a channel).
    pub colours: usize,
    /// The share of pixels in the most common colour.
    pub dominant_share: f64,
}

/// Decodes a PNG and measures it.
pub fn inspect(bytes: &[u8]) -> Picture {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let mut counts = std::collections::HashMap::<u16, u64>::new();
    let mut total = 0u64;
    for px in buf[..info.buffer_size()].chunks(channels) {
        let q = |c: u8| u16::from(c >> 4);
        let key = match px {
            [r, g, b, ..] => (q(*r) << 8) | (q(*g) << 4) | q(*b),
            [l, ..] => q(*l),
            [] => 0,
        };
        *counts.entry(key).or_default() += 1;
        total += 1;
    }
    let top = counts.values().copied().max().unwrap_or(0);
    Picture {
        width: info.width,
        height: info.height,
        colours: counts.len(),
        dominant_share: top as f64 / total.max(1) as f64,
    }
}
