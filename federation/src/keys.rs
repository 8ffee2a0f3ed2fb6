//! RSA key pairs for actors: generated with aws-lc-rs, stored and published as PEM.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use pem_rfc7468::LineEnding;

/// Errors from creating or reading actor keys.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("RSA key generation failed")]
    Generate,
    #[error("could not encode the key as DER")]
    Encode,
    #[error("could not encode the key as PEM: {0}")]
    Pem(#[from] pem_rfc7468::Error),
    #[error("not a valid PKCS#8 RSA private key")]
    InvalidPrivateKey,
}

/// An actor's key pair as PEM text: PKCS#8 private key, SPKI public key.
#[derive(Clone)]
pub struct ActorKeys {
    pub private_key_pem: String,
    pub public_key_pem: String,
}

impl std::fmt::Debug for ActorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print private keys, not even in debug logs.
        f.debug_struct("ActorKeys")
            .field("public_key_pem", &self.public_key_pem)
            .finish_non_exhaustive()
    }
}

/// Generates an RSA-2048 key pair, the size every fediverse server accepts.
pub fn generate_actor_keys() -> Result<ActorKeys, KeyError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
    let private: Pkcs8V1Der<'static> = pair.as_der().map_err(|_| KeyError::Encode)?;
    let public: PublicKeyX509Der<'static> =
        pair.public_key().as_der().map_err(|_| KeyError::Encode)?;
    Ok(ActorKeys {
        private_key_pem: pem_rfc7468::encode_string(
            "PRIVATE KEY",
            LineEnding::LF,
            private.as_ref(),
        )?,
        public_key_pem: pem_rfc7468::encode_string("PUBLIC KEY", LineEnding::LF, public.as_ref())?,
    })
}

/// Parses a PKCS#8 PEM private key as stored for local actors.
pub fn private_key_from_pem(pem: &str) -> Result<KeyPair, KeyError> {
    let (label, der) = pem_rfc7468::decode_vec(pem.as_bytes())?;
    if label != "PRIVATE KEY" {
        return Err(KeyError::InvalidPrivateKey);
    }
    KeyPair::from_pkcs8(&der).map_err(|_| KeyError::InvalidPrivateKey)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pem() {
        let keys = generate_actor_keys().unwrap();
        assert!(
            keys.public_key_pem
                .starts_with("-----BEGIN PUBLIC KEY-----\n")
        );
        assert!(
            keys.private_key_pem
                .starts_with("-----BEGIN PRIVATE KEY-----\n")
        );
        let pair = private_key_from_pem(&keys.private_key_pem).unwrap();
        assert_eq!(pair.public_modulus_len(), 256);
        assert!(!format!("{keys:?}").contains("PRIVATE"));
    }

    #[test]
    fn rejects_garbage_and_public_keys_as_private() {
        assert!(private_key_from_pem("not a key").is_err());
        let keys = generate_actor_keys().unwrap();
        assert!(private_key_from_pem(&keys.public_key_pem).is_err());
    }
}
