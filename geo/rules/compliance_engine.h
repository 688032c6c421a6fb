#pragma once

// The machinery every plan-compliance rule runs on (internal to geo/rules: the rules' own files,
// compliance.cpp's registry and the server-side check read it; nothing else should). A rule's
// local implementation derives from RuleStep and reads as a member of the engine: the park's
// layers as the rules see them (LayerView), the worker threads with their GEOS contexts and
// caches (Worker), parallel loops with progress and cancel, and the helpers that make findings.

#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/model/display_names.h"
#include "geo/model/envelope_index.h"
#include "geo/model/geos_context.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"
#include "geo/parallel.h"
#include "geo/rules/compliance.h"
#include "geo/rules/finding_spill.h"
#include "geo/rules/rule_message.h"
#include "geo/units.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace parkatlas::geo::compliance {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kChunk = 64;

inline std::string fixed(double value, int decimals = 2)
{
    return formatForDisplay(value, decimals);
}

inline std::string percent(double share)
{
    return formatForDisplay(share * 100.0, 1) + "%";
}

inline std::string joined(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string out;
    for (const std::string& part : parts)
        out += (out.empty() ? "" : separator) + part;
    return out;
}

inline void addUnique(std::vector<std::string>& list, const std::string& value)
{
    if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
        list.push_back(value);
}

inline bool contains(const std::vector<std::string>& list, const std::string& value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

/// A park layer as the rules see it: its geometry, which features are usable, and its fields.
struct LayerView {
    const ParkLayer* layer = nullptr;
    Role role = Role::Parcels;
    std::vector<char> usable; // 1: a valid, non-empty geometry the geometric rules may use
    int idField = -1;

    const GeometryStore& store() const { return layer->layer->geometry; }
    std::size_t count() const { return layer->layer->featureCount(); }
    std::int64_t fid(std::size_t row) const { return layer->layer->fids[row]; }
    GeometryKind kind() const { return store().kind(); }

    /// A contract field, or (for fields the contract does not name for this role, such as a
    /// pipeline's name) the source field of that name.
    int fieldIndex(const char* name) const
    {
        const int index = layer->field(name);
        return index >= 0 ? index : layer->layer->attributes.fieldIndex(name);
    }
    /// The value as text; nullopt when unknown (or the layer has no such field).
    std::optional<std::string> text(std::size_t row, int field) const
    {
        if (field < 0)
            return std::nullopt;
        const AttributeTable& attributes = layer->layer->attributes;
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
        const auto value = layer->layer->attributes.number(row, field);
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

inline const char* idContractField(Role role)
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
    /// pure. The key is spelled in a buffer the worker keeps, so that asking again (nearly
    /// every overlap of a million plots) allocates nothing.
    const LandUseJudgement& judge(const LandUseClassification& landUse,
                                  const std::string& parcelCode,
                                  const LandUseSystems& parcelSystems, const std::string& zoneCode,
                                  const LandUseSystems& zoneSystems)
    {
        std::string& key = m_judgedKey;
        key.assign(parcelCode);
        key += '\x1f';
        key += zoneCode;
        for (const std::string& s : parcelSystems) {
            key += '\x1e';
            key += s;
        }
        key += '\x1f';
        for (const std::string& s : zoneSystems) {
            key += '\x1e';
            key += s;
        }
        if (auto it = m_judged.find(key); it != m_judged.end())
            return it->second;
        return m_judged
            .emplace(key, landUse.judge(parcelCode, parcelSystems, zoneCode, zoneSystems))
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
    std::string m_judgedKey; // judge's key, spelled anew in place each time
    GeometryStore m_polygons{GeometryKind::Polygon};
    GeometryStore m_lines{GeometryKind::Line};
    double m_scratch = 0;
};

inline Evidence ev(std::string name, std::optional<double> value)
{
    return {std::move(name), value ? EvidenceValue(*value) : EvidenceValue()};
}
inline Evidence ev(std::string name, std::optional<std::string> value)
{
    return {std::move(name), value ? EvidenceValue(*value) : EvidenceValue()};
}
inline Evidence ev(std::string name, const char* value)
{
    return {std::move(name), EvidenceValue(std::string(value))};
}

class RuleStep;

/// One run of the check: the park, the settings, the layers, the workers, progress and cancel;
/// what one rule leaves for another (validity, each plot's dominant zone). Runs the rules of the
/// registry (compliance.cpp) in its order.
class Engine {
public:
    Engine(const Park& park, const ComplianceOptions& options, IssueSink& issues);

    ComplianceResult run();

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
    /// "RULE: DETAIL", said in the user's language ("宗地重叠：园区没有宗地图层，未检查").
    void warn(ComplianceRule rule, const Message& detail)
    {
        m_issues.report(withMessage({Issue::Severity::Warning, {}, {}, -1},
                                    ruleMessage(toString(rule), detail)));
    }

    void report(double fraction)
    {
        if (m_options.progress &&
            !m_options.progress(m_progressBase + m_progressSpan * std::clamp(fraction, 0.0, 1.0)))
            m_cancelled = true;
    }

    /// Runs work(worker, i) for i in [0, count) on every worker; worker 0 is this thread and
    /// reports progress. The first exception stops the others and is rethrown here.
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
                Worker& own = *m_workers[worker];
                for (std::size_t i = begin; i < end; ++i)
                    work(own, i);
                spill(own, kSpillAt);
            });
        } catch (...) {
            m_cancelled = true;
            throw;
        }
    }

    /// Hands a worker's findings to the spill (ComplianceOptions::spill) once it holds
    /// `atLeast`, so that no more than a few chunks' findings are ever in memory.
    void spill(Worker& worker, std::size_t atLeast)
    {
        if (m_options.spill && worker.findings.size() >= atLeast)
            m_options.spill->add(worker.findings);
    }
    static constexpr std::size_t kSpillAt = 256;

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
                warn(rule, geo::message("unknown_layer_ignored", "unknown layer \"{layer}\" (ignored)",
                                        {{"layer", name}}));
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
            parallel(layer.count(), [&](Worker& worker, std::size_t i) { work(layer, worker, i); });
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

    /// A cannot_decide finding: the rule needed `needs` (contract fields, said in Chinese by their
    /// names, or what else it needed, in English); `needsZh`, when given, says them in Chinese.
    void cannotDecide(Worker& worker, ComplianceRule rule, const LayerView& layer, std::size_t row,
                      const std::vector<std::string>& needs,
                      const std::vector<std::string>& needsZh = {})
    {
        Finding f = finding(rule, layer, row);
        f.rule = kCannotDecide;
        const std::string list = joined(needs, ", ");
        std::vector<std::string> needsZh0;
        for (const std::string& need : needs)
            needsZh0.push_back(
                displayName(NameGroup::Field, need, Language::Chinese, toString(layer.role)));
        f.reasonZh = layer.describe(row) + "：" +
                     displayName(NameGroup::Rule, toString(rule), Language::Chinese) +
                     "无法判定，缺少" + joined(needsZh.empty() ? needsZh0 : needsZh, "、") +
                     "（值未知）";
        f.reasonEn =
            layer.describeEn(row) + ": " + toString(rule) + " cannot decide: " + list + " unknown";
        f.evidence = {ev("rule", toString(rule)), ev("needs", std::optional<std::string>(list))};
        worker.findings.push_back(std::move(f));
    }

    void overlayProblem(const LayerView& layer, std::size_t row, const std::string& message)
    {
        m_issues.report(withMessage(
            {Issue::Severity::Warning, layer.layer->layer->sourcePath, layer.layer->layer->name,
             layer.fid(row)},
            geo::message("overlay_failed", "overlay failed ({reason}); this pair is not judged",
                         {{"reason", message}})));
    }

    const Park& m_park;
    const ComplianceOptions& m_options;
    const ComplianceSettings& m_settings;
    IssueSink& m_issues;
    const LandUseClassification* m_landUse;     // loaded only when land_use_mismatch runs
    std::map<Role, LandUseDetection> m_systems; // of the layers land_use_mismatch reads
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::map<Role, LayerView> m_views;
    std::vector<ComplianceRule> m_rules;
    std::vector<std::int32_t> m_dominantZone;
    std::atomic<bool> m_cancelled{false};
    double m_progressBase = 0;
    double m_progressSpan = 1;
};

/// The base of a rule's local implementation: the engine's members under their own names, so that
/// a rule's body reads as it did when it was a member of the engine.
class RuleStep {
public:
    explicit RuleStep(Engine& engine)
        : m_engine(engine), m_park(engine.m_park), m_options(engine.m_options),
          m_settings(engine.m_settings), m_issues(engine.m_issues), m_landUse(engine.m_landUse),
          m_systems(engine.m_systems), m_workers(engine.m_workers), m_views(engine.m_views),
          m_dominantZone(engine.m_dominantZone), m_progressBase(engine.m_progressBase),
          m_progressSpan(engine.m_progressSpan)
    {
    }

protected:
    bool runs(ComplianceRule rule) const { return m_engine.runs(rule); }
    const LayerView* view(Role role) const { return m_engine.view(role); }
    const LandUseDetection& systemsOf(Role role) const { return m_engine.systemsOf(role); }
    void warn(ComplianceRule rule, const std::string& message) { m_engine.warn(rule, message); }
    void warn(ComplianceRule rule, const Message& detail) { m_engine.warn(rule, detail); }
    template <typename Work> void parallel(std::size_t count, Work&& work)
    {
        m_engine.parallel(count, std::forward<Work>(work));
    }
    std::vector<const LayerView*> layersNamed(ComplianceRule rule,
                                              const std::vector<std::string>& names, Role except,
                                              bool polygonsOnly)
    {
        return m_engine.layersNamed(rule, names, except, polygonsOnly);
    }
    template <typename Work>
    void parallelOverLayers(const std::vector<const LayerView*>& layers, Work&& work)
    {
        m_engine.parallelOverLayers(layers, std::forward<Work>(work));
    }
    static Worker::Builder fromLayer(const LayerView& layer) { return Engine::fromLayer(layer); }
    Finding finding(ComplianceRule rule, const LayerView& layer, std::size_t row) const
    {
        return m_engine.finding(rule, layer, row);
    }
    void cannotDecide(Worker& worker, ComplianceRule rule, const LayerView& layer, std::size_t row,
                      const std::vector<std::string>& needs,
                      const std::vector<std::string>& needsZh = {})
    {
        m_engine.cannotDecide(worker, rule, layer, row, needs, needsZh);
    }
    void overlayProblem(const LayerView& layer, std::size_t row, const std::string& message)
    {
        m_engine.overlayProblem(layer, row, message);
    }

    Engine& m_engine;
    const Park& m_park;
    const ComplianceOptions& m_options;
    const ComplianceSettings& m_settings;
    IssueSink& m_issues;
    const LandUseClassification*& m_landUse;
    std::map<Role, LandUseDetection>& m_systems;
    std::vector<std::unique_ptr<Worker>>& m_workers;
    std::map<Role, LayerView>& m_views;
    std::vector<std::int32_t>& m_dominantZone;
    double& m_progressBase;
    double& m_progressSpan;
};

} // namespace parkatlas::geo::compliance
