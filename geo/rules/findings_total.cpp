#include "geo/rules/findings_total.h"

#include "geo/error.h"
#include "geo/model/envelope_index.h"
#include "geo/model/geometry_store.h"
#include "geo/model/geos_context.h"
#include "geo/parallel.h"
#include "geo/rules/compliance.h"
#include "geo/rules/finding_spill.h"
#include "geo/rules/interior_disjoint.h"
#include "geo/units.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

namespace parkatlas::geo {

namespace {

/// Disjoint sets over the distinct geometries: two sets join when their parts overlap.
class Clusters {
public:
    explicit Clusters(std::size_t count) : m_parent(count)
    {
        std::iota(m_parent.begin(), m_parent.end(), std::size_t{0});
    }
    std::size_t root(std::size_t i)
    {
        while (m_parent[i] != i)
            i = m_parent[i] = m_parent[m_parent[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b) { m_parent[root(a)] = root(b); }

private:
    std::vector<std::size_t> m_parent;
};

/// The feature a finding is about: its layer and its fids (two for an overlap).
using FeatureKey = std::pair<std::string, std::vector<std::int64_t>>;

FeatureKey keyOf(const Finding& finding)
{
    std::vector<std::int64_t> fids = finding.fids;
    std::sort(fids.begin(), fids.end());
    return {finding.layer, std::move(fids)};
}

/// True when the envelopes share more than an edge or a corner (plots side by side on a grid
/// have envelopes that touch; they cannot overlap).
bool envelopesOverlap(const Envelope& a, const Envelope& b)
{
    return std::min(a.maxX, b.maxX) > std::max(a.minX, b.minX) &&
           std::min(a.maxY, b.maxY) > std::max(a.minY, b.minY);
}

/// Measures the unions of overlapping geometries: GEOS for the overlay, the area calculator
/// of the park's CRS for the area (made on first need).
class UnionMeasure {
public:
    UnionMeasure(const GeometryStore& store, const Crs& crs, AreaMethod method)
        : m_store(store), m_crs(crs), m_method(method), m_geometries(store.featureCount())
    {
        m_scratch.setKind(GeometryKind::Polygon);
    }

    /// True when the interiors of geometries a and b intersect (not when they only touch).
    bool overlap(std::size_t a, std::size_t b)
    {
        // Parts of neighbouring plots share edges vertex for vertex: proven apart without GEOS
        // (exact or silent, so the clusters are the ones the relate below makes).
        if (provesInteriorsDisjoint(m_store, a, m_store, b))
            return false;
        const GEOSGeometry* ga = geometry(a);
        const GEOSGeometry* gb = geometry(b);
        if (!ga || !gb)
            return false;
        // Interiors intersect: DE-9IM "T********". A GEOS failure (an invalid ring) is taken as
        // an overlap, so the pair is measured as a union (or summed, when that fails too).
        return GEOSRelatePattern_r(m_geos.handle(), ga, gb, "T********") != 0;
    }

    /// The area in mu of the union of `members`; nullopt when GEOS cannot make it.
    std::optional<double> unionMu(const std::vector<std::size_t>& members)
    {
        std::vector<GEOSGeometry*> parts;
        for (std::size_t member : members)
            if (const GEOSGeometry* g = geometry(member))
                parts.push_back(GEOSGeom_clone_r(m_geos.handle(), g));
        GeosGeomPtr united = unite(parts);
        if (!united) {
            // Invalid parts (a bow-tie plot) make the overlay fail: repair, then try again.
            for (std::size_t member : members)
                if (const GEOSGeometry* g = geometry(member))
                    parts.push_back(GEOSMakeValid_r(m_geos.handle(), g));
            united = unite(parts);
        }
        if (!united)
            return std::nullopt;
        const GeosGeomPtr polygons = m_geos.componentsOfDimension(united.get(), 2);
        if (!polygons)
            return std::nullopt;
        const std::vector<unsigned char> wkb = m_geos.toWkb(polygons.get());
        if (wkb.empty() || !m_scratch.appendWkb(wkb.data(), wkb.size())) {
            m_scratch.popFeature();
            return std::nullopt;
        }
        const double m2 = calculator().areaM2(m_scratch, m_scratch.featureCount() - 1);
        m_scratch.popFeature();
        return muFromM2(m2);
    }

private:
    const GEOSGeometry* geometry(std::size_t i)
    {
        if (!m_geometries[i])
            m_geometries[i] = m_geos.fromStore(m_store, i);
        return m_geometries[i].get();
    }

    GeosGeomPtr unite(std::vector<GEOSGeometry*>& parts)
    {
        std::erase(parts, nullptr);
        if (parts.empty())
            return m_geos.own(nullptr);
        GeosGeomPtr collection = m_geos.own(
            GEOSGeom_createCollection_r(m_geos.handle(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                        static_cast<unsigned>(parts.size())));
        parts.clear(); // owned by the collection now (or destroyed with it)
        if (!collection)
            return m_geos.own(nullptr);
        GeosGeomPtr united = m_geos.own(GEOSUnaryUnion_r(m_geos.handle(), collection.get()));
        m_geos.takeLastError();
        return united;
    }

    AreaCalculator& calculator()
    {
        if (!m_area) {
            if (m_crs.isEmpty())
                throw CrsError("the findings overlap and their CRS is unknown: their union "
                               "cannot be measured");
            m_area.emplace(m_crs, m_method);
        }
        return *m_area;
    }

    const GeometryStore& m_store;
    const Crs& m_crs;
    AreaMethod m_method;
    GeosContext m_geos;
    std::vector<GeosGeomPtr> m_geometries;
    GeometryStore m_scratch;
    std::optional<AreaCalculator> m_area;
};

} // namespace

FindingsTotal totalOfFindings(const std::vector<Finding>& findings,
                              std::span<const std::size_t> which, const Crs& crs, AreaMethod method)
{
    for (std::size_t index : which)
        (void)findings.at(index); // out of range throws, as it always did
    return totalOfFindings(FindingList(findings), which, crs, method);
}

FindingsTotal totalOfFindings(const FindingSource& findings, std::span<const std::size_t> which,
                              const Crs& crs, AreaMethod method)
{
    FindingsTotal total;
    total.findings = which.size();
    std::set<std::pair<std::string, std::int64_t>> features;

    // The distinct polygonal geometries (identical WKB is one plot under several rules), each
    // with the largest area a finding gives it. Found by a hash of the WKB, then compared byte
    // for byte with the finding that brought the geometry (read back from the source), so only
    // the hash and an index stay in memory per geometry.
    GeometryStore store;
    store.setKind(GeometryKind::Polygon);
    std::vector<double> geometryMu;
    std::vector<std::size_t> geometryFindings; // findings per distinct geometry
    std::vector<std::size_t> geometryFirst;    // the finding that brought each geometry
    std::unordered_multimap<std::size_t, std::size_t> byWkb; // hash of the WKB → geometry
    std::set<FeatureKey> measuredFeatures;
    std::map<FeatureKey, std::pair<double, std::size_t>> withoutGeometry; // largest mu, findings
    double summed = 0;
    Finding scratch, earlierScratch;
    auto sameGeometryAs = [&](const std::vector<unsigned char>& wkb,
                              std::size_t hash) -> std::optional<std::size_t> {
        const auto [begin, end] = byWkb.equal_range(hash);
        for (auto it = begin; it != end; ++it) {
            const Finding& earlier = findings.at(geometryFirst[it->second], earlierScratch);
            if (earlier.geometryWkb == wkb)
                return it->second;
        }
        return std::nullopt;
    };
    for (std::size_t index : which) {
        const Finding& finding = findings.at(index, scratch);
        for (std::int64_t fid : finding.fids)
            features.insert({finding.layer, fid});
        if (std::isnan(finding.areaMu)) {
            ++total.withoutArea;
            continue;
        }
        ++total.withArea;
        summed += finding.areaMu;
        const std::vector<unsigned char>& wkb = finding.geometryWkb;
        if (!wkb.empty()) {
            const std::size_t hash = std::hash<std::string_view>()(
                std::string_view(reinterpret_cast<const char*>(wkb.data()), wkb.size()));
            if (const auto same = sameGeometryAs(wkb, hash)) {
                geometryMu[*same] = std::max(geometryMu[*same], finding.areaMu);
                ++geometryFindings[*same];
                measuredFeatures.insert(keyOf(finding));
                continue;
            }
            if (store.appendWkb(wkb.data(), wkb.size())) {
                byWkb.emplace(hash, geometryMu.size());
                geometryMu.push_back(finding.areaMu);
                geometryFindings.push_back(1);
                geometryFirst.push_back(index);
                measuredFeatures.insert(keyOf(finding));
                continue;
            }
            store.popFeature(); // a line or a point: no polygonal place of its own
        }
        auto& [largest, count] = withoutGeometry[keyOf(finding)];
        largest = count == 0 ? finding.areaMu : std::max(largest, finding.areaMu);
        ++count;
    }
    total.features = features.size();
    if (total.withArea == 0)
        return total;
    total.summedMu = summed;

    double areaMu = 0;
    std::size_t places = 0; // what the area is made of: features and clusters of geometries
    for (const auto& [key, entry] : withoutGeometry) {
        if (measuredFeatures.count(key))
            continue; // the feature is measured through a finding that has its geometry
        areaMu += entry.first;
        ++places;
    }

    // Clusters of geometries whose interiors overlap; a geometry alone keeps its own area.
    const std::size_t count = store.featureCount();
    Clusters clusters(count);
    UnionMeasure unionMeasure(store, crs, method);
    {
        const EnvelopeIndex index(store, [](std::size_t) { return true; });
        std::vector<std::uint32_t> candidates;
        for (std::size_t a = 0; a < count; ++a) {
            candidates.clear();
            index.query(store.envelope(a), candidates);
            std::sort(candidates.begin(), candidates.end());
            for (std::uint32_t b : candidates) {
                if (b <= a || clusters.root(a) == clusters.root(b) ||
                    !envelopesOverlap(store.envelope(a), store.envelope(b)))
                    continue;
                if (unionMeasure.overlap(a, b))
                    clusters.join(a, b);
            }
        }
    }
    std::map<std::size_t, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < count; ++i)
        members[clusters.root(i)].push_back(i);
    for (const auto& [root, group] : members) {
        ++places;
        if (group.size() == 1) {
            areaMu += geometryMu[group.front()];
            continue;
        }
        if (const auto united = unionMeasure.unionMu(group)) {
            areaMu += *united;
        } else {
            // GEOS could not unite them even repaired: their sum, the most they can cover.
            for (std::size_t i : group)
                areaMu += geometryMu[i];
        }
    }
    total.areaMu = areaMu;
    total.countedOnce = total.withArea - places;
    return total;
}

const FindingsTotal& FindingsTotals::of(const std::string& rule) const
{
    static const FindingsTotal kNone;
    for (const RuleTotal& entry : byRule)
        if (entry.rule == rule)
            return entry.total;
    return kNone;
}

FindingsTotals totalsOfFindings(const std::vector<Finding>& findings, const Crs& crs,
                                AreaMethod method)
{
    return totalsOfFindings(FindingList(findings), crs, method);
}

FindingsTotals totalsOfFindings(const FindingSource& findings, const Crs& crs, AreaMethod method)
{
    std::vector<std::string> rules;
    std::map<std::string, std::vector<std::size_t>> byRule;
    std::vector<std::size_t> measured;
    Finding scratch;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const std::string& rule = findings.at(i, scratch).rule;
        if (!byRule.count(rule))
            rules.push_back(rule);
        byRule[rule].push_back(i);
        if (rule != kCannotDecide)
            measured.push_back(i);
    }
    FindingsTotals totals;
    for (const std::string& rule : rules)
        totals.byRule.push_back({rule, {}});
    // Each total is independent (its own GEOS context and PROJ objects): they run side by side,
    // the largest first (the measured total, over every rule), each on whichever worker is free.
    // The same figures as one after another, whatever the number of threads.
    std::vector<std::pair<const std::vector<std::size_t>*, FindingsTotal*>> jobs;
    jobs.push_back({&measured, &totals.measured});
    for (RuleTotal& entry : totals.byRule)
        jobs.push_back({&byRule[entry.rule], &entry.total});
    std::stable_sort(jobs.begin() + 1, jobs.end(), [](const auto& a, const auto& b) {
        return a.first->size() > b.first->size();
    });
    ParallelOptions options;
    options.threads = workerCount(findings.size(), 0, 2000);
    options.chunk = 1;
    parallelFor(jobs.size(), options, [&](unsigned, std::size_t begin, std::size_t end) {
        for (std::size_t j = begin; j < end; ++j)
            *jobs[j].second = totalOfFindings(findings, *jobs[j].first, crs, method);
    });
    totals.undecided = totals.of(kCannotDecide);
    return totals;
}

} // namespace parkatlas::geo
