//! What the engine evaluates: one year's enterprise rows, independent of any method.

use mujun_domain::{CreditCode, Date, Field, IndustryCode, RegionCode, Scale, Year};

/// The numeric figures of one enterprise-year; each may be absent (missing).
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Figures {
    values: [f64; Field::COUNT],
    present: u16,
}

impl Figures {
    /// No figure present.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The figure, or `None` when missing.
    #[inline]
    pub fn get(&self, field: Field) -> Option<f64> {
        let i = field.index();
        (self.present & (1 << i) != 0).then(|| self.values[i])
    }

    /// Sets or clears a figure. Callers pass finite values only (the batch readers refuse
    /// anything else); a non-finite value is stored as missing so the engine never sees one.
    pub fn set(&mut self, field: Field, value: Option<f64>) {
        let i = field.index();
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                self.values[i] = v;
                self.present |= 1 << i;
            }
            None => {
                self.values[i] = 0.0;
                self.present &= !(1 << i);
            }
        }
    }

    /// Builder form of [`Figures::set`].
    pub fn with(mut self, field: Field, value: f64) -> Self {
        self.set(field, Some(value));
        self
    }
}

/// A set of bonus or veto item ids, as indices into [`EvaluationInput::items`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub struct ItemSet(u64);

impl ItemSet {
    /// A set from raw bits.
    pub fn from_bits(bits: u64) -> Self {
        ItemSet(bits)
    }

    /// The raw bits (bit i = item i).
    pub fn bits(self) -> u64 {
        self.0
    }

    /// The most distinct item ids one input may use.
    pub const CAPACITY: usize = 64;

    /// Adds an item index (< [`ItemSet::CAPACITY`]).
    pub fn insert(&mut self, index: usize) {
        debug_assert!(index < Self::CAPACITY);
        self.0 |= 1 << index;
    }

    /// True when no item is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The item indices, ascending.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                i
            })
        })
    }
}

/// One enterprise's row for the evaluated year.
#[derive(Clone, PartialEq, Debug)]
pub struct EnterpriseInput {
    /// 统一社会信用代码.
    pub credit_code: CreditCode,
    /// 所在县区.
    pub region: RegionCode,
    /// 所在产业集聚区, as an index into [`EvaluationInput::clusters`]; `None` outside every cluster.
    pub cluster: Option<u32>,
    /// 国民经济行业代码.
    pub industry: IndustryCode,
    /// 规上 / 规下.
    pub scale: Scale,
    /// 投产日期; unknown never excludes.
    pub production_start: Option<Date>,
    /// Figures in the engine's units.
    pub figures: Figures,
    /// 加分项.
    pub bonus: ItemSet,
    /// 否决项.
    pub veto: ItemSet,
}

/// One year's rows. Cluster names and item ids are held once and referred to by index.
#[derive(Clone, PartialEq, Debug)]
pub struct EvaluationInput {
    /// The data year Y.
    pub year: Year,
    /// Cluster names.
    pub clusters: Vec<String>,
    /// Bonus and veto item ids used by the rows.
    pub items: Vec<String>,
    /// The rows.
    pub enterprises: Vec<EnterpriseInput>,
}

impl EvaluationInput {
    /// An empty input for a year.
    pub fn new(year: Year) -> Self {
        EvaluationInput {
            year,
            clusters: Vec::new(),
            items: Vec::new(),
            enterprises: Vec::new(),
        }
    }

    /// The index of a cluster name, adding it when new.
    pub fn intern_cluster(&mut self, name: &str) -> u32 {
        match self.clusters.iter().position(|c| c == name) {
            Some(i) => i as u32,
            None => {
                self.clusters.push(name.to_owned());
                (self.clusters.len() - 1) as u32
            }
        }
    }

    /// The index of an item id, adding it when new; `None` when the input already uses
    /// [`ItemSet::CAPACITY`] distinct ids.
    pub fn intern_item(&mut self, id: &str) -> Option<usize> {
        match self.items.iter().position(|c| c == id) {
            Some(i) => Some(i),
            None if self.items.len() < ItemSet::CAPACITY => {
                self.items.push(id.to_owned());
                Some(self.items.len() - 1)
            }
            None => None,
        }
    }

    /// The cluster name of an enterprise.
    pub fn cluster_name(&self, e: &EnterpriseInput) -> Option<&str> {
        e.cluster
            .and_then(|c| self.clusters.get(c as usize))
            .map(String::as_str)
    }
}
