//! The canonical encoding: borsh, for every byte that is signed, hashed or stored.
//!
//! Borsh has one encoding per value (integers little-endian, `Vec` and `String` as a `u32`
//! length then elements, `Option` and enums as a one-byte tag), so decoding then encoding gives
//! the input back. Decoding checks the size first and refuses trailing bytes. bincode is not used:
//! 1.x and 2.x are flagged unmaintained (RUSTSEC-2025-0141) and 3.0.0 does not compile.

use borsh::{BorshDeserialize, BorshSerialize};

/// Why bytes could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The input is larger than the limit for its type.
    #[error("input is {size_bytes} bytes; the limit is {limit_bytes}")]
    TooLarge {
        /// Size of the input.
        size_bytes: usize,
        /// Limit for this type.
        limit_bytes: usize,
    },
    /// The bytes are not a valid encoding (bad tag, short input, trailing bytes, bad UTF-8).
    #[error("invalid encoding: {0}")]
    Invalid(#[from] std::io::Error),
}

/// Encodes a value canonically.
pub fn encode<T: BorshSerialize + ?Sized>(value: &T) -> Vec<u8> {
    borsh::to_vec(value).expect("writing borsh into a Vec cannot fail")
}

/// Decodes a value, refusing inputs over `limit_bytes` before reading them and refusing
/// trailing bytes after the value.
pub fn decode<T: BorshDeserialize>(bytes: &[u8], limit_bytes: usize) -> Result<T, DecodeError> {
    if bytes.len() > limit_bytes {
        return Err(DecodeError::TooLarge { size_bytes: bytes.len(), limit_bytes });
    }
    Ok(borsh::from_slice(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_bytes_are_refused() {
        let mut bytes = encode(&7u32);
        bytes.push(0);

        let result = decode::<u32>(&bytes, 16);

        assert!(matches!(result, Err(DecodeError::Invalid(_))));
    }

    #[test]
    fn oversize_input_is_refused_before_reading() {
        let bytes = vec![0u8; 17];

        let result = decode::<u32>(&bytes, 16);

        assert!(matches!(result, Err(DecodeError::TooLarge { size_bytes: 17, limit_bytes: 16 })));
    }
}
