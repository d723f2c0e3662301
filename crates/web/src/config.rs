//! Server configuration: defaults → `mujun.toml` → `MUJUN_*` environment variables.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything the server reads at start-up. Every field has a default, so a bare `mujun serve`
/// works with no file and no environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://data/mujun.db` (default) or `postgres://user:pass@host/db`.
    pub database: String,
    /// Address to listen on.
    pub bind: String,
    /// Mark cookies `Secure` and send HSTS (set when served over TLS, directly or by a proxy).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_proxy: bool,
    /// Minutes of inactivity that end a session.
    pub session_idle_minutes: i64,
    /// Failed logins from one client address, within `lockout_minutes`, that block the address
    /// (an account is never locked by failures; it waits a growing delay instead).
    pub lockout_failures: i64,
    /// The window of failed logins, and how long a blocked address waits, in minutes.
    pub lockout_minutes: i64,
    /// Hours after which a session ends whatever its activity.
    pub session_max_hours: i64,
    /// Days a password is valid before it must be changed (0: no expiry).
    pub password_max_age_days: i64,
    /// The system and security administrators, the auditor and the city administrator must use
    /// a second factor (TOTP). `mujun serve --demo` turns it off unless set explicitly.
    pub require_totp: Option<bool>,
    /// PEM certificate chain: with `tls_key`, `mujun serve` speaks HTTPS itself.
    pub tls_cert: String,
    /// PEM private key of `tls_cert`.
    pub tls_key: String,
    /// The key of the audit chain (HMAC-SHA256): a file outside the database, created with a
    /// random key at first start when missing. Keep it where the database owner cannot write.
    pub audit_key_file: String,
    /// The algorithm sealing audit entries: `hmac-sha256` (default) or `hmac-sm3` (国密).
    pub audit_mac: String,
    /// Append-only file of anchors (the head of the audit chain with its time).
    pub audit_anchor_file: String,
    /// Minutes between anchors.
    pub audit_anchor_minutes: u64,
    /// Largest request body in bytes (forms, JSON).
    pub max_body_bytes: usize,
    /// Largest uploaded file in bytes (department workbooks).
    pub max_upload_bytes: usize,
    /// Most rows an uploaded sheet may hold (header included).
    pub max_upload_rows: usize,
    /// Most columns an uploaded sheet may hold.
    pub max_upload_columns: usize,
    /// Most megabytes an uploaded workbook may decompress to.
    pub max_upload_unzipped_mb: u64,
    /// Shortest public notice in calendar days, both ends counted.
    pub notice_min_days: i64,
    /// Shortest supplementary notice (the enterprises a re-run moved) in calendar days.
    pub supplementary_notice_min_days: i64,
    /// Whoever adjusted classes in a run may not also approve it.
    pub two_person_rule: bool,
    /// Seconds between the heartbeats of a server working on a background job.
    pub job_heartbeat_seconds: u64,
    /// Seconds without a heartbeat after which another server takes a job over.
    pub job_stale_seconds: u64,
    /// The issuing agency shown on letters and documents (empty: the agency given to
    /// `mujun init`, or for the demo 驻马店市发展和改革委员会).
    pub agency: String,
    /// The address users reach the system at (printed on activation letters).
    pub public_url: String,
    /// The system's title on every page and the login page (empty: 亩均论英雄 企业综合评价系统).
    pub system_title: String,
    /// 土地闲置费 as a percentage of the land price (53号令: 20, the most the law allows).
    pub idle_fee_percent: u32,
    /// Full years of idleness after which the land is taken back (53号令: 2).
    pub idle_take_back_years: u32,
    /// Months an own-cause start may be late before the exit procedure (the plan: 6).
    pub exit_late_months: u32,
    /// 半停产 below this percentage of the enterprise's own average of the two years before.
    pub half_stop_percent: u32,
    /// 停建缓建 after this many months without new investment.
    pub stalled_months: u32,
    /// 投而未达标 below this 亩均税收 (万元/亩) where the contract sets none.
    pub low_tax_per_mu: f64,
    /// Months to rectify a missed 标准地 commitment.
    pub standard_rectify_months: u32,
    /// Working days a department has to answer a simple problem (一般问题).
    pub service_simple_days: u32,
    /// Working days for a problem that needs several departments (跨部门问题).
    pub service_cross_days: u32,
    /// Months for a complex or historical problem (复杂疑难问题).
    pub service_complex_months: u32,
    /// Working days after a period's end within which a key task's report is due.
    pub task_report_grace_days: u32,
    /// How often key tasks report when the table is loaded: `monthly` or `quarterly`.
    pub task_cadence: String,
    /// Early warning: an indicator below this percentage of its pool's benchmark.
    pub warning_below_benchmark_percent: u32,
    /// Threads the evaluation engine may use (0: every core but one, so that the web server's
    /// requests keep a core while a run computes).
    pub engine_threads: usize,
}

/// The keys of [`Config`] (what `MUJUN_<KEY>` variables may set).
const KEYS: [&str; 43] = [
    "database",
    "bind",
    "secure_cookies",
    "trust_proxy",
    "session_idle_minutes",
    "lockout_failures",
    "lockout_minutes",
    "session_max_hours",
    "password_max_age_days",
    "require_totp",
    "tls_cert",
    "tls_key",
    "audit_key_file",
    "audit_mac",
    "audit_anchor_file",
    "audit_anchor_minutes",
    "max_body_bytes",
    "max_upload_bytes",
    "max_upload_rows",
    "max_upload_columns",
    "max_upload_unzipped_mb",
    "notice_min_days",
    "supplementary_notice_min_days",
    "two_person_rule",
    "job_heartbeat_seconds",
    "job_stale_seconds",
    "agency",
    "public_url",
    "system_title",
    "idle_fee_percent",
    "idle_take_back_years",
    "exit_late_months",
    "half_stop_percent",
    "stalled_months",
    "low_tax_per_mu",
    "standard_rectify_months",
    "service_simple_days",
    "service_cross_days",
    "service_complex_months",
    "task_report_grace_days",
    "task_cadence",
    "warning_below_benchmark_percent",
    "engine_threads",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            database: "sqlite://data/mujun.db".into(),
            bind: "127.0.0.1:8080".into(),
            secure_cookies: false,
            trust_proxy: false,
            session_idle_minutes: 30,
            lockout_failures: 10,
            lockout_minutes: 15,
            session_max_hours: 12,
            password_max_age_days: 90,
            require_totp: None,
            tls_cert: String::new(),
            tls_key: String::new(),
            audit_key_file: "data/audit.key".into(),
            audit_mac: "hmac-sha256".into(),
            audit_anchor_file: "data/audit-anchors.log".into(),
            audit_anchor_minutes: 60,
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            max_upload_rows: 500_000,
            max_upload_columns: 200,
            max_upload_unzipped_mb: 512,
            notice_min_days: 7,
            supplementary_notice_min_days: 3,
            two_person_rule: true,
            job_heartbeat_seconds: 5,
            job_stale_seconds: 60,
            agency: String::new(),
            public_url: String::new(),
            system_title: String::new(),
            idle_fee_percent: 20,
            idle_take_back_years: 2,
            exit_late_months: 6,
            half_stop_percent: 50,
            stalled_months: 6,
            low_tax_per_mu: 5.0,
            standard_rectify_months: 12,
            service_simple_days: 5,
            service_cross_days: 15,
            service_complex_months: 1,
            task_report_grace_days: 5,
            task_cadence: "quarterly".into(),
            warning_below_benchmark_percent: 50,
            engine_threads: 0,
        }
    }
}

impl Config {
    /// The engine's thread count: as configured, or every core but one (at least one).
    pub fn engine_thread_count(&self) -> usize {
        if self.engine_threads > 0 {
            return self.engine_threads;
        }
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .saturating_sub(1)
            .max(1)
    }

    /// Loads defaults, then `file` (if it exists), then `MUJUN_*` variables (e.g. `MUJUN_DATABASE`,
    /// `MUJUN_BIND`).
    pub fn load(file: &Path) -> Result<Config, String> {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            // Only the keys of the configuration: other `MUJUN_*` variables (`MUJUN_LOG`, the
            // test switches) are not configuration and must not be refused as unknown keys.
            .merge(
                Env::prefixed("MUJUN_")
                    .filter(|k| KEYS.iter().any(|key| k.as_str().eq_ignore_ascii_case(key))),
            )
            .extract::<Config>()
            .map_err(|e| format!("配置有误：{e}"))
            .and_then(|c| {
                if mujun_app::tasks::period::Cadence::parse(c.task_cadence.trim()).is_none() {
                    return Err(format!(
                        "配置有误：task_cadence 的值“{}”无效，应为 monthly（每月）或 quarterly（每季度）",
                        c.task_cadence
                    ));
                }
                Ok(c)
            })
    }

    /// The configuration as TOML with secrets (database password) replaced by `***`.
    pub fn redacted_toml(&self) -> String {
        let mut c = self.clone();
        c.database = mujun_store::redact_url(&c.database);
        let mut out = String::new();
        let v = serde_json::to_value(&c).unwrap_or_default();
        if let Some(map) = v.as_object() {
            for (k, v) in map {
                out.push_str(&format!("{k} = {v}\n"));
            }
        }
        out
    }

    /// The workflow rules the use cases apply.
    pub fn workflow(&self) -> mujun_app::Workflow {
        mujun_app::Workflow {
            notice_min_days: self.notice_min_days.max(1),
            supplementary_notice_min_days: self.supplementary_notice_min_days.max(1),
            two_person_rule: self.two_person_rule,
        }
    }

    /// The land rules the use cases apply. The fee never exceeds the 20 % the law allows, and
    /// take-back never comes before the fee's year.
    pub fn land(&self) -> mujun_app::land::LandRules {
        let d = mujun_app::land::LandRules::default();
        mujun_app::land::LandRules {
            idle: mujun_app::land::IdleRules {
                fee_permille: self.idle_fee_percent.clamp(1, 20) * 10,
                take_back_after_years: self.idle_take_back_years.max(d.idle.fee_after_years + 1),
                ..d.idle
            },
            exit: mujun_app::land::ExitRules {
                late_months: self.exit_late_months.max(1),
            },
            low: mujun_app::land::LowRules {
                half_stop_permille: self.half_stop_percent.clamp(1, 100) * 10,
                stalled_months: self.stalled_months.max(1),
            },
            low_tax_per_mu: if self.low_tax_per_mu.is_finite() {
                self.low_tax_per_mu.max(0.0)
            } else {
                d.low_tax_per_mu
            },
            rectify_months: self.standard_rectify_months.max(1),
            ..d
        }
    }

    /// The time limits of the problem ledger (at least one day or month each).
    pub fn service(&self) -> mujun_app::service::ServiceRules {
        use mujun_domain::workdays::TimeLimit;
        mujun_app::service::ServiceRules {
            simple: TimeLimit::WorkingDays(self.service_simple_days.max(1)),
            cross: TimeLimit::WorkingDays(self.service_cross_days.max(1)),
            complex: TimeLimit::Months(self.service_complex_months.max(1)),
        }
    }

    /// The rules of the key-task tracker; an unknown cadence is refused when the configuration
    /// is loaded ([`Config::load`]).
    pub fn tasks(&self) -> mujun_app::tasks::tracker::TaskRules {
        mujun_app::tasks::tracker::TaskRules {
            grace_working_days: self.task_report_grace_days,
            cadence: mujun_app::tasks::period::Cadence::parse(self.task_cadence.trim())
                .unwrap_or(mujun_app::tasks::period::Cadence::Quarterly),
        }
    }

    /// The early-warning rules (the share kept within 1–100 %).
    pub fn warnings(&self) -> mujun_app::warnings::WarningRules {
        mujun_app::warnings::WarningRules {
            below_benchmark_percent: self.warning_below_benchmark_percent.clamp(1, 100),
        }
    }

    /// The timing of background jobs (a stale limit below three heartbeats is raised to it, so
    /// a live server is never taken for dead).
    pub fn jobs(&self) -> mujun_app::JobSettings {
        let heartbeat = self.job_heartbeat_seconds.max(1);
        mujun_app::JobSettings {
            heartbeat: std::time::Duration::from_secs(heartbeat),
            stale_after: std::time::Duration::from_secs(self.job_stale_seconds.max(3 * heartbeat)),
            poll: std::time::Duration::from_secs(heartbeat.min(2)),
            ..mujun_app::JobSettings::default()
        }
    }

    /// The limits on what an uploaded file may hold.
    pub fn upload_limits(&self) -> mujun_collect::upload::Limits {
        mujun_collect::upload::Limits {
            max_uncompressed_bytes: self.max_upload_unzipped_mb.max(1) * 1024 * 1024,
            max_rows: self.max_upload_rows.max(2),
            max_columns: self.max_upload_columns.max(2),
        }
    }

    /// How the site presents itself.
    pub fn site(&self) -> mujun_app::Site {
        mujun_app::Site {
            agency: if self.agency.is_empty() {
                mujun_app::Site::default().agency
            } else {
                self.agency.clone()
            },
            url: self.public_url.clone(),
            title: if self.system_title.trim().is_empty() {
                mujun_app::DEFAULT_TITLE.to_owned()
            } else {
                self.system_title.trim().to_owned()
            },
        }
    }

    /// The security settings the use cases need; a demo does not ask for a second factor
    /// unless the configuration says so.
    pub fn security(&self, demo: bool) -> mujun_app::Security {
        mujun_app::Security {
            max_failures: self.lockout_failures.max(1),
            lockout_minutes: self.lockout_minutes.max(1),
            idle_timeout_minutes: self.session_idle_minutes.max(1),
            session_max_hours: self.session_max_hours.max(1),
            password_max_age_days: self.password_max_age_days.max(0),
            require_totp: self.require_totp.unwrap_or(!demo),
            ..mujun_app::Security::default()
        }
    }

    /// The key of the audit chain: read from `audit_key_file`, created there when missing.
    pub fn audit_key(&self) -> Result<mujun_store::audit::AuditKey, String> {
        use mujun_store::audit::{AuditKey, Mac};
        let mac = Mac::parse(&self.audit_mac)
            .filter(|m| *m != Mac::Sha256)
            .ok_or_else(|| {
                format!(
                    "配置有误：audit_mac 只能是 hmac-sha256 或 hmac-sm3，而不是“{}”",
                    self.audit_mac
                )
            })?;
        AuditKey::load_or_create(std::path::Path::new(&self.audit_key_file), mac).map_err(|e| e.to_string())
    }

    /// Whether the server itself speaks HTTPS.
    pub fn tls(&self) -> bool {
        !self.tls_cert.is_empty() && !self.tls_key.is_empty()
    }

    /// Whether cookies are marked `Secure` and HSTS is sent: behind TLS, terminated here or by
    /// a proxy.
    pub fn secure(&self) -> bool {
        self.secure_cookies || self.tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_file_then_env() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "mujun.toml",
                "bind = \"0.0.0.0:9000\"\nsession_idle_minutes = 10\n",
            )?;
            jail.set_env("MUJUN_SESSION_IDLE_MINUTES", "20");
            // Not configuration: ignored.
            jail.set_env("MUJUN_LOG", "debug");
            jail.set_env("MUJUN_SKIP_POSTGRES", "1");
            let c = Config::load(Path::new("mujun.toml")).map_err(figment::Error::from)?;
            assert_eq!(c.bind, "0.0.0.0:9000");
            assert_eq!(c.session_idle_minutes, 20, "env wins over file");
            assert_eq!(c.database, "sqlite://data/mujun.db");
            Ok(())
        });
    }

    #[test]
    fn the_land_rules_follow_the_file_within_the_law() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "mujun.toml",
                "idle_fee_percent = 10\nexit_late_months = 3\nlow_tax_per_mu = 7.5\nhalf_stop_percent = 40\n",
            )?;
            let land = Config::load(Path::new("mujun.toml"))
                .map_err(figment::Error::from)?
                .land();
            assert_eq!(land.idle.fee_permille, 100);
            assert_eq!(land.exit.late_months, 3);
            assert_eq!(land.low.half_stop_permille, 400);
            assert!((land.low_tax_per_mu - 7.5).abs() < 1e-12);
            Ok(())
        });
        // Beyond the law's 20 % the fee is capped; take-back never precedes the fee's year.
        let c = Config {
            idle_fee_percent: 35,
            idle_take_back_years: 0,
            ..Config::default()
        };
        let land = c.land();
        assert_eq!(land.idle.fee_permille, 200);
        assert_eq!(land.idle.take_back_after_years, 2);
        assert_eq!(Config::default().land(), mujun_app::land::LandRules::default());
    }

    #[test]
    fn unknown_keys_are_refused_and_secrets_redacted() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("mujun.toml", "bnid = \"x\"\n")?;
            assert!(Config::load(Path::new("mujun.toml")).is_err());
            Ok(())
        });
        let c = Config {
            database: "postgres://u:secret@db/mujun".into(),
            ..Config::default()
        };
        let mut fields: Vec<String> = serde_json::to_value(Config::default())
            .unwrap_or_default()
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        fields.sort_unstable();
        let mut keys = KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(fields, keys, "every key can be set from the environment");
        let t = c.redacted_toml();
        assert!(t.contains("u:***@db") && !t.contains("secret"), "{t}");
    }
}
