//! A seeded generator (SplitMix64) for everything the mock draws: ids, stock figures, faults. Same seed,
//! same sequence, so a run can be reproduced.

use andopen_core::Uuid;

/// SplitMix64: a few lines, good enough for test data and fault draws, and never a security device.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next_u64() % bound }
    }

    /// A value in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        // 53 random bits: exactly representable.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A version-4 UUID built from the next 128 bits.
    pub fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        let (high, low) = bytes.split_at_mut(8);
        high.copy_from_slice(&self.next_u64().to_be_bytes());
        low.copy_from_slice(&self.next_u64().to_be_bytes());
        if let Some(b) = bytes.get_mut(6) {
            *b = (*b & 0x0f) | 0x40;
        }
        if let Some(b) = bytes.get_mut(8) {
            *b = (*b & 0x3f) | 0x80;
        }
        Uuid::from_bytes(bytes)
    }

    /// A version-4 UUID as text.
    pub fn uuid_string(&mut self) -> String {
        self.uuid().to_string()
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// A Unix-milliseconds instant in the API's form, `2026-04-16T10:30:00.000Z`.
pub fn iso(millis: i64) -> String {
    andopen_core::Timestamp::from_unix_millis(millis).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_v4_uuids() {
        let (mut a, mut b) = (SplitMix64::new(7), SplitMix64::new(7));
        assert_eq!(a.next_u64(), b.next_u64());
        let id = a.uuid_string();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes().get(14), Some(&b'4'));
        assert!(matches!(id.as_bytes().get(19), Some(b'8' | b'9' | b'a' | b'b')));
        assert!((0.0..1.0).contains(&a.unit()));
        assert_eq!(iso(1_776_335_400_000), "2026-04-16T10:30:00.000Z");
    }
}
