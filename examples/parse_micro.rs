//! Micro-benchmark: raw saphyr-parser events vs modreg's span-keeping builder on one file.
#![allow(clippy::print_stdout)] // a benchmark reports on stdout
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_micro FILE");
    let text = std::fs::read_to_string(path).expect("read");
    let n: usize = std::env::var("N").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let t = Instant::now();
    let mut events = 0usize;
    for _ in 0..n {
        for ev in saphyr_parser::Parser::new_from_str(&text) {
            ev.expect("event");
            events += 1;
        }
    }
    println!(
        "raw events  {:>8.1} µs/file ({} events)",
        t.elapsed().as_secs_f64() * 1e6 / n as f64,
        events / n
    );
    let t = Instant::now();
    for _ in 0..n {
        modreg::yaml::parse_str(&text).expect("parse");
    }
    println!("modreg      {:>8.1} µs/file", t.elapsed().as_secs_f64() * 1e6 / n as f64);
}
