//! The readers, on the real published samples and on broken input.

use std::io::Write;

use sightline_paths::Format;
use sightline_paths::parse::{FieldMap, detect, read};

use crate::{read_bytes, read_fixture};

#[test]
fn lnav_combined_lines_are_read_and_the_dash_request_is_a_numbered_bad_line() {
    let Some((reqs, rep)) = read_fixture("access-logs/lnav/logfile_access_log.0", Format::Auto)
    else {
        return;
    };
    assert_eq!(rep.format, Format::Combined);
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[1].path, "/vmw/vSphere/default/vmkboot.gz");
    assert_eq!(reqs[1].status, 404);
    assert_eq!(reqs[0].user_agent, "gPXE/0.9.7");
    assert_eq!(reqs[0].client, "192.168.202.254");
    // 20/Jul/2009:22:59:26 +0000
    assert_eq!(reqs[0].at_ms, 1_248_130_766_000);
    let Some((reqs, rep)) = read_fixture("access-logs/lnav/logfile_access_log.1", Format::Combined)
    else {
        return;
    };
    assert!(reqs.is_empty());
    assert_eq!(rep.bad_lines, 1);
    assert_eq!(rep.bad[0].line, 1);
    assert!(rep.bad[0].message.contains("request"), "{:?}", rep.bad[0]);
}

#[test]
fn alp_combined_plus_takes_the_last_number_as_request_time() {
    let Some((reqs, rep)) = read_fixture("access-logs/alp/combined_access.log", Format::Auto)
    else {
        return;
    };
    assert_eq!(rep.format, Format::Combined);
    assert_eq!((rep.lines, rep.bad_lines), (14, 0));
    assert_eq!(reqs[0].path, "/foo/bar", "query string dropped");
    assert_eq!(reqs[0].duration_ms, Some(57.0));
    let last = reqs.last().expect("14 requests");
    // `"-" - 0.321`: a dash where a time is expected, then the time.
    assert_eq!(last.path, "/req");
    assert!((last.duration_ms.unwrap_or(0.0) - 321.0).abs() < 1e-6);
    assert!(reqs.iter().any(|r| r.status == 504));
}

#[test]
fn alp_json_uses_the_default_field_map_and_falls_back_to_request_time() {
    let Some((reqs, rep)) = read_fixture("access-logs/alp/json_access.log", Format::Auto) else {
        return;
    };
    assert_eq!(rep.format, Format::NginxJson);
    assert_eq!((rep.requests, rep.bad_lines), (14, 0));
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].user_agent, "UA1");
    assert_eq!(reqs[0].duration_ms, Some(57.0));
    // 2015-09-06T05:58:05+09:00
    assert_eq!(reqs[0].at_ms, 1_441_486_685_000);
    let last = reqs.last().expect("requests");
    assert!((last.duration_ms.unwrap_or(0.0) - 321.0).abs() < 1e-6);
}

#[test]
fn a_field_map_finds_renamed_keys_and_bad_json_is_a_numbered_line() {
    let log = b"{\"ts\":\"2026-03-02T09:00:00Z\",\"verb\":\"GET\",\"p\":\"/a?x=1\",\"code\":\"200\"}\nnot json\n\n{\"ts\":\"2026-03-02T09:00:01Z\"}\n";
    let mut fields = FieldMap::default();
    for spec in ["time=ts", "method=verb", "path=p", "status=code"] {
        fields.set(spec).expect("valid spec");
    }
    assert!(fields.set("colour=x").is_err());
    let mut out = Vec::new();
    let rep = read(&log[..], Format::NginxJson, "t.log", &fields, &mut |r| {
        out.push(r)
    })
    .expect("readable");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].path, "/a");
    assert_eq!(out[0].status, 200);
    let lines: Vec<usize> = rep.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![2, 4], "blank line 3 skipped, not bad");
    assert!(rep.bad[1].message.contains("method"), "{:?}", rep.bad[1]);
}

#[test]
fn alb_valid_lines_including_ipv6_clients() {
    let Some((reqs, rep)) = read_fixture(
        "access-logs/opentelemetry-collector-contrib/alb_al_valid_logs.log",
        Format::Auto,
    ) else {
        return;
    };
    assert_eq!(rep.format, Format::Alb);
    assert_eq!((rep.requests, rep.bad_lines), (2, 0));
    assert_eq!(reqs[0].client, "192.168.131.39");
    assert_eq!(reqs[1].client, "fe80::202:b3ff:fe1e:8329");
    assert_eq!(reqs[0].path, "/");
    assert_eq!(reqs[0].status, 200);
    assert!((reqs[0].duration_ms.unwrap_or(0.0) - 171.0).abs() < 1e-6);
}

#[test]
fn alb_invalid_samples_are_bad_lines_with_reasons() {
    for (file, needle) in [
        ("alb_al_invalid_syntax.log", "request type"),
        ("alb_al_insufficient_fields.log", "fields"),
    ] {
        let rel = format!("access-logs/opentelemetry-collector-contrib/{file}");
        let Some((reqs, rep)) = read_fixture(&rel, Format::Alb) else {
            return;
        };
        assert!(reqs.is_empty(), "{file}");
        assert_eq!(rep.bad_lines, 1, "{file}");
        assert_eq!(rep.bad[0].line, 1);
        assert!(
            rep.bad[0].message.contains(needle),
            "{file}: {:?}",
            rep.bad[0]
        );
    }
}

#[test]
fn har_files_from_five_tools_with_bom_and_no_response() {
    let expect = [
        ("har/chrome.har", 3),
        ("har/charles.har", 1),
        ("har/insomnia.har", 1),
        ("har/head-content-length.har", 1),
        ("har/with-bom.har", 1),
    ];
    for (rel, n) in expect {
        let Some((reqs, rep)) = read_fixture(rel, Format::Auto) else {
            return;
        };
        assert_eq!(rep.format, Format::Har, "{rel}");
        assert_eq!(reqs.len(), n, "{rel}: {:?}", rep.bad);
        assert!(reqs.iter().all(|r| r.session.is_some()), "{rel}");
    }
    let Some((reqs, _)) = read_fixture("har/chrome.har", Format::Har) else {
        return;
    };
    assert!(reqs.iter().any(|r| r.status == 0), "the unanswered request");
    assert!(reqs.iter().any(|r| r.status == 304));
    let Some((reqs, _)) = read_fixture("har/with-bom.har", Format::Har) else {
        return;
    };
    assert_eq!(reqs[0].method, "POST");
    let Some((reqs, _)) = read_fixture("har/head-content-length.har", Format::Har) else {
        return;
    };
    assert_eq!(reqs[0].method, "HEAD");
}

#[test]
fn a_broken_har_is_an_error_naming_the_line() {
    let err = read(
        &b"{\n  \"log\": {\n   oops"[..],
        Format::Har,
        "x.har",
        &FieldMap::default(),
        &mut |_| {},
    )
    .expect_err("broken");
    assert_eq!(err.code(), "paths.invalid_document");
    assert!(err.to_string().contains("x.har: line 3"), "{err}");
}

#[test]
fn gzip_is_read_as_is() {
    let plain =
        b"1.2.3.4 - - [02/Mar/2026:09:00:00 +0000] \"GET /a HTTP/1.1\" 200 1 \"-\" \"ua\"\n";
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(plain).expect("in memory");
    let gz = enc.finish().expect("in memory");
    let (reqs, rep) = read_bytes(&gz, Format::Auto);
    assert_eq!(rep.format, Format::Combined);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].path, "/a");
}

#[test]
fn common_log_format_without_referer_or_agent() {
    let (reqs, rep) = read_bytes(
        b"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n",
        Format::Auto,
    );
    assert_eq!(rep.format, Format::Clf);
    assert_eq!(reqs[0].user.as_deref(), Some("frank"));
    assert_eq!(reqs[0].at_ms, 971_211_336_000);
}

#[test]
fn detection_refuses_what_it_cannot_tell() {
    assert!(detect("hello world").is_err());
    assert_eq!(detect("{\"resourceSpans\": []}"), Ok(Format::Otlp));
    let err = read(
        &b"hello\n"[..],
        Format::Auto,
        "x.txt",
        &FieldMap::default(),
        &mut |_| {},
    )
    .expect_err("unknown");
    assert_eq!(err.code(), "paths.unknown_format");
    assert!(err.to_string().contains("x.txt: line 1"), "{err}");
}

#[test]
fn garbage_never_panics() {
    let junk: Vec<&[u8]> = vec![
        b"\"\"\"",
        b"[[[",
        b"1.2.3.4 - - [99/Foo/2000:99:99:99 +0000] \"GET / HTTP/1.1\" 200 1",
        b"1.2.3.4 - - [02/Mar/2026:09:00:00 +0000] \"GET / HTTP/1.1\" 99999 1 \"-\" \"-\"",
        b"https 2018-07-02T22:23:00Z a b c d e f g h i j \"X\" \"y\"",
        b"\xff\xfe\x00garbage",
    ];
    for j in junk {
        for f in [Format::Combined, Format::Alb, Format::NginxJson] {
            let (reqs, rep) = read_bytes(j, f);
            assert!(reqs.is_empty(), "{f:?} {j:?}");
            assert_eq!(rep.bad_lines, 1, "{f:?} {j:?}");
        }
    }
}
