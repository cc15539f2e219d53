//! The stand-ins' sense of time, replaceable so that tests can expire a code or a token without
//! waiting for it.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, as JWT claims count them.
pub trait Clock: Send + Sync + fmt::Debug {
    fn unix_now(&self) -> u64;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    }
}

/// The real clock shifted by a settable offset: tests move it forward.
#[derive(Debug, Default)]
pub struct ShiftedClock {
    offset_seconds: AtomicI64,
}

impl ShiftedClock {
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn unix_now(&self) -> u64 {
        let now = SystemClock.unix_now() as i64 + self.offset_seconds.load(Ordering::SeqCst);
        now.max(0) as u64
    }
}
