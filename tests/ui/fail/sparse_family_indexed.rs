use metrics_core::{Counter, Family, LabelSet, Metrics};

#[derive(LabelSet, Clone, PartialEq, Eq, Hash)]
struct TenantLabels {
    tenant: String,
}

#[derive(Metrics)]
struct AppMetrics {
    /// Requests per tenant.
    requests: Family<TenantLabels, Counter>,
}

fn main() {
    let metrics = AppMetrics::default();
    // Sparse families hand out handles; indexing is for dense ones.
    metrics.requests[TenantLabels { tenant: "a".into() }].inc();
}
