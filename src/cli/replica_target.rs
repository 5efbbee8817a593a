//! Where a Litestream replica lives: the URL forms warden accepts, and the replica section of a Litestream
//! configuration printed from them (every value a double-quoted YAML string, so no path can change its shape).

use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Seconds between Litestream's uploads of new pages; also the window of saves at risk (RELIABILITY.md).
pub const SYNC_INTERVAL: &str = "1s";

/// How long a reachability check waits for a TCP connection before calling the replica unreachable.
const CONNECT_WAIT: Duration = Duration::from_secs(5);

/// Settings that do not fit in a URL.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct ReplicaOptions {
    /// sftp: the private key to sign in with (default: the SSH agent)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// sftp: the server's public host key line, e.g. "ssh-ed25519 AAAA...", checked on every connection
    #[arg(long, value_name = "KEY")]
    pub host_key: Option<String>,
    /// s3: the endpoint of an S3-compatible store, e.g. https://minio.hq.example:9000
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// s3: the bucket's region (default: Litestream's, us-east-1)
    #[arg(long, value_name = "NAME")]
    pub region: Option<String>,
}

/// A replica location, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A folder on this machine or a mounted disk.
    Folder(PathBuf),
    Sftp {
        user: String,
        host: String,
        port: u16,
        path: String,
    },
    S3 {
        bucket: String,
        path: String,
    },
}

impl Target {
    /// Reads a replica URL: a folder path, `file:///folder`, `sftp://user@host[:port]/path` or `s3://bucket/path`.
    /// The error is one line naming what is wrong.
    pub fn parse(url: &str) -> Result<Target, String> {
        if url.is_empty() {
            return Err("the replica URL is empty".into());
        }
        if url.chars().any(char::is_control) {
            return Err(format!(
                "{}: the replica URL holds a control character",
                url.escape_debug()
            ));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return Ok(Target::Folder(absolute(Path::new(url))?));
        };
        match scheme {
            "file" => {
                let path = percent_decode(rest)
                    .ok_or_else(|| format!("{url}: a '%' not followed by two hex digits"))?;
                if !path.starts_with('/') {
                    return Err(format!(
                        "{url}: a file URL must name an absolute folder, as in file:///srv/replica"
                    ));
                }
                Ok(Target::Folder(PathBuf::from(path)))
            }
            "sftp" => parse_sftp(url, rest),
            "s3" => {
                let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
                let path = path.trim_matches('/');
                if bucket.is_empty() || bucket.contains(['@', ':', '?', '#']) {
                    return Err(format!("{url}: no bucket name, as in s3://bucket/warden"));
                }
                if path.is_empty() {
                    return Err(format!(
                        "{url}: no path inside the bucket, as in s3://{bucket}/warden"
                    ));
                }
                Ok(Target::S3 {
                    bucket: bucket.into(),
                    path: path.into(),
                })
            }
            other => Err(format!(
                "{url}: unknown kind of replica '{other}' (use a folder, file:///folder, sftp://user@host:port/path \
                 or s3://bucket/path)"
            )),
        }
    }

    /// The replica section's lines, indented for `dbs: - path:` (six spaces).
    pub fn yaml_lines(&self, options: &ReplicaOptions) -> Result<Vec<String>, String> {
        let mut lines = Vec::new();
        let mut put = |key: &str, value: &str| lines.push(format!("      {key}: {}", quote(value)));
        match self {
            Target::Folder(path) => {
                put("type", "file");
                put("path", &path_text(path)?);
            }
            Target::Sftp {
                user,
                host,
                port,
                path,
            } => {
                put("type", "sftp");
                put("host", &format!("{host}:{port}"));
                put("user", user);
                put("path", path);
                if let Some(key) = &options.key {
                    put("key-path", &path_text(&absolute(key)?)?);
                }
                if let Some(host_key) = &options.host_key {
                    put("host-key", host_key);
                }
            }
            Target::S3 { bucket, path } => {
                put("type", "s3");
                put("bucket", bucket);
                put("path", path);
                if let Some(endpoint) = &options.endpoint {
                    put("endpoint", endpoint);
                    // Self-hosted S3-compatible stores (MinIO, Garage, Ceph) address buckets by path, not by name.
                    lines.push("      force-path-style: true".into());
                }
                if let Some(region) = &options.region {
                    lines.push(format!("      region: {}", quote(region)));
                }
            }
        }
        lines.push(format!("      sync-interval: {SYNC_INTERVAL}"));
        Ok(lines)
    }

    /// Options that belong to another kind of replica are refused rather than silently ignored.
    pub fn check_options(&self, options: &ReplicaOptions) -> Result<(), String> {
        let sftp = options.key.is_some() || options.host_key.is_some();
        let s3 = options.endpoint.is_some() || options.region.is_some();
        let misplaced = match self {
            Target::Sftp { .. } if s3 => Some("--endpoint and --region are for s3:// replicas"),
            Target::S3 { .. } if sftp => Some("--key and --host-key are for sftp:// replicas"),
            Target::Folder(_) if sftp || s3 => {
                Some("--key, --host-key, --endpoint and --region are not for a folder replica")
            }
            _ => None,
        };
        if let Some(why) = misplaced {
            return Err(why.into());
        }
        for value in [&options.host_key, &options.endpoint, &options.region]
            .into_iter()
            .flatten()
        {
            if value.chars().any(char::is_control) {
                return Err(format!(
                    "{}: holds a control character",
                    value.escape_debug()
                ));
            }
        }
        if let Some(endpoint) = &options.endpoint
            && !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
        {
            return Err(format!(
                "{endpoint}: the endpoint must start with https:// (or http:// on a private network)"
            ));
        }
        if let Some(key) = &options.key
            && !key.is_file()
        {
            return Err(format!("{}: no such key file", key.display()));
        }
        Ok(())
    }

    /// Whether the replica can be reached from here: the folder (or the folder it will be made in) exists; an
    /// SFTP server or S3 endpoint accepts a TCP connection. Amazon S3 itself (no endpoint) is not tried.
    pub fn check_reachable(&self, options: &ReplicaOptions) -> Result<(), String> {
        match self {
            Target::Folder(path) => {
                if path.is_dir() {
                    return Ok(());
                }
                if path.exists() {
                    return Err(format!("{}: not a folder", path.display()));
                }
                match path.parent() {
                    Some(parent) if parent.is_dir() => Ok(()),
                    _ => Err(format!(
                        "{}: cannot be reached (neither it nor the folder above it exists)",
                        path.display()
                    )),
                }
            }
            Target::Sftp { host, port, .. } => connect(host, *port),
            Target::S3 { .. } => match options.endpoint.as_deref().map(endpoint_address) {
                Some(Some((host, port))) => connect(&host, port),
                Some(None) => Err("the endpoint names no host".into()),
                None => Ok(()),
            },
        }
    }
}

fn parse_sftp(url: &str, rest: &str) -> Result<Target, String> {
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let Some((user, host_port)) = authority.rsplit_once('@') else {
        return Err(format!(
            "{url}: no user name, as in sftp://warden@hq.example:22/srv/replicas/station1"
        ));
    };
    if user.contains(':') {
        return Err(format!(
            "{url}: a password in the URL would be printed in the configuration; use --key FILE"
        ));
    }
    if user.is_empty() {
        return Err(format!("{url}: the user name is empty"));
    }
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => {
            let port = p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("{url}: '{p}' is not a port number (1-65535)"))?;
            (h, port)
        }
        None => (host_port, 22),
    };
    if host.is_empty() || host.contains(['[', ']', '%', '?', '#']) {
        return Err(format!("{url}: no host name"));
    }
    let path = percent_decode(path.trim_end_matches('/'))
        .ok_or_else(|| format!("{url}: a '%' not followed by two hex digits"))?;
    if path.is_empty() || path == "/" {
        return Err(format!(
            "{url}: no folder on the server, as in sftp://{user}@{host}:{port}/srv/replicas/station1"
        ));
    }
    Ok(Target::Sftp {
        user: user.into(),
        host: host.into(),
        port,
        path,
    })
}

/// A path as text for the configuration; Litestream reads UTF-8 only.
fn path_text(path: &Path) -> Result<String, String> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: the path is not valid UTF-8", path.display()))
}

/// Relative paths are made absolute now: Litestream runs as a service, from another directory.
pub fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A YAML double-quoted scalar: only `"` and `\` need escaping once control characters are refused.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    (!decoded.chars().any(char::is_control)).then_some(decoded)
}

/// Host and port of an http(s) endpoint.
fn endpoint_address(endpoint: &str) -> Option<(String, u16)> {
    let (scheme, rest) = endpoint.split_once("://")?;
    let authority = rest.split('/').next()?;
    let default = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, default),
    };
    (!host.is_empty()).then(|| (host.to_string(), port))
}

fn connect(host: &str, port: u16) -> Result<(), String> {
    let unreachable = |why: String| format!("{host}:{port}: cannot be reached ({why})");
    let addresses: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .collect();
    let mut last = String::from("no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, CONNECT_WAIT) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(unreachable(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accepted_forms() {
        assert_eq!(
            Target::parse("/srv/rep").unwrap(),
            Target::Folder("/srv/rep".into())
        );
        assert_eq!(
            Target::parse("file:///srv/my%20rep").unwrap(),
            Target::Folder("/srv/my rep".into())
        );
        assert!(matches!(Target::parse("rel/dir").unwrap(), Target::Folder(p) if p.is_absolute()));
        assert_eq!(
            Target::parse("sftp://warden@hq.example:2222/srv/replicas/luzira").unwrap(),
            Target::Sftp {
                user: "warden".into(),
                host: "hq.example".into(),
                port: 2222,
                path: "/srv/replicas/luzira".into()
            }
        );
        assert!(matches!(
            Target::parse("sftp://w@hq/x").unwrap(),
            Target::Sftp { port: 22, .. }
        ));
        assert_eq!(
            Target::parse("s3://registers/luzira/").unwrap(),
            Target::S3 {
                bucket: "registers".into(),
                path: "luzira".into()
            }
        );
    }

    #[test]
    fn malformed_urls_are_named_in_one_line() {
        for (url, says) in [
            ("", "empty"),
            ("ftp://hq/x", "unknown kind of replica 'ftp'"),
            ("file://hq/srv", "absolute folder"),
            ("file:///srv/%zz", "'%'"),
            ("sftp://hq.example/srv", "no user name"),
            ("sftp://w:secret@hq/srv", "password"),
            ("sftp://w@hq:99999/srv", "not a port number"),
            ("sftp://w@hq:22", "no folder on the server"),
            ("sftp://w@:22/x", "no host name"),
            ("s3://", "no bucket"),
            ("s3://registers", "no path inside the bucket"),
            ("/srv/a\nb", "control character"),
        ] {
            let e = Target::parse(url).unwrap_err();
            assert!(e.contains(says), "{url:?}: {e}");
            assert!(!e.contains('\n'), "{url:?}: {e}");
        }
    }

    #[test]
    fn values_are_quoted_so_no_path_changes_the_shape() {
        let t = Target::Folder(r#"/srv/a "b" \c: #d"#.into());
        let lines = t.yaml_lines(&ReplicaOptions::default()).unwrap();
        assert_eq!(lines[0], r#"      type: "file""#);
        assert_eq!(lines[1], r#"      path: "/srv/a \"b\" \\c: #d""#);
        assert_eq!(lines[2], "      sync-interval: 1s");
    }

    #[test]
    fn options_for_another_kind_are_refused() {
        let s3 = Target::parse("s3://b/p").unwrap();
        let key = ReplicaOptions {
            host_key: Some("ssh-ed25519 AAAA".into()),
            ..Default::default()
        };
        assert!(s3.check_options(&key).is_err());
        let bad = ReplicaOptions {
            endpoint: Some("minio:9000".into()),
            ..Default::default()
        };
        assert!(s3.check_options(&bad).unwrap_err().contains("https://"));
        let good = ReplicaOptions {
            endpoint: Some("https://minio.hq:9000".into()),
            ..Default::default()
        };
        let lines = s3.yaml_lines(&good).unwrap();
        assert!(lines.contains(&"      force-path-style: true".to_string()));
        assert_eq!(
            endpoint_address("https://minio.hq:9000/x"),
            Some(("minio.hq".into(), 9000))
        );
    }
}
