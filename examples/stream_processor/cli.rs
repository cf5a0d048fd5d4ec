//! Command-line arguments.

use std::time::Duration;

pub(crate) const USAGE: &str = "\
usage: stream_processor [--addr HOST:PORT] [--duration TIME] [--once] [--warm-up TIME]

  --addr HOST:PORT   where to serve /metrics, /health, /ready and /live
                     (default 127.0.0.1:9090, or METRICS_ADDR)
  --duration TIME    stop after TIME (90, 90s, 5m, 1h; default: until ctrl-c)
  --once             run for a few seconds, print the exposition, exit
  --warm-up TIME     how long the simulated Kafka connection takes, during
                     which /ready answers 503 (default 1.5s)
  -h, --help         this text

METRICS_TOKEN, when set, is the bearer token /metrics requires.";

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Args {
    pub(crate) addr: Option<String>,
    pub(crate) duration: Option<Duration>,
    pub(crate) once: bool,
    pub(crate) warm_up: Option<Duration>,
    pub(crate) help: bool,
}

pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.into())),
            _ => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--addr" => parsed.addr = Some(value("--addr")?),
            "--duration" => parsed.duration = Some(duration(&value("--duration")?)?),
            "--once" | "-h" | "--help" if inline.is_some() => {
                return Err(format!("{flag} takes no value"))
            }
            "--once" => parsed.once = true,
            "--warm-up" => parsed.warm_up = Some(duration(&value("--warm-up")?)?),
            "-h" | "--help" => parsed.help = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

/// `90`, `90s`, `1.5s`, `500ms`, `5m`, `1h`.
fn duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("`{text}`: the unit is one of ms, s, m, h")),
    };
    number
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("`{text}` is not a duration (e.g. 90s, 5m)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_and_values() {
        let a = args(&["--addr", "0.0.0.0:9184", "--duration=2m", "--once"]).unwrap();
        assert_eq!(a.addr.as_deref(), Some("0.0.0.0:9184"));
        assert_eq!(a.duration, Some(Duration::from_secs(120)));
        assert!(a.once);
        assert_eq!(
            args(&["--duration", "500ms"]).unwrap().duration,
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            args(&["--duration", "90"]).unwrap().duration,
            Some(Duration::from_secs(90))
        );
    }

    #[test]
    fn mistakes_are_errors() {
        assert!(args(&["--addr"]).is_err());
        assert!(args(&["--duration", "soon"]).is_err());
        assert!(args(&["--duration", "-5s"]).is_err());
        assert!(args(&["--duration", "5d"]).is_err());
        assert!(args(&["--verbose"]).is_err());
        assert!(args(&["--once=false"]).is_err());
    }
}
