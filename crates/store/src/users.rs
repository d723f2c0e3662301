//! Accounts.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// An account.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name (unique).
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role id (see the app crate).
    pub role: String,
    /// Department (department officers).
    pub department_id: Option<i64>,
    /// County (county officers).
    pub region_code: Option<String>,
    /// Cluster (cluster officers).
    pub cluster_id: Option<i64>,
    /// Enterprise (enterprise users).
    pub enterprise_id: Option<i64>,
    /// 1: must change the password at next login.
    pub must_change_password: i64,
    /// Consecutive failed logins.
    pub failed_attempts: i64,
    /// Locked until (ms).
    pub locked_until: Option<i64>,
    /// 1: active, 0: disabled.
    pub active: i64,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Last password change (ms).
    pub password_changed_at: i64,
    /// SHA-256 of the one-time activation code of an account created in bulk, until activated.
    pub activation_hash: Option<String>,
    /// When that code expires (ms).
    pub activation_expires_at: Option<i64>,
    /// The TOTP secret (base32), once enrolment started.
    pub totp_secret: Option<String>,
    /// 1: the second factor is required at every login.
    pub totp_enabled: i64,
    /// The last TOTP time step accepted (a code is good once).
    pub totp_last_step: i64,
    /// SHA-256 of the second half of a split activation code (privileged accounts: the half the
    /// security administrator hands over).
    pub activation_hash_b: Option<String>,
    /// A TOTP secret being enrolled, until confirmed.
    pub totp_pending: Option<String>,
}

/// The fields of a new or edited account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserFields {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role id.
    pub role: String,
    /// Department.
    pub department_id: Option<i64>,
    /// County.
    pub region_code: Option<String>,
    /// Cluster.
    pub cluster_id: Option<i64>,
    /// Enterprise.
    pub enterprise_id: Option<i64>,
    /// Active.
    pub active: bool,
}

macro_rules! columns {
    () => {
        "id, username, display_name, password_hash, role, department_id, region_code, cluster_id, enterprise_id, \
    must_change_password, failed_attempts, locked_until, active, created_at, updated_at, password_changed_at, \
    activation_hash, activation_expires_at, totp_secret, totp_enabled, totp_last_step, activation_hash_b, totp_pending"
    };
}

/// Creates an account.
pub async fn insert(
    conn: &mut AnyConnection,
    f: &UserFields,
    password_hash: &str,
    must_change_password: bool,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (username, display_name, password_hash, role, department_id, region_code, cluster_id, enterprise_id, \
         must_change_password, active, created_at, updated_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11) RETURNING id",
    )
    .bind(&f.username)
    .bind(&f.display_name)
    .bind(password_hash)
    .bind(&f.role)
    .bind(f.department_id)
    .bind(&f.region_code)
    .bind(f.cluster_id)
    .bind(f.enterprise_id)
    .bind(i64::from(must_change_password))
    .bind(i64::from(f.active))
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(StoreError::unique("用户名"))?;
    Ok(id)
}

/// Edits an account's role, scope, names and active flag.
pub async fn update(conn: &mut AnyConnection, id: i64, f: &UserFields) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE users SET username = $1, display_name = $2, role = $3, department_id = $4, region_code = $5, cluster_id = $6, \
         enterprise_id = $7, active = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&f.username)
    .bind(&f.display_name)
    .bind(&f.role)
    .bind(f.department_id)
    .bind(&f.region_code)
    .bind(f.cluster_id)
    .bind(f.enterprise_id)
    .bind(i64::from(f.active))
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await
    .map_err(StoreError::unique("用户名"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("用户"));
    }
    Ok(())
}

/// One account.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<User>, StoreError> {
    Ok(
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// One account by login name.
pub async fn get_by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<User>, StoreError> {
    Ok(
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(conn)
            .await?,
    )
}

/// Every account by login name.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<User>, StoreError> {
    Ok(
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM users ORDER BY username"))
            .fetch_all(conn)
            .await?,
    )
}

/// Number of accounts.
pub async fn count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Sets a new password hash.
pub async fn set_password(
    conn: &mut AnyConnection,
    id: i64,
    password_hash: &str,
    must_change_password: bool,
) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, updated_at = $3, \
         failed_attempts = 0, locked_until = NULL WHERE id = $4",
    )
    .bind(password_hash)
    .bind(i64::from(must_change_password))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a failed login; locks the account until `lock_until` once `max_failures` is reached.
/// Returns the new failure count.
pub async fn record_failure(
    conn: &mut AnyConnection,
    id: i64,
    max_failures: i64,
    lock_until: i64,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "UPDATE users SET failed_attempts = failed_attempts + 1, \
         locked_until = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE locked_until END \
         WHERE id = $3 RETURNING failed_attempts",
    )
    .bind(max_failures)
    .bind(lock_until)
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Clears failures after a successful login or an unlock.
pub async fn clear_failures(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets (or clears) an account's one-time activation code (its SHA-256) and expiry.
pub async fn set_activation(
    conn: &mut AnyConnection,
    id: i64,
    code_hash: Option<&str>,
    expires_at: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE users SET activation_hash = $1, activation_expires_at = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(code_hash)
    .bind(expires_at)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Activates an account: its first password, the activation code spent, failures cleared.
pub async fn activate(conn: &mut AnyConnection, id: i64, password_hash: &str) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = 0, activation_hash = NULL, activation_hash_b = NULL, \
         activation_expires_at = NULL, failed_attempts = 0, locked_until = NULL, password_changed_at = $2, updated_at = $2 \
         WHERE id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The condition of a scope on `enterprises e`, with its one bind value.
fn scope_cond(scope: &crate::Scope) -> (&'static str, Option<String>, Option<i64>) {
    use crate::Scope;
    match scope {
        Scope::All => ("", None, None),
        Scope::Nothing => (" AND 1 = 0", None, None),
        Scope::Region(r) => (" AND e.region_code = $1", Some(r.clone()), None),
        Scope::Cluster(c) => (" AND e.cluster_id = $1", None, Some(*c)),
        Scope::Enterprise(e) => (" AND e.id = $1", None, Some(*e)),
    }
}

/// Enterprises (not closed) of a scope that no account belongs to yet, by credit code:
/// `(id, credit code, name)`.
pub async fn enterprises_without_account(
    conn: &mut AnyConnection,
    scope: &crate::Scope,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let (cond, text, int) = scope_cond(scope);
    let sql = format!(
        "SELECT e.id, e.credit_code, e.name FROM enterprises e WHERE e.status <> 'closed'{cond} \
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id) ORDER BY e.credit_code"
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    if let Some(t) = text {
        q = q.bind(t);
    }
    if let Some(i) = int {
        q = q.bind(i);
    }
    Ok(q.fetch_all(conn).await?)
}

/// The number of enterprises (not closed) of a scope that have an account.
pub async fn enterprises_with_account(
    conn: &mut AnyConnection,
    scope: &crate::Scope,
) -> Result<i64, StoreError> {
    let (cond, text, int) = scope_cond(scope);
    let sql = format!(
        "SELECT COUNT(*) FROM enterprises e WHERE e.status <> 'closed'{cond} \
         AND EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id)"
    );
    let mut q = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
    if let Some(t) = text {
        q = q.bind(t);
    }
    if let Some(i) = int {
        q = q.bind(i);
    }
    Ok(q.fetch_one(conn).await?.0)
}

/// Sets (or clears) the second half of a split activation code.
pub async fn set_activation_b(
    conn: &mut AnyConnection,
    id: i64,
    code_hash: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET activation_hash_b = $1, updated_at = $2 WHERE id = $3")
        .bind(code_hash)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Activates or deactivates an account (approval of a privileged account).
pub async fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(active))
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the TOTP secret (enrolment started) and whether it is required.
pub async fn set_totp(
    conn: &mut AnyConnection,
    id: i64,
    secret: Option<&str>,
    enabled: bool,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = 0, updated_at = $3 WHERE id = $4")
        .bind(secret)
        .bind(i64::from(enabled))
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets (or clears) the TOTP secret being enrolled.
pub async fn set_totp_pending(
    conn: &mut AnyConnection,
    id: i64,
    secret: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET totp_pending = $1, updated_at = $2 WHERE id = $3")
        .bind(secret)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the TOTP step just accepted, if later than the last one; `false` when the step was
/// used already (a replayed code).
pub async fn use_totp_step(conn: &mut AnyConnection, id: i64, step: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
        .bind(step)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The names of the enterprises that have accounts: `(enterprise id, name)`.
pub async fn account_enterprise_names(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT e.id, e.name FROM enterprises e WHERE e.id IN (SELECT enterprise_id FROM users WHERE enterprise_id IS NOT NULL)",
    )
    .fetch_all(conn)
    .await?)
}
