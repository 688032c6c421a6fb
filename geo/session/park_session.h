#pragma once

#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/ledger/indicators.h"
#include "geo/ledger/ledgers.h"
#include "geo/progress.h"
#include "geo/rules/audit.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/compliance.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// What a job on a ParkSession gives: its result, and every issue that concerns it: the reading
/// issues of the layers it used (whether they were read for it or before) and its own. The
/// same issues went, as they came, to the sink the job was given, except the reading issues of
/// layers read before (they went to the sink of the job that read them).
template <class T> struct JobResult {
    T value;
    std::vector<Issue> issues;
};

/// One park opened for analysis, shared by every analysis of it (check, audit, ledgers,
/// indicators, pages, the committee pack, the viewer's panels and its edit check): the park is
/// discovered once (ParkDefinition: its project file, field mapping, classifications, CRS and
/// the --s-srs/--encoding defaults), each layer is read once, when a job first needs it, and
/// the project file's rule settings and audit thresholds are loaded once. A change of the field
/// mapping, classification or rules (redefine) reaches every later job at once, without reading
/// a layer again.
///
/// Thread-safety: every member may be called from several threads at once (the viewer's panels
/// run their jobs on workers). Reading holds a lock, so two jobs that need the same layer read
/// it once; the jobs themselves run without it and at the same time, on an immutable snapshot
/// of the park: its layers are never changed once read, its Crs holds facts only (each thread
/// builds its own OGR/PROJ objects), and every job makes its own GEOS contexts and caches.
class ParkSession {
public:
    /// A session on a park already discovered. Reads nothing.
    explicit ParkSession(ParkDefinition definition);

    /// discoverPark(source, defaults) and a session on it. Throws what discoverPark throws.
    static std::shared_ptr<ParkSession> open(const std::string& source,
                                             const OpenOptions& defaults = {});

    /// The definition as it stands (a copy: redefine may change it meanwhile).
    ParkDefinition definition() const;

    /// The park with at least the layers of `roles` read (every role of the definition when
    /// empty; roles the park lacks are ignored). A layer not read yet is read now, into the
    /// working CRS (ParkLoadOptions semantics: a layer that cannot be read is reported to
    /// `issues` as an error and left out, and is not tried again). `progress` covers what is
    /// read now. The snapshot may hold more layers than asked for. Throws CrsError when no
    /// working CRS can be found, Cancelled when `progress` says so (nothing of that read is
    /// kept).
    std::shared_ptr<const Park> park(const std::vector<Role>& roles, IssueSink& issues,
                                     const ProgressCallback& progress = {});

    /// Takes a layer the caller read itself (the viewer's map) as the layer of the role whose
    /// source is `ref` read with `open`, so it is not read again; `issues` are what reading
    /// it reported. The session shares the caller's Layer (never copies it): every snapshot and
    /// job holds that same object. Refused (false) when no role of the definition has that
    /// source and those options, the role is read already, or the layer is null or not in the
    /// park's working CRS.
    bool adopt(const LayerRef& ref, const OpenOptions& open, std::shared_ptr<const Layer> layer,
               std::vector<Issue> issues);

    /// Replaces the definition (a field mapping, classification or CRS changed in the project
    /// file): layers whose source and open options are unchanged are kept and their contract
    /// fields resolved again (no read); the others are read again when next needed. The rule
    /// settings and audit thresholds are loaded again when next needed.
    void redefine(ParkDefinition definition);

    /// The plan check's settings (styles/thresholds.json, then the project file's "rules"),
    /// loaded once; what loading reported goes to `issues` the first time.
    ComplianceSettings complianceSettings(IssueSink& issues);
    /// The audit's thresholds (loadAuditRules), loaded once likewise. Throws IoError for a
    /// broken value (and again on the next call).
    AuditRules auditRules(IssueSink& issues);

    /// The plan check: reads the layers the rules need (rolesForRules), then checkCompliance
    /// with the session's settings (options.settings is replaced by them).
    JobResult<ComplianceResult> check(ComplianceOptions options, IssueSink& issues);
    /// The idle-land audit: reads the parcels and buildings (unless options.coverage gives the
    /// coverage), then runAudit with the session's thresholds (options.rules is replaced).
    JobResult<AuditResult> audit(AuditOptions options, IssueSink& issues);
    /// A ledger (buildLedger) on the layers rolesFor(kind).
    JobResult<Ledger> ledger(LedgerKind kind, const LedgerOptions& options, IssueSink& issues);
    /// The TD/T 1029 indicators on indicatorRoles().
    JobResult<IndicatorReport> indicators(const IndicatorOptions& options, IssueSink& issues);

    /// What reading the layers of `roles` reported (every role when empty), whenever they were
    /// read, with the source's files that cannot be opened: for a caller that shows them again.
    std::vector<Issue> readIssues(const std::vector<Role>& roles) const;

    /// Forgets the layers of `roles` (their files changed: edits saved), so the next job that
    /// needs them reads them again.
    void forget(const std::vector<Role>& roles);

    /// How many times the layer of `role` was read for this session (adopt counts as one):
    /// 0 or 1, unless redefine changed its source. For tests and diagnostics.
    std::size_t readCount(Role role) const;

private:
    struct ReadLayer {
        std::vector<Issue> issues; // what reading it reported
        bool failed = false;       // could not be read (reported); not tried again
    };

    /// A new m_park: the layers of m_read (from `fresh`, else the old snapshot) in definition
    /// order, their contract fields resolved by the definition. Caller holds m_mutex.
    void rebuildSnapshot(std::vector<ParkLayer> fresh);

    mutable std::mutex m_mutex;
    ParkDefinition m_definition;
    Crs m_workingCrs; // empty until first needed
    bool m_unreadableReported = false;
    std::vector<Issue> m_sessionIssues; // the files of the source that cannot be opened
    std::map<Role, ReadLayer> m_read;
    std::map<Role, std::size_t> m_readCount;
    std::shared_ptr<Park> m_park; // handed out as const; replaced, never changed once shared
    std::optional<ComplianceSettings> m_settings;
    std::vector<Issue> m_settingsIssues;
    std::optional<AuditRules> m_auditRules;
    std::vector<Issue> m_auditRulesIssues;
};

} // namespace parkatlas::geo
