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

/// The hash `h` continued over `bytes` eight at a time (each word little-endian, the last
/// one padded with zeros), then over their number: a variant of FNV-1a several times faster
/// than [`extend`] on long inputs (the checksum of a cache file, the hashes of the embedded
/// texts). Not the same value as [`extend`].
pub fn extend_words(h: u64, bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    let mut h = words.by_ref().fold(h, |h, w| {
        let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
        (h ^ w).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(last)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ bytes.len() as u64).wrapping_mul(0x0000_0100_0000_01b3)
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

    #[test]
    fn words_see_every_byte_and_the_length() {
        let h = |b: &[u8]| super::extend_words(super::START, b);
        let text = b"rules/cmg/names.kb: a text of more than eight bytes";
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..text.len() {
            let mut flipped = text.to_vec();
            flipped[i] ^= 0x01;
            assert!(seen.insert(h(&flipped)), "byte {i}");
        }
        assert!(seen.insert(h(text)));
        // A zero byte more is another input, though the last word pads with zeros.
        assert_ne!(h(b"abc"), h(b"abc\0"));
        assert_ne!(h(b""), h(b"\0"));
    }
}
