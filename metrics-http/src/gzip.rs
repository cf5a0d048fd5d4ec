//! gzip (RFC 1952) around miniz_oxide's deflate.
//!
//! A gzip member is a 10-byte header, the deflate stream, and a trailer of
//! the CRC-32 and length of the input. miniz_oxide does the deflate; the
//! frame and the CRC are here, so the feature costs one small crate to
//! build instead of flate2 with its CRC and SIMD-Adler crates.

use bytes::Bytes;

/// Level 1: scrape bodies are repetitive enough that the fastest level
/// already shrinks them several times over.
const LEVEL: u8 = 1;

/// Magic, deflate, no flags, no modification time, no extra flags, and
/// "unknown" operating system.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// `body` as one gzip member.
pub(crate) fn compress(body: &[u8]) -> Bytes {
    let deflated = miniz_oxide::deflate::compress_to_vec(body, LEVEL);
    let mut out = Vec::with_capacity(HEADER.len() + deflated.len() + 8);
    out.extend_from_slice(&HEADER);
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&crc32(body).to_le_bytes());
    // ISIZE is the length modulo 2^32 (RFC 1952, 2.3.1).
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    Bytes::from(out)
}

/// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, as gzip and zlib
/// use), eight bytes per step with eight tables ("slicing-by-8"), so the
/// checksum costs little beside the deflate.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let low = crc ^ u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        crc = TABLES[7][(low & 0xff) as usize]
            ^ TABLES[6][((low >> 8) & 0xff) as usize]
            ^ TABLES[5][((low >> 16) & 0xff) as usize]
            ^ TABLES[4][(low >> 24) as usize]
            ^ TABLES[3][chunk[4] as usize]
            ^ TABLES[2][chunk[5] as usize]
            ^ TABLES[1][chunk[6] as usize]
            ^ TABLES[0][chunk[7] as usize];
    }
    for &byte in chunks.remainder() {
        crc = TABLES[0][((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// `TABLES[0]` is the byte-at-a-time table; `TABLES[k][b]` is the CRC of
/// byte `b` followed by `k` zero bytes.
static TABLES: [[u32; 256]; 8] = tables();

const fn tables() -> [[u32; 256]; 8] {
    let mut tables = [[0u32; 256]; 8];
    let mut b = 0;
    while b < 256 {
        let mut crc = b as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][b] = crc;
        b += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut b = 0;
        while b < 256 {
            let previous = tables[k - 1][b];
            tables[k][b] = (previous >> 8) ^ tables[0][(previous & 0xff) as usize];
            b += 1;
        }
        k += 1;
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time definition, to check the sliced one against.
    fn crc32_bitwise(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn crc32_matches_the_standard_check_value_and_the_bitwise_definition() {
        // The catalogue's check value for CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        let data: Vec<u8> = (0..1_000u32).map(|i| (i * 7 + i / 3) as u8).collect();
        for len in [1, 7, 8, 9, 15, 16, 17, 999, 1_000] {
            assert_eq!(crc32(&data[..len]), crc32_bitwise(&data[..len]), "{len}");
        }
    }

    #[test]
    fn a_member_is_header_deflate_crc_and_length() {
        let body = b"# TYPE requests_total counter\nrequests_total 1\n".repeat(100);
        let gz = compress(&body);
        assert_eq!(gz[..10], HEADER);
        assert!(gz.len() < body.len() / 5, "{} bytes", gz.len());
        let (deflated, trailer) = gz[10..].split_at(gz.len() - 18);
        assert_eq!(
            miniz_oxide::inflate::decompress_to_vec(deflated).expect("inflates"),
            body
        );
        assert_eq!(trailer[..4], crc32(&body).to_le_bytes());
        assert_eq!(trailer[4..], (body.len() as u32).to_le_bytes());
    }
}
