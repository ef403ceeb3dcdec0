//! Data-property registration, as applied through whole blocks on the dev network.
