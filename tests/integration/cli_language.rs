//! The command line in both languages: choosing the language, pinyin order and search.

use crate::common::Kehu;

#[test]
fn chinese_names_list_in_pinyin_order() {
    let k = Kehu::new();
    for name in ["张伟", "王芳", "李娜", "Zoe", "陈静"] {
        k.add(&["--name", name]);
    }
    let names: Vec<String> = k
        .json(&["customer", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec!["陈静", "李娜", "王芳", "张伟", "Zoe"]);
    let found = k.json(&["customer", "list", "--search", "Zhang Wei", "--json"]);
    assert_eq!(found[0]["name"], "张伟", "a name's pinyin finds it");
    assert_eq!(found.as_array().unwrap().len(), 1);
}

#[test]
fn the_language_follows_flag_variable_config_then_locale() {
    let k = Kehu::new();
    let id = k.add(&["--name", "张伟", "--phone", "13800138000", "--tier", "vip"]);
    let show = |setup: &dyn Fn(&mut std::process::Command)| {
        let mut cmd = k.command();
        cmd.env_remove("KEHU_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .env("KEHU_CONFIG", k.dir.path().join("no-config.toml"));
        setup(&mut cmd);
        let out = cmd
            .args(["customer", "show", &id.to_string()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        if text.contains("负责人") {
            "zh"
        } else if text.contains("owner") {
            "en"
        } else {
            panic!("neither language:\n{text}")
        }
    };
    assert_eq!(show(&|_| {}), "en", "nothing set: English");
    assert_eq!(
        show(&|c| {
            c.env("LANG", "zh_CN.UTF-8");
        }),
        "zh"
    );
    assert_eq!(
        show(&|c| {
            c.env("LANG", "zh_CN.UTF-8").env("LC_ALL", "en_US.UTF-8");
        }),
        "en",
        "LC_ALL before LANG"
    );
    assert_eq!(
        show(&|c| {
            c.env("LC_MESSAGES", "zh_CN.UTF-8")
                .env("LANG", "en_US.UTF-8");
        }),
        "zh",
        "LC_MESSAGES before LANG"
    );
    let config = k.dir.path().join("config.toml");
    std::fs::write(&config, "lang = \"zh\"\n").unwrap();
    assert_eq!(
        show(&|c| {
            c.env("KEHU_CONFIG", &config).env("LANG", "en_US.UTF-8");
        }),
        "zh",
        "the config file before the locale"
    );
    assert_eq!(
        show(&|c| {
            c.env("KEHU_CONFIG", &config).env("KEHU_LANG", "en");
        }),
        "en",
        "KEHU_LANG before the config file"
    );
    assert_eq!(
        show(&|c| {
            c.env("KEHU_LANG", "en").arg("--lang").arg("zh");
        }),
        "zh",
        "--lang first"
    );

    // In Chinese: labels, words, grouped mobile number, Chinese dates; help too.
    let mut cmd = k.command();
    let out = cmd
        .args(["--lang", "zh", "customer", "show", &id.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("电话") && text.contains("138 0013 8000") && text.contains("VIP"),
        "{text}"
    );
    let help = k.ok(&["--lang", "zh", "customer", "add", "--help"]);
    assert!(
        help.contains("用法:") && help.contains("添加客户") && help.contains("选项"),
        "{help}"
    );
    let help = k.ok(&["customer", "add", "--help"]);
    assert!(
        help.contains("Usage:") && help.contains("Add a customer"),
        "{help}"
    );
}
