//! `onebook keys` as a process: encrypting, showing and decrypting a key file, with the
//! passphrase from a descriptor, a file or the environment.

use std::{
    io::Write,
    path::Path,
    process::{Command, Output, Stdio},
};

fn onebook(home: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(crate::node_binary())
        .arg("--home")
        .arg(home)
        .args(args)
        .env_remove("ONEBOOK_KEY_PASSPHRASE")
        .env_remove("ONEBOOK_KEY_PASSPHRASE_FILE")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_key_file_is_encrypted_shown_and_decrypted_with_its_passphrase_only() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let init = onebook(&home, &["init", "--dev-key", "xm-dsj/node"], "", &[]);
    assert!(init.status.success(), "{}", text(&init));
    let key_file = home.join("keys/node.key");
    let plain = std::fs::read(&key_file).unwrap();
    let public = onebook_genesis::dev_secret("xm-dsj/node").public_key().to_string();
    let passphrase_file = dir.path().join("passphrase");
    std::fs::write(&passphrase_file, "a long pass phrase\n").unwrap();

    let encrypted = onebook(
        &home,
        &["keys", "encrypt", "--name", "node", "--passphrase-fd", "0"],
        "a long pass phrase\n",
        &[],
    );
    let sealed = std::fs::read(&key_file).unwrap();
    let shown = onebook(&home, &["keys", "show", "--name", "node"], "", &[]);
    let wrong = onebook(
        &home,
        &["keys", "decrypt", "--name", "node"],
        "",
        &[("ONEBOOK_KEY_PASSPHRASE", "a long pass phrase!")],
    );
    let unchanged = std::fs::read(&key_file).unwrap();
    let no_source = onebook(&home, &["keys", "decrypt", "--name", "node"], "", &[]);
    let decrypted = onebook(
        &home,
        &[
            "keys",
            "decrypt",
            "--name",
            "node",
            "--passphrase-file",
            passphrase_file.to_str().unwrap(),
        ],
        "",
        &[],
    );

    assert!(encrypted.status.success(), "{}", text(&encrypted));
    assert_eq!(&sealed[..4], b"OBKE");
    assert!(
        !String::from_utf8_lossy(&sealed)
            .contains(&String::from_utf8_lossy(&plain).trim().to_owned())
    );
    assert!(shown.status.success(), "{}", text(&shown));
    assert_eq!(String::from_utf8_lossy(&shown.stdout).trim(), public);
    assert!(text(&shown).contains("encrypted"), "{}", text(&shown));
    assert!(!wrong.status.success());
    assert!(text(&wrong).contains("passphrase is wrong"), "{}", text(&wrong));
    assert_eq!(unchanged, sealed, "a refused decrypt leaves the file as it was");
    assert!(!no_source.status.success());
    assert!(text(&no_source).contains("no terminal"), "{}", text(&no_source));
    assert!(decrypted.status.success(), "{}", text(&decrypted));
    assert_eq!(std::fs::read(&key_file).unwrap(), plain);
}

#[test]
fn a_short_new_passphrase_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    assert!(onebook(&home, &["init", "--dev-key", "xm-dsj/node"], "", &[]).status.success());

    let short = onebook(
        &home,
        &["keys", "generate", "--name", "clerk", "--encrypt"],
        "",
        &[("ONEBOOK_KEY_PASSPHRASE", "short")],
    );

    assert!(!short.status.success());
    assert!(text(&short).contains("at least 8 characters"), "{}", text(&short));
    assert!(!home.join("keys/clerk.key").exists());
}
