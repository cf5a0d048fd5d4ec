//! Registries of one's own instead of the global one: one per tenant of a
//! multi-tenant process (each served or pushed on its own), or one per
//! test so that tests do not see each other's values.
//!
//! ```text
//! cargo run -p examples --example custom_registry
//! ```

use std::sync::Arc;

use metrics_core::{Counter, Format, Gauge, Metrics, Registry, RegistryError};

#[derive(Metrics)]
#[metrics(prefix = "tenant")]
struct TenantMetrics {
    /// Jobs run for this tenant.
    jobs: Counter,
    /// Bytes stored for this tenant.
    #[metrics(unit = "bytes")]
    storage: Gauge,
}

/// One tenant: its registry and the metrics registered in it. Not
/// `#[register]`: the global registry never sees these.
struct Tenant {
    name: &'static str,
    registry: Registry,
    metrics: Arc<TenantMetrics>,
}

impl Tenant {
    fn new(name: &'static str) -> Result<Tenant, RegistryError> {
        let registry = Registry::new();
        let metrics = Arc::new(TenantMetrics::default());
        registry.register(Arc::clone(&metrics))?;
        Ok(Tenant {
            name,
            registry,
            metrics,
        })
    }
}

fn main() -> Result<(), RegistryError> {
    let tenants = [Tenant::new("acme")?, Tenant::new("globex")?];
    for (i, tenant) in tenants.iter().enumerate() {
        tenant.metrics.jobs.inc_by(10 * (i as u64 + 1));
        tenant.metrics.storage.set(1 << (20 + i));
    }
    // The same family names in each registry, with each tenant's values.
    for tenant in &tenants {
        println!("## {}", tenant.name);
        print!("{}", tenant.registry.encode_to_string(Format::Text));
    }
    Ok(())
}
