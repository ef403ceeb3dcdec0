//! Prints the public dev key of each label given, for editing `networks/dev.json` by hand.
//!
//! `cargo run -p onebook-genesis --example dev_keys -- xm-dsj/admin xm-dsj/node`
//!
//! Dev keys are public: anyone can derive them. Use them on dev networks only.

fn main() {
    for label in std::env::args().skip(1) {
        println!("{label}\t{}", onebook_genesis::dev_secret(&label).public_key());
    }
}
