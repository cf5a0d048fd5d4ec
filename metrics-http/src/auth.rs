//! Bearer-token checking in constant time.

/// Compares two byte strings in time that depends only on their lengths,
/// not on where they differ, so the token cannot be guessed byte by byte
/// from response times.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimizer from turning the fold into an early
    // exit.
    std::hint::black_box(diff) == 0
}

/// Whether an `Authorization` header carries `Bearer <token>`.
pub(crate) fn bearer_matches(header: Option<&[u8]>, token: &[u8]) -> bool {
    let Some(header) = header else { return false };
    let Some(rest) = header
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case(b"bearer "))
        .map(|_| &header[7..])
    else {
        return false;
    };
    let presented = rest.trim_ascii();
    constant_time_eq(presented, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(bearer_matches(Some(b"Bearer s3cret"), b"s3cret"));
        assert!(bearer_matches(Some(b"bearer  s3cret "), b"s3cret"));
        assert!(!bearer_matches(Some(b"Bearer s3cres"), b"s3cret"));
        assert!(!bearer_matches(Some(b"Basic s3cret"), b"s3cret"));
        assert!(!bearer_matches(Some(b"Bearer"), b"s3cret"));
        assert!(!bearer_matches(None, b"s3cret"));
        assert!(!constant_time_eq(b"a", b"ab"));
    }
}
