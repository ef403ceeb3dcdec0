use onebook_types::{
    codec,
    consortium::{
        LegalBasis, Member, MemberStatus, Org, OrgStatus, Policy, Role, Validator, ValidatorSet,
    },
    ids::{LegalBasisCode, OrgId, Timestamp},
    keys::PublicKey,
    limits::{GENESIS_BYTES_MAX, TEXT_BYTES_MAX, VALIDATORS_MAX},
    record::RecordKey,
    time::Date,
};

use onebook_types::suite::Suite;

use crate::{GenesisError, GenesisErrors, GenesisFile, dev_secret, dev_secret_in};

const DEV_JSON: &[u8] = include_bytes!("../networks/dev.json");

/// The dev genesis hash. Changing it is a deliberate act: it changes the dev chain's identity.
const DEV_HASH: &str = "f0deb02674075cdec1a678c36c719fef3b6c1c12423d6752c01e64e0829251ae";

fn dev() -> GenesisFile {
    GenesisFile::from_json(DEV_JSON).expect("dev.json parses")
}

fn index_of_org(file: &GenesisFile, id: &str) -> usize {
    file.orgs.iter().position(|org| org.id.as_str() == id).expect("org in dev.json")
}

/// Validates `file`, expects it to break a rule at `field`, and returns the errors.
fn breaks(file: &GenesisFile, field: &str) -> GenesisErrors {
    let errors = file.validate().expect_err("the file breaks a rule");
    assert!(errors.mentions(field), "no problem at {field}: {errors}");
    for problem in &errors.problems {
        assert!(problem.sentence.starts_with(&problem.field), "{problem:?}");
    }
    errors
}

fn date(text: &str) -> Date {
    text.parse().expect("a date")
}

#[test]
fn dev_json_parses_and_validates() {
    let file = dev();

    let result = file.validate();

    assert_eq!(result, Ok(()));
    assert_eq!(file.chain_id.as_str(), "onebook-dev-1");
    assert!(file.dev_only);
    assert_eq!(file.orgs.len(), 8);
    assert_eq!(file.validators.len(), 4);
}

#[test]
fn dev_json_is_written_the_way_to_json_pretty_writes_it() {
    let file = dev();

    let text = file.to_json_pretty();

    assert_eq!(text.as_bytes(), DEV_JSON, "re-create dev.json with GenesisFile::to_json_pretty");
}

#[test]
fn the_dev_genesis_hash_is_pinned() {
    let hash = dev().hash();

    assert_eq!(hash.to_hex(), DEV_HASH, "dev genesis hash is {hash}");
}

#[test]
fn reformatting_the_json_does_not_change_the_hash() {
    let file = dev();
    let compact = serde_json::to_vec(&file).expect("json");

    let from_pretty = GenesisFile::from_json(file.to_json_pretty().as_bytes()).expect("parses");
    let from_compact = GenesisFile::from_json(&compact).expect("parses");

    assert_eq!(from_pretty.hash(), file.hash());
    assert_eq!(from_compact.hash(), file.hash());
    assert_ne!(compact.as_slice(), DEV_JSON);
}

#[test]
fn the_dev_chain_starts_at_midnight_on_new_year_2026_in_china() {
    let file = dev();

    let start = Date::from_ymd(2026, 1, 1).expect("a day").start(file.policy.utc_offset_minutes);

    assert_eq!(file.genesis_time, start);
    assert_eq!(file.genesis_time, Timestamp(1_767_196_800_000));
}

#[test]
fn every_dev_label_names_the_key_dev_secret_derives() {
    let file = dev();

    for member in &file.members {
        let label = member.dev_label.as_deref().expect("every dev member has a label");
        assert_eq!(dev_secret(label).public_key(), member.key, "{label}");
    }
    for validator in &file.validators {
        let label = format!("{}/node", validator.org);
        assert_eq!(dev_secret(&label).public_key(), validator.node_key, "{label}");
    }
}

#[test]
fn dev_secret_hashes_the_published_prefix_then_the_label() {
    let seed = *blake3::hash(b"onebook dev key: xm-dsj/admin").as_bytes();

    let secret = dev_secret("xm-dsj/admin");

    assert_eq!(secret.seed(), seed);
}

#[test]
fn the_default_suite_is_not_written_and_the_national_suite_is() {
    let national = dev().with_dev_suite(Suite::Sm2Sm3).expect("a dev network");

    let default_json: serde_json::Value = serde_json::from_str(&dev().to_json_pretty()).unwrap();
    let national_json: serde_json::Value =
        serde_json::from_str(&national.to_json_pretty()).unwrap();

    assert!(default_json.get("suite").is_none());
    assert_eq!(national_json["suite"], "sm2-sm3");
    let parsed = GenesisFile::from_json_validated(national.to_json_pretty().as_bytes()).unwrap();
    assert_eq!(parsed, national);
    assert_eq!(parsed.hash(), national.hash());
}

#[test]
fn the_national_genesis_hash_is_sm3_over_the_fields_then_the_suite_code() {
    let national = dev().with_dev_suite(Suite::Sm2Sm3).expect("a dev network");
    let mut input = b"onebook/genesis/v1\0".to_vec();
    input.extend_from_slice(&codec::encode(&national));
    input.push(0x01);

    let hash = national.hash();

    assert_eq!(hash.0, Suite::Sm2Sm3.digest(&input));
    // The suite is part of the identity: the same fields under the default suite hash apart.
    let same_fields = GenesisFile { suite: Suite::Ed25519Blake3, ..national };
    assert_ne!(same_fields.hash(), hash);
    assert_eq!(dev().hash().to_hex(), DEV_HASH);
}

#[test]
fn the_national_dev_network_is_valid_and_its_labels_derive_sm2_keys() {
    let national = dev().with_dev_suite(Suite::Sm2Sm3).expect("a dev network");

    assert_eq!(national.validate(), Ok(()));
    for member in &national.members {
        let label = member.dev_label.as_deref().expect("every dev member has a label");
        let key = dev_secret_in(Suite::Sm2Sm3, label);
        assert_eq!(key.suite(), Suite::Sm2Sm3);
        assert_eq!(key.public_key(), member.key, "{label}");
    }
    for validator in &national.validators {
        let label = format!("{}/node", validator.org);
        assert_eq!(dev_secret_in(Suite::Sm2Sm3, &label).public_key(), validator.node_key);
    }
}

#[test]
fn ed25519_keys_in_a_national_genesis_are_refused_by_field() {
    let mut mixed = dev();
    mixed.suite = Suite::Sm2Sm3;

    let errors = mixed.validate().expect_err("ed25519 dev keys are no SM2 dev keys");

    // Every dev label now names another key; keys that happen not to be SM2 points say so.
    assert!(errors.mentions("members[0].key"), "{errors}");
    assert!(errors.problems.iter().all(|p| !p.sentence.contains("ed25519")), "{errors}");
}

#[test]
fn a_production_genesis_cannot_be_rekeyed_as_a_dev_network() {
    let mut file = dev();
    file.dev_only = false;

    assert!(matches!(file.with_dev_suite(Suite::Sm2Sm3), Err(GenesisError::NotDevOnly)));
}

#[test]
fn an_unknown_suite_is_refused() {
    let mut value: serde_json::Value = serde_json::from_slice(DEV_JSON).expect("json");
    value["suite"] = "rsa-md5".into();

    let result = GenesisFile::from_json(&serde_json::to_vec(&value).unwrap());

    assert!(matches!(result, Err(GenesisError::Json(_))));
}

#[test]
fn an_unknown_field_is_refused() {
    let mut value: serde_json::Value = serde_json::from_slice(DEV_JSON).expect("json");
    value["orgs"][0]["motto"] = "为人民服务".into();
    let nested = serde_json::to_vec(&value).expect("json");
    let mut value: serde_json::Value = serde_json::from_slice(DEV_JSON).expect("json");
    value["validator"] = serde_json::Value::Array(Vec::new());
    let top = serde_json::to_vec(&value).expect("json");

    let results = [GenesisFile::from_json(&nested), GenesisFile::from_json(&top)];

    for result in results {
        let error = result.expect_err("unknown field");
        assert!(matches!(&error, GenesisError::Json(e) if e.to_string().contains("unknown field")));
    }
}

#[test]
fn oversize_input_is_refused_before_parsing() {
    let bytes = vec![b' '; GENESIS_BYTES_MAX + 1];

    let result = GenesisFile::from_json(&bytes);

    assert!(
        matches!(result, Err(GenesisError::TooLarge { size_bytes }) if size_bytes == bytes.len())
    );
}

#[test]
fn from_json_validated_refuses_a_file_that_breaks_a_rule() {
    let mut file = dev();
    file.validators.clear();
    let bytes = file.to_json_pretty();

    let result = GenesisFile::from_json_validated(bytes.as_bytes());

    assert!(matches!(result, Err(GenesisError::Invalid(errors)) if errors.mentions("validators")));
}

#[test]
fn initial_state_is_sorted_and_holds_every_org_and_member() {
    let file = dev();

    let state = file.initial_state();

    assert!(state.windows(2).all(|pair| pair[0].0 < pair[1].0), "sorted, each key once");
    let authorities: Vec<_> = file.orgs.iter().filter(|org| org.data_authority).collect();
    assert_eq!(state.len(), 3 + file.orgs.len() + authorities.len() + file.members.len());
    let value = |key: &RecordKey| &state.iter().find(|(k, _)| k == key).expect("present").1;
    let policy: Policy = codec::decode(value(&RecordKey::Policy), usize::MAX).expect("policy");
    assert_eq!(policy, file.policy);
    let set: ValidatorSet =
        codec::decode(value(&RecordKey::ValidatorSet), usize::MAX).expect("validator set");
    assert_eq!(set, file.validator_set());
    let checkpoints: onebook_types::checkpoint::CheckpointPolicy =
        codec::decode(value(&RecordKey::CheckpointPolicy), usize::MAX).expect("checkpoints");
    assert_eq!(checkpoints, file.checkpoint_policy());
    assert_eq!((checkpoints.interval, checkpoints.witnesses.threshold), (10, 2));
    for org in &file.orgs {
        let record: Org =
            codec::decode(value(&RecordKey::Org(org.id.clone())), usize::MAX).expect("org");
        assert_eq!(record.status, OrgStatus::Active);
        assert_eq!(record, org.to_org());
    }
    for org in authorities {
        let key = RecordKey::RegionAuthority(org.region.clone());
        let authority: OrgId = codec::decode(value(&key), usize::MAX).expect("region authority");
        assert_eq!(authority, org.id);
    }
    for member in &file.members {
        let record: Member =
            codec::decode(value(&RecordKey::Member(member.key)), usize::MAX).expect("member");
        assert_eq!(record.status, MemberStatus::Active);
        assert_eq!(record.roles, member.roles);
    }
}

#[test]
fn the_validator_set_is_sorted_whatever_the_file_order() {
    let file = dev();
    let mut reversed = file.clone();
    reversed.validators.reverse();

    let set = file.validator_set();

    assert!(set.validators.windows(2).all(|pair| pair[0].node_key < pair[1].node_key));
    assert_eq!(reversed.validator_set(), set);
    assert_eq!(set.total_power(), 40);
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut file = dev();
    file.chain_id = "dev 1".into();
    file.validators.clear();
    file.policy.public_notice_days = 0;

    let errors = file.validate().expect_err("three rules broken");

    assert_eq!(errors.problems.len(), 3, "{errors}");
    assert!(errors.to_string().starts_with("genesis file breaks 3 rules"));
}

#[test]
fn the_chain_id_must_be_a_valid_id() {
    let mut file = dev();
    file.chain_id = "onebook dev".into();

    breaks(&file, "chain_id");
}

#[test]
fn an_org_id_must_be_a_valid_id() {
    let mut file = dev();
    file.orgs[7].id = "厦门".into();

    breaks(&file, "orgs[7].id");
}

#[test]
fn org_ids_must_be_unique() {
    let mut file = dev();
    file.orgs[7].id = file.orgs[6].id.clone();

    let errors = breaks(&file, "orgs[7].id");

    assert!(errors.problems.iter().any(|p| p.sentence.contains("already the id of orgs[6]")));
}

#[test]
fn a_parent_must_be_an_org_in_the_file() {
    let mut file = dev();
    file.orgs[2].parent = Some("xm-xx".into());

    let errors = breaks(&file, "orgs[2].parent");

    assert_eq!(
        errors.problems[0].sentence,
        "orgs[2].parent names `xm-xx`, which is not an org in this file"
    );
}

#[test]
fn the_parent_graph_must_have_no_cycle() {
    let mut file = dev();
    let root = index_of_org(&file, "fj-gov");
    file.orgs[root].parent = Some("xm-dsj".into());

    let errors = breaks(&file, &format!("orgs[{root}].parent"));

    let on_cycle: Vec<&str> = errors.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(on_cycle, ["orgs[0].parent", "orgs[2].parent", "orgs[3].parent"]);
}

#[test]
fn an_org_may_not_be_its_own_parent() {
    let mut file = dev();
    file.orgs[4].parent = Some(file.orgs[4].id.clone());

    breaks(&file, "orgs[4].parent");
}

#[test]
fn a_region_is_six_digits() {
    let mut file = dev();
    file.orgs[3].region = "3502".into();

    breaks(&file, "orgs[3].region");
}

#[test]
fn a_region_has_at_most_one_data_authority() {
    let mut file = dev();
    let bureau = index_of_org(&file, "xm-gaj");
    file.orgs[bureau].data_authority = true;

    let errors = breaks(&file, &format!("orgs[{bureau}].data_authority"));

    assert!(errors.problems[0].sentence.contains("`xm-dsj`"), "{errors}");
}

#[test]
fn every_org_needs_an_admin() {
    let mut file = dev();
    file.members.retain(|member| {
        !(member.org.as_str() == "xm-jypt" && member.roles.contains(&Role::OrgAdmin))
    });
    let platform = index_of_org(&file, "xm-jypt");

    let errors = breaks(&file, &format!("orgs[{platform}]"));

    assert!(errors.problems[0].sentence.contains("org-admin"));
}

#[test]
fn names_must_be_non_empty_and_within_the_text_limit() {
    let mut file = dev();
    file.orgs[0].name = " ".into();
    file.members[0].name = "名".repeat(TEXT_BYTES_MAX);

    breaks(&file, "orgs[0].name");
    breaks(&file, "members[0].name");
}

#[test]
fn a_member_key_must_be_a_valid_ed25519_key() {
    let mut file = dev();
    file.dev_only = false;
    file.members.iter_mut().for_each(|member| member.dev_label = None);
    let mut identity = [0u8; 32];
    identity[0] = 1;
    file.members[3].key = PublicKey(identity);

    breaks(&file, "members[3].key");
}

#[test]
fn member_keys_must_be_unique() {
    let mut file = dev();
    file.members[5].key = file.members[4].key;

    let errors = breaks(&file, "members[5].key");

    assert!(errors.problems.iter().any(|p| p.sentence.contains("already the key of members[4]")));
}

#[test]
fn a_member_must_belong_to_an_org_in_the_file() {
    let mut file = dev();
    file.members[4].org = "xm-xx".into();

    breaks(&file, "members[4].org");
}

#[test]
fn a_member_needs_a_role() {
    let mut file = dev();
    file.members[1].roles.clear();

    breaks(&file, "members[1].roles");
}

#[test]
fn roles_must_be_sorted_without_duplicates() {
    let mut unsorted = dev();
    unsorted.members[3].roles = vec![Role::Auditor, Role::OrgAdmin];
    let mut repeated = dev();
    repeated.members[3].roles = vec![Role::OrgAdmin, Role::OrgAdmin];

    breaks(&unsorted, "members[3].roles");
    breaks(&repeated, "members[3].roles");
}

#[test]
fn a_dev_label_is_refused_outside_dev_networks() {
    let mut file = dev();
    file.dev_only = false;

    let errors = breaks(&file, "members[0].dev_label");

    assert_eq!(errors.problems.len(), file.members.len() + file.checkpoints.witnesses.len());
    assert!(errors.problems.iter().any(|p| p.field == "checkpoints.witnesses[0].dev_label"));
}

#[test]
fn a_dev_label_must_derive_the_member_key() {
    let mut file = dev();
    file.members[2].dev_label = Some("xm-gov/someone-else".into());

    breaks(&file, "members[2].key");
}

#[test]
fn a_chain_needs_a_validator() {
    let mut file = dev();
    file.validators.clear();

    breaks(&file, "validators");
}

#[test]
fn a_chain_has_at_most_validators_max_validators() {
    let mut file = dev();
    file.validators = (0..=VALIDATORS_MAX)
        .map(|i| Validator {
            node_key: dev_secret(&format!("extra/{i}")).public_key(),
            org: "xm-dsj".into(),
            power: 1,
        })
        .collect();

    let errors = breaks(&file, "validators");

    assert!(errors.problems[0].sentence.contains("129"), "{errors}");
}

#[test]
fn node_keys_must_be_unique_and_valid() {
    let mut repeated = dev();
    repeated.validators[3].node_key = repeated.validators[0].node_key;
    let mut invalid = dev();
    invalid.validators[1].node_key = PublicKey([0; 32]);

    breaks(&repeated, "validators[3].node_key");
    breaks(&invalid, "validators[1].node_key");
}

#[test]
fn a_validator_must_belong_to_an_org_in_the_file() {
    let mut file = dev();
    file.validators[2].org = OrgId::from("xm-xx");

    breaks(&file, "validators[2].org");
}

#[test]
fn validator_power_must_be_positive_and_its_total_bounded() {
    let mut zero = dev();
    zero.validators[0].power = 0;
    let mut huge = dev();
    huge.validators[0].power = u64::MAX;

    breaks(&zero, "validators[0].power");
    breaks(&huge, "validators");
}

#[test]
fn policy_deadlines_must_be_positive() {
    let fields = [
        "catalog_update_working_days",
        "resource_registration_working_days",
        "share_answer_working_days",
        "correction_working_days",
        "public_notice_days",
        "grant_term_days_max",
    ];
    for (n, field) in fields.iter().enumerate() {
        let mut file = dev();
        let policy = &mut file.policy;
        match n {
            0 => policy.catalog_update_working_days = 0,
            1 => policy.resource_registration_working_days = 0,
            2 => policy.share_answer_working_days = 0,
            3 => policy.correction_working_days = 0,
            4 => policy.public_notice_days = 0,
            _ => policy.grant_term_days_max = 0,
        }

        breaks(&file, &format!("policy.{field}"));
    }
}

#[test]
fn the_utc_offset_is_within_fourteen_hours() {
    let mut file = dev();
    file.policy.utc_offset_minutes = 15 * 60;

    breaks(&file, "policy.utc_offset_minutes");
}

#[test]
fn calendar_dates_must_be_sorted_and_unique() {
    let mut unsorted = dev();
    unsorted.policy.holidays.swap(0, 1);
    let mut repeated = dev();
    let first = repeated.policy.makeup_workdays[0];
    repeated.policy.makeup_workdays.insert(0, first);

    breaks(&unsorted, "policy.holidays[1]");
    breaks(&repeated, "policy.makeup_workdays[1]");
}

#[test]
fn a_make_up_workday_is_a_weekend_day_and_not_a_holiday() {
    let mut weekday = dev();
    weekday.policy.makeup_workdays = vec![date("2025-01-27")];
    let mut both = dev();
    both.policy.makeup_workdays = vec![date("2025-02-01")];

    let errors = breaks(&weekday, "policy.makeup_workdays[0]");
    assert!(errors.problems[0].sentence.contains("weekday"));
    let errors = breaks(&both, "policy.makeup_workdays[0]");
    assert!(errors.problems[0].sentence.contains("also in policy.holidays"));
}

#[test]
fn legal_bases_must_be_sorted_with_valid_codes_and_titles() {
    let mut unsorted = dev();
    unsorted.policy.legal_bases.swap(0, 1);
    let mut bad_code = dev();
    bad_code.policy.legal_bases.push(LegalBasis {
        code: LegalBasisCode::from("刑法"),
        title: "《中华人民共和国刑法》".into(),
    });
    let mut empty_title = dev();
    empty_title.policy.legal_bases[2].title.clear();

    breaks(&unsorted, "policy.legal_bases[1].code");
    breaks(&bad_code, "policy.legal_bases[5].code");
    breaks(&empty_title, "policy.legal_bases[2].title");
}

#[test]
fn witnesses_need_valid_unique_keys_and_a_reachable_threshold() {
    let mut file = dev();
    file.checkpoints.threshold = 3;
    file.checkpoints.interval = 0;
    let twice = file.checkpoints.witnesses[0].clone();
    file.checkpoints.witnesses.push(twice);

    let errors = file.validate().expect_err("invalid");
    let fields: Vec<&str> = errors.problems.iter().map(|p| p.field.as_str()).collect();

    assert!(fields.contains(&"checkpoints.interval"), "{fields:?}");
    assert!(fields.contains(&"checkpoints.witnesses[2].key"), "{fields:?}");
    let mut none = dev();
    none.checkpoints.witnesses.clear();
    assert!(none.validate().is_err(), "a threshold of 2 with no witnesses");
    none.checkpoints.threshold = 0;
    assert!(none.validate().is_ok(), "a chain may have no witnesses, and no anchored bundle");
    let mut unreachable = dev();
    unreachable.checkpoints.threshold = 3;
    assert!(unreachable.validate().is_err());
}
