//! `#[timed]`: every outcome counted exactly, in every kind of function.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use metrics_core::{
    testing, timed, Counter, Family, Format, Gauge, Global, Histogram, LabelValue, Metrics,
    Outcome, Registry,
};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum DbError {
    NotFound,
    Conflict,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "result")]
enum ResultLabel {
    Success,
    Failure,
    Crashed,
    Abandoned,
}

impl From<Outcome> for ResultLabel {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Ok => ResultLabel::Success,
            Outcome::Error => ResultLabel::Failure,
            Outcome::Panic => ResultLabel::Crashed,
            Outcome::Cancelled => ResultLabel::Abandoned,
        }
    }
}

#[derive(Metrics)]
#[metrics(prefix = "timed_test")]
struct TimedMetrics {
    /// Sync calls.
    #[metrics(unit = "seconds")]
    sync_calls: Family<Outcome, Histogram>,
    /// Async calls.
    #[metrics(unit = "seconds")]
    async_calls: Family<Outcome, Histogram>,
    /// Boxed-future calls, with the user's own outcome labels.
    #[metrics(unit = "seconds")]
    boxed_calls: Family<ResultLabel, Histogram>,
    /// Plain histogram target.
    #[metrics(unit = "seconds")]
    plain: Histogram,
    /// Errors by variant.
    db_errors: Family<DbError, Counter>,
    /// Calls in progress.
    in_progress: Gauge,
    /// Method calls.
    #[metrics(unit = "seconds")]
    methods: Family<Outcome, Histogram>,
    /// Generic calls.
    #[metrics(unit = "seconds")]
    generic: Family<Outcome, Histogram>,
    /// Async method calls.
    #[metrics(unit = "seconds")]
    async_methods: Family<Outcome, Histogram>,
    /// Recursive calls.
    #[metrics(unit = "seconds")]
    recursion: Histogram,
}

static M: Global<TimedMetrics> = Global::new();

fn count(family: &Family<Outcome, Histogram>, outcome: Outcome) -> u64 {
    family[outcome].snapshot().count
}

// --- sync: ok, error, panic, early return, `?` ---

#[timed(M.sync_calls, errors = M.db_errors)]
fn lookup(id: u32) -> Result<u32, DbError> {
    if id == 0 {
        return Err(DbError::NotFound);
    }
    let doubled = checked(id)?;
    if id == 13 {
        panic!("unlucky");
    }
    Ok(doubled)
}

fn checked(id: u32) -> Result<u32, DbError> {
    if id == 7 {
        Err(DbError::Conflict)
    } else {
        Ok(id * 2)
    }
}

#[test]
fn sync_outcomes_are_counted_exactly() {
    let before = [Outcome::Ok, Outcome::Error, Outcome::Panic].map(|o| count(&M.sync_calls, o));
    assert_eq!(lookup(2), Ok(4));
    assert_eq!(lookup(3), Ok(6));
    assert_eq!(lookup(0), Err(DbError::NotFound));
    assert_eq!(lookup(7), Err(DbError::Conflict));
    let caught = std::panic::catch_unwind(|| lookup(13));
    let message = caught.unwrap_err();
    assert_eq!(
        message.downcast_ref::<&str>(),
        Some(&"unlucky"),
        "the panic continues unchanged"
    );
    let after = [Outcome::Ok, Outcome::Error, Outcome::Panic].map(|o| count(&M.sync_calls, o));
    assert_eq!(
        [
            after[0] - before[0],
            after[1] - before[1],
            after[2] - before[2]
        ],
        [2, 2, 1]
    );
    assert!(M.db_errors[DbError::NotFound].get() >= 1);
    assert!(M.db_errors[DbError::Conflict].get() >= 1);
}

// --- io::Result alias, forced options ---

#[timed(M.plain, in_flight = M.in_progress)]
fn read_config(fail: bool) -> std::io::Result<String> {
    assert_eq!(M.in_progress.get(), 1, "in flight during the call");
    if fail {
        Err(std::io::Error::other("missing"))
    } else {
        Ok("config".into())
    }
}

type Outcome2 = Result<(), String>;

#[timed(M.sync_calls, result)]
fn aliased(fail: bool) -> Outcome2 {
    if fail {
        Err("x".into())
    } else {
        Ok(())
    }
}

#[test]
fn aliases_and_in_flight() {
    let before = M.plain.snapshot().count;
    assert!(read_config(true).is_err());
    assert_eq!(read_config(false).unwrap(), "config");
    assert_eq!(M.plain.snapshot().count - before, 2);
    assert_eq!(M.in_progress.get(), 0);
    let errors = count(&M.sync_calls, Outcome::Error);
    assert!(aliased(true).is_err());
    assert!(count(&M.sync_calls, Outcome::Error) > errors);
}

// --- methods, generics, impl Trait, unsafe, recursion ---

struct Service {
    calls: u32,
}

impl Service {
    #[timed(M.methods)]
    fn by_ref(&self) -> u32 {
        self.calls
    }

    #[timed(M.methods)]
    fn by_mut(&mut self) {
        self.calls += 1;
    }

    #[timed(M.methods)]
    fn by_value(self) -> u32 {
        self.calls
    }

    #[timed(M.async_methods)]
    async fn by_ref_async(&self, extra: u32) -> u32 {
        tokio::task::yield_now().await;
        self.calls + extra
    }
}

trait AsyncSource {
    async fn next_value(&mut self) -> Option<u32>;
}

impl AsyncSource for Service {
    #[timed(M.async_methods)]
    async fn next_value(&mut self) -> Option<u32> {
        tokio::task::yield_now().await;
        self.calls += 1;
        Some(self.calls)
    }
}

trait Greeter {
    fn greet(&self, name: &str) -> String;
}

impl Greeter for Service {
    #[timed(M.methods)]
    fn greet(&self, name: &str) -> String {
        format!("hello {name} #{}", self.calls)
    }
}

#[timed(M.generic)]
fn largest<T: PartialOrd + Copy, I>(items: I) -> Option<T>
where
    I: IntoIterator<Item = T>,
{
    items.into_iter().fold(None, |best, x| match best {
        Some(b) if b >= x => Some(b),
        _ => Some(x),
    })
}

#[timed(M.generic)]
fn describe(value: impl std::fmt::Display) -> impl std::fmt::Display {
    format!("<{value}>")
}

/// # Safety
/// `ptr` must be valid for reads.
#[timed(M.generic)]
unsafe fn read_raw(ptr: *const u32) -> u32 {
    unsafe { *ptr }
}

#[timed(M.recursion)]
fn factorial(n: u64) -> u64 {
    if n <= 1 {
        1
    } else {
        n * factorial(n - 1)
    }
}

#[test]
fn methods_generics_and_recursion() {
    let before = count(&M.methods, Outcome::Ok);
    let mut s = Service { calls: 0 };
    s.by_mut();
    assert_eq!(s.by_ref(), 1);
    assert_eq!(s.greet("ann"), "hello ann #1");
    assert_eq!(s.by_value(), 1);
    assert_eq!(count(&M.methods, Outcome::Ok) - before, 4);

    let before = count(&M.generic, Outcome::Ok);
    assert_eq!(largest(vec![3, 9, 2]), Some(9));
    assert_eq!(largest(Vec::<f64>::new()), None);
    assert_eq!(describe(5).to_string(), "<5>");
    let x = 41u32;
    // SAFETY: `x` is a live local.
    assert_eq!(unsafe { read_raw(&x) }, 41);
    assert_eq!(count(&M.generic, Outcome::Ok) - before, 4);

    let before = M.recursion.snapshot().count;
    assert_eq!(factorial(5), 120);
    assert_eq!(
        M.recursion.snapshot().count - before,
        5,
        "every recursive call is timed"
    );
}

// --- async: ok, error, panic, cancelled, on a multi-threaded runtime ---

#[timed(M.async_calls)]
async fn fetch(id: u32, delay_ms: u64) -> Result<u32, String> {
    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    if id == 0 {
        return Err("none".into());
    }
    if id == 13 {
        panic!("async unlucky");
    }
    Ok(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn async_outcomes_are_counted_exactly() {
    let outcomes = [
        Outcome::Ok,
        Outcome::Error,
        Outcome::Panic,
        Outcome::Cancelled,
    ];
    let before = outcomes.map(|o| count(&M.async_calls, o));

    let mut tasks = Vec::new();
    for i in 21..=40 {
        tasks.push(tokio::spawn(fetch(i, 1)));
    }
    for t in tasks {
        assert!(t.await.unwrap().is_ok());
    }
    assert!(fetch(0, 0).await.is_err());
    let panicked = tokio::spawn(fetch(13, 0)).await;
    assert!(panicked.unwrap_err().is_panic());

    // Dropped mid-await: cancelled.
    let timed_out = tokio::time::timeout(Duration::from_millis(5), fetch(1, 10_000)).await;
    assert!(timed_out.is_err());
    // Aborted task: cancelled too.
    let task = tokio::spawn(fetch(2, 10_000));
    tokio::time::sleep(Duration::from_millis(20)).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());

    let after = outcomes.map(|o| count(&M.async_calls, o));
    let delta: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(delta, [20, 1, 1, 2]);
}

#[tokio::test]
async fn async_methods() {
    let mut s = Service { calls: 1 };
    assert_eq!(s.by_ref_async(2).await, 3);
    assert_eq!(s.next_value().await, Some(2));
    assert_eq!(count(&M.async_methods, Outcome::Ok), 2);
}

// --- async-trait style boxed futures ---

trait Store {
    fn get<'a>(
        &'a self,
        key: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>>;
}

struct MemoryStore;

static GETS: AtomicU32 = AtomicU32::new(0);

impl Store for MemoryStore {
    #[timed(M.boxed_calls)]
    fn get<'a>(
        &'a self,
        key: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + 'a>> {
        GETS.fetch_add(1, Ordering::Relaxed);
        Box::pin(async move {
            let delay = if key == "slow" { 10_000 } else { 1 };
            tokio::time::sleep(Duration::from_millis(delay)).await;
            if key.is_empty() {
                Err("empty key".into())
            } else {
                Ok(key.to_uppercase())
            }
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boxed_futures_are_timed_to_completion() {
    let store = MemoryStore;
    let before = [
        ResultLabel::Success,
        ResultLabel::Failure,
        ResultLabel::Abandoned,
    ]
    .map(|l| M.boxed_calls[l].snapshot().count);
    assert_eq!(store.get("k").await.unwrap(), "K");
    assert!(store.get("").await.is_err());
    drop(store.get("never polled"));
    let pending = store.get("slow");
    assert!(tokio::time::timeout(Duration::from_millis(20), pending)
        .await
        .is_err());
    let after = [
        ResultLabel::Success,
        ResultLabel::Failure,
        ResultLabel::Abandoned,
    ]
    .map(|l| M.boxed_calls[l].snapshot().count);
    // The unpolled future never started (not recorded); the timed-out one
    // was dropped mid-await: cancelled.
    let delta: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(delta, [1, 1, 1]);
    assert_eq!(GETS.load(Ordering::Relaxed), 4);
}

// --- the built-in families ---

#[timed]
fn builtin_plain() -> u8 {
    1
}

#[timed(name = "renamed_builtin", in_flight, buckets = metrics_core::Buckets::new(&[0.5, 1.0]))]
fn builtin_options() -> Result<(), ()> {
    Err(())
}

#[timed]
fn builtin_never_called() {}

#[test]
fn builtin_families_expose_every_function_at_zero() {
    builtin_plain();
    let _ = builtin_options();
    let registry = Registry::global();
    let module = module_path!();
    let get = |name: &str, function: &str, result: &str| {
        testing::sample_value(
            registry,
            name,
            &[
                ("function", function),
                ("module", module),
                ("result", result),
            ],
        )
    };
    assert_eq!(
        get("function_calls_total", "builtin_plain", "ok"),
        Some(1.0)
    );
    assert_eq!(
        get("function_calls_total", "renamed_builtin", "error"),
        Some(1.0)
    );
    assert_eq!(
        get("function_calls_total", "builtin_never_called", "ok"),
        Some(0.0)
    );
    assert_eq!(
        get("function_calls_total", "builtin_never_called", "cancelled"),
        Some(0.0)
    );
    assert_eq!(
        get(
            "function_calls_duration_seconds_count",
            "builtin_plain",
            "ok"
        ),
        Some(1.0)
    );
    let text = registry.encode_to_string(Format::Text);
    assert!(
        text.contains(&format!(
            "function_calls_duration_seconds_bucket{{function=\"renamed_builtin\",module=\"{module}\",result=\"error\",le=\"0.5\"}} 1"
        )),
        "{text}"
    );
    assert_eq!(
        testing::sample_value(
            registry,
            "function_calls_in_flight",
            &[("function", "renamed_builtin"), ("module", module)]
        ),
        Some(0.0)
    );
    testing::assert_global_registry_ok();
}
