//! `modreg mcp`: the real binary as a child process, driven by rmcp's own client over stdio.
//! Each tool is called once at least; answers are compared with the CLI's JSON where there is one.

use rmcp::model::{CallToolRequestParams, CallToolResult, ReadResourceRequestParams, ResourceContents};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ServiceExt as _, model::GetPromptRequestParams};
use serde_json::{Value, json};

use crate::util::{NOW, Scratch, manifest, tree};

type Client = RunningService<RoleClient, ()>;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

async fn start(dir: &std::path::Path, args: &[&str]) -> Client {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_modreg"));
    cmd.arg("mcp").args(args).current_dir(dir).env("MODREG_NOW", NOW).env_remove("MODREG_REGISTRY");
    let transport = TokioChildProcess::new(cmd).expect("spawn modreg mcp");
    ().serve(transport).await.expect("initialize")
}

async fn call(client: &Client, name: &'static str, args: Value) -> CallToolResult {
    let mut p = CallToolRequestParams::new(name);
    p.arguments = args.as_object().cloned();
    client.call_tool(p).await.expect("the call gets an answer")
}

fn structured(r: &CallToolResult) -> &Value {
    r.structured_content.as_ref().expect("structuredContent")
}

fn ok(r: &CallToolResult) -> &Value {
    assert_ne!(r.is_error, Some(true), "tool error: {:?}", r.content);
    structured(r)
}

async fn tool_names(client: &Client) -> Vec<String> {
    client.list_all_tools().await.expect("tools").into_iter().map(|t| t.name.to_string()).collect()
}

#[test]
fn every_tool_answers_as_the_cli_does() {
    let s = Scratch::shipped();
    runtime().block_on(async {
        let client = start(s.path(), &[]).await;
        let tools = client.list_all_tools().await.expect("tools");
        for t in &tools {
            let a = t.annotations.as_ref().expect("annotations");
            assert_eq!(a.read_only_hint, Some(true), "{}", t.name);
            assert!(t.output_schema.is_some(), "{}", t.name);
            assert!(t.description.as_deref().is_some_and(|d| d.len() > 40), "{}", t.name);
        }
        let names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
        assert_eq!(
            names,
            [
                "list_modules",
                "show_module",
                "search_modules",
                "get_context",
                "dependencies",
                "validate",
                "diff"
            ]
        );

        let list = call(&client, "list_modules", json!({"status": ["active"]})).await;
        let ids: Vec<&str> =
            ok(&list)["modules"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&"crm"));

        let show = call(&client, "show_module", json!({"id": "crm"})).await;
        assert_eq!(ok(&show)["id"], "crm");

        let search =
            call(&client, "search_modules", json!({"query": "send invoices to customers", "limit": 3})).await;
        let cli: Value =
            s.run(&["search", "send invoices to customers", "--limit", "3", "--format", "json"]).json();
        assert_eq!(ok(&search)["hits"], cli);

        let deps =
            call(&client, "dependencies", json!({"id": "crm", "reverse": true, "transitive": true})).await;
        let cli: Value = s.run(&["deps", "crm", "--reverse", "--transitive", "--format", "json"]).json();
        assert_eq!(ok(&deps), &cli);

        let context =
            call(&client, "get_context", json!({"module": "crm", "depth": 1, "max_tokens": 4000})).await;
        let cli: Value =
            s.run(&["context", "--json", "--module", "crm", "--depth", "1", "--max-tokens", "4000"]).json();
        assert_eq!(ok(&context), &cli);

        let validate = call(&client, "validate", json!({})).await;
        let cli: Value = s.run(&["validate", "--format", "json"]).json();
        assert_eq!(ok(&validate), &cli);

        let dry =
            call(&client, "validate", json!({"manifest": manifest("brand-new", ""), "allow_similar": true}))
                .await;
        assert_eq!(ok(&dry)["dry_run"], true);
        assert!(!s.registry().join("brand-new").exists(), "a dry run writes nothing");

        // Not a git repository: the CLI's error and hint, as a tool error.
        let diff = call(&client, "diff", json!({})).await;
        assert_eq!(diff.is_error, Some(true));
        assert!(structured(&diff)["hint"].as_str().is_some_and(|h| h.contains("--against")), "{diff:?}");
        let diff = call(&client, "diff", json!({"against": s.path().to_str().unwrap()})).await;
        assert_eq!(ok(&diff)["changes"], json!([]));

        // Resources, the template and the prompt.
        let resources = client.list_all_resources().await.expect("resources");
        let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
        assert!(uris.contains(&"modreg://modules/crm") && uris.contains(&"modreg://context"));
        assert!(uris.contains(&"modreg://schemas/module"));
        let templates = client.list_all_resource_templates().await.expect("templates");
        assert_eq!(templates[0].uri_template, "modreg://modules/{id}");
        let read =
            client.read_resource(ReadResourceRequestParams::new("modreg://modules/crm")).await.expect("read");
        let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else { panic!("text") };
        assert_eq!(text, &s.read("registry/crm/module.yaml"));
        let read =
            client.read_resource(ReadResourceRequestParams::new("modreg://context")).await.expect("read");
        let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else { panic!("text") };
        assert_eq!(text, &s.run(&["context", "--json"]).stdout);

        let mut p = GetPromptRequestParams::new("before_creating_a_module");
        p.arguments = json!({"description": "send invoices to customers"}).as_object().cloned();
        let prompt = client.get_prompt(p).await.expect("prompt");
        let text = serde_json::to_string(&prompt.messages).unwrap();
        assert!(text.contains("billing"), "{text}");
        client.cancel().await.expect("close");
    });
}

#[test]
fn write_tools_only_with_allow_writes_and_a_refusal_writes_nothing() {
    let s = Scratch::shipped();
    runtime().block_on(async {
        let client = start(s.path(), &[]).await;
        let names = tool_names(&client).await;
        assert!(!names.iter().any(|n| n == "register_module" || n == "record_health"), "{names:?}");
        let r = call(&client, "register_module", json!({"manifest": manifest("fresh-one", "")})).await;
        assert_eq!(r.is_error, Some(true));
        assert!(!s.registry().join("fresh-one").exists());
        client.cancel().await.expect("close");

        let client = start(s.path(), &["--allow-writes"]).await;
        let tools = client.list_all_tools().await.expect("tools");
        let register = tools.iter().find(|t| t.name == "register_module").expect("register_module");
        assert_eq!(register.annotations.as_ref().unwrap().read_only_hint, Some(false));
        assert!(tools.iter().any(|t| t.name == "record_health"));

        // An existing id is refused, with the CLI's JSON, and the registry is byte-for-byte unchanged.
        let before = tree(&s.registry());
        let crm = s.read("registry/crm/module.yaml");
        let refused = call(&client, "register_module", json!({"manifest": crm})).await;
        assert_eq!(refused.is_error, Some(true));
        assert_eq!(structured(&refused)["registered"], Value::Null);
        assert!(!structured(&refused)["diagnostics"].as_array().unwrap().is_empty());
        assert_eq!(tree(&s.registry()), before);

        let done = call(
            &client,
            "register_module",
            json!({"manifest": manifest("fresh-one", ""), "allow_similar": true}),
        )
        .await;
        assert_eq!(ok(&done)["registered"], "fresh-one");
        // The next call sees the module it registered.
        let show = call(&client, "show_module", json!({"id": "fresh-one"})).await;
        assert_eq!(ok(&show)["id"], "fresh-one");

        let snapshot = json!({"module": "fresh-one", "observed_at": NOW, "status": "healthy"}).to_string();
        let recorded = call(&client, "record_health", json!({"id": "fresh-one", "snapshot": snapshot})).await;
        assert!(structured(&recorded).get("recorded").is_some(), "{recorded:?}");
        client.cancel().await.expect("close");
    });
}

#[test]
fn malformed_arguments_are_tool_errors_and_the_server_stays_up() {
    let s = Scratch::shipped();
    runtime().block_on(async {
        let client = start(s.path(), &[]).await;
        for (tool, args) in [
            ("show_module", json!({})),
            ("show_module", json!({"id": 42})),
            ("search_modules", json!({"query": "!!!"})),
            ("list_modules", json!({"status": ["sleeping"]})),
            ("dependencies", json!({"id": "no-such-module"})),
            ("get_context", json!({"max_tokens": 1})),
        ] {
            let r = call(&client, tool, args.clone()).await;
            assert_eq!(r.is_error, Some(true), "{tool} {args}: {r:?}");
            assert!(structured(&r)["error"].is_string(), "{tool} {args}: {r:?}");
        }
        let r = call(&client, "show_module", json!({"id": "no-such-module"})).await;
        let cli = s.run(&["show", "no-such-module"]);
        assert_eq!(r.is_error, Some(true));
        let text = format!("{:?}", r.content);
        let first = cli.stderr.lines().next().unwrap().trim_start_matches("error: ");
        assert!(text.contains(first), "{text} / {}", cli.stderr);
        // Still serving.
        let show = call(&client, "show_module", json!({"id": "crm"})).await;
        assert_eq!(ok(&show)["id"], "crm");
        client.cancel().await.expect("close");
    });
}

#[test]
fn a_manifest_edited_between_two_calls_is_seen_by_the_second() {
    let s = Scratch::shipped();
    runtime().block_on(async {
        let client = start(s.path(), &[]).await;
        let first = call(&client, "show_module", json!({"id": "crm"})).await;
        let name = ok(&first)["metadata"]["name"].as_str().unwrap().to_owned();
        let text = s.read("registry/crm/module.yaml").replace(&format!("name: {name}"), "name: Renamed CRM");
        s.write("registry/crm/module.yaml", text);
        let second = call(&client, "show_module", json!({"id": "crm"})).await;
        assert_eq!(ok(&second)["metadata"]["name"], "Renamed CRM");
        let search = call(&client, "search_modules", json!({"query": "renamed"})).await;
        assert_eq!(ok(&search)["hits"][0]["id"], "crm");
        client.cancel().await.expect("close");
    });
}
