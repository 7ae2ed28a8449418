//! A large batch sent to the simulator over HTTP, streamed: the CSV file read 64 KiB at a time
//! (`CsvRowReader`), each row planned (`Planner`) when the run asks for rows (`BatchRun::streaming`), sent
//! through one keep-alive connection, its journal lines and its result written out as they come. Each size
//! runs in a process of its own and prints its time and that process's peak memory (the simulator, which
//! keeps every gift, runs in another process). Run with `make bench-batch` (or
//! `BATCH_SEND_ROWS=100000 cargo bench -p andopen-mock --bench batch_send` for one size).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use andopen_core::batch::{BatchAction, BatchRun, BatchSettings, CsvRowReader, Journal, Planner, RunOptions, StreamStep, results_to_csv};
use andopen_core::history::GiftHistory;
use andopen_core::{Client, Config, ListCampaigns, Timestamp};
use andopen_mock::transport::HttpClient;

const PIECE: usize = 64 * 1024;

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| status.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.trim_start_matches("VmHWM:").trim().to_owned()))
        .unwrap_or_else(|| "not available on this system".to_owned())
}

fn csv_file(rows: usize) -> PathBuf {
    let path = std::env::temp_dir().join(format!("andopen-bench-send-{rows}.csv"));
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
        return path;
    }
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, "row_key,first_name,last_name,email,company").unwrap();
    for i in 0..rows {
        writeln!(out, "row-{i},First{i},Last{i},person{i}@example.com,\"Company {}, Inc\"", i % 997).unwrap();
    }
    out.flush().unwrap();
    path
}

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    Timestamp::from_unix_millis(i64::try_from(ms).unwrap())
}

/// One size, in this process, against a simulator started for it.
fn child(rows: usize) {
    let path = csv_file(rows);
    let mut sim = Command::new(env!("CARGO_BIN_EXE_andopen-mock"))
        .args(["--port", "0", "--quiet", "--exit-on-stdin-eof"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(sim.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base_url = line.trim().rsplit(' ').next().unwrap().to_owned();
    let client = Client::new(Config::builder().api_key("ao-v1-staging-bench-send").base_url(&base_url).build().unwrap());
    let mut http = HttpClient::new();
    let mut pages = client.list_campaigns(&ListCampaigns::default()).unwrap();
    let campaigns = http.list_all(&mut pages, |_| {}, |_| {}).unwrap();
    let campaign = campaigns.iter().find(|c| !c.allows_direct_send()).unwrap().id.to_string();

    let started = Instant::now();
    let mut file = std::fs::File::open(&path).unwrap();
    let mut reader = CsvRowReader::new();
    let mut planner = Planner::new(BatchSettings { campaign_id: campaign, ..BatchSettings::default() });
    let (history, journal) = (GiftHistory::new(), Journal::new());
    let mut run = BatchRun::streaming(client, RunOptions { wait_for_redemption_url: false, ..RunOptions::default() });
    let mut journal_out = std::io::sink();
    let mut results_out = std::io::sink();
    let mut bytes = vec![0u8; PIECE];
    let mut carry = Vec::new();
    loop {
        let request = match run.next_step(now()) {
            StreamStep::Act(BatchAction::Persist(entry)) => {
                writeln!(journal_out, "{}", entry.to_json_line()).unwrap();
                continue;
            }
            StreamStep::Act(BatchAction::Wait(delay)) => {
                std::thread::sleep(delay);
                continue;
            }
            StreamStep::NeedRows => {
                let n = file.read(&mut bytes).unwrap();
                let read = if n == 0 {
                    reader.finish().unwrap()
                } else {
                    carry.extend_from_slice(&bytes[..n]);
                    let valid = std::str::from_utf8(&carry).map_or_else(|e| e.valid_up_to(), str::len);
                    let text = std::str::from_utf8(&carry[..valid]).unwrap().to_owned();
                    carry.drain(..valid);
                    reader.push(&text).unwrap()
                };
                for row in &read {
                    run.push(planner.plan_row(row, &history, &journal, now()));
                }
                if n == 0 {
                    run.close();
                }
                continue;
            }
            StreamStep::Act(BatchAction::Done) => break,
            StreamStep::Act(BatchAction::Send(request)) => request.clone(),
        };
        match http.send(&request) {
            Ok(response) => run.handle_response(&response, now()),
            Err(e) => run.handle_transport_failure(e.failure(), now()),
        }
        let taken = run.take_results();
        if !taken.is_empty() {
            results_out.write_all(results_to_csv(&taken).as_bytes()).unwrap();
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let p = run.progress();
    println!(
        "{rows:>9} rows sent to the simulator: {elapsed:>7.1} s ({:.0} µs a row), {} sent, {} failed, {} unknown; peak memory {}",
        elapsed * 1e6 / rows as f64,
        p.sent,
        p.failed,
        p.unknown,
        peak_memory()
    );
    drop(sim.stdin.take());
    sim.wait().unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        child(args[2].parse().unwrap());
        return;
    }
    let sizes: Vec<usize> = match std::env::var("BATCH_SEND_ROWS") {
        Ok(list) => list.split(',').map(|n| n.trim().parse().expect("BATCH_SEND_ROWS: whole numbers, comma separated")).collect(),
        Err(_) => vec![100_000, 1_000_000],
    };
    println!("CSV streamed in, every row planned and sent to the simulator over HTTP (a process for each line)");
    for rows in sizes {
        let status = Command::new(std::env::current_exe().unwrap()).args(["child", &rows.to_string()]).status().unwrap();
        assert!(status.success(), "{rows} rows");
    }
}
