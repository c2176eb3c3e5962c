//! FNV-1a, 64 bits (Fowler, Noll, Vo): the hash naming a build's cache file (`build.rs`
//! includes this file) and the checksum ending each cache file. A guard against damaged or
//! mismatched files, not against tampering.

/// The hash of no bytes.
pub const START: u64 = 0xcbf2_9ce4_8422_2325;

/// The hash `h` (of what came before) continued over `bytes`.
pub fn extend(h: u64, bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(h, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_the_published_test_vectors() {
        assert_eq!(super::extend(super::START, *b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(super::extend(super::START, *b"a"), 0xaf63_dc4c_8601_ec8c);
        let split = super::extend(super::extend(super::START, *b"foo"), *b"bar");
        assert_eq!(split, super::extend(super::START, *b"foobar"));
        assert_eq!(split, 0x85944171f73967e8);
    }
}
