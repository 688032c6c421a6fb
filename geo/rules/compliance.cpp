#include "geo/rules/compliance.h"

#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/measure/units.h"
#include "geo/model/display_names.h"
#include "geo/model/envelope_index.h"
#include "geo/model/park.h"
#include "geo/parallel.h"
#include "geo/rules/geos_context.h"
#include "geo/rules/interior_disjoint.h"
#include "geo/rules/land_use_classification.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

namespace parkatlas::geo {

const std::vector<ComplianceRule>& allComplianceRules()
{
    static const std::vector<ComplianceRule> rules = {
        ComplianceRule::LandUseMismatch,
        ComplianceRule::OutsideBoundary,
        ComplianceRule::RoadRedLine,
        ComplianceRule::ProtectedOverlap,
        ComplianceRule::IntensityBelowStandard,
        ComplianceRule::InvalidGeometry,
        ComplianceRule::OverlappingParcels,
        ComplianceRule::DuplicateId,
        ComplianceRule::WorksOnUnacquiredLand,
        ComplianceRule::UnacquiredLand,
    };
    return rules;
}

const char* toString(ComplianceRule rule)
{
    switch (rule) {
    case ComplianceRule::LandUseMismatch:
        return "land_use_mismatch";
    case ComplianceRule::OutsideBoundary:
        return "outside_boundary";
    case ComplianceRule::RoadRedLine:
        return "road_red_line";
    case ComplianceRule::ProtectedOverlap:
        return "protected_overlap";
    case ComplianceRule::IntensityBelowStandard:
        return "intensity_below_standard";
    case ComplianceRule::InvalidGeometry:
        return "invalid_geometry";
    case ComplianceRule::OverlappingParcels:
        return "overlapping_parcels";
    case ComplianceRule::DuplicateId:
        return "duplicate_id";
    case ComplianceRule::WorksOnUnacquiredLand:
        return "works_on_unacquired_land";
    case ComplianceRule::UnacquiredLand:
        return "unacquired_land";
    }
    return "";
}

std::optional<ComplianceRule> complianceRuleFromString(std::string_view name)
{
    for (ComplianceRule rule : allComplianceRules())
        if (name == toString(rule))
            return rule;
    return std::nullopt;
}

bool isEnabled(ComplianceRule rule, const ComplianceSettings& s)
{
    switch (rule) {
    case ComplianceRule::LandUseMismatch:
        return s.landUseMismatch.enabled;
    case ComplianceRule::OutsideBoundary:
        return s.outsideBoundary.enabled;
    case ComplianceRule::RoadRedLine:
        return s.roadRedLine.enabled;
    case ComplianceRule::ProtectedOverlap:
        return s.protectedOverlap.enabled;
    case ComplianceRule::IntensityBelowStandard:
        return s.intensityBelowStandard.enabled;
    case ComplianceRule::InvalidGeometry:
        return s.invalidGeometry.enabled;
    case ComplianceRule::OverlappingParcels:
        return s.overlappingParcels.enabled;
    case ComplianceRule::DuplicateId:
        return s.duplicateId.enabled;
    case ComplianceRule::WorksOnUnacquiredLand:
        return s.worksOnUnacquiredLand.enabled;
    case ComplianceRule::UnacquiredLand:
        return s.unacquiredLand.enabled;
    }
    return false;
}

std::vector<ComplianceRule> rulesToRun(const std::vector<ComplianceRule>& rules,
                                       const ComplianceSettings& settings)
{
    if (!rules.empty())
        return rules;
    std::vector<ComplianceRule> chosen;
    for (ComplianceRule rule : allComplianceRules())
        if (isEnabled(rule, settings))
            chosen.push_back(rule);
    return chosen;
}

std::vector<Role> rolesForRules(const std::vector<ComplianceRule>& rules,
                                const ComplianceSettings& settings)
{
    std::set<Role> roles;
    auto addNamed = [&](const std::vector<std::string>& names) {
        for (const std::string& name : names)
            if (const auto role = roleFromLayerName(name))
                roles.insert(*role);
    };
    for (ComplianceRule rule : rules) {
        switch (rule) {
        case ComplianceRule::LandUseMismatch:
            roles.insert({Role::Parcels, Role::PlanZones});
            addNamed(settings.landUseMismatch.layers);
            break;
        case ComplianceRule::OutsideBoundary:
            roles.insert(Role::Boundary);
            addNamed(settings.outsideBoundary.layers);
            break;
        case ComplianceRule::RoadRedLine:
            roles.insert({Role::Parcels, Role::Roads});
            break;
        case ComplianceRule::ProtectedOverlap:
            roles.insert(Role::Protected);
            addNamed(settings.protectedOverlap.layers);
            break;
        case ComplianceRule::IntensityBelowStandard:
            roles.insert({Role::Parcels, Role::PlanZones});
            if (settings.intensityBelowStandard.coverageFromBuildings)
                roles.insert(Role::Buildings);
            break;
        case ComplianceRule::InvalidGeometry:
            for (Role role : allRoles())
                roles.insert(role);
            break;
        case ComplianceRule::OverlappingParcels:
        case ComplianceRule::DuplicateId:
            roles.insert(Role::Parcels);
            break;
        case ComplianceRule::WorksOnUnacquiredLand:
            roles.insert({Role::Roads, Role::Pipelines, Role::Acquisition});
            break;
        case ComplianceRule::UnacquiredLand:
            roles.insert(Role::Acquisition);
            addNamed(settings.unacquiredLand.layers);
            break;
        }
    }
    return {roles.begin(), roles.end()};
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kChunk = 64;

std::string fixed(double value, int decimals = 2)
{
    return formatForDisplay(value, decimals);
}

std::string percent(double share)
{
    return formatForDisplay(share * 100.0, 1) + "%";
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string out;
    for (const std::string& part : parts)
        out += (out.empty() ? "" : separator) + part;
    return out;
}

void addUnique(std::vector<std::string>& list, const std::string& value)
{
    if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
        list.push_back(value);
}

bool contains(const std::vector<std::string>& list, const std::string& value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

/// A park layer as the rules see it: its geometry, which features are usable, and its fields.
struct LayerView {
    const ParkLayer* layer = nullptr;
    Role role = Role::Parcels;
    std::vector<char> usable; // 1: a valid, non-empty geometry the geometric rules may use
    int idField = -1;

    const GeometryStore& store() const { return layer->layer.geometry; }
    std::size_t count() const { return layer->layer.featureCount(); }
    std::int64_t fid(std::size_t row) const { return layer->layer.fids[row]; }
    GeometryKind kind() const { return store().kind(); }

    /// A contract field, or (for fields the contract does not name for this role, such as a
    /// pipeline's name) the source field of that name.
    int fieldIndex(const char* name) const
    {
        const int index = layer->field(name);
        return index >= 0 ? index : layer->layer.attributes.fieldIndex(name);
    }
    /// The value as text; nullopt when unknown (or the layer has no such field).
    std::optional<std::string> text(std::size_t row, int field) const
    {
        if (field < 0)
            return std::nullopt;
        const AttributeTable& attributes = layer->layer.attributes;
        if (attributes.isUnknown(row, field))
            return std::nullopt;
        std::string value = attributes.text(row, field);
        if (isUnknownText(value))
            return std::nullopt;
        const auto begin = value.find_first_not_of(" \t");
        const auto end = value.find_last_not_of(" \t");
        return begin == std::string::npos ? std::string() : value.substr(begin, end - begin + 1);
    }
    std::optional<double> number(std::size_t row, int field) const
    {
        if (field < 0)
            return std::nullopt;
        const auto value = layer->layer.attributes.number(row, field);
        if (value && !std::isfinite(*value))
            return std::nullopt;
        return value;
    }
    std::string featureId(std::size_t row) const { return text(row, idField).value_or(""); }
    /// "宗地 QL2016-001" / "道路 金港大道" / "宗地 fid 12" for reasons.
    std::string describe(std::size_t row) const
    {
        const std::string id = featureId(row);
        return std::string(chineseName(role)) + " " +
               (id.empty() ? "fid " + std::to_string(fid(row)) : id);
    }
    std::string describeEn(std::size_t row) const
    {
        const std::string id = featureId(row);
        return std::string(toString(role)) + " " +
               (id.empty() ? "fid " + std::to_string(fid(row)) : id);
    }
};

const char* idContractField(Role role)
{
    switch (role) {
    case Role::Parcels:
        return "parcel_id";
    case Role::PlanZones:
        return "zone_id";
    case Role::Acquisition:
        return "batch_id";
    case Role::IdleLand:
        return "case_id";
    default:
        return "name";
    }
}

/// Everything one worker thread owns: its GEOS context, its area calculator, scratch stores
/// for measuring GEOS results, geometry of reference layers built on first use, and the
/// findings it made.
class Worker {
public:
    explicit Worker(const Crs& crs) : area(crs) {}

    GeosContext geos;
    AreaCalculator area;
    std::vector<std::uint32_t> candidates;
    std::vector<Finding> findings;

    /// How a parcel code stands to a zone code, remembered per pair (and the layers' systems):
    /// a park has a few dozen codes but a million parcels, and the classification's answer is
    /// pure.
    const LandUseJudgement& judge(const LandUseClassification& landUse,
                                  const std::string& parcelCode, const LandUseSystems& parcelSystems,
                                  const std::string& zoneCode, const LandUseSystems& zoneSystems)
    {
        std::string key = parcelCode;
        key += '\x1f';
        key += zoneCode;
        for (const std::string& s : parcelSystems)
            key += '\x1e' + s;
        key += '\x1f';
        for (const std::string& s : zoneSystems)
            key += '\x1e' + s;
        if (auto it = m_judged.find(key); it != m_judged.end())
            return it->second;
        return m_judged
            .emplace(std::move(key), landUse.judge(parcelCode, parcelSystems, zoneCode, zoneSystems))
            .first->second;
    }

    using Builder = std::function<GeosGeomPtr(GeosContext&, std::size_t)>;

    /// Geometry `index` of a reference set identified by `key` (a layer, a derived set such as
    /// the road buffers), built by `build` the first time and kept with its prepared form.
    const GEOSGeometry* cached(const void* key, std::size_t index, const Builder& build)
    {
        Entry& entry = entryFor(key, index, build);
        return entry.geometry.get();
    }
    const GEOSPreparedGeometry* prepared(const void* key, std::size_t index, const Builder& build)
    {
        Entry& entry = entryFor(key, index, build);
        if (!entry.prepared && entry.geometry)
            entry.prepared = geos.prepare(entry.geometry.get());
        return entry.prepared.get();
    }

    /// Ellipsoidal area in m² of the polygonal part of a GEOS geometry.
    double areaM2(const GEOSGeometry* geometry)
    {
        return measureComponents(geometry, 2, m_polygons, GEOSArea_r,
                                 [this](const GeometryStore& store, std::size_t feature) {
                                     return area.areaM2(store, feature);
                                 });
    }
    /// Geodesic length in metres of the lineal part of a GEOS geometry.
    double lengthM(const GEOSGeometry* geometry)
    {
        return measureComponents(geometry, 1, m_lines, GEOSLength_r,
                                 [this](const GeometryStore& store, std::size_t feature) {
                                     return area.lengthM(store, feature);
                                 });
    }
    std::vector<unsigned char> wkb(const GEOSGeometry* geometry) { return geos.toWkb(geometry); }

    /// The union of clones of `parts` (null when there are none or GEOS fails).
    GeosGeomPtr unionOf(std::vector<GeosGeomPtr>& parts)
    {
        if (parts.empty())
            return geos.own(nullptr);
        if (parts.size() == 1)
            return std::move(parts.front());
        std::vector<GEOSGeometry*> raw;
        for (GeosGeomPtr& part : parts)
            raw.push_back(part.release());
        GeosGeomPtr collection = geos.own(GEOSGeom_createCollection_r(
            geos.handle(), GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())));
        parts.clear();
        if (!collection)
            return geos.own(nullptr);
        return geos.own(GEOSUnaryUnion_r(geos.handle(), collection.get()));
    }

private:
    /// The components of `dimension` of a geometry measured on the ellipsoid through a scratch
    /// store (`measure`); GEOS's planar figure (`planar`) if the store cannot take them.
    template <typename Measure>
    double measureComponents(const GEOSGeometry* geometry, int dimension, GeometryStore& scratch,
                             int (*planar)(GEOSContextHandle_t, const GEOSGeometry*, double*),
                             Measure&& measure)
    {
        if (!geometry)
            return 0;
        GeosGeomPtr parts = geos.componentsOfDimension(geometry, dimension);
        if (!parts || GEOSisEmpty_r(geos.handle(), parts.get()))
            return 0;
        const std::vector<unsigned char> wkb = geos.toWkb(parts.get());
        if (!scratch.appendWkb(wkb.data(), wkb.size())) {
            scratch.popFeature();
            return planar(geos.handle(), parts.get(), &m_scratch) == 1 ? m_scratch : 0;
        }
        const double value = measure(scratch, scratch.featureCount() - 1);
        scratch.popFeature();
        return value;
    }

    struct Entry {
        GeosGeomPtr geometry;
        GeosPreparedPtr prepared;
        bool built = false;
    };
    Entry& entryFor(const void* key, std::size_t index, const Builder& build)
    {
        std::vector<Entry>& entries = m_cache[key];
        if (entries.size() <= index)
            entries.resize(index + 1);
        Entry& entry = entries[index];
        if (!entry.built) {
            entry.geometry = build(geos, index);
            entry.built = true;
        }
        return entry;
    }

    std::unordered_map<const void*, std::vector<Entry>> m_cache;
    std::unordered_map<std::string, LandUseJudgement> m_judged;
    GeometryStore m_polygons{GeometryKind::Polygon};
    GeometryStore m_lines{GeometryKind::Line};
    double m_scratch = 0;
};

Evidence ev(std::string name, std::optional<double> value)
{
    return {std::move(name), value ? EvidenceValue(*value) : EvidenceValue()};
}
Evidence ev(std::string name, std::optional<std::string> value)
{
    return {std::move(name), value ? EvidenceValue(*value) : EvidenceValue()};
}
Evidence ev(std::string name, const char* value)
{
    return {std::move(name), EvidenceValue(std::string(value))};
}

class Engine {
public:
    Engine(const Park& park, const ComplianceOptions& options, IssueSink& issues)
        : m_park(park), m_options(options), m_settings(options.settings), m_issues(issues),
          m_landUse(options.landUse)
    {
        unsigned threads = requestedWorkerCount(options.threads);
        if (threads == 0)
            threads = std::max(1u, std::thread::hardware_concurrency());
        for (unsigned t = 0; t < threads; ++t)
            m_workers.push_back(std::make_unique<Worker>(park.crs));
        for (const ParkLayer& layer : park.layers) {
            LayerView view;
            view.layer = &layer;
            view.role = layer.role;
            view.idField = view.fieldIndex(idContractField(layer.role));
            m_views[layer.role] = std::move(view);
        }
    }

    ComplianceResult run()
    {
        ComplianceResult result;
        for (ComplianceRule rule : allComplianceRules()) {
            const bool asked = std::find(m_options.rules.begin(), m_options.rules.end(), rule) !=
                               m_options.rules.end();
            if (m_options.rules.empty() ? isEnabled(rule, m_settings) : asked)
                result.rulesRun.push_back(rule);
        }
        m_rules = result.rulesRun;
        if (!m_landUse && runs(ComplianceRule::LandUseMismatch))
            m_landUse = &LandUseClassification::standard();
        // Steps: validity, then each rule (the zone overlay serves two rules).
        using Step = void (Engine::*)();
        std::vector<Step> steps = {&Engine::checkValidity};
        if (runs(ComplianceRule::DuplicateId))
            steps.push_back(&Engine::checkDuplicateIds);
        if (runs(ComplianceRule::LandUseMismatch) || runs(ComplianceRule::IntensityBelowStandard))
            steps.push_back(&Engine::overlayZones);
        if (runs(ComplianceRule::IntensityBelowStandard))
            steps.push_back(&Engine::checkIntensity);
        if (runs(ComplianceRule::OutsideBoundary))
            steps.push_back(&Engine::checkOutsideBoundary);
        if (runs(ComplianceRule::RoadRedLine))
            steps.push_back(&Engine::checkRoadRedLine);
        if (runs(ComplianceRule::ProtectedOverlap))
            steps.push_back(&Engine::checkProtectedOverlap);
        if (runs(ComplianceRule::OverlappingParcels))
            steps.push_back(&Engine::checkOverlappingParcels);
        if (runs(ComplianceRule::WorksOnUnacquiredLand))
            steps.push_back(&Engine::checkWorks);
        if (runs(ComplianceRule::UnacquiredLand))
            steps.push_back(&Engine::checkUnacquiredLand);
        for (std::size_t s = 0; s < steps.size(); ++s) {
            m_progressBase = static_cast<double>(s) / static_cast<double>(steps.size());
            m_progressSpan = 1.0 / static_cast<double>(steps.size());
            (this->*steps[s])();
            report(1.0);
        }
        for (auto& worker : m_workers)
            for (Finding& finding : worker->findings)
                result.findings.push_back(std::move(finding));
        sortComplianceFindings(result.findings);
        result.landUseSystems = m_systems;
        return result;
    }

private:
    bool runs(ComplianceRule rule) const
    {
        return std::find(m_rules.begin(), m_rules.end(), rule) != m_rules.end();
    }

    const LayerView* view(Role role) const
    {
        const auto it = m_views.find(role);
        return it == m_views.end() ? nullptr : &it->second;
    }

    /// The systems land_use_mismatch reads a layer's codes in (read by the workers: never
    /// inserts).
    const LandUseDetection& systemsOf(Role role) const
    {
        static const LandUseDetection none;
        const auto it = m_systems.find(role);
        return it == m_systems.end() ? none : it->second;
    }

    void warn(ComplianceRule rule, const std::string& message)
    {
        m_issues.report(
            {Issue::Severity::Warning, {}, {}, -1, std::string(toString(rule)) + ": " + message});
    }

    void report(double fraction)
    {
        if (m_options.progress &&
            !m_options.progress(m_progressBase + m_progressSpan * std::clamp(fraction, 0.0, 1.0)))
            m_cancelled = true;
    }

    /// Runs work(worker, i) for i in [0, count) on every worker (parallelFor); worker 0 is this
    /// thread and reports progress. The first exception stops the others and is rethrown here.
    template <typename Work> void parallel(std::size_t count, Work&& work)
    {
        if (m_cancelled)
            throw Cancelled();
        ParallelOptions options;
        options.threads = static_cast<unsigned>(m_workers.size());
        // Chunks of kChunk items, smaller when there are few items, so that every worker asked
        // for takes part even on a small park (the results do not depend on who did what).
        options.chunk = kChunk;
        options.progress = [&](double fraction) {
            report(fraction);
            return !m_cancelled;
        };
        try {
            parallelFor(count, options, [&](unsigned worker, std::size_t begin, std::size_t end) {
                for (std::size_t i = begin; i < end; ++i)
                    work(*m_workers[worker], i);
            });
        } catch (...) {
            m_cancelled = true;
            throw;
        }
    }

    /// The layers a rule's `layers` setting names (unknown names warned about and left out),
    /// never `except` (the rule's reference layer), only polygon layers when `polygonsOnly`.
    std::vector<const LayerView*> layersNamed(ComplianceRule rule,
                                              const std::vector<std::string>& names, Role except,
                                              bool polygonsOnly)
    {
        std::vector<const LayerView*> layers;
        for (const std::string& name : names) {
            const auto role = roleFromLayerName(name);
            if (!role) {
                warn(rule, "unknown layer \"" + name + "\" (ignored)");
                continue;
            }
            const LayerView* layer = view(*role);
            if (layer && *role != except &&
                (!polygonsOnly || layer->kind() == GeometryKind::Polygon))
                layers.push_back(layer);
        }
        return layers;
    }

    /// parallel() over every feature of each layer in turn, work(layer, worker, i), each layer
    /// its share of the step's progress.
    template <typename Work>
    void parallelOverLayers(const std::vector<const LayerView*>& layers, Work&& work)
    {
        const double base = m_progressBase, span = m_progressSpan;
        for (std::size_t t = 0; t < layers.size(); ++t) {
            const LayerView& layer = *layers[t];
            m_progressBase = base + span * static_cast<double>(t) / layers.size();
            m_progressSpan = span / layers.size();
            parallel(layer.count(),
                     [&](Worker& worker, std::size_t i) { work(layer, worker, i); });
        }
        m_progressBase = base;
        m_progressSpan = span;
    }

    static Worker::Builder fromLayer(const LayerView& layer)
    {
        return [&layer](GeosContext& geos, std::size_t i) {
            return layer.usable[i] ? geos.fromStore(layer.store(), i) : geos.own(nullptr);
        };
    }

    Finding finding(ComplianceRule rule, const LayerView& layer, std::size_t row) const
    {
        Finding f;
        f.rule = toString(rule);
        f.layer = toString(layer.role);
        f.fids = {layer.fid(row)};
        f.featureId = layer.featureId(row);
        return f;
    }

    void cannotDecide(Worker& worker, ComplianceRule rule, const LayerView& layer, std::size_t row,
                      const std::vector<std::string>& needs)
    {
        Finding f = finding(rule, layer, row);
        f.rule = kCannotDecide;
        const std::string list = joined(needs, ", ");
        std::vector<std::string> needsZh;
        for (const std::string& need : needs)
            needsZh.push_back(
                displayName(NameGroup::Field, need, Language::Chinese, toString(layer.role)));
        f.reasonZh = layer.describe(row) + "：" +
                     displayName(NameGroup::Rule, toString(rule), Language::Chinese) +
                     "无法判定，缺少" + joined(needsZh, "、") + "（值未知）";
        f.reasonEn =
            layer.describeEn(row) + ": " + toString(rule) + " cannot decide: " + list + " unknown";
        f.evidence = {ev("rule", toString(rule)), ev("needs", std::optional<std::string>(list))};
        worker.findings.push_back(std::move(f));
    }

    // -- invalid_geometry ---------------------------------------------------------------------

    void checkValidity()
    {
        std::vector<LayerView*> layers;
        for (auto& [role, layer] : m_views)
            layers.push_back(&layer);
        for (std::size_t k = 0; k < layers.size(); ++k) {
            LayerView& layer = *layers[k];
            layer.usable.assign(layer.count(), 0);
            const GeometryKind kind = layer.kind();
            const double base = m_progressBase, span = m_progressSpan;
            m_progressBase = base + span * static_cast<double>(k) / layers.size();
            m_progressSpan = span / layers.size();
            parallel(layer.count(), [&](Worker& worker, std::size_t i) {
                if (layer.store().isEmpty(i))
                    return;
                if (kind == GeometryKind::Point || kind == GeometryKind::None) {
                    layer.usable[i] = 1;
                    return;
                }
                std::string problem;
                GeosGeomPtr geometry = worker.geos.fromStore(layer.store(), i, &problem);
                char* reason = nullptr;
                GEOSGeometry* location = nullptr;
                char valid = 0;
                if (geometry)
                    valid = GEOSisValidDetail_r(worker.geos.handle(), geometry.get(), 0, &reason,
                                                &location);
                if (valid == 1) {
                    layer.usable[i] = 1;
                    return;
                }
                if (reason) {
                    problem = reason;
                    GEOSFree_r(worker.geos.handle(), reason);
                } else if (geometry) {
                    problem = worker.geos.takeLastError();
                }
                GeosGeomPtr where = worker.geos.own(location);
                if (runs(ComplianceRule::InvalidGeometry))
                    invalidFinding(worker, layer, i, problem, where.get());
            });
            m_progressBase = base;
            m_progressSpan = span;
        }
    }

    void invalidFinding(Worker& worker, const LayerView& layer, std::size_t row,
                        const std::string& problem, const GEOSGeometry* location)
    {
        Finding f = finding(ComplianceRule::InvalidGeometry, layer, row);
        double x = kNaN, y = kNaN;
        if (location) {
            GEOSGeomGetX_r(worker.geos.handle(), location, &x);
            GEOSGeomGetY_r(worker.geos.handle(), location, &y);
            f.geometryWkb = worker.wkb(location);
        }
        // No area: an invalid ring has none a person could use (a bow-tie measures ~0).
        const std::string where =
            location ? "，位置 (" + fixed(x, 2) + ", " + fixed(y, 2) + ")" : std::string();
        const std::string whereEn =
            location ? " at (" + fixed(x, 2) + ", " + fixed(y, 2) + ")" : std::string();
        f.reasonZh = layer.describe(row) + " 几何无效：" + problem + where +
                     "；不参与其他空间规则（未修复）";
        f.reasonEn = layer.describeEn(row) + " has an invalid geometry: " + problem + whereEn +
                     "; left out of the other geometric rules (not repaired)";
        f.clause = "GEOS IsValid (OGC Simple Features)";
        f.evidence = {ev("problem", std::optional<std::string>(problem)),
                      ev("x", location ? std::optional<double>(x) : std::nullopt),
                      ev("y", location ? std::optional<double>(y) : std::nullopt)};
        worker.findings.push_back(std::move(f));
    }

    // -- duplicate_id -------------------------------------------------------------------------

    void checkDuplicateIds()
    {
        const LayerView* parcels = view(Role::Parcels);
        if (!parcels) {
            warn(ComplianceRule::DuplicateId, "the park has no parcels layer; not checked");
            return;
        }
        if (parcels->idField < 0) {
            warn(ComplianceRule::DuplicateId, "the parcels have no parcel_id field; not checked");
            return;
        }
        std::map<std::string, std::vector<std::size_t>> byId;
        for (std::size_t i = 0; i < parcels->count(); ++i)
            if (const auto id = parcels->text(i, parcels->idField); id && !id->empty())
                byId[*id].push_back(i);
        Worker& worker = *m_workers[0];
        for (const auto& [id, rows] : byId) {
            if (rows.size() < 2)
                continue;
            Finding f = finding(ComplianceRule::DuplicateId, *parcels, rows.front());
            f.fids.clear();
            std::vector<std::string> fidTexts;
            std::vector<GeosGeomPtr> parts;
            for (std::size_t row : rows) {
                f.fids.push_back(parcels->fid(row));
                fidTexts.push_back(std::to_string(parcels->fid(row)));
                if (GeosGeomPtr g = worker.geos.fromStore(parcels->store(), row))
                    parts.push_back(std::move(g));
            }
            // The plots themselves, to show where they are (no union: they may be invalid).
            std::vector<GEOSGeometry*> raw;
            for (GeosGeomPtr& part : parts)
                raw.push_back(part.release());
            GeosGeomPtr all = worker.geos.own(
                GEOSGeom_createCollection_r(worker.geos.handle(), GEOS_GEOMETRYCOLLECTION,
                                            raw.data(), static_cast<unsigned>(raw.size())));
            f.geometryWkb = worker.wkb(all.get());
            f.reasonZh = "宗地编号 " + id + " 重复：" + std::to_string(rows.size()) +
                         " 个宗地（fid " + joined(fidTexts, "、") + "）";
            f.reasonEn = "parcel_id " + id + " is used by " + std::to_string(rows.size()) +
                         " plots (fid " + joined(fidTexts, ", ") + ")";
            f.evidence = {ev("parcel_id", std::optional<std::string>(id)),
                          ev("count", std::optional<double>(static_cast<double>(rows.size())))};
            worker.findings.push_back(std::move(f));
        }
    }

    // -- land_use_mismatch (and the zone each plot overlaps most, for intensity) --------------

    void overlayZones()
    {
        const LayerView* parcels = view(Role::Parcels);
        const LayerView* zones = view(Role::PlanZones);
        const bool judge = runs(ComplianceRule::LandUseMismatch);
        m_dominantZone.clear();
        if (parcels)
            m_dominantZone.assign(parcels->count(), -1);
        // The layers whose land use is judged (parcels, expansion zones …).
        std::vector<const LayerView*> judged;
        if (judge)
            for (const std::string& name : m_settings.landUseMismatch.layers) {
                const auto role = roleFromLayerName(name);
                if (!role) {
                    warn(ComplianceRule::LandUseMismatch,
                         "unknown layer \"" + name + "\" (ignored)");
                    continue;
                }
                const LayerView* layer = view(*role);
                if (layer && layer->kind() == GeometryKind::Polygon && *role != Role::PlanZones &&
                    std::find(judged.begin(), judged.end(), layer) == judged.end())
                    judged.push_back(layer);
            }
        if (judge) {
            m_systems.clear();
            std::vector<const LayerView*> read = judged;
            if (zones)
                read.push_back(zones);
            for (const LayerView* layer : read) {
                const auto given = m_options.landUseSystems.find(layer->role);
                LandUseDetection detection = given != m_options.landUseSystems.end()
                                                 ? given->second
                                                 : landUseSystemsOf(*layer->layer, *m_landUse);
                if (!detection.warning.empty())
                    m_issues.report({Issue::Severity::Warning, layer->layer->layer.sourcePath,
                                     layer->layer->layer.name, -1,
                                     "land_use_mismatch: " + detection.warning});
                m_systems[layer->role] = std::move(detection);
            }
        }
        if (!zones || (judge && judged.empty() && !parcels)) {
            const std::string missing = !zones ? "plan_zones" : "parcels";
            if (judge)
                warn(ComplianceRule::LandUseMismatch,
                     "the park has no " + missing + " layer; not checked");
            if (runs(ComplianceRule::IntensityBelowStandard) && parcels)
                warn(ComplianceRule::IntensityBelowStandard,
                     "the park has no plan_zones layer: the zones' far_min and cover_min are "
                     "not used");
            return;
        }
        // Parcels first (their dominant zone serves intensity, judged or not), then the others.
        std::vector<const LayerView*> targets;
        if (parcels && (runs(ComplianceRule::IntensityBelowStandard) ||
                        std::find(judged.begin(), judged.end(), parcels) != judged.end()))
            targets.push_back(parcels);
        for (const LayerView* layer : judged)
            if (layer != parcels)
                targets.push_back(layer);
        const EnvelopeIndex index(zones->store(),
                                  [&](std::size_t z) { return zones->usable[z] != 0; });
        const int zoneUse = zones->fieldIndex("land_use");
        const int zoneId = zones->idField;
        const double sliverM2 = m_settings.landUseMismatch.sliverM2;
        const auto build = fromLayer(*zones);
        const double base = m_progressBase, span = m_progressSpan;
        for (std::size_t t = 0; t < targets.size(); ++t) {
            const LayerView& layer = *targets[t];
            const bool isParcels = &layer == parcels;
            const bool judgeThis = std::find(judged.begin(), judged.end(), &layer) != judged.end();
            const int landUse = layer.fieldIndex("land_use");
            m_progressBase = base + span * static_cast<double>(t) / targets.size();
            m_progressSpan = span / targets.size();
            parallel(layer.count(), [&](Worker& worker, std::size_t i) {
                overlayOne(worker, layer, i, isParcels, judgeThis, landUse, *zones, zoneUse, zoneId,
                           index, build, sliverM2);
            });
        }
        m_progressBase = base;
        m_progressSpan = span;
    }

    /// The zones feature `i` of `layer` overlaps: the largest (parcels, for intensity) and,
    /// when judged, the land_use_mismatch or cannot_decide finding.
    void overlayOne(Worker& worker, const LayerView& layer, std::size_t i, bool isParcels,
                    bool judgeThis, int landUse, const LayerView& zonesView, int zoneUse,
                    int zoneId, const EnvelopeIndex& index, const Worker::Builder& build,
                    double sliverM2)
    {
        const LayerView* zones = &zonesView;
        if (!layer.usable[i])
            return;
        const auto code = judgeThis ? layer.text(i, landUse) : std::nullopt;
        // An expansion zone with no land use yet is not judged (a parcel's is unknown).
        if (!isParcels && !code)
            return;
        index.query(layer.store().envelope(i), worker.candidates);
        if (worker.candidates.empty())
            return;
        std::sort(worker.candidates.begin(), worker.candidates.end());
        GEOSContextHandle_t h = worker.geos.handle();
        GeosGeomPtr plot = worker.geos.fromStore(layer.store(), i);
        double plotM2 = kNaN;
        struct Overlap {
            std::uint32_t zone;
            double m2;
            GeosGeomPtr piece; // null: the whole plot
        };
        std::vector<Overlap> overlaps;
        for (std::uint32_t z : worker.candidates) {
            const GEOSPreparedGeometry* zone = worker.prepared(zones, z, build);
            if (!zone || !GEOSPreparedIntersects_r(h, zone, plot.get()))
                continue;
            if (GEOSPreparedContains_r(h, zone, plot.get()) == 1) {
                if (std::isnan(plotM2))
                    plotM2 = worker.area.areaM2(layer.store(), i, layer.fid(i));
                overlaps.push_back({z, plotM2, worker.geos.own(nullptr)});
                continue;
            }
            GeosGeomPtr piece =
                worker.geos.own(GEOSIntersection_r(h, plot.get(), worker.cached(zones, z, build)));
            if (!piece) {
                overlayProblem(layer, i, worker.geos.takeLastError());
                continue;
            }
            const double m2 = worker.areaM2(piece.get());
            if (m2 > sliverM2)
                overlaps.push_back({z, m2, std::move(piece)});
        }
        if (overlaps.empty())
            return;
        if (isParcels) {
            const auto largest =
                std::max_element(overlaps.begin(), overlaps.end(),
                                 [](const Overlap& a, const Overlap& b) { return a.m2 < b.m2; });
            m_dominantZone[i] = static_cast<std::int32_t>(largest->zone);
        }
        if (!judgeThis)
            return;
        if (!code) {
            cannotDecide(worker, ComplianceRule::LandUseMismatch, layer, i, {"land_use"});
            return;
        }
        const LandUseSystems& parcelSystems = systemsOf(layer.role).systems;
        const LandUseSystems& zoneSystems = systemsOf(Role::PlanZones).systems;
        // Per verdict: the overlapped pieces, the zones' ids and codes.
        struct Outcome {
            std::vector<GeosGeomPtr> pieces;
            std::vector<std::string> zoneIds, zoneCodes, required;
        };
        Outcome misfit, coarse;
        std::vector<std::string> unknownZones, undecided;
        for (Overlap& overlap : overlaps) {
            const auto zoneCode = zones->text(overlap.zone, zoneUse);
            const std::string id = zones->text(overlap.zone, zoneId)
                                       .value_or("fid " + std::to_string(zones->fid(overlap.zone)));
            if (!zoneCode) {
                unknownZones.push_back(id);
                continue;
            }
            const LandUseJudgement& j =
                worker.judge(*m_landUse, *code, parcelSystems, *zoneCode, zoneSystems);
            if (j.verdict == LandUseVerdict::Fits)
                continue;
            if (j.verdict == LandUseVerdict::CannotDecide) {
                addUnique(undecided, j.reasonEn + " (zone " + id + ")");
                continue;
            }
            Outcome& o = j.verdict == LandUseVerdict::TooCoarse ? coarse : misfit;
            addUnique(o.zoneIds, id);
            addUnique(o.zoneCodes, *zoneCode);
            if (!j.required.empty())
                addUnique(o.required, j.required);
            o.pieces.push_back(overlap.piece ? std::move(overlap.piece)
                                             : worker.geos.own(GEOSGeom_clone_r(h, plot.get())));
        }
        if (!unknownZones.empty())
            cannotDecide(worker, ComplianceRule::LandUseMismatch, layer, i,
                         {"plan_zones.land_use (" + joined(unknownZones, ", ") + ")"});
        if (!undecided.empty())
            cannotDecide(worker, ComplianceRule::LandUseMismatch, layer, i,
                         {"land_use " + *code + ": " + joined(undecided, "; ")});
        if (std::isnan(plotM2) && (!misfit.pieces.empty() || !coarse.pieces.empty()))
            plotM2 = worker.area.areaM2(layer.store(), i, layer.fid(i));
        if (!misfit.pieces.empty())
            landUseFinding(worker, layer, i, isParcels, *code, misfit, plotM2, false);
        if (!coarse.pieces.empty())
            landUseFinding(worker, layer, i, isParcels, *code, coarse, plotM2, true);
    }

    /// The land_use_mismatch (or, coarse, land_use_too_coarse) finding of feature `i`.
    template <class Outcome>
    void landUseFinding(Worker& worker, const LayerView& layer, std::size_t i, bool isParcels,
                        const std::string& code, Outcome& outcome, double plotM2, bool coarse)
    {
        GeosGeomPtr misfit = worker.unionOf(outcome.pieces);
        const double misfitM2 = worker.areaM2(misfit.get());
        const double share = misfitM2 / plotM2;
        Finding f = finding(ComplianceRule::LandUseMismatch, layer, i);
        if (coarse)
            f.rule = kLandUseTooCoarse;
        f.areaMu = muFromM2(misfitM2);
        f.geometryWkb = worker.wkb(misfit.get());
        const LandUseSystems& parcelSystems = systemsOf(layer.role).systems;
        const LandUseSystems& zoneSystems = systemsOf(Role::PlanZones).systems;
        auto named = [&](const std::string& c, const LandUseSystems& systems) {
            const std::string name = m_landUse->nameOf(c, systems);
            return name.empty() ? c : c + "（" + name + "）";
        };
        std::vector<std::string> zoneNames;
        for (const std::string& c : outcome.zoneCodes)
            zoneNames.push_back(named(c, zoneSystems));
        const std::string whole = isParcels                       ? "plot"
                                  : layer.role == Role::Expansion ? "expansion zone"
                                                                  : "feature";
        const std::string parcelLabel = systemsOf(layer.role).label();
        const std::string zoneLabel = systemsOf(Role::PlanZones).label();
        if (coarse) {
            f.reasonZh = layer.describe(i) + " 用途 " + named(code, parcelSystems) +
                         "比控规地块 " + joined(outcome.zoneIds, "、") + " 的用地性质 " +
                         joined(zoneNames, "、") + "粗，无法判定是否符合（应细分为 " +
                         joined(outcome.required, "、") + "）：涉及 " + fixed(f.areaMu) +
                         " 亩（占" + chineseName(layer.role) + " " + percent(share) + "）";
            f.reasonEn = layer.describeEn(i) + ": land use " + code + " (" + parcelLabel +
                         ") is broader than plan zone " + joined(outcome.zoneIds, ", ") + " (" +
                         joined(outcome.zoneCodes, ", ") + ", " + zoneLabel +
                         "): the data cannot say whether it is " +
                         joined(outcome.required, ", ") + "; " + fixed(f.areaMu) + " mu (" +
                         percent(share) + " of the " + whole + ")";
        } else {
            f.reasonZh = layer.describe(i) + " 用途 " + named(code, parcelSystems) +
                         "与控规地块 " + joined(outcome.zoneIds, "、") + " 的用地性质 " +
                         joined(zoneNames, "、") + "不符：不符部分 " + fixed(f.areaMu) +
                         " 亩（占" + chineseName(layer.role) + " " + percent(share) + "）";
            f.reasonEn = layer.describeEn(i) + ": land use " + code + " does not fit plan zone " +
                         joined(outcome.zoneIds, ", ") + " (" + joined(outcome.zoneCodes, ", ") +
                         "); " + fixed(f.areaMu) + " mu (" + percent(share) + " of the " + whole +
                         ") lie in zones it does not fit";
        }
        f.clause = "控制性详细规划；GB 50137-2011 / 国土空间调查、规划、用途管制用地用海分类指南"
                   " / GB/T 21010-2017";
        f.evidence = {
            ev("land_use", std::optional<std::string>(code)),
            ev("land_use_classification", std::optional<std::string>(parcelLabel)),
            ev("zone_id", std::optional<std::string>(joined(outcome.zoneIds, ", "))),
            ev("zone_land_use", std::optional<std::string>(joined(outcome.zoneCodes, ", "))),
            ev("zone_classification", std::optional<std::string>(zoneLabel)),
            ev("misfit_m2", std::optional<double>(misfitM2)),
            ev(isParcels ? std::string("parcel_m2") : std::string(toString(layer.role)) + "_m2",
               std::optional<double>(plotM2)),
            ev("misfit_share", std::optional<double>(share))};
        if (coarse)
            f.evidence.insert(f.evidence.begin() + 5,
                              ev("required", std::optional<std::string>(
                                                 joined(outcome.required, ", "))));
        worker.findings.push_back(std::move(f));
    }

    void overlayProblem(const LayerView& layer, std::size_t row, const std::string& message)
    {
        m_issues.report({Issue::Severity::Warning, layer.layer->layer.sourcePath,
                         layer.layer->layer.name, layer.fid(row),
                         "overlay failed (" + message + "); this pair is not judged"});
    }

    // -- intensity_below_standard -------------------------------------------------------------

    void checkIntensity()
    {
        const auto& s = m_settings.intensityBelowStandard;
        const LayerView* parcels = view(Role::Parcels);
        if (!parcels) {
            warn(ComplianceRule::IntensityBelowStandard, "the park has no parcels layer");
            return;
        }
        const LayerView* zones = view(Role::PlanZones);
        const LayerView* buildings = view(Role::Buildings);
        if (s.coverageFromBuildings && !buildings)
            warn(ComplianceRule::IntensityBelowStandard,
                 "the park has no buildings layer: building coverage cannot be judged");
        std::optional<EnvelopeIndex> buildingIndex;
        if (s.coverageFromBuildings && buildings)
            buildingIndex.emplace(buildings->store(),
                                  [&](std::size_t b) { return buildings->usable[b] != 0; });
        const int status = parcels->fieldIndex("status");
        const int floorArea = parcels->fieldIndex("floor_area");
        const int builtArea = parcels->fieldIndex("built_area");
        const int invested = parcels->fieldIndex("invested");
        const int tax = parcels->fieldIndex("tax");
        const int landUse = parcels->fieldIndex("land_use");
        const int farMinField = zones ? zones->fieldIndex("far_min") : -1;
        const int coverMinField = zones ? zones->fieldIndex("cover_min") : -1;

        parallel(parcels->count(), [&](Worker& worker, std::size_t i) {
            if (!parcels->usable[i])
                return;
            const auto state = parcels->text(i, status);
            if (!state || !contains(s.statuses, *state))
                return;
            const std::int32_t zone = i < m_dominantZone.size() ? m_dominantZone[i] : -1;
            const double plotM2 = worker.area.areaM2(parcels->store(), i, parcels->fid(i));
            const double plotMu = muFromM2(plotM2);
            std::vector<std::string> needs, failsZh, failsEn;
            std::vector<Evidence> evidence = {
                ev("land_use", parcels->text(i, landUse)),
                ev("zone_id", zone >= 0 ? zones->text(zone, zones->idField) : std::nullopt),
                ev("parcel_m2", std::optional<double>(plotM2))};

            // FAR (容积率) against the zone's minimum.
            std::optional<double> farMin =
                zone >= 0 ? zones->number(zone, farMinField) : std::nullopt;
            if (!farMin)
                farMin = s.farMinDefault;
            std::optional<double> far;
            if (farMin) {
                if (const auto floor = parcels->number(i, floorArea)) {
                    far = *floor / plotM2;
                    if (*far < *farMin) {
                        failsZh.push_back("容积率 " + fixed(*far) + " < " + fixed(*farMin));
                        failsEn.push_back("FAR " + fixed(*far) + " < " + fixed(*farMin));
                    }
                } else {
                    needs.push_back("floor_area");
                }
            }
            evidence.push_back(ev("far", far));
            evidence.push_back(ev("far_min", farMin));

            // Building coverage (建筑系数) against max(zone cover_min, national floor).
            const auto zoneCover = zone >= 0 ? zones->number(zone, coverMinField) : std::nullopt;
            const double coverMin = std::max(zoneCover.value_or(0.0), s.coverageMin);
            std::optional<double> coverage;
            if (s.coverageFromBuildings) {
                if (buildingIndex)
                    coverage = coveredM2(worker, *parcels, i, *buildings, *buildingIndex) / plotM2;
                else
                    needs.push_back("buildings");
            } else if (const auto built = parcels->number(i, builtArea)) {
                coverage = *built / plotM2;
            } else {
                needs.push_back("built_area");
            }
            if (coverage && *coverage < coverMin) {
                failsZh.push_back("建筑系数 " + percent(*coverage) + " < " + percent(coverMin));
                failsEn.push_back("building coverage " + percent(*coverage) + " < " +
                                  percent(coverMin));
            }
            evidence.push_back(ev("coverage", coverage));
            evidence.push_back(ev("coverage_min", std::optional<double>(coverMin)));

            // Money per mu: investment intensity (投资强度) and tax (亩均税收).
            auto perMu = [&](int field, const std::optional<double>& minimum, const char* name,
                             const char* zh, const char* en, const char* evidenceName) {
                std::optional<double> value;
                if (!minimum)
                    return;
                if (const auto wan = parcels->number(i, field)) {
                    value = *wan / plotMu;
                    if (*value < *minimum) {
                        failsZh.push_back(std::string(zh) + " " + fixed(*value) + " < " +
                                          fixed(*minimum) + " 万元/亩");
                        failsEn.push_back(std::string(en) + " " + fixed(*value) + " < " +
                                          fixed(*minimum) + " 万元/mu");
                    }
                } else {
                    needs.push_back(name);
                }
                evidence.push_back(ev(evidenceName, value));
                evidence.push_back(ev(std::string(evidenceName) + "_min", minimum));
            };
            perMu(invested, s.investmentMinWanPerMu, "invested", "投资强度", "investment",
                  "invested_wan_per_mu");
            perMu(tax, s.taxMinWanPerMu, "tax", "亩均税收", "tax", "tax_wan_per_mu");

            if (!needs.empty())
                cannotDecide(worker, ComplianceRule::IntensityBelowStandard, *parcels, i, needs);
            if (failsZh.empty())
                return;
            Finding f = finding(ComplianceRule::IntensityBelowStandard, *parcels, i);
            f.areaMu = plotMu;
            f.geometryWkb = worker.wkb(worker.geos.fromStore(parcels->store(), i).get());
            f.reasonZh =
                parcels->describe(i) + "（已投产）用地强度不达标：" + joined(failsZh, "；");
            f.reasonEn = parcels->describeEn(i) +
                         " (in production) is below standard: " + joined(failsEn, "; ");
            f.clause =
                "国土资发〔2008〕24号《工业项目建设用地控制指标》；控规指标；园区亩均效益标准";
            f.evidence = std::move(evidence);
            worker.findings.push_back(std::move(f));
        });
    }

    /// Footprint of `buildings` inside plot `i`, m² (ellipsoidal; overlapping footprints count
    /// twice, as a survey's sum of 占地面积 does).
    double coveredM2(Worker& worker, const LayerView& parcels, std::size_t i,
                     const LayerView& buildings, const EnvelopeIndex& index)
    {
        std::vector<std::uint32_t> candidates;
        index.query(parcels.store().envelope(i), candidates);
        if (candidates.empty())
            return 0;
        GEOSContextHandle_t h = worker.geos.handle();
        GeosGeomPtr plot = worker.geos.fromStore(parcels.store(), i);
        GeosPreparedPtr prepared = worker.geos.prepare(plot.get());
        double covered = 0;
        for (std::uint32_t b : candidates) {
            GeosGeomPtr building = worker.geos.fromStore(buildings.store(), b);
            if (!building || !GEOSPreparedIntersects_r(h, prepared.get(), building.get()))
                continue;
            if (GEOSPreparedContains_r(h, prepared.get(), building.get()) == 1) {
                covered += worker.area.areaM2(buildings.store(), b, buildings.fid(b));
                continue;
            }
            GeosGeomPtr piece = worker.geos.own(GEOSIntersection_r(h, plot.get(), building.get()));
            if (piece)
                covered += worker.areaM2(piece.get());
        }
        return covered;
    }

    // -- outside_boundary ---------------------------------------------------------------------

    void checkOutsideBoundary()
    {
        const auto& s = m_settings.outsideBoundary;
        const LayerView* boundary = view(Role::Boundary);
        if (!boundary) {
            warn(ComplianceRule::OutsideBoundary, "the park has no boundary layer; not checked");
            return;
        }
        const int kindField = boundary->fieldIndex("kind");
        std::vector<std::size_t> chosen;
        for (std::size_t b = 0; b < boundary->count(); ++b)
            if (boundary->usable[b] && boundary->text(b, kindField) == s.boundaryKind)
                chosen.push_back(b);
        if (chosen.empty()) {
            warn(ComplianceRule::OutsideBoundary,
                 "no valid boundary of kind \"" + s.boundaryKind + "\"; not checked");
            return;
        }
        // The union of the chosen boundaries, made once and shared as WKB (each worker reads
        // it into its own context).
        std::vector<unsigned char> unionWkb;
        {
            Worker& worker = *m_workers[0];
            std::vector<GeosGeomPtr> parts;
            for (std::size_t b : chosen)
                parts.push_back(worker.geos.fromStore(boundary->store(), b));
            GeosGeomPtr all = worker.unionOf(parts);
            if (!all) {
                warn(ComplianceRule::OutsideBoundary,
                     "the boundaries cannot be merged (" + worker.geos.takeLastError() + ")");
                return;
            }
            unionWkb = worker.wkb(all.get());
        }
        const Worker::Builder build = [&unionWkb](GeosContext& geos, std::size_t) {
            return geos.fromWkb(unionWkb);
        };
        const void* key = &unionWkb;
        const std::vector<const LayerView*> targets =
            layersNamed(ComplianceRule::OutsideBoundary, s.layers, Role::Boundary, false);
        parallelOverLayers(targets, [&](const LayerView& layer, Worker& worker,
                                        std::size_t i) {
            if (!layer.usable[i])
                return;
            GEOSContextHandle_t h = worker.geos.handle();
            const GEOSPreparedGeometry* inside = worker.prepared(key, 0, build);
            GeosGeomPtr g = worker.geos.fromStore(layer.store(), i);
            if (!inside || !g || GEOSPreparedCovers_r(h, inside, g.get()) == 1)
                return;
            GeosGeomPtr outside = GEOSPreparedIntersects_r(h, inside, g.get()) == 1
                                      ? worker.geos.own(GEOSDifference_r(
                                            h, g.get(), worker.cached(key, 0, build)))
                                      : worker.geos.own(GEOSGeom_clone_r(h, g.get()));
            if (!outside) {
                overlayProblem(layer, i, worker.geos.takeLastError());
                return;
            }
            Finding f = finding(ComplianceRule::OutsideBoundary, layer, i);
            const std::string kind = s.boundaryKind;
            if (layer.kind() == GeometryKind::Polygon) {
                const double m2 = worker.areaM2(outside.get());
                if (m2 <= s.sliverM2)
                    return;
                const double total = worker.area.areaM2(layer.store(), i, layer.fid(i));
                f.areaMu = muFromM2(m2);
                f.reasonZh = layer.describe(i) + " 有 " + fixed(f.areaMu) + " 亩在" + kind +
                             "之外（占 " + percent(m2 / total) + "）";
                f.reasonEn = layer.describeEn(i) + ": " + fixed(f.areaMu) +
                             " mu lie outside the boundary (" + kind + "), " +
                             percent(m2 / total) + " of it";
                f.evidence = {ev("boundary_kind", std::optional<std::string>(kind)),
                              ev("outside_m2", std::optional<double>(m2)),
                              ev("outside_share", std::optional<double>(m2 / total))};
            } else if (layer.kind() == GeometryKind::Line) {
                const double m = worker.lengthM(outside.get());
                if (m <= s.sliverM)
                    return;
                const double total = worker.area.lengthM(layer.store(), i);
                f.reasonZh = layer.describe(i) + " 有 " + fixed(m) + " m 在" + kind +
                             "之外（占 " + percent(m / total) + "）";
                f.reasonEn = layer.describeEn(i) + ": " + fixed(m) +
                             " m lie outside the boundary (" + kind + "), " +
                             percent(m / total) + " of it";
                f.evidence = {ev("boundary_kind", std::optional<std::string>(kind)),
                              ev("outside_m", std::optional<double>(m)),
                              ev("outside_share", std::optional<double>(m / total))};
            } else {
                f.reasonZh = layer.describe(i) + " 位于" + kind + "之外";
                f.reasonEn = layer.describeEn(i) + " lies outside the boundary (" + kind + ")";
                f.evidence = {ev("boundary_kind", std::optional<std::string>(kind))};
            }
            f.clause = "开发区四至范围（" + kind + "）";
            f.geometryWkb = worker.wkb(outside.get());
            worker.findings.push_back(std::move(f));
        });
    }

    // -- road_red_line ------------------------------------------------------------------------

    void checkRoadRedLine()
    {
        const auto& s = m_settings.roadRedLine;
        const LayerView* parcels = view(Role::Parcels);
        const LayerView* roads = view(Role::Roads);
        if (!parcels || !roads) {
            warn(ComplianceRule::RoadRedLine, std::string("the park has no ") +
                                                  (!parcels ? "parcels" : "roads") +
                                                  " layer; not checked");
            return;
        }
        if (m_park.crs.isGeographic()) {
            warn(ComplianceRule::RoadRedLine,
                 "the working CRS is geographic: red lines (metres) cannot be drawn in degrees; "
                 "give the park a projected \"crs\"; not checked");
            return;
        }
        const double unitM = m_park.crs.linearUnitM() > 0 ? m_park.crs.linearUnitM() : 1.0;
        const int widthField = roads->fieldIndex("width_m");
        const int stageField = roads->fieldIndex("stage");
        std::vector<double> halfWidth(roads->count(), 0);
        std::vector<Envelope> envelopes(roads->count());
        for (std::size_t r = 0; r < roads->count(); ++r) {
            if (!roads->usable[r])
                continue;
            if (!s.roadStages.empty()) {
                const auto stage = roads->text(r, stageField);
                if (!stage || !contains(s.roadStages, *stage))
                    continue;
            }
            const auto width = roads->number(r, widthField);
            if (!width || *width <= 0) {
                cannotDecide(*m_workers[0], ComplianceRule::RoadRedLine, *roads, r, {"width_m"});
                continue;
            }
            halfWidth[r] = *width / 2 / unitM;
            Envelope e = roads->store().envelope(r);
            e.minX -= halfWidth[r];
            e.minY -= halfWidth[r];
            e.maxX += halfWidth[r];
            e.maxY += halfWidth[r];
            envelopes[r] = e;
        }
        const EnvelopeIndex index(envelopes);
        const int segments = std::max(1, s.quadrantSegments);
        const Worker::Builder build = [&](GeosContext& geos, std::size_t r) {
            GeosGeomPtr line = geos.fromStore(roads->store(), r);
            if (!line)
                return geos.own(nullptr);
            return geos.own(GEOSBuffer_r(geos.handle(), line.get(), halfWidth[r], segments));
        };
        const void* key = &halfWidth;
        const int nameField = roads->idField;
        parallel(parcels->count(), [&](Worker& worker, std::size_t i) {
            if (!parcels->usable[i])
                return;
            index.query(parcels->store().envelope(i), worker.candidates);
            if (worker.candidates.empty())
                return;
            std::sort(worker.candidates.begin(), worker.candidates.end());
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr plot = worker.geos.fromStore(parcels->store(), i);
            std::vector<GeosGeomPtr> pieces;
            std::vector<std::string> names, widths;
            for (std::uint32_t r : worker.candidates) {
                const GEOSPreparedGeometry* strip = worker.prepared(key, r, build);
                if (!strip || GEOSPreparedIntersects_r(h, strip, plot.get()) != 1 ||
                    GEOSPreparedTouches_r(h, strip, plot.get()) == 1)
                    continue;
                GeosGeomPtr piece = GEOSPreparedContains_r(h, strip, plot.get()) == 1
                                        ? worker.geos.own(GEOSGeom_clone_r(h, plot.get()))
                                        : worker.geos.own(GEOSIntersection_r(
                                              h, plot.get(), worker.cached(key, r, build)));
                if (!piece) {
                    overlayProblem(*parcels, i, worker.geos.takeLastError());
                    continue;
                }
                pieces.push_back(std::move(piece));
                addUnique(
                    names,
                    roads->text(r, nameField).value_or("fid " + std::to_string(roads->fid(r))));
                addUnique(widths, fixed(halfWidth[r] * 2 * unitM, 0));
            }
            if (pieces.empty())
                return;
            GeosGeomPtr inside = worker.unionOf(pieces);
            const double m2 = worker.areaM2(inside.get());
            if (m2 <= s.sliverM2)
                return;
            Finding f = finding(ComplianceRule::RoadRedLine, *parcels, i);
            f.areaMu = muFromM2(m2);
            f.geometryWkb = worker.wkb(inside.get());
            f.reasonZh = parcels->describe(i) + " 有 " + fixed(f.areaMu) + " 亩（" + fixed(m2) +
                         " m²）位于道路红线内：" + joined(names, "、") + "（红线宽 " +
                         joined(widths, "/") + " m）";
            f.reasonEn = parcels->describeEn(i) + ": " + fixed(f.areaMu) + " mu (" + fixed(m2) +
                         " m²) lie inside the red line of " + joined(names, ", ") + " (" +
                         joined(widths, "/") + " m wide)";
            f.clause = "道路红线（控规）；城市道路红线内不得建设";
            f.evidence = {ev("roads", std::optional<std::string>(joined(names, ", "))),
                          ev("width_m", std::optional<std::string>(joined(widths, ", "))),
                          ev("inside_m2", std::optional<double>(m2))};
            worker.findings.push_back(std::move(f));
        });
    }

    // -- protected_overlap --------------------------------------------------------------------

    void checkProtectedOverlap()
    {
        const auto& s = m_settings.protectedOverlap;
        const LayerView* protectedAreas = view(Role::Protected);
        if (!protectedAreas) {
            warn(ComplianceRule::ProtectedOverlap, "the park has no protected layer; not checked");
            return;
        }
        const int kindField = protectedAreas->fieldIndex("kind");
        const int nameField = protectedAreas->fieldIndex("name");
        const EnvelopeIndex index(protectedAreas->store(), [&](std::size_t p) {
            if (!protectedAreas->usable[p])
                return false;
            if (s.kinds.empty())
                return true;
            const auto kind = protectedAreas->text(p, kindField);
            return kind && contains(s.kinds, *kind);
        });
        const auto build = fromLayer(*protectedAreas);
        const std::vector<const LayerView*> targets =
            layersNamed(ComplianceRule::ProtectedOverlap, s.layers, Role::Protected, true);
        parallelOverLayers(targets, [&](const LayerView& layer, Worker& worker,
                                        std::size_t i) {
            if (!layer.usable[i])
                return;
            index.query(layer.store().envelope(i), worker.candidates);
            if (worker.candidates.empty())
                return;
            std::sort(worker.candidates.begin(), worker.candidates.end());
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr g = worker.geos.fromStore(layer.store(), i);
            std::vector<GeosGeomPtr> pieces;
            std::vector<std::string> kinds, names;
            for (std::uint32_t p : worker.candidates) {
                const GEOSPreparedGeometry* area = worker.prepared(protectedAreas, p, build);
                if (!area || GEOSPreparedIntersects_r(h, area, g.get()) != 1 ||
                    GEOSPreparedTouches_r(h, area, g.get()) == 1)
                    continue;
                GeosGeomPtr piece =
                    GEOSPreparedContains_r(h, area, g.get()) == 1
                        ? worker.geos.own(GEOSGeom_clone_r(h, g.get()))
                        : worker.geos.own(GEOSIntersection_r(
                              h, g.get(), worker.cached(protectedAreas, p, build)));
                if (!piece) {
                    overlayProblem(layer, i, worker.geos.takeLastError());
                    continue;
                }
                // Each area's own overlap must be more than a sliver to name it.
                if (worker.areaM2(piece.get()) <= s.sliverM2)
                    continue;
                pieces.push_back(std::move(piece));
                addUnique(kinds, protectedAreas->text(p, kindField).value_or("(kind unknown)"));
                addUnique(names, protectedAreas->text(p, nameField).value_or(""));
            }
            if (pieces.empty())
                return;
            GeosGeomPtr overlap = worker.unionOf(pieces);
            const double m2 = worker.areaM2(overlap.get());
            if (m2 <= s.sliverM2)
                return;
            Finding f = finding(ComplianceRule::ProtectedOverlap, layer, i);
            f.areaMu = muFromM2(m2);
            f.geometryWkb = worker.wkb(overlap.get());
            const std::string named =
                names.empty() ? joined(kinds, "、")
                              : joined(kinds, "、") + "（" + joined(names, "、") + "）";
            f.reasonZh = layer.describe(i) + " 与" + named + "重叠 " + fixed(f.areaMu) +
                         " 亩（" + fixed(m2) + " m²）";
            f.reasonEn = layer.describeEn(i) + " overlaps " + joined(kinds, ", ") +
                         (names.empty() ? "" : " (" + joined(names, ", ") + ")") + " by " +
                         fixed(f.areaMu) + " mu (" + fixed(m2) + " m²)";
            f.clause = "三区三线管控（永久基本农田、生态保护红线）及河道蓝线、高压走廊控制";
            f.evidence = {ev("kind", std::optional<std::string>(joined(kinds, ", "))),
                          ev("name", names.empty()
                                         ? std::nullopt
                                         : std::optional<std::string>(joined(names, ", "))),
                          ev("overlap_m2", std::optional<double>(m2))};
            worker.findings.push_back(std::move(f));
        });
    }

    // -- overlapping_parcels ------------------------------------------------------------------

    void checkOverlappingParcels()
    {
        const LayerView* parcels = view(Role::Parcels);
        if (!parcels) {
            warn(ComplianceRule::OverlappingParcels, "the park has no parcels layer; not checked");
            return;
        }
        const double sliverM2 = m_settings.overlappingParcels.sliverM2;
        const EnvelopeIndex index(parcels->store(),
                                  [&](std::size_t j) { return parcels->usable[j] != 0; });
        parallel(parcels->count(), [&](Worker& worker, std::size_t i) {
            if (!parcels->usable[i])
                return;
            index.query(parcels->store().envelope(i), worker.candidates);
            std::vector<std::uint32_t> later;
            for (std::uint32_t j : worker.candidates)
                if (j > i)
                    later.push_back(j);
            if (later.empty())
                return;
            std::sort(later.begin(), later.end());
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr plot = worker.geos.own(nullptr);
            GeosPreparedPtr prepared;
            for (std::uint32_t j : later) {
                // Neighbours in a clean cadastre share edges vertex for vertex: proven apart
                // without GEOS (a relate per pair was most of the whole check's time).
                if (provesInteriorsDisjoint(parcels->store(), i, parcels->store(), j))
                    continue;
                if (!plot) {
                    plot = worker.geos.fromStore(parcels->store(), i);
                    if (!plot)
                        return;
                    prepared = worker.geos.prepare(plot.get());
                }
                GeosGeomPtr other = worker.geos.fromStore(parcels->store(), j);
                // Neighbours sharing an edge touch: their interiors do not meet.
                if (!other || GEOSPreparedIntersects_r(h, prepared.get(), other.get()) != 1 ||
                    GEOSPreparedTouches_r(h, prepared.get(), other.get()) == 1)
                    continue;
                GeosGeomPtr overlap =
                    worker.geos.own(GEOSIntersection_r(h, plot.get(), other.get()));
                if (!overlap) {
                    overlayProblem(*parcels, i, worker.geos.takeLastError());
                    continue;
                }
                const double m2 = worker.areaM2(overlap.get());
                if (m2 <= sliverM2)
                    continue;
                Finding f = finding(ComplianceRule::OverlappingParcels, *parcels, i);
                f.fids.push_back(parcels->fid(j));
                f.areaMu = muFromM2(m2);
                f.geometryWkb = worker.wkb(overlap.get());
                f.reasonZh = parcels->describe(i) + " 与" + parcels->describe(j) + " 重叠 " +
                             fixed(f.areaMu) + " 亩（" + fixed(m2) + " m²）";
                f.reasonEn = parcels->describeEn(i) + " and " + parcels->describeEn(j) +
                             " overlap by " + fixed(f.areaMu) + " mu (" + fixed(m2) + " m²)";
                f.clause = "不动产登记：宗地不得重叠";
                const std::string otherId = parcels->featureId(j);
                f.evidence = {ev("other_parcel_id", otherId.empty()
                                                        ? std::nullopt
                                                        : std::optional<std::string>(otherId)),
                              ev("overlap_m2", std::optional<double>(m2))};
                worker.findings.push_back(std::move(f));
            }
        });
    }

    // -- works_on_unacquired_land -------------------------------------------------------------

    void checkWorks()
    {
        const auto& s = m_settings.worksOnUnacquiredLand;
        const LayerView* acquisition = view(Role::Acquisition);
        if (!acquisition)
            warn(ComplianceRule::WorksOnUnacquiredLand,
                 "the park has no acquisition layer: every active works counts as on "
                 "unacquired land");
        const auto acquiredFrom =
            std::find(s.stageOrder.begin(), s.stageOrder.end(), s.acquiredFromStage);
        const int stageField = acquisition ? acquisition->fieldIndex("stage") : -1;
        const int batchName = acquisition ? acquisition->fieldIndex("name") : -1;
        auto isAcquired = [&](std::size_t a) {
            const auto stage = acquisition->text(a, stageField);
            if (!stage)
                return false;
            const auto at = std::find(s.stageOrder.begin(), s.stageOrder.end(), *stage);
            return at != s.stageOrder.end() && acquiredFrom != s.stageOrder.end() &&
                   at >= acquiredFrom;
        };
        std::vector<char> acquired;
        std::optional<EnvelopeIndex> index;
        if (acquisition) {
            acquired.assign(acquisition->count(), 0);
            for (std::size_t a = 0; a < acquisition->count(); ++a)
                acquired[a] = acquisition->usable[a] && isAcquired(a);
            index.emplace(acquisition->store(),
                          [&](std::size_t a) { return acquisition->usable[a] != 0; });
        }
        const auto build = acquisition ? fromLayer(*acquisition) : Worker::Builder();
        const double unitM = m_park.crs.linearUnitM() > 0 ? m_park.crs.linearUnitM() : 1.0;
        const double base = m_progressBase, span = m_progressSpan;
        const Role roles[] = {Role::Roads, Role::Pipelines};
        for (std::size_t t = 0; t < 2; ++t) {
            const LayerView* layer = view(roles[t]);
            if (!layer)
                continue;
            const bool roads = roles[t] == Role::Roads && !m_park.crs.isGeographic();
            const int worksStage = layer->fieldIndex("stage");
            const int widthField = layer->fieldIndex("width_m");
            m_progressBase = base + span * static_cast<double>(t) / 2;
            m_progressSpan = span / 2;
            parallel(layer->count(), [&](Worker& worker, std::size_t i) {
                if (!layer->usable[i])
                    return;
                const auto stage = layer->text(i, worksStage);
                if (!stage || !contains(s.worksStages, *stage))
                    return;
                GEOSContextHandle_t h = worker.geos.handle();
                GeosGeomPtr line = worker.geos.fromStore(layer->store(), i);
                GeosGeomPtr strip = worker.geos.own(nullptr);
                const auto width = roads ? layer->number(i, widthField) : std::nullopt;
                if (width && *width > 0)
                    strip = worker.geos.own(
                        GEOSBuffer_r(h, line.get(), *width / 2 / unitM,
                                     std::max(1, m_settings.roadRedLine.quadrantSegments)));
                const GEOSGeometry* footprint = strip ? strip.get() : line.get();
                Envelope envelope = layer->store().envelope(i);
                if (strip) {
                    const double half = *width / 2 / unitM;
                    envelope.minX -= half;
                    envelope.minY -= half;
                    envelope.maxX += half;
                    envelope.maxY += half;
                }
                std::vector<GeosGeomPtr> acquiredParts;
                std::vector<std::uint32_t> early;
                if (index)
                    index->query(envelope, worker.candidates);
                else
                    worker.candidates.clear();
                std::sort(worker.candidates.begin(), worker.candidates.end());
                for (std::uint32_t a : worker.candidates) {
                    const GEOSPreparedGeometry* batch = worker.prepared(acquisition, a, build);
                    if (!batch || GEOSPreparedIntersects_r(h, batch, footprint) != 1)
                        continue;
                    if (acquired[a])
                        acquiredParts.push_back(worker.geos.own(
                            GEOSGeom_clone_r(h, worker.cached(acquisition, a, build))));
                    else
                        early.push_back(a);
                }
                GeosGeomPtr covered = worker.unionOf(acquiredParts);
                auto minus = [&](const GEOSGeometry* g) {
                    return covered ? worker.geos.own(GEOSDifference_r(h, g, covered.get()))
                                   : worker.geos.own(GEOSGeom_clone_r(h, g));
                };
                GeosGeomPtr lineOut = minus(line.get());
                GeosGeomPtr stripOut = strip ? minus(strip.get()) : worker.geos.own(nullptr);
                if (!lineOut || (strip && !stripOut)) {
                    overlayProblem(*layer, i, worker.geos.takeLastError());
                    return;
                }
                const double outM = worker.lengthM(lineOut.get());
                const double outM2 = stripOut ? worker.areaM2(stripOut.get()) : kNaN;
                const bool fires = outM > s.sliverM || (stripOut && outM2 > s.sliverM2);
                if (!fires)
                    return;
                // The early batches the works cross (names and stages), and how much of the
                // works lies in no batch at all, for the reason.
                std::vector<std::string> crossed;
                std::vector<GeosGeomPtr> earlyParts;
                const GEOSGeometry* outPart = stripOut ? stripOut.get() : lineOut.get();
                for (std::uint32_t a : early) {
                    const GEOSPreparedGeometry* batch = worker.prepared(acquisition, a, build);
                    if (GEOSPreparedIntersects_r(h, batch, outPart) != 1)
                        continue;
                    earlyParts.push_back(
                        worker.geos.own(GEOSGeom_clone_r(h, worker.cached(acquisition, a, build))));
                    const std::string name =
                        acquisition->text(a, batchName).value_or(acquisition->featureId(a));
                    addUnique(crossed, name + "（" +
                                           acquisition->text(a, stageField).value_or("阶段不详") +
                                           "）");
                }
                GeosGeomPtr earlyUnion = worker.unionOf(earlyParts);
                GeosGeomPtr noBatch =
                    earlyUnion
                        ? worker.geos.own(GEOSDifference_r(h, lineOut.get(), earlyUnion.get()))
                        : worker.geos.own(GEOSGeom_clone_r(h, lineOut.get()));
                const double noBatchM = noBatch ? worker.lengthM(noBatch.get()) : kNaN;
                Finding f = finding(ComplianceRule::WorksOnUnacquiredLand, *layer, i);
                f.geometryWkb = worker.wkb(outPart);
                if (stripOut)
                    f.areaMu = muFromM2(outM2);
                std::vector<std::string> onWhat;
                if (!crossed.empty())
                    onWhat.push_back("征地批次 " + joined(crossed, "、"));
                if (!(noBatchM <= s.sliverM))
                    onWhat.push_back(
                        "未列入任何征地批次的土地" +
                        (std::isnan(noBatchM) ? std::string() : "（" + fixed(noBatchM) + " m）"));
                f.reasonZh = layer->describe(i) + "（" + *stage + "）有 " + fixed(outM) + " m" +
                             (stripOut ? "（红线内 " + fixed(f.areaMu) + " 亩）" : std::string()) +
                             " 位于未完成征地（" + s.acquiredFromStage + "之前）的土地上：" +
                             joined(onWhat, "；");
                f.reasonEn =
                    layer->describeEn(i) + " (" + *stage + "): " + fixed(outM) + " m" +
                    (stripOut ? " (" + fixed(f.areaMu) + " mu of red-line strip)" : std::string()) +
                    " on land not acquired up to " + s.acquiredFromStage +
                    (crossed.empty() ? std::string()
                                     : "; crosses batches " + joined(crossed, ", "));
                f.clause =
                    "《土地管理法》第四十七条、第四十八条：征收土地应依法足额支付补偿后方可使用";
                f.evidence = {
                    ev("stage", stage),
                    ev("outside_m", std::optional<double>(outM)),
                    ev("strip_outside_m2", stripOut ? std::optional<double>(outM2) : std::nullopt),
                    ev("acquired_from_stage", std::optional<std::string>(s.acquiredFromStage)),
                    ev("early_batches", crossed.empty()
                                            ? std::nullopt
                                            : std::optional<std::string>(joined(crossed, ", "))),
                    ev("in_no_batch_m",
                       std::isnan(noBatchM) ? std::nullopt : std::optional<double>(noBatchM))};
                worker.findings.push_back(std::move(f));
            });
        }
        m_progressBase = base;
        m_progressSpan = span;
    }

    // -- unacquired_land ----------------------------------------------------------------------

    void checkUnacquiredLand()
    {
        const auto& s = m_settings.unacquiredLand;
        const auto& stages = m_settings.worksOnUnacquiredLand;
        const LayerView* acquisition = view(Role::Acquisition);
        const std::vector<const LayerView*> targets =
            layersNamed(ComplianceRule::UnacquiredLand, s.layers, Role::Acquisition, true);
        if (targets.empty())
            return;
        if (!acquisition)
            warn(ComplianceRule::UnacquiredLand,
                 "the park has no acquisition layer: all the land of every " +
                     joined(s.layers, "/") + " feature counts as unacquired");
        const auto acquiredFrom =
            std::find(stages.stageOrder.begin(), stages.stageOrder.end(), stages.acquiredFromStage);
        const int stageField = acquisition ? acquisition->fieldIndex("stage") : -1;
        std::vector<char> acquired;
        std::optional<EnvelopeIndex> index;
        if (acquisition) {
            acquired.assign(acquisition->count(), 0);
            for (std::size_t a = 0; a < acquisition->count(); ++a) {
                const auto stage = acquisition->text(a, stageField);
                const auto at =
                    stage ? std::find(stages.stageOrder.begin(), stages.stageOrder.end(), *stage)
                          : stages.stageOrder.end();
                acquired[a] = acquisition->usable[a] && at != stages.stageOrder.end() &&
                              acquiredFrom != stages.stageOrder.end() && at >= acquiredFrom;
            }
            index.emplace(acquisition->store(),
                          [&](std::size_t a) { return acquisition->usable[a] != 0; });
        }
        const auto build = acquisition ? fromLayer(*acquisition) : Worker::Builder();
        parallelOverLayers(targets, [&](const LayerView& layer, Worker& worker,
                                        std::size_t i) {
            if (!layer.usable[i])
                return;
            GEOSContextHandle_t h = worker.geos.handle();
            GeosGeomPtr g = worker.geos.fromStore(layer.store(), i);
            if (!g)
                return;
            if (index)
                index->query(layer.store().envelope(i), worker.candidates);
            else
                worker.candidates.clear();
            std::sort(worker.candidates.begin(), worker.candidates.end());
            std::vector<GeosGeomPtr> acquiredParts;
            std::vector<std::string> batches;
            for (std::uint32_t a : worker.candidates) {
                const GEOSPreparedGeometry* batch = worker.prepared(acquisition, a, build);
                if (!batch || GEOSPreparedIntersects_r(h, batch, g.get()) != 1 ||
                    GEOSPreparedTouches_r(h, batch, g.get()) == 1)
                    continue;
                addUnique(batches,
                          acquisition->featureId(a).empty()
                              ? "fid " + std::to_string(acquisition->fid(a))
                              : acquisition->featureId(a) + "（" +
                                    acquisition->text(a, stageField).value_or("阶段不详") +
                                    "）");
                if (acquired[a])
                    acquiredParts.push_back(worker.geos.own(
                        GEOSGeom_clone_r(h, worker.cached(acquisition, a, build))));
            }
            GeosGeomPtr covered = worker.unionOf(acquiredParts);
            GeosGeomPtr rest =
                covered ? worker.geos.own(GEOSDifference_r(h, g.get(), covered.get()))
                        : worker.geos.own(GEOSGeom_clone_r(h, g.get()));
            if (!rest) {
                overlayProblem(layer, i, worker.geos.takeLastError());
                return;
            }
            const double m2 = worker.areaM2(rest.get());
            if (m2 <= s.sliverM2)
                return;
            const double total = worker.area.areaM2(layer.store(), i, layer.fid(i));
            const double acquiredM2 = covered ? std::max(0.0, total - m2) : 0.0;
            Finding f = finding(ComplianceRule::UnacquiredLand, layer, i);
            f.areaMu = muFromM2(m2);
            f.geometryWkb = worker.wkb(rest.get());
            const std::string stage = stages.acquiredFromStage;
            f.reasonZh = layer.describe(i) + " 有 " + fixed(f.areaMu) + " 亩（占 " +
                         percent(m2 / total) + "）征地未完成（未列入征地批次，或批次在" +
                         stage + "之前）；已征 " + fixed(muFromM2(acquiredM2)) + " 亩" +
                         (batches.empty() ? std::string("；不在任何征地批次内")
                                          : "；涉及征地批次 " + joined(batches, "、"));
            f.reasonEn = layer.describeEn(i) + ": " + fixed(f.areaMu) + " mu (" +
                         percent(m2 / total) + ") not acquired up to " + stage + "; " +
                         fixed(muFromM2(acquiredM2)) + " mu acquired" +
                         (batches.empty() ? std::string("; in no acquisition batch")
                                          : "; batches " + joined(batches, ", "));
            f.clause = "《土地管理法》第四十五条至第四十八条：征收土地依法批准、足额补偿后方可"
                       "纳入开发区用地";
            f.evidence = {ev("unacquired_m2", std::optional<double>(m2)),
                          ev("acquired_mu", std::optional<double>(muFromM2(acquiredM2))),
                          ev("acquired_from_stage", std::optional<std::string>(stage)),
                          ev("batches", batches.empty() ? std::nullopt
                                                        : std::optional<std::string>(
                                                              joined(batches, ", ")))};
            worker.findings.push_back(std::move(f));
        });
    }

    const Park& m_park;
    const ComplianceOptions& m_options;
    const ComplianceSettings& m_settings;
    IssueSink& m_issues;
    const LandUseClassification* m_landUse; // loaded only when land_use_mismatch runs
    std::map<Role, LandUseDetection> m_systems; // of the layers land_use_mismatch reads
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::map<Role, LayerView> m_views;
    std::vector<ComplianceRule> m_rules;
    std::vector<std::int32_t> m_dominantZone;
    std::atomic<bool> m_cancelled{false};
    double m_progressBase = 0;
    double m_progressSpan = 1;
};

} // namespace

void sortComplianceFindings(std::vector<Finding>& findings)
{
    auto ruleRank = [](const std::string& rule) {
        // land_use_too_coarse right after land_use_mismatch, which makes it.
        if (rule == kLandUseTooCoarse)
            return 2 * static_cast<int>(ComplianceRule::LandUseMismatch) + 1;
        const auto parsed = complianceRuleFromString(rule);
        return parsed ? 2 * static_cast<int>(*parsed) : 2000;
    };
    auto roleRank = [](const std::string& layer) {
        const auto role = roleFromLayerName(layer);
        return role ? static_cast<int>(*role) : 1000;
    };
    std::stable_sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
        return std::make_tuple(ruleRank(a.rule), roleRank(a.layer), std::cref(a.fids),
                               std::cref(a.reasonEn)) <
               std::make_tuple(ruleRank(b.rule), roleRank(b.layer), std::cref(b.fids),
                               std::cref(b.reasonEn));
    });
}

ComplianceResult checkCompliance(const Park& park, const ComplianceOptions& options,
                                 IssueSink& issues)
{
    Engine engine(park, options, issues);
    return engine.run();
}

} // namespace parkatlas::geo
