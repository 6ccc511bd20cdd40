//! "Why was my route filtered": the routes the route servers keep as filtered for one
//! member, with the reasons their import filter recorded, read on demand with one
//! read-only `birdc show route filtered where proto ~ "ztix_<request>_*" all` per host.
//!
//! Reads are rate limited per person (`route_servers.filtered_routes_per_minute`); a
//! read is kept for a short while so paging through it does not read again.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use contract::view::{FilteredRoute, FilteredRoutes, UnreadRouteServer};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sea_orm::{DbErr, EntityTrait};
use uuid::Uuid;

use super::birdc::{parse_filtered, FilterReason};
use super::view::{names_by_host, route_servers_of};
use crate::entities::{join_request, zt_network};
use crate::Services;

pub const PAGE_SIZE: u64 = 50;
/// A member with more filtered routes than this sees the first ones and the count.
const OUTPUT_LIMIT: usize = 8 << 20;
/// How long one read serves the pages after it.
const KEPT_FOR: Duration = Duration::from_secs(60);
const KEPT_READS: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum FilteredError {
    /// Too many reads: try again after this many seconds.
    #[error("too many reads of filtered routes; try again in {0} s")]
    RateLimited(u64),
    /// No such request, or not the caller's.
    #[error("no such request")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

type Read = Arc<(Vec<FilteredRoute>, Vec<UnreadRouteServer>, String)>;

/// The per-person limit and the reads kept for paging (one per process).
pub struct FilteredReads {
    limiter: DefaultKeyedRateLimiter<Uuid>,
    kept: Mutex<HashMap<(Uuid, bool), (Instant, Read)>>,
}

impl std::fmt::Debug for FilteredReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilteredReads").finish_non_exhaustive()
    }
}

impl FilteredReads {
    pub fn per_minute(per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        Self { limiter: RateLimiter::keyed(quota), kept: Mutex::new(HashMap::new()) }
    }

    fn kept(&self, request: (Uuid, bool)) -> Option<Read> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(&request).filter(|(at, _)| at.elapsed() < KEPT_FOR).map(|(_, read)| read.clone())
    }

    fn keep(&self, request: (Uuid, bool), read: Read) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|_, (at, _)| at.elapsed() < KEPT_FOR);
        if kept.len() >= KEPT_READS {
            return;
        }
        kept.insert(request, (Instant::now(), read));
    }

    fn admit(&self, person: Uuid) -> Result<(), FilteredError> {
        if self.limiter.len() > 4096 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&person).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            FilteredError::RateLimited((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
        })
    }
}

fn reason_name(reason: FilterReason) -> String {
    match reason {
        FilterReason::Known(reason) => reason.slug().to_owned(),
        FilterReason::Unknown(code) => format!("code_{code}"),
    }
}

/// Who may read a request's filtered routes: its member (`admin_scope` false: their own
/// requests only) or an admin (`admin_scope` true: any request, with failure details).
pub async fn read_visible(services: &Services, person: Uuid, admin_scope: bool, id: Uuid, page: u64) -> Result<FilteredRoutes, FilteredError> {
    let request = join_request::Entity::find_by_id(id).one(&services.db).await?.ok_or(FilteredError::NotFound)?;
    if !admin_scope && request.user_id != person {
        return Err(FilteredError::NotFound);
    }
    read(services, person, &request, page, admin_scope).await
}

/// Reads the request's filtered routes from every route server (or reuses a recent
/// read) and returns page `page` (from 1). `person` is who asks, for the limit.
async fn read(services: &Services, person: Uuid, request: &join_request::Model, page: u64, admin: bool) -> Result<FilteredRoutes, FilteredError> {
    // Admins' reads carry why a route server failed; members' do not.
    let key = (request.id, admin);
    let read = match services.filtered_reads.kept(key) {
        Some(read) => read,
        None => {
            services.filtered_reads.admit(person)?;
            let read = Arc::new(read_now(services, request, admin).await?);
            services.filtered_reads.keep(key, read.clone());
            read
        }
    };
    let (routes, unread, read_at) = &*read;
    let total = routes.len() as u64;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let start = ((page - 1) * PAGE_SIZE) as usize;
    Ok(FilteredRoutes {
        request_id: request.id.to_string(),
        asn: request.asn,
        routes: routes.iter().skip(start).take(PAGE_SIZE as usize).cloned().collect(),
        total,
        page,
        pages,
        unread: unread.clone(),
        read_at: read_at.clone(),
    })
}

async fn read_now(services: &Services, request: &join_request::Model, admin: bool) -> Result<(Vec<FilteredRoute>, Vec<UnreadRouteServer>, String), DbErr> {
    let read_at = crate::clock::now_rfc3339();
    let Some(settings) = services.route_servers.as_deref() else { return Ok((Vec::new(), Vec::new(), read_at)) };
    let network = zt_network::Entity::find_by_id(request.zt_network_id.clone()).one(&services.db).await?;
    let names = names_by_host(&network.as_ref().map(route_servers_of).unwrap_or_default());
    let name_of = |host: &str| names.get(host).cloned().unwrap_or_else(|| host.to_owned());
    // The request id's hex digits only: nothing from outside reaches the command.
    let pattern = format!("proto ~ \"ztix_{}_*\"", request.id.simple());
    let reads = futures::future::join_all(settings.hosts.iter().map(|host| {
        let pattern = pattern.clone();
        async move { (host.label.clone(), crate::routeservers::birdc(settings, host, &["show", "route", "filtered", "where", &pattern, "all"], OUTPUT_LIMIT).await) }
    }))
    .await;
    let member_asn = u32::try_from(request.asn).unwrap_or_default();
    let mut routes = Vec::new();
    let mut unread = Vec::new();
    for (host, output) in reads {
        match output {
            Ok(text) => routes.extend(parse_filtered(&text, settings.local_asn.get(), member_asn).into_iter().map(|r| FilteredRoute {
                route_server: name_of(&host),
                prefix: r.prefix,
                as_path: r.as_path,
                next_hop: r.next_hop,
                reasons: r.reasons.into_iter().map(reason_name).collect(),
            })),
            Err(error) => {
                tracing::warn!(host = %host, error = %error, "could not read filtered routes");
                unread.push(UnreadRouteServer { route_server: name_of(&host), read_at: None, error: admin.then_some(error) });
            }
        }
    }
    routes.sort_by(|a, b| (&a.prefix, &a.route_server).cmp(&(&b.prefix, &b.route_server)));
    Ok((routes, unread, read_at))
}
