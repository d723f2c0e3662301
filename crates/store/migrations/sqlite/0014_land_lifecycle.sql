-- Issue 13: the land and project lifecycle. Parcels gain a place (county, cluster), a supply
-- mode and an optional polygon; a supplied parcel has one contract (出让合同 / 划拨决定书) with its
-- agreed dates and 标准地 indicators; projects report progress (history kept, newest current);
-- idle-land and exit cases run as steps, each with its document number, dates and deadline;
-- low-efficiency parcels get disposal plans (一宗一策) whose progress is kept as history.
ALTER TABLE land_parcels ADD COLUMN region_code TEXT;
ALTER TABLE land_parcels ADD COLUMN cluster_id INTEGER REFERENCES clusters (id);
ALTER TABLE land_parcels ADD COLUMN polygon TEXT;
-- Parcels registered before this change take the place of their largest holder.
UPDATE land_parcels SET
    region_code = (SELECT e.region_code FROM parcel_holders h JOIN enterprises e ON e.id = h.enterprise_id
                   WHERE h.parcel_id = land_parcels.id ORDER BY h.share_mu DESC, h.enterprise_id LIMIT 1),
    cluster_id = (SELECT e.cluster_id FROM parcel_holders h JOIN enterprises e ON e.id = h.enterprise_id
                  WHERE h.parcel_id = land_parcels.id ORDER BY h.share_mu DESC, h.enterprise_id LIMIT 1);
CREATE INDEX land_parcels_cluster ON land_parcels (cluster_id);
CREATE INDEX land_parcels_region ON land_parcels (region_code);

CREATE TABLE land_contracts (
    id INTEGER PRIMARY KEY,
    parcel_id INTEGER NOT NULL UNIQUE REFERENCES land_parcels (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    contract_no TEXT NOT NULL UNIQUE,
    project_name TEXT NOT NULL,
    supply_mode TEXT NOT NULL CHECK (supply_mode IN ('transfer', 'allocation')),
    price_fen INTEGER NOT NULL CHECK (price_fen > 0),
    signed_on TEXT NOT NULL,
    agreed_start TEXT NOT NULL,
    agreed_completion TEXT NOT NULL,
    agreed_full_production TEXT NOT NULL,
    area_due_m2 REAL NOT NULL CHECK (area_due_m2 > 0),
    investment_total REAL NOT NULL CHECK (investment_total > 0),
    standard_land INTEGER NOT NULL DEFAULT 0,
    std_investment_per_mu REAL,
    std_plot_ratio REAL,
    std_tax_per_mu REAL,
    std_value_added_per_tce REAL,
    std_value_added_per_pollution REAL,
    std_rd_share_pct REAL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX land_contracts_enterprise ON land_contracts (enterprise_id);

CREATE TABLE project_progress (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES land_contracts (id),
    reported_on TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('not_started', 'building', 'suspended', 'completed', 'producing')),
    started_on TEXT,
    suspended_since TEXT,
    completed_on TEXT,
    producing_on TEXT,
    area_developed_m2 REAL NOT NULL CHECK (area_developed_m2 >= 0),
    floor_area_m2 REAL NOT NULL CHECK (floor_area_m2 >= 0),
    investment_made REAL NOT NULL CHECK (investment_made >= 0),
    note TEXT NOT NULL DEFAULT '',
    attachment_name TEXT,
    attachment BLOB,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX project_progress_contract ON project_progress (contract_id, reported_on, id);

CREATE TABLE land_cases (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('idle', 'exit')),
    contract_id INTEGER NOT NULL REFERENCES land_contracts (id),
    status TEXT NOT NULL,
    finding TEXT NOT NULL,
    cause TEXT,
    cause_evidence TEXT NOT NULL DEFAULT '',
    negotiated_option TEXT,
    fee_fen INTEGER,
    linked_case_id INTEGER REFERENCES land_cases (id),
    deadline TEXT,
    closed INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX land_cases_contract ON land_cases (contract_id, kind);
CREATE INDEX land_cases_open ON land_cases (kind, closed, deadline);

CREATE TABLE land_case_steps (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES land_cases (id),
    step TEXT NOT NULL,
    doc_no TEXT NOT NULL DEFAULT '',
    issued_on TEXT NOT NULL,
    served_on TEXT,
    deadline TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX land_case_steps_case ON land_case_steps (case_id, id);

CREATE TABLE disposal_plans (
    id INTEGER PRIMARY KEY,
    parcel_id INTEGER NOT NULL REFERENCES land_parcels (id),
    low_kind TEXT NOT NULL,
    finding TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('lease', 'buy_back', 'restructure', 'reinvest', 'bankruptcy', 'other')),
    responsible_unit TEXT NOT NULL,
    deadline TEXT NOT NULL,
    area_mu REAL NOT NULL CHECK (area_mu > 0),
    area_disposed_mu REAL NOT NULL DEFAULT 0 CHECK (area_disposed_mu >= 0),
    progress TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX disposal_plans_parcel ON disposal_plans (parcel_id);

CREATE TABLE disposal_progress (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES disposal_plans (id),
    reported_on TEXT NOT NULL,
    area_disposed_mu REAL NOT NULL,
    note TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX disposal_progress_plan ON disposal_progress (plan_id, id);
