//! Measurements, not pass/fail tests: `#[ignore]`d, so `cargo test` leaves them out.

use crate::support::Site;
use crate::support::serve::Server;
use std::path::Path;
use std::time::{Duration, Instant};

/// Measures the time from saving a chapter of the bundled paper to having the
/// reloaded page: the file is written, the test waits for the server's reload
/// event (what the page's script listens to), then fetches the page as the
/// reloading browser would. Not a pass/fail test; run it with
/// `cargo test --release --test testsuite -- --ignored reload_latency --nocapture`.
/// With `BAIPI_LATENCY_SITE=DIR` it measures a copy of that site instead (e.g. a
/// 1,000-chapter corpus from `../shared/bench/gen_corpus.py`), editing its first chapter.
#[test]
#[ignore]
fn reload_latency() {
    let (t, chapter, url, anchor) = match std::env::var_os("BAIPI_LATENCY_SITE") {
        Some(dir) => {
            let t = Site::copy_of(Path::new(&dir));
            let mds: Vec<String> = crate::support::entries_in(&t.file("content"))
                .into_iter()
                .filter(|n| n.ends_with(".md") && !n.starts_with('_'))
                .collect();
            let stem = mds[0].trim_end_matches(".md").to_string();
            (t, format!("content/{}", mds[0]), format!("/{stem}/"), "\n---\n".to_string())
        }
        None => (Site::paper(), "content/01-overview.md".into(), "/overview/".into(), "## 规模与构成".into()),
    };
    let srv = Server::start(t.path());
    let mut events = srv.events();
    events.next_data();
    let original = t.read(&chapter);
    assert!(original.contains(&anchor), "{chapter} no longer has `{anchor}` to write after");
    let mut samples = Vec::new();
    for i in 0..30 {
        std::thread::sleep(Duration::from_millis(150));
        let marker = format!("测量标记{i}号");
        let text = original.replacen(&anchor, &format!("{anchor}\n\n{marker}\n\n"), 1);
        let t0 = Instant::now();
        std::fs::write(t.file(&chapter), text).unwrap();
        events.next_data();
        let (status, _, body) = srv.get(&url);
        let dt = t0.elapsed();
        assert_eq!(status, 200);
        assert!(body.contains(&marker), "the reloaded page has the edit");
        samples.push(dt);
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "edit → reloaded page over {} saves: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 9 / 10]),
        ms(samples[samples.len() - 1])
    );
}
