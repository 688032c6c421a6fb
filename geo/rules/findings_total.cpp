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
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

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

/// Measures for one worker: whether two geometries of a store overlap, and the area of the
/// union of several (GEOS for the overlay, the area calculator of the park's CRS for the area,
/// made on first need). Each worker of totalsOfFindings has its own (GEOS context, PROJ objects).
class UnionMeasure {
public:
    UnionMeasure(const Crs& crs, AreaMethod method) : m_crs(crs), m_method(method)
    {
        m_scratch.setKind(GeometryKind::Polygon);
    }

    /// GEOS geometries of a store's features, made on first use (one cache per store).
    using Cache = std::vector<GeosGeomPtr>;

    /// True when the interiors of geometries a and b intersect (not when they only touch).
    bool overlap(const GeometryStore& store, Cache& cache, std::size_t a, std::size_t b)
    {
        // Parts of neighbouring plots share edges vertex for vertex: proven apart without GEOS
        // (exact or silent, so the clusters are the ones the relate below makes).
        if (provesInteriorsDisjoint(store, a, store, b))
            return false;
        const GEOSGeometry* ga = geometry(store, cache, a);
        const GEOSGeometry* gb = geometry(store, cache, b);
        if (!ga || !gb)
            return false;
        // Interiors intersect: DE-9IM "T********". A GEOS failure (an invalid ring) is taken as
        // an overlap, so the pair is measured as a union (or summed, when that fails too).
        return GEOSRelatePattern_r(m_geos.handle(), ga, gb, "T********") != 0;
    }

    /// The area in mu of the union of `members`, or of their parts inside `tile` (cut by
    /// GEOSClipByRect) when one is given, leaving out first the parts another covers when
    /// `dropCovered` (UnionPath::Fast); nullopt when GEOS cannot make it. `unions` (whole
    /// clusters only) are unions already made of other geometries of the same land (`covers`,
    /// which serve only to leave out the members they cover), as WKB: the members' union is
    /// united with each in turn. `keep`, when given, receives the union's polygons as WKB.
    std::optional<double> unionMu(const GeometryStore& store,
                                  const std::vector<std::size_t>& members,
                                  const Envelope* tile = nullptr, bool dropCovered = false,
                                  const std::vector<const std::vector<unsigned char>*>& unions = {},
                                  const std::vector<std::size_t>& covers = {},
                                  std::vector<unsigned char>* keep = nullptr)
    {
        std::vector<GEOSGeometry*> parts;
        std::vector<GeosGeomPtr> made;
        std::vector<GeosGeomPtr> before;
        for (const std::vector<unsigned char>* wkb : unions) {
            before.push_back(m_geos.fromWkb(*wkb));
            if (!before.back())
                return std::nullopt;
        }
        // The geometries those unions were made of, only to leave out the members they cover.
        std::vector<const GEOSGeometry*> coverOnly;
        for (std::size_t i : covers) {
            made.push_back(m_geos.fromStore(store, i));
            coverOnly.push_back(made.back().get());
        }
        for (std::size_t member : members) {
            GeosGeomPtr whole = m_geos.fromStore(store, member);
            const Envelope& envelope = store.envelope(member);
            if (!whole || !tile ||
                (envelope.minX >= tile->minX && envelope.maxX <= tile->maxX &&
                 envelope.minY >= tile->minY && envelope.maxY <= tile->maxY)) {
                made.push_back(std::move(whole)); // wholly in the tile: nothing to cut
                continue;
            }
            GeosGeomPtr cut = m_geos.own(GEOSClipByRect_r(m_geos.handle(), whole.get(),
                                                          tile->minX, tile->minY, tile->maxX,
                                                          tile->maxY));
            if (!cut) {
                m_geos.takeLastError();
                return std::nullopt;
            }
            if (GEOSisEmpty_r(m_geos.handle(), cut.get()) != 1)
                made.push_back(std::move(cut));
        }
        if (tile && made.empty())
            return 0.0; // no member reaches into the tile's interior
        if (dropCovered)
            dropCoveredParts(made);
        if (!coverOnly.empty()) {
            const std::unordered_set<const GEOSGeometry*> only(coverOnly.begin(), coverOnly.end());
            std::erase_if(made, [&](const GeosGeomPtr& g) { return g && only.count(g.get()); });
        }
        for (const GeosGeomPtr& g : made)
            if (g)
                parts.push_back(GEOSGeom_clone_r(m_geos.handle(), g.get()));
        GeosGeomPtr united = unite(parts);
        if (!united && !made.empty()) {
            // Invalid parts (a bow-tie plot) make the overlay fail: repair, then try again.
            for (const GeosGeomPtr& g : made)
                if (g)
                    parts.push_back(GEOSMakeValid_r(m_geos.handle(), g.get()));
            united = unite(parts);
            if (!united)
                return std::nullopt;
        }
        // The unions made before are kept out of the cascade (a large one would be overlaid
        // again at every level above it) and added to its result one by one.
        for (GeosGeomPtr& b : before) {
            united = united ? m_geos.own(GEOSUnion_r(m_geos.handle(), united.get(), b.get()))
                            : std::move(b);
            if (!united) {
                m_geos.takeLastError();
                return std::nullopt;
            }
        }
        if (!united)
            return std::nullopt;
        const GeosGeomPtr polygons = m_geos.componentsOfDimension(united.get(), 2);
        if (!polygons)
            return std::nullopt;
        std::vector<unsigned char> wkb = m_geos.toWkb(polygons.get());
        if (wkb.empty() || !m_scratch.appendWkb(wkb.data(), wkb.size())) {
            m_scratch.popFeature();
            return std::nullopt;
        }
        const double m2 = calculator().areaM2(m_scratch, m_scratch.featureCount() - 1);
        m_scratch.popFeature();
        if (keep)
            *keep = std::move(wkb);
        return muFromM2(m2);
    }

private:
    /// Leaves out of `made` every part that another part covers (GEOSPreparedCovers_r, an
    /// exact predicate): it adds no land to their union. Larger parts are tried as covers
    /// first, and only those whose envelope holds the part's.
    void dropCoveredParts(std::vector<GeosGeomPtr>& made)
    {
        GEOSContextHandle_t h = m_geos.handle();
        struct Part {
            double area = 0;
            Envelope envelope;
            std::size_t index = 0;
        };
        std::vector<Part> parts;
        for (std::size_t i = 0; i < made.size(); ++i) {
            if (!made[i])
                continue;
            Part part;
            part.index = i;
            if (GEOSArea_r(h, made[i].get(), &part.area) != 1 ||
                GEOSGeom_getXMin_r(h, made[i].get(), &part.envelope.minX) != 1 ||
                GEOSGeom_getYMin_r(h, made[i].get(), &part.envelope.minY) != 1 ||
                GEOSGeom_getXMax_r(h, made[i].get(), &part.envelope.maxX) != 1 ||
                GEOSGeom_getYMax_r(h, made[i].get(), &part.envelope.maxY) != 1)
                return; // an empty or broken part: leave them all to the union
            parts.push_back(part);
        }
        if (parts.size() < 2)
            return;
        std::stable_sort(parts.begin(), parts.end(),
                         [](const Part& a, const Part& b) { return a.area > b.area; });
        std::vector<char> keep(made.size(), 0);
        {
            std::vector<GeosPreparedPtr> prepared(made.size());
            std::vector<const Part*> covers;
            for (const Part& part : parts) {
                bool covered = false;
                for (const Part* cover : covers) {
                    const Envelope& c = cover->envelope;
                    const Envelope& e = part.envelope;
                    if (c.minX > e.minX || c.maxX < e.maxX || c.minY > e.minY || c.maxY < e.maxY)
                        continue;
                    if (!prepared[cover->index])
                        prepared[cover->index] = m_geos.prepare(made[cover->index].get());
                    if (prepared[cover->index] &&
                        GEOSPreparedCovers_r(h, prepared[cover->index].get(),
                                             made[part.index].get()) == 1) {
                        covered = true;
                        break;
                    }
                }
                if (!covered) {
                    covers.push_back(&part);
                    keep[part.index] = 1;
                }
            }
        }
        std::size_t out = 0;
        for (std::size_t i = 0; i < made.size(); ++i) {
            if (made[i] && !keep[i])
                continue;
            made[out++] = std::move(made[i]);
        }
        made.resize(out);
    }

    const GEOSGeometry* geometry(const GeometryStore& store, Cache& cache, std::size_t i)
    {
        if (cache.size() < store.featureCount())
            cache.resize(store.featureCount());
        if (!cache[i])
            cache[i] = m_geos.fromStore(store, i);
        return cache[i].get();
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

    const Crs& m_crs;
    AreaMethod m_method;
    GeosContext m_geos;
    GeometryStore m_scratch;
    std::optional<AreaCalculator> m_area;
};

/// One total being made: fed the findings it counts one at a time, in index order (add), then
/// its clusters of overlapping geometries found (relate) and their unions measured (by the
/// caller, on every worker), then summed (finish) in the order the clusters' roots come.
class TotalBuilder {
public:
    explicit TotalBuilder(std::size_t findings)
    {
        m_total.findings = findings;
        m_store.setKind(GeometryKind::Polygon);
    }

    void add(const Finding& finding)
    {
        const std::uint32_t layer = layerId(finding.layer);
        for (std::int64_t fid : finding.fids)
            m_features.insert({layer, fid});
        if (std::isnan(finding.areaMu)) {
            ++m_total.withoutArea;
            return;
        }
        ++m_total.withArea;
        m_summed += finding.areaMu;
        const std::vector<unsigned char>& wkb = finding.geometryWkb;
        if (!wkb.empty()) {
            const std::string_view bytes(reinterpret_cast<const char*>(wkb.data()), wkb.size());
            const std::size_t hash = std::hash<std::string_view>()(bytes);
            // Identical WKB is one plot under several rules: compared byte for byte with the
            // geometry's own WKB, kept as it came.
            const auto [begin, end] = m_byWkb.equal_range(hash);
            for (auto it = begin; it != end; ++it) {
                const std::size_t same = it->second;
                if (wkbOf(same) == bytes) {
                    m_geometryMu[same] = std::max(m_geometryMu[same], finding.areaMu);
                    m_measuredFeatures.insert(flatKey(layer, finding.fids));
                    return;
                }
            }
            if (m_store.appendWkb(wkb.data(), wkb.size())) {
                m_byWkb.emplace(hash, m_geometryMu.size());
                m_geometryMu.push_back(finding.areaMu);
                keepWkb(wkb);
                m_measuredFeatures.insert(flatKey(layer, finding.fids));
                return;
            }
            m_store.popFeature(); // a line or a point: no polygonal place of its own
        }
        auto& [largest, count] = m_withoutGeometry[keyOf(finding)];
        largest = count == 0 ? finding.areaMu : std::max(largest, finding.areaMu);
        ++count;
    }

    /// The clusters of geometries whose interiors overlap, found on `threads` workers with the
    /// same joins, in the same order, as one worker testing the pairs one after another: each
    /// worker tests the pairs of its own ranges, skipping a pair that its own joins already
    /// connect (then the joins of every earlier geometry connect it too); the joins are then
    /// made in order from the answers.
    ///
    /// `known` (a total made before, holding every geometry of this one: the measured total)
    /// answers a pair it tested itself in the same order (the very same GEOS call on the same
    /// geometries), so that pair is not related twice; `keepAnswers` keeps this total's answers
    /// for the totals made after it.
    void relate(std::vector<std::unique_ptr<UnionMeasure>>& measures, unsigned threads,
                const TotalBuilder* known = nullptr, bool keepAnswers = false)
    {
        const std::size_t count = m_store.featureCount();
        std::vector<std::vector<Pair>> pairs(count);
        std::vector<std::size_t> inKnown; // each geometry's in `known`, or kNone
        constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
        if (known && !known->m_answers.empty()) {
            inKnown.assign(count, kNone);
            for (std::size_t i = 0; i < count; ++i)
                inKnown[i] = known->find(wkbOf(i)).value_or(kNone);
        }
        auto answerKnown = [&](std::size_t a, std::size_t b) -> char {
            if (inKnown.empty() || inKnown[a] == kNone || inKnown[b] == kNone ||
                inKnown[a] >= inKnown[b])
                return kUntested;
            const std::vector<Pair>& tested = known->m_answers[inKnown[a]];
            const auto at = std::lower_bound(
                tested.begin(), tested.end(), inKnown[b],
                [](const Pair& pair, std::size_t value) { return pair.b < value; });
            return at != tested.end() && at->b == inKnown[b] ? at->answer : char(kUntested);
        };
        const EnvelopeIndex index(m_store, [](std::size_t) { return true; });
        std::vector<Clusters> own;
        std::vector<UnionMeasure::Cache> caches(measures.size());
        std::vector<std::vector<std::uint32_t>> candidates(measures.size());
        for (std::size_t w = 0; w < measures.size(); ++w)
            own.emplace_back(count);
        ParallelOptions options;
        options.threads = threads;
        options.chunk = 256;
        parallelFor(count, options, [&](unsigned w, std::size_t begin, std::size_t end) {
            Clusters& joined = own[w];
            for (std::size_t a = begin; a < end; ++a) {
                candidates[w].clear();
                index.query(m_store.envelope(a), candidates[w]);
                std::sort(candidates[w].begin(), candidates[w].end());
                for (std::uint32_t b : candidates[w]) {
                    if (b <= a || !envelopesOverlap(m_store.envelope(a), m_store.envelope(b)))
                        continue;
                    char answer = kUntested;
                    if (joined.root(a) != joined.root(b)) {
                        answer = answerKnown(a, b);
                        if (answer == kUntested)
                            answer =
                                measures[w]->overlap(m_store, caches[w], a, b) ? kOverlap : kApart;
                        if (answer == kOverlap)
                            joined.join(a, b);
                    }
                    pairs[a].push_back({b, answer});
                }
            }
        });
        caches.clear();
        // The joins in order. A pair a worker left untested was connected by joins of geometries
        // before `a` alone, so it is connected here too and skipped: no answer is missing.
        Clusters clusters(count);
        for (std::size_t a = 0; a < count; ++a) {
            for (const Pair& pair : pairs[a]) {
                if (clusters.root(a) == clusters.root(pair.b))
                    continue;
                if (pair.answer == kUntested)
                    throw std::logic_error("totalOfFindings: a pair of findings left untested");
                if (pair.answer == kOverlap)
                    clusters.join(a, pair.b);
            }
            if (!keepAnswers)
                std::vector<Pair>().swap(pairs[a]);
        }
        if (keepAnswers)
            m_answers = std::move(pairs);
        std::map<std::size_t, std::vector<std::size_t>> members;
        for (std::size_t i = 0; i < count; ++i)
            members[clusters.root(i)].push_back(i);
        for (auto& [root, group] : members)
            m_clusters.push_back(std::move(group));
        m_unitedMu.assign(m_clusters.size(), std::nullopt);
    }

    /// Forgets the answers relate kept.
    void forgetAnswers() { std::vector<std::vector<Pair>>().swap(m_answers); }

    const GeometryStore& store() const { return m_store; }
    std::size_t geometryCount() const { return m_geometryMu.size(); }

    /// The distinct geometry whose WKB is `bytes`, if this total has it.
    std::optional<std::size_t> find(std::string_view bytes) const
    {
        const auto [begin, end] = m_byWkb.equal_range(std::hash<std::string_view>()(bytes));
        for (auto it = begin; it != end; ++it)
            if (wkbOf(it->second) == bytes)
                return it->second;
        return std::nullopt;
    }
    std::string_view wkbOfGeometry(std::size_t geometry) const { return wkbOf(geometry); }
    const std::vector<std::vector<std::size_t>>& clusters() const { return m_clusters; }
    void setUnitedMu(std::size_t cluster, std::optional<double> mu) { m_unitedMu[cluster] = mu; }

    FindingsTotal finish()
    {
        FindingsTotal total = m_total;
        total.features = m_features.size();
        if (total.withArea == 0)
            return total;
        total.summedMu = m_summed;
        double areaMu = 0;
        std::size_t places = 0; // what the area is made of: features and clusters of geometries
        for (const auto& [key, entry] : m_withoutGeometry) {
            if (m_measuredFeatures.count(flatKey(layerId(key.first), key.second)))
                continue; // the feature is measured through a finding that has its geometry
            areaMu += entry.first;
            ++places;
        }
        for (std::size_t c = 0; c < m_clusters.size(); ++c) {
            const std::vector<std::size_t>& group = m_clusters[c];
            ++places;
            if (group.size() == 1) {
                areaMu += m_geometryMu[group.front()];
                continue;
            }
            if (m_unitedMu[c]) {
                areaMu += *m_unitedMu[c];
            } else {
                // GEOS could not unite them even repaired: their sum, the most they can cover.
                for (std::size_t i : group)
                    areaMu += m_geometryMu[i];
            }
        }
        total.areaMu = areaMu;
        total.countedOnce = total.withArea - places;
        return total;
    }

private:
    /// A small number per layer name (a park has a dozen layers).
    std::uint32_t layerId(const std::string& layer)
    {
        const auto at = std::find(m_layers.begin(), m_layers.end(), layer);
        if (at != m_layers.end())
            return static_cast<std::uint32_t>(at - m_layers.begin());
        m_layers.push_back(layer);
        return static_cast<std::uint32_t>(m_layers.size() - 1);
    }

    /// A feature's key (its layer and sorted fids) as bytes: short enough for the string's own
    /// buffer for a finding about one or two features.
    static std::string flatKey(std::uint32_t layer, const std::vector<std::int64_t>& fids)
    {
        std::string key(reinterpret_cast<const char*>(&layer), sizeof layer);
        if (fids.size() == 1) {
            key.append(reinterpret_cast<const char*>(fids.data()), sizeof(std::int64_t));
            return key;
        }
        std::vector<std::int64_t> sorted = fids;
        std::sort(sorted.begin(), sorted.end());
        key.append(reinterpret_cast<const char*>(sorted.data()),
                   sorted.size() * sizeof(std::int64_t));
        return key;
    }

    struct FeatureHash {
        std::size_t operator()(const std::pair<std::uint32_t, std::int64_t>& key) const
        {
            return std::hash<std::uint64_t>()(static_cast<std::uint64_t>(key.second) *
                                                  0x9E3779B97F4A7C15ull ^
                                              key.first);
        }
    };

    std::string_view wkbOf(std::size_t geometry) const { return m_wkbOf[geometry]; }

    /// Keeps a geometry's WKB as it came, in blocks that are never moved once filled (one
    /// growing array copied each bytes again at every doubling, and faulted the new pages in).
    void keepWkb(const std::vector<unsigned char>& wkb)
    {
        constexpr std::size_t kWkbBlock = std::size_t(4) << 20;
        if (m_wkbBlocks.empty() || m_wkbBlockUsed + wkb.size() > m_wkbBlockSize) {
            m_wkbBlockSize = std::max(kWkbBlock, wkb.size());
            m_wkbBlocks.push_back(std::make_unique_for_overwrite<char[]>(m_wkbBlockSize));
            m_wkbBlockUsed = 0;
        }
        char* at = m_wkbBlocks.back().get() + m_wkbBlockUsed;
        if (!wkb.empty())
            std::memcpy(at, wkb.data(), wkb.size());
        m_wkbBlockUsed += wkb.size();
        m_wkbOf.emplace_back(at, wkb.size());
    }

    enum : char { kUntested = 0, kApart = 1, kOverlap = 2 };
    struct Pair {
        std::uint32_t b;
        char answer;
    };

    FindingsTotal m_total;
    std::vector<std::vector<Pair>> m_answers; // relate's, per geometry a: (b > a, answer) by b
    std::vector<std::string> m_layers;
    std::unordered_set<std::pair<std::uint32_t, std::int64_t>, FeatureHash> m_features;

    // The distinct polygonal geometries, each with the largest area a finding gives it and its
    // WKB (to tell an identical geometry from one whose hash is the same).
    GeometryStore m_store;
    std::vector<double> m_geometryMu;
    std::vector<std::unique_ptr<char[]>> m_wkbBlocks;
    std::size_t m_wkbBlockSize = 0, m_wkbBlockUsed = 0;
    std::vector<std::string_view> m_wkbOf; // each distinct geometry's WKB, in a block
    std::unordered_multimap<std::size_t, std::size_t> m_byWkb; // hash of the WKB → geometry
    std::unordered_set<std::string> m_measuredFeatures; // flatKey of features with a geometry
    std::map<FeatureKey, std::pair<double, std::size_t>> m_withoutGeometry; // largest mu, findings
    double m_summed = 0;
    std::vector<std::vector<std::size_t>> m_clusters; // in the order of their roots
    std::vector<std::optional<double>> m_unitedMu;    // per cluster of several geometries
};

/// UnionPath::Fast: a cluster of at least kTiledFrom geometries is cut into tiles of about
/// kMembersPerTile (by envelope).
constexpr std::size_t kTiledFrom = 512;
constexpr std::size_t kMembersPerTile = 256;

/// Every total of `builders` made: each fed its findings (`which[b]`, indices in increasing
/// order into `findings`) from one read of the findings, then related and united on `threads`
/// workers. The same figures, to the last bit, as making them one by one on one thread.
std::vector<FindingsTotal> makeTotals(const FindingSource& findings,
                                      const std::vector<std::span<const std::size_t>>& which,
                                      const Crs& crs, AreaMethod method, unsigned threads,
                                      UnionPath path)
{
    threads = std::max(1u, threads);
    std::vector<TotalBuilder> builders;
    for (std::span<const std::size_t> list : which)
        builders.emplace_back(list.size());

    // Read: the findings a block at a time (decoded on every worker), each block then fed to
    // every total that counts some of it (the totals side by side). A list not in increasing
    // order (never one totalsOfFindings makes) is fed one finding at a time in its order.
    bool increasing = true;
    for (std::span<const std::size_t> list : which)
        increasing = increasing && std::is_sorted(list.begin(), list.end());
    if (!increasing) {
        Finding scratch;
        for (std::size_t b = 0; b < which.size(); ++b)
            for (std::size_t index : which[b])
                builders[b].add(findings.at(index, scratch));
    }
    std::vector<std::size_t> at(which.size(), 0); // next position in which[b]
    constexpr std::size_t kBlock = 4096;
    std::vector<Finding> scratch;
    std::vector<const Finding*> block;
    for (std::size_t first = 0; increasing && first < findings.size(); first += kBlock) {
        const std::size_t size = std::min(kBlock, findings.size() - first);
        bool wanted = false;
        for (std::size_t b = 0; b < which.size(); ++b)
            wanted = wanted || (at[b] < which[b].size() && which[b][at[b]] < first + size);
        if (!wanted)
            continue;
        scratch.resize(size);
        block.assign(size, nullptr);
        ParallelOptions decode;
        decode.threads = threads;
        decode.chunk = 256;
        parallelFor(size, decode, [&](unsigned, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                block[i] = &findings.at(first + i, scratch[i]);
        });
        ParallelOptions feed;
        feed.threads = threads;
        feed.chunk = 1;
        parallelFor(builders.size(), feed, [&](unsigned, std::size_t begin, std::size_t end) {
            for (std::size_t b = begin; b < end; ++b)
                for (; at[b] < which[b].size() && which[b][at[b]] < first + size; ++at[b])
                    builders[b].add(*block[which[b][at[b]] - first]);
        });
    }
    std::vector<Finding>().swap(scratch);

    // Relate: each total's clusters on every worker, the largest total first.
    std::vector<std::unique_ptr<UnionMeasure>> measures;
    for (unsigned t = 0; t < threads; ++t)
        measures.push_back(std::make_unique<UnionMeasure>(crs, method));
    // Fast: the per-rule totals take the measured total's answers for the pairs it tested.
    const bool reuse = path == UnionPath::Fast && builders.size() > 1;
    for (std::size_t b = 0; b < builders.size(); ++b)
        builders[b].relate(measures, threads, reuse && b > 0 ? &builders[0] : nullptr,
                           reuse && b == 0);
    builders[0].forgetAnswers();

    // Unite: every cluster of several geometries of every total (UnionPath::Fast: a large
    // cluster as its tiles), the largest job first, each on whichever worker is free.
    struct UnionJob {
        std::size_t builder = 0, cluster = 0;
        std::vector<std::size_t> members; // the cluster's, or those reaching into the tile
        std::optional<Envelope> tile;     // nullopt: the cluster whole
        std::optional<double> mu;
        bool keep = false;                    // its union is part of a cluster of the first total
        std::vector<unsigned char> unitedWkb; // that union's polygons (when keep)
        std::vector<std::size_t> nested;      // jobs whose unions this one takes (see below)
        std::vector<std::size_t> covers;      // the geometries of those unions
    };
    // A cluster of another total made of the very geometries (the same WKB) of a cluster of
    // the first total (the measured total, which counts every finding the per-rule totals
    // count) covers the same land: its union is measured once, for the first total, and
    // taken from there (a works strip's cluster that no other rule's part overlaps). Fast
    // only: Reference unites every cluster of every total.
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> sameAsFirst; // (b, c) → c0
    // A cluster of another total made of some of the geometries of one cluster of the first
    // total (a road's works strips, whose measured cluster also holds the red-line pieces
    // they cross): its union, made for its own total, is an input of the first total's
    // union in place of its parts (the same land, so the same area to rounding). Fast only,
    // and only between clusters united whole.
    struct Inside {
        std::size_t builder = 0, cluster = 0;
        std::vector<std::size_t> inFirst; // its geometries in the first total
    };
    std::map<std::size_t, std::vector<Inside>> insideFirst; // c0 → its clusters of other totals
    if (path == UnionPath::Fast && builders.size() > 1) {
        const TotalBuilder& first = builders[0];
        std::vector<std::size_t> clusterOf(first.geometryCount(), 0);
        for (std::size_t c = 0; c < first.clusters().size(); ++c)
            for (std::size_t i : first.clusters()[c])
                clusterOf[i] = c;
        for (std::size_t b = 1; b < builders.size(); ++b) {
            for (std::size_t c = 0; c < builders[b].clusters().size(); ++c) {
                const std::vector<std::size_t>& group = builders[b].clusters()[c];
                if (group.size() <= 1)
                    continue;
                std::optional<std::size_t> c0;
                bool same = true;
                std::vector<std::size_t> inFirst;
                for (std::size_t i : group) {
                    const auto at = first.find(builders[b].wkbOfGeometry(i));
                    if (!at || (c0 && clusterOf[*at] != *c0)) {
                        same = false;
                        break;
                    }
                    c0 = clusterOf[*at];
                    inFirst.push_back(*at);
                }
                if (!same || !c0)
                    continue;
                if (first.clusters()[*c0].size() == group.size())
                    sameAsFirst[{b, c}] = *c0;
                else if (group.size() < kTiledFrom && first.clusters()[*c0].size() < kTiledFrom)
                    insideFirst[*c0].push_back({b, c, std::move(inFirst)});
            }
        }
    }
    std::vector<UnionJob> jobs;
    auto wholeCluster = [&](std::size_t b, std::size_t c) {
        return UnionJob{
            b, c, builders[b].clusters()[c], std::nullopt, std::nullopt, false, {}, {}, {}};
    };
    // The clusters of other totals each cluster of the first takes (the largest first, none
    // sharing a geometry with another taken), made first; the first total's cluster is united
    // afterwards from their unions and its geometries none of them holds.
    std::vector<UnionJob> afterwards;
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> jobOf; // (b, c) → its job
    {
        std::vector<char> taken(builders.empty() ? 0 : builders[0].geometryCount(), 0);
        for (auto& [c0, inside] : insideFirst) {
            std::stable_sort(inside.begin(), inside.end(), [](const Inside& x, const Inside& y) {
                return x.inFirst.size() > y.inFirst.size();
            });
            UnionJob job = wholeCluster(0, c0);
            for (const Inside& part : inside) {
                bool free = true;
                for (std::size_t i : part.inFirst)
                    free = free && !taken[i];
                if (!free)
                    continue;
                for (std::size_t i : part.inFirst)
                    taken[i] = 1;
                jobOf[{part.builder, part.cluster}] = jobs.size();
                job.nested.push_back(jobs.size());
                jobs.push_back(wholeCluster(part.builder, part.cluster));
                jobs.back().keep = true;
            }
            for (std::size_t i : job.members)
                if (taken[i])
                    job.covers.push_back(i);
            std::erase_if(job.members, [&](std::size_t i) { return taken[i] != 0; });
            afterwards.push_back(std::move(job));
        }
    }
    for (std::size_t b = 0; b < builders.size(); ++b) {
        const GeometryStore& store = builders[b].store();
        for (std::size_t c = 0; c < builders[b].clusters().size(); ++c) {
            const std::vector<std::size_t>& group = builders[b].clusters()[c];
            if (group.size() <= 1 || sameAsFirst.count({b, c}) || jobOf.count({b, c}) ||
                (b == 0 && insideFirst.count(c)))
                continue;
            if (path == UnionPath::Reference || group.size() < kTiledFrom) {
                jobs.push_back(wholeCluster(b, c));
                continue;
            }
            // A square grid of about kMembersPerTile geometries a tile; the tiles' edges are
            // the same doubles on both sides, so the tiles cut the land without gap or overlap.
            Envelope extent;
            for (std::size_t i : group)
                extent.expand(store.envelope(i));
            const std::size_t side = static_cast<std::size_t>(std::ceil(
                std::sqrt(static_cast<double>(group.size()) / double(kMembersPerTile))));
            std::vector<double> xs(side + 1), ys(side + 1);
            for (std::size_t k = 0; k <= side; ++k) {
                xs[k] = k == side ? extent.maxX
                                  : extent.minX + (extent.maxX - extent.minX) * double(k) /
                                                      double(side);
                ys[k] = k == side ? extent.maxY
                                  : extent.minY + (extent.maxY - extent.minY) * double(k) /
                                                      double(side);
            }
            std::vector<std::vector<std::size_t>> inTile(side * side);
            for (std::size_t i : group) {
                const Envelope& e = store.envelope(i);
                for (std::size_t tx = 0; tx < side; ++tx) {
                    if (!(e.maxX > xs[tx] && e.minX < xs[tx + 1]))
                        continue;
                    for (std::size_t ty = 0; ty < side; ++ty)
                        if (e.maxY > ys[ty] && e.minY < ys[ty + 1])
                            inTile[tx * side + ty].push_back(i);
                }
            }
            for (std::size_t t = 0; t < inTile.size(); ++t) {
                if (inTile[t].empty())
                    continue;
                Envelope tile;
                tile.minX = xs[t / side];
                tile.maxX = xs[t / side + 1];
                tile.minY = ys[t % side];
                tile.maxY = ys[t % side + 1];
                jobs.push_back(
                    {b, c, std::move(inTile[t]), tile, std::nullopt, false, {}, {}, {}});
            }
        }
    }
    auto runJobs = [&](std::vector<UnionJob>& list) {
        std::vector<std::size_t> order(list.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            return list[x].members.size() > list[y].members.size();
        });
        ParallelOptions unite;
        unite.threads = threads;
        unite.chunk = 1;
        parallelFor(order.size(), unite, [&](unsigned w, std::size_t begin, std::size_t end) {
            for (std::size_t o = begin; o < end; ++o) {
                UnionJob& job = list[order[o]];
                std::vector<const std::vector<unsigned char>*> united;
                for (std::size_t n : job.nested)
                    united.push_back(&jobs[n].unitedWkb);
                job.mu =
                    measures[w]->unionMu(builders[job.builder].store(), job.members,
                                         job.tile ? &*job.tile : nullptr, path == UnionPath::Fast,
                                         united, job.covers, job.keep ? &job.unitedWkb : nullptr);
            }
        });
    };
    runJobs(jobs);
    // A cluster of the first total one of whose taken unions GEOS could not make is united
    // from its own geometries.
    for (UnionJob& job : afterwards) {
        bool made = true;
        for (std::size_t n : job.nested)
            made = made && jobs[n].mu.has_value();
        if (!made)
            job = wholeCluster(job.builder, job.cluster);
    }
    runJobs(afterwards);
    for (UnionJob& job : jobs)
        std::vector<unsigned char>().swap(job.unitedWkb);
    // Each cluster's area: its one job's, or its tiles' summed in tile order (the same figure
    // whatever the threads). A cluster with a tile GEOS could not unite is united whole.
    std::map<std::pair<std::size_t, std::size_t>, std::optional<double>> unitedMu;
    std::set<std::pair<std::size_t, std::size_t>> failedTiles;
    for (const UnionJob& job : jobs) {
        const std::pair<std::size_t, std::size_t> key{job.builder, job.cluster};
        if (!job.tile) {
            unitedMu[key] = job.mu;
        } else if (!job.mu) {
            failedTiles.insert(key);
        } else {
            std::optional<double>& sum = unitedMu[key];
            sum = sum.value_or(0.0) + *job.mu;
        }
    }
    std::vector<UnionJob> again;
    for (const auto& [b, c] : failedTiles)
        again.push_back(wholeCluster(b, c));
    for (const UnionJob& job : afterwards) {
        if (!job.mu && !job.nested.empty())
            again.push_back(wholeCluster(job.builder, job.cluster)); // united from its parts
        else
            unitedMu[{job.builder, job.cluster}] = job.mu;
    }
    runJobs(again);
    for (const UnionJob& job : again)
        unitedMu[{job.builder, job.cluster}] = job.mu;
    for (const auto& [key, c0] : sameAsFirst) {
        const auto from = unitedMu.find({0, c0});
        unitedMu[key] = from == unitedMu.end() ? std::nullopt : from->second;
    }
    for (const auto& [key, mu] : unitedMu)
        builders[key.first].setUnitedMu(key.second, mu);

    std::vector<FindingsTotal> totals;
    for (TotalBuilder& builder : builders)
        totals.push_back(builder.finish());
    return totals;
}

} // namespace

FindingsTotal totalOfFindings(const std::vector<Finding>& findings,
                              std::span<const std::size_t> which, const Crs& crs, AreaMethod method,
                              UnionPath path)
{
    for (std::size_t index : which)
        (void)findings.at(index); // out of range throws, as it always did
    return totalOfFindings(FindingList(findings), which, crs, method, path);
}

FindingsTotal totalOfFindings(const FindingSource& findings, std::span<const std::size_t> which,
                              const Crs& crs, AreaMethod method, UnionPath path)
{
    return makeTotals(findings, {which}, crs, method, 1, path).front();
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
                                AreaMethod method, UnionPath path)
{
    return totalsOfFindings(FindingList(findings), crs, method, path);
}

FindingsTotals totalsOfFindings(const FindingSource& findings, const Crs& crs, AreaMethod method,
                                UnionPath path)
{
    std::vector<std::string> rules;
    std::map<std::string, std::vector<std::size_t>> byRule;
    std::vector<std::size_t> measured;
    Finding scratch;
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const std::string& rule = findings.ruleOf(i, scratch);
        if (!byRule.count(rule))
            rules.push_back(rule);
        byRule[rule].push_back(i);
        if (rule != kCannotDecide)
            measured.push_back(i);
    }
    FindingsTotals totals;
    for (const std::string& rule : rules)
        totals.byRule.push_back({rule, {}});
    // Made together: the findings read once for every total, each total's overlaps and unions
    // on every worker. The same figures as one total after another, whatever the threads.
    std::vector<std::span<const std::size_t>> which;
    which.push_back(measured);
    for (RuleTotal& entry : totals.byRule)
        which.push_back(byRule[entry.rule]);
    const std::vector<FindingsTotal> made =
        makeTotals(findings, which, crs, method, workerCount(findings.size(), 0, 2000), path);
    totals.measured = made[0];
    for (std::size_t r = 0; r < totals.byRule.size(); ++r)
        totals.byRule[r].total = made[r + 1];
    totals.undecided = totals.of(kCannotDecide);
    return totals;
}

} // namespace parkatlas::geo
