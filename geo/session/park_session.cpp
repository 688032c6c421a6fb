#include "geo/session/park_session.h"

#include "geo/error.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace parkatlas::geo {

namespace {

/// Reports to the caller's sink and keeps a copy: what a job or a read returns with its result.
class KeepingSink : public IssueSink {
public:
    explicit KeepingSink(IssueSink& forward) : m_forward(forward) {}
    void report(Issue issue) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_kept.push_back(issue);
        }
        m_forward.report(std::move(issue));
    }
    std::vector<Issue> take()
    {
        std::lock_guard lock(m_mutex);
        return std::move(m_kept);
    }

private:
    IssueSink& m_forward;
    std::mutex m_mutex;
    std::vector<Issue> m_kept;
};

bool sameSource(const LayerRef& a, const LayerRef& b)
{
    if (!a.layerName.empty() && !b.layerName.empty() && a.layerName != b.layerName)
        return false;
    if (a.datasetPath == b.datasetPath)
        return true;
    std::error_code error;
    const auto canonicalA = std::filesystem::weakly_canonical(a.datasetPath, error);
    if (error)
        return false;
    const auto canonicalB = std::filesystem::weakly_canonical(b.datasetPath, error);
    return !error && canonicalA == canonicalB;
}

void append(std::vector<Issue>& to, const std::vector<Issue>& from)
{
    to.insert(to.end(), from.begin(), from.end());
}

} // namespace

ParkSession::ParkSession(ParkDefinition definition) : m_definition(std::move(definition)) {}

std::shared_ptr<ParkSession> ParkSession::open(const std::string& source,
                                               const OpenOptions& defaults)
{
    return std::make_shared<ParkSession>(discoverPark(source, defaults));
}

ParkDefinition ParkSession::definition() const
{
    std::lock_guard lock(m_mutex);
    return m_definition;
}

std::size_t ParkSession::readCount(Role role) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_readCount.find(role);
    return it == m_readCount.end() ? 0 : it->second;
}

void ParkSession::rebuildSnapshot(std::vector<ParkLayer> fresh)
{
    // The old snapshot's layers, shared with it (a job still running on it keeps it whole):
    // copying a ParkLayer copies a pointer to its Layer, never the features.
    std::vector<ParkLayer> old;
    if (m_park)
        old = m_park->layers;
    auto park = std::make_shared<Park>();
    park->name = m_definition.name;
    park->crs = m_workingCrs;
    auto take = [&](std::vector<ParkLayer>& from, Role role) {
        const auto it = std::find_if(from.begin(), from.end(),
                                     [&](const ParkLayer& l) { return l.role == role; });
        if (it == from.end())
            return false;
        park->layers.push_back(std::move(*it));
        from.erase(it);
        return true;
    };
    for (const ParkLayerSource& source : m_definition.layers) {
        const auto read = m_read.find(source.role);
        if (read == m_read.end() || read->second.failed)
            continue;
        if (!take(fresh, source.role) && !take(old, source.role))
            continue;
        // The contract fields and classification as the definition says now (cheap: names).
        ParkLayer& layer = park->layers.back();
        layer.fieldIndex =
            resolveContractFields(layer.role, layer.layer->attributes, source.fieldMap);
        layer.classification = source.classification;
        layer.classificationOrigin = source.classificationOrigin;
    }
    // As loadPark names it: by its boundary unless the project file names it.
    if (const ParkLayer* boundary = park->layer(Role::Boundary);
        boundary && !m_definition.nameGiven)
        if (std::string name = boundaryParkName(*boundary); !name.empty())
            park->name = std::move(name);
    m_park = std::move(park);
}

std::shared_ptr<const Park> ParkSession::park(const std::vector<Role>& roles, IssueSink& issues,
                                              const ProgressCallback& progress)
{
    std::lock_guard lock(m_mutex);
    if (!m_unreadableReported) {
        for (const std::string& failure : m_definition.unreadable) {
            Issue issue{Issue::Severity::Error, {}, {}, -1, failure + " (left out)"};
            m_sessionIssues.push_back(issue);
            issues.report(std::move(issue));
        }
        // What the definition says of the whole park (a date it keeps no history for): once,
        // not once for each layer read.
        for (const std::string& warning : m_definition.warnings) {
            Issue issue{Issue::Severity::Warning, m_definition.source, {}, -1, warning};
            m_sessionIssues.push_back(issue);
            issues.report(std::move(issue));
        }
        m_unreadableReported = true;
    }
    if (m_workingCrs.isEmpty())
        m_workingCrs = parkWorkingCrs(m_definition);

    std::vector<const ParkLayerSource*> missing;
    for (const ParkLayerSource& source : m_definition.layers)
        if ((roles.empty() || std::find(roles.begin(), roles.end(), source.role) != roles.end()) &&
            !m_read.count(source.role))
            missing.push_back(&source);
    if (missing.empty() && m_park)
        return m_park;

    std::vector<ParkLayer> fresh;
    try {
        for (std::size_t i = 0; i < missing.size(); ++i) {
            const ParkLayerSource& source = *missing[i];
            ParkDefinition one = m_definition;
            one.unreadable.clear();
            one.warnings.clear(); // said once, above
            ParkLoadOptions load;
            load.roles = {source.role};
            load.workingCrs = m_workingCrs;
            if (progress) {
                const double begin = static_cast<double>(i) / static_cast<double>(missing.size());
                const double span = 1.0 / static_cast<double>(missing.size());
                load.progress = [&, begin, span](double done) {
                    return progress(begin + span * done);
                };
            }
            KeepingSink kept(issues);
            Park part = loadPark(one, load, kept); // Cancelled: nothing of this layer is kept
            ReadLayer read;
            read.issues = kept.take();
            read.failed = part.layers.empty();
            if (!read.failed)
                fresh.push_back(std::move(part.layers.front()));
            m_read[source.role] = std::move(read);
            ++m_readCount[source.role];
        }
    } catch (...) {
        // Cancelled (or worse): what was read before is kept, the rest is read next time.
        rebuildSnapshot(std::move(fresh));
        throw;
    }
    rebuildSnapshot(std::move(fresh));
    return m_park;
}

bool ParkSession::adopt(const LayerRef& ref, const OpenOptions& open,
                        std::shared_ptr<const Layer> layer, std::vector<Issue> issues)
{
    std::lock_guard lock(m_mutex);
    const ParkLayerSource* source = nullptr;
    for (const ParkLayerSource& candidate : m_definition.layers)
        if (candidate.open == open && sameSource(candidate.ref, ref)) {
            source = &candidate;
            break;
        }
    if (!source || m_read.count(source->role))
        return false;
    if (m_workingCrs.isEmpty()) {
        try {
            m_workingCrs = parkWorkingCrs(m_definition);
        } catch (const Error&) {
            return false;
        }
    }
    if (!layer || layer->crs.isEmpty() || !layer->crs.isSameAs(m_workingCrs))
        return false;
    // The caller's layer itself, not a copy: the map draws the same features the jobs read (a
    // Crs holds immutable facts only, so sharing it between threads is safe).
    ParkLayer parkLayer;
    parkLayer.role = source->role;
    parkLayer.layer = std::move(layer);
    parkLayer.fieldIndex =
        resolveContractFields(source->role, parkLayer.layer->attributes, source->fieldMap);
    parkLayer.classification = source->classification;
    parkLayer.classificationOrigin = source->classificationOrigin;
    ReadLayer read;
    read.issues = std::move(issues);
    m_read[source->role] = std::move(read);
    ++m_readCount[source->role];
    std::vector<ParkLayer> fresh;
    fresh.push_back(std::move(parkLayer));
    rebuildSnapshot(std::move(fresh));
    return true;
}

void ParkSession::redefine(ParkDefinition definition)
{
    std::lock_guard lock(m_mutex);
    const ParkDefinition old = std::move(m_definition);
    m_definition = std::move(definition);
    m_settings.reset();
    m_settingsIssues.clear();
    m_auditRules.reset();
    m_auditRulesIssues.clear();
    m_unreadableReported = false;
    m_sessionIssues.clear();
    // The same working CRS (the project file may name the one the layers gave before)?
    Crs working;
    try {
        working = parkWorkingCrs(m_definition);
    } catch (const Error&) {
    }
    if (m_workingCrs.isEmpty() || working.isEmpty() || !working.isSameAs(m_workingCrs)) {
        // Another working CRS: every layer is read again, into it.
        m_workingCrs = Crs();
        m_read.clear();
        m_park.reset();
        return;
    }
    // A layer stays when its role keeps the same source, read the same way.
    for (auto it = m_read.begin(); it != m_read.end();) {
        const ParkLayerSource* before = old.find(it->first);
        const ParkLayerSource* after = m_definition.find(it->first);
        const bool same =
            before && after && before->open == after->open && sameSource(before->ref, after->ref);
        it = same ? std::next(it) : m_read.erase(it);
    }
    if (m_park)
        rebuildSnapshot({});
}

ComplianceSettings ParkSession::complianceSettings(IssueSink& issues)
{
    std::lock_guard lock(m_mutex);
    if (!m_settings) {
        KeepingSink kept(issues);
        m_settings = ComplianceSettings::load(m_definition.projectPath, kept);
        m_settingsIssues = kept.take();
    }
    return *m_settings;
}

AuditRules ParkSession::auditRules(IssueSink& issues)
{
    std::lock_guard lock(m_mutex);
    if (!m_auditRules) {
        KeepingSink kept(issues);
        m_auditRules = loadAuditRules(m_definition.projectPath, kept);
        m_auditRulesIssues = kept.take();
    }
    return *m_auditRules;
}

void ParkSession::forget(const std::vector<Role>& roles)
{
    std::lock_guard lock(m_mutex);
    for (Role role : roles)
        m_read.erase(role);
    if (m_park)
        rebuildSnapshot({});
}

std::vector<Issue> ParkSession::readIssues(const std::vector<Role>& roles) const
{
    std::lock_guard lock(m_mutex);
    std::vector<Issue> out = m_sessionIssues;
    for (const ParkLayerSource& source : m_definition.layers)
        if (roles.empty() || std::find(roles.begin(), roles.end(), source.role) != roles.end())
            if (const auto it = m_read.find(source.role); it != m_read.end())
                append(out, it->second.issues);
    return out;
}

JobResult<ComplianceResult> ParkSession::check(ComplianceOptions options, IssueSink& issues)
{
    options.settings = complianceSettings(issues);
    const std::vector<Role> roles =
        rolesForRules(rulesToRun(options.rules, options.settings), options.settings);
    const std::shared_ptr<const Park> snapshot = park(roles, issues);
    KeepingSink own(issues);
    JobResult<ComplianceResult> result;
    result.value = checkCompliance(*snapshot, options, own);
    result.issues = readIssues(roles);
    {
        std::lock_guard lock(m_mutex);
        append(result.issues, m_settingsIssues);
    }
    append(result.issues, own.take());
    return result;
}

JobResult<AuditResult> ParkSession::audit(AuditOptions options, IssueSink& issues)
{
    options.rules = auditRules(issues);
    std::vector<Role> roles = {Role::Parcels};
    if (options.rules.approvedNotSuppliedEnabled)
        roles.push_back(Role::Acquisition); // approved_not_supplied (批而未供)
    if (!options.coverage)
        roles.push_back(Role::Buildings);
    const std::shared_ptr<const Park> snapshot = park(roles, issues);
    KeepingSink own(issues);
    JobResult<AuditResult> result;
    result.value = runAudit(*snapshot, options, own);
    result.issues = readIssues(roles);
    {
        std::lock_guard lock(m_mutex);
        append(result.issues, m_auditRulesIssues);
    }
    append(result.issues, own.take());
    return result;
}

JobResult<Ledger> ParkSession::ledger(LedgerKind kind, const LedgerOptions& options,
                                      IssueSink& issues)
{
    const std::vector<Role> roles = rolesFor(kind);
    const std::shared_ptr<const Park> snapshot = park(roles, issues);
    KeepingSink own(issues);
    JobResult<Ledger> result;
    if (kind == LedgerKind::StandardLand) {
        // The 标准地 periods follow the audit's settings (the project file's "rules").
        LedgerOptions withRules = options;
        withRules.rules = auditRules(own);
        result.value = buildLedger(*snapshot, kind, withRules, own);
    } else {
        result.value = buildLedger(*snapshot, kind, options, own);
    }
    result.issues = readIssues(roles);
    append(result.issues, own.take());
    return result;
}

JobResult<IndicatorReport> ParkSession::indicators(const IndicatorOptions& options,
                                                   IssueSink& issues)
{
    const std::vector<Role> roles = indicatorRoles();
    const std::shared_ptr<const Park> snapshot = park(roles, issues);
    KeepingSink own(issues);
    JobResult<IndicatorReport> result;
    result.value = computeIndicators(*snapshot, options, own);
    result.issues = readIssues(roles);
    append(result.issues, own.take());
    return result;
}

} // namespace parkatlas::geo
