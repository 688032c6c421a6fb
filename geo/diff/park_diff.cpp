#include "geo/diff/park_diff.h"

#include "geo/crs/transform.h"
#include "geo/error.h"
#include "geo/issue.h"
#include "geo/model/envelope_index.h"
#include "geo/model/geos_context.h"
#include "geo/model/park.h"
#include "geo/units.h"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <unordered_map>
#include <utility>

namespace parkatlas::geo {

const char* chineseName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return "新增";
    case ChangeKind::Removed:
        return "灭失";
    case ChangeKind::Changed:
        return "变更";
    }
    return "";
}

const char* toString(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return "added";
    case ChangeKind::Removed:
        return "removed";
    case ChangeKind::Changed:
        return "changed";
    }
    return "";
}

std::string DiffItem::label() const
{
    // A split is named after the plot that was cut; anything else after what it is now.
    const bool split = relation == "split";
    for (const auto* ids : {split ? &oldIds : &newIds, split ? &newIds : &oldIds})
        for (const std::string& id : *ids)
            if (!id.empty())
                return id;
    const auto& fids = newFids.empty() ? oldFids : newFids;
    return fids.empty() ? std::string() : "fid " + std::to_string(fids.front());
}

const LayerDiff* ParkDiff::layer(Role role) const
{
    for (const LayerDiff& l : layers)
        if (l.role == role)
            return &l;
    return nullptr;
}

std::vector<const char*> diffKeyFields(Role role)
{
    switch (role) {
    case Role::Parcels:
        return {"parcel_id"};
    case Role::PlanZones:
        return {"zone_id"};
    case Role::Acquisition:
        return {"batch_id"};
    case Role::IdleLand:
        return {"case_id"};
    case Role::Roads:
    case Role::Pipelines:
        return {"lot", "name"};
    default:
        return {};
    }
}

DiffValue diffValueOf(const AttributeTable& attributes, std::size_t row, int field)
{
    if (field < 0 || attributes.isUnknown(row, field))
        return std::monostate{};
    switch (attributes.fields()[field].type) {
    case FieldType::Integer:
    case FieldType::Real:
        if (auto n = attributes.number(row, field))
            return *n;
        return std::monostate{};
    case FieldType::String:
        return std::string(attributes.textView(row, field));
    case FieldType::Date:
        return attributes.text(row, field);
    }
    return std::monostate{};
}

std::string diffValueText(const DiffValue& value)
{
    if (const double* d = std::get_if<double>(&value)) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.15g", *d);
        return buffer;
    }
    if (const std::string* s = std::get_if<std::string>(&value))
        return *s;
    return {};
}

namespace {

bool isNumeric(FieldType type)
{
    return type == FieldType::Integer || type == FieldType::Real;
}

/// Same value on both sides, without allocating for the common types.
bool sameValue(const AttributeTable& a, std::size_t ra, int fa, const AttributeTable& b,
               std::size_t rb, int fb)
{
    const bool unknownA = fa < 0 || a.isUnknown(ra, fa);
    const bool unknownB = fb < 0 || b.isUnknown(rb, fb);
    if (unknownA || unknownB)
        return unknownA == unknownB;
    const FieldType ta = a.fields()[fa].type, tb = b.fields()[fb].type;
    if (ta == FieldType::String && tb == FieldType::String)
        return a.textView(ra, fa) == b.textView(rb, fb);
    if (isNumeric(ta) && isNumeric(tb))
        return a.number(ra, fa) == b.number(rb, fb);
    return diffValueOf(a, ra, fa) == diffValueOf(b, rb, fb);
}

struct FieldPair {
    std::string name;
    int oldIndex = -1;
    int newIndex = -1;
};

std::vector<FieldPair> pairFields(const Layer* oldLayer, const Layer* newLayer)
{
    std::vector<FieldPair> pairs;
    if (newLayer)
        for (std::size_t i = 0; i < newLayer->attributes.fields().size(); ++i) {
            const std::string& name = newLayer->attributes.fields()[i].name;
            pairs.push_back(
                {name, oldLayer ? oldLayer->attributes.fieldIndex(name) : -1, static_cast<int>(i)});
        }
    if (oldLayer)
        for (std::size_t i = 0; i < oldLayer->attributes.fields().size(); ++i) {
            const std::string& name = oldLayer->attributes.fields()[i].name;
            if (!newLayer || newLayer->attributes.fieldIndex(name) < 0)
                pairs.push_back({name, static_cast<int>(i), -1});
        }
    return pairs;
}

bool sameGeometry(const GeometryStore& a, std::size_t fa, const GeometryStore& b, std::size_t fb,
                  double tolerance)
{
    if (a.partCount(fa) != b.partCount(fb))
        return false;
    for (std::size_t p = 0; p < a.partCount(fa); ++p) {
        if (a.ringCount(fa, p) != b.ringCount(fb, p))
            return false;
        for (std::size_t r = 0; r < a.ringCount(fa, p); ++r) {
            const RingView ra = a.ring(fa, p, r), rb = b.ring(fb, p, r);
            if (ra.xy.size() != rb.xy.size())
                return false;
            for (std::size_t i = 0; i < ra.xy.size(); ++i)
                if (!(std::fabs(ra.xy[i] - rb.xy[i]) <= tolerance))
                    return false;
        }
    }
    return true;
}

/// A hash of a geometry's coordinates snapped to a grid of `cell`: equal geometries (within the
/// tolerance, away from cell edges) hash the same; the exact test follows.
std::size_t geometryHash(const GeometryStore& store, std::size_t feature, double cell)
{
    std::size_t hash = store.partCount(feature);
    for (std::size_t p = 0; p < store.partCount(feature); ++p)
        for (std::size_t r = 0; r < store.ringCount(feature, p); ++r)
            for (double v : store.ring(feature, p, r).xy)
                hash = hash * 1000003u ^ std::hash<long long>()(std::llround(v / cell));
    return hash;
}

/// The comparison's progress: each role's layer has its span of the whole (by its features), and
/// each phase of it a part of that span. Calls the callback every `every` rows, throws Cancelled
/// when it says so.
class DiffProgressReporter {
public:
    explicit DiffProgressReporter(const ProgressCallback& callback) : m_callback(callback) {}

    void setLayerSpan(double begin, double span)
    {
        m_begin = begin;
        m_span = span;
    }
    /// Row `row` of `rows` of the phase that covers [phaseBegin, phaseBegin + phaseSpan) of the
    /// layer's span.
    void row(double phaseBegin, double phaseSpan, std::size_t row, std::size_t rows,
             std::size_t every = 4096) const
    {
        if (!m_callback || row % every != 0)
            return;
        report(phaseBegin + phaseSpan * (rows ? static_cast<double>(row) / rows : 1.0));
    }
    /// The layer's span done to `share` (0..1).
    void report(double share) const
    {
        if (!m_callback)
            return;
        // Never backwards (a layer's end and the next one's start differ by rounding).
        m_last = std::max(m_last, std::min(1.0, m_begin + m_span * std::clamp(share, 0.0, 1.0)));
        if (!m_callback(m_last))
            throw Cancelled();
    }

private:
    const ProgressCallback& m_callback;
    double m_begin = 0, m_span = 1;
    mutable double m_last = 0;
};

// The phases of one layer, as shares of its span.
constexpr double kMatchBegin = 0.0, kMatchSpan = 0.3;    // keys
constexpr double kGeometryBegin = 0.3, kGeometrySpan = 0.15; // geometry fallback
constexpr double kCompareBegin = 0.45, kCompareSpan = 0.25;  // one to one
constexpr double kGroupBegin = 0.7, kGroupSpan = 0.15;       // splits and merges
constexpr double kMeasureBegin = 0.85, kMeasureSpan = 0.15;  // areas and lengths
constexpr std::size_t kGeosEvery = 64; // rows between checks in the GEOS loops

/// Disjoint sets over the old rows (0..oldCount) then the new rows.
struct UnionFind {
    std::vector<std::size_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    std::size_t find(std::size_t i)
    {
        while (parent[i] != i)
            i = parent[i] = parent[parent[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

class LayerComparer {
public:
    LayerComparer(Role role, const ParkLayer* oldLayer, const ParkLayer* newLayer,
                  const DiffOptions& options, double tolerance, IssueSink& issues,
                  const DiffProgressReporter& progress)
        : m_role(role), m_old(oldLayer), m_new(newLayer), m_options(options),
          m_tolerance(tolerance), m_issues(issues), m_progress(progress)
    {
    }

    LayerDiff run()
    {
        LayerDiff out;
        out.role = m_role;
        out.oldCount = m_old ? m_old->layer->featureCount() : 0;
        out.newCount = m_new ? m_new->layer->featureCount() : 0;
        m_fields =
            pairFields(m_old ? m_old->layer.get() : nullptr, m_new ? m_new->layer.get() : nullptr);
        m_oldMatch.assign(out.oldCount, kNone);
        m_newMatch.assign(out.newCount, kNone);
        if (m_old && m_new)
            match(out);
        else
            out.matchedBy = "—";
        compare(out);
        return out;
    }

private:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    const char* roleName() const { return toString(m_role); }

    /// The key of a row, or nullopt when a key field is unknown.
    std::optional<std::string> keyOf(const ParkLayer& layer, const std::vector<int>& fields,
                                     std::size_t row) const
    {
        std::string key;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (layer.layer->attributes.isUnknown(row, fields[i]))
                return std::nullopt;
            if (i)
                key += " · ";
            key += layer.layer->attributes.text(row, fields[i]);
        }
        return key;
    }

    std::vector<int> keyIndices(const ParkLayer& layer) const
    {
        std::vector<int> out;
        for (const char* name : diffKeyFields(m_role)) {
            const int index = layer.field(name);
            if (index < 0)
                return {};
            out.push_back(index);
        }
        return out;
    }

    void match(LayerDiff& out)
    {
        const std::vector<const char*> keyFields = diffKeyFields(m_role);
        std::string keyName;
        for (const char* f : keyFields)
            keyName += (keyName.empty() ? "" : "+") + std::string(f);
        std::vector<std::size_t> oldPool, newPool;
        if (keyFields.empty()) {
            out.matchedBy = "fid";
            std::unordered_map<std::int64_t, std::size_t> byFid;
            for (std::size_t row = 0; row < out.oldCount; ++row)
                byFid.emplace(m_old->layer->fids[row], row);
            for (std::size_t row = 0; row < out.newCount; ++row) {
                m_progress.row(kMatchBegin, kMatchSpan, row, out.newCount);
                const auto it = byFid.find(m_new->layer->fids[row]);
                if (it != byFid.end() && m_oldMatch[it->second] == kNone) {
                    m_oldMatch[it->second] = row;
                    m_newMatch[row] = it->second;
                }
            }
            return;
        }
        const std::vector<int> oldKeys = keyIndices(*m_old), newKeys = keyIndices(*m_new);
        if (oldKeys.empty() || newKeys.empty()) {
            out.matchedBy = "geometry";
            out.notes.push_back(std::string(roleName()) + ": the " +
                                (oldKeys.empty() ? "old" : "new") + " layer has no " + keyName +
                                " field: every feature matched by geometry");
            for (std::size_t row = 0; row < out.oldCount; ++row)
                oldPool.push_back(row);
            for (std::size_t row = 0; row < out.newCount; ++row)
                newPool.push_back(row);
            matchByGeometry(oldPool, newPool);
            return;
        }
        out.matchedBy = keyName;
        // Keys per side; a key seen twice on either side is unusable for all its features.
        std::vector<std::optional<std::string>> oldKeyOf(out.oldCount), newKeyOf(out.newCount);
        std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> keyRows; // first rows
        std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> keyCounts;
        keyRows.reserve(out.oldCount + out.newCount);
        keyCounts.reserve(out.oldCount + out.newCount);
        std::vector<std::int64_t> unknownOld, unknownNew;
        const std::size_t keyRowsTotal = 2 * (out.oldCount + out.newCount);
        for (std::size_t row = 0; row < out.oldCount; ++row) {
            m_progress.row(kMatchBegin, kMatchSpan, row, keyRowsTotal);
            oldKeyOf[row] = keyOf(*m_old, oldKeys, row);
            if (!oldKeyOf[row]) {
                unknownOld.push_back(m_old->layer->fids[row]);
                continue;
            }
            auto& counts = keyCounts[*oldKeyOf[row]];
            if (counts.first++ == 0)
                keyRows[*oldKeyOf[row]].first = row;
        }
        for (std::size_t row = 0; row < out.newCount; ++row) {
            m_progress.row(kMatchBegin, kMatchSpan, out.oldCount + row, keyRowsTotal);
            newKeyOf[row] = keyOf(*m_new, newKeys, row);
            if (!newKeyOf[row]) {
                unknownNew.push_back(m_new->layer->fids[row]);
                continue;
            }
            auto& counts = keyCounts[*newKeyOf[row]];
            if (counts.second++ == 0)
                keyRows[*newKeyOf[row]].second = row;
        }
        auto fidList = [](const std::vector<std::int64_t>& fids) {
            std::string text;
            for (std::size_t i = 0; i < fids.size() && i < 10; ++i) {
                if (i)
                    text += ", ";
                text += std::to_string(fids[i]);
            }
            if (fids.size() > 10)
                text += " … (" + std::to_string(fids.size()) + " in all)";
            return text;
        };
        if (!unknownOld.empty())
            out.notes.push_back(std::string(roleName()) + ": " + keyName +
                                " unknown on old fid " + fidList(unknownOld) +
                                ": matched by geometry");
        if (!unknownNew.empty())
            out.notes.push_back(std::string(roleName()) + ": " + keyName +
                                " unknown on new fid " + fidList(unknownNew) +
                                ": matched by geometry");
        std::vector<std::string> duplicated;
        for (std::size_t row = 0; row < out.oldCount; ++row) {
            m_progress.row(kMatchBegin, kMatchSpan, out.oldCount + out.newCount + row,
                           keyRowsTotal);
            if (!oldKeyOf[row]) {
                oldPool.push_back(row);
                continue;
            }
            const auto& counts = keyCounts[*oldKeyOf[row]];
            if (counts.first > 1 || counts.second > 1) {
                oldPool.push_back(row);
                if (keyRows[*oldKeyOf[row]].first == row)
                    duplicated.push_back(*oldKeyOf[row]);
                continue;
            }
            if (counts.second == 1) {
                const std::size_t newRow = keyRows[*oldKeyOf[row]].second;
                m_oldMatch[row] = newRow;
                m_newMatch[newRow] = row;
            }
        }
        for (std::size_t row = 0; row < out.newCount; ++row) {
            m_progress.row(kMatchBegin, kMatchSpan, 2 * out.oldCount + out.newCount + row,
                           keyRowsTotal);
            if (!newKeyOf[row]) {
                newPool.push_back(row);
                continue;
            }
            const auto& counts = keyCounts[*newKeyOf[row]];
            if (counts.first > 1 || counts.second > 1) {
                newPool.push_back(row);
                if (counts.first <= 1 && keyRows[*newKeyOf[row]].second == row)
                    duplicated.push_back(*newKeyOf[row]);
            }
        }
        if (!duplicated.empty()) {
            std::sort(duplicated.begin(), duplicated.end());
            duplicated.erase(std::unique(duplicated.begin(), duplicated.end()), duplicated.end());
            std::string list, listZh;
            for (std::size_t i = 0; i < duplicated.size() && i < 10; ++i) {
                const auto& counts = keyCounts[duplicated[i]];
                list += (i ? ", " : "") + duplicated[i] + " (" + std::to_string(counts.first) +
                        " old, " + std::to_string(counts.second) + " new)";
                listZh += (i ? "、" : "") + duplicated[i] + "（旧 " + std::to_string(counts.first) +
                          " 个，新 " + std::to_string(counts.second) + " 个）";
            }
            if (duplicated.size() > 10) {
                list += " … (" + std::to_string(duplicated.size()) + " keys in all)";
                listZh += " …（共 " + std::to_string(duplicated.size()) + " 个编号）";
            }
            out.notes.push_back(std::string(roleName()) + ": " + keyName +
                                " not unique: " + list + ": matched by geometry");
            m_issues.report(withMessage(
                {Issue::Severity::Warning, m_new->layer->sourcePath, m_new->layer->name, -1},
                message("key_collides",
                        "{key} collides ({list}): those features matched "
                        "by geometry",
                        {{"key", keyName}, {"list", list}, {"list_zh", listZh}})));
        }
        matchByGeometry(oldPool, newPool);
    }

    /// Pool features pair up when their geometry is the same, else (polygons) when each covers
    /// most of the other.
    void matchByGeometry(const std::vector<std::size_t>& oldPool,
                         const std::vector<std::size_t>& newPool)
    {
        if (oldPool.empty() || newPool.empty())
            return;
        const GeometryStore& oldStore = m_old->layer->geometry;
        const GeometryStore& newStore = m_new->layer->geometry;
        std::unordered_multimap<std::size_t, std::size_t> byHash;
        for (std::size_t row : oldPool)
            byHash.emplace(geometryHash(oldStore, row, m_tolerance * 4), row);
        std::vector<std::size_t> newLeft;
        for (std::size_t i = 0; i < newPool.size(); ++i) {
            const std::size_t row = newPool[i];
            m_progress.row(kGeometryBegin, kGeometrySpan / 2, i, newPool.size());
            bool found = false;
            auto [begin, end] = byHash.equal_range(geometryHash(newStore, row, m_tolerance * 4));
            for (auto it = begin; it != end && !found; ++it)
                if (m_oldMatch[it->second] == kNone &&
                    sameGeometry(oldStore, it->second, newStore, row, m_tolerance)) {
                    m_oldMatch[it->second] = row;
                    m_newMatch[row] = it->second;
                    found = true;
                }
            if (!found)
                newLeft.push_back(row);
        }
        if (oldStore.kind() != GeometryKind::Polygon || newLeft.empty())
            return;
        std::vector<Envelope> envelopes(oldStore.featureCount());
        for (std::size_t row : oldPool)
            if (m_oldMatch[row] == kNone)
                envelopes[row] = oldStore.envelope(row);
        const EnvelopeIndex index(envelopes);
        GeosContext geos;
        std::vector<std::uint32_t> candidates;
        for (std::size_t i = 0; i < newLeft.size(); ++i) {
            const std::size_t row = newLeft[i];
            m_progress.row(kGeometryBegin + kGeometrySpan / 2, kGeometrySpan / 2, i,
                           newLeft.size(), kGeosEvery);
            const GeosGeomPtr newGeometry = geos.fromStore(newStore, row);
            if (!newGeometry)
                continue;
            double newArea = 0;
            GEOSArea_r(geos.handle(), newGeometry.get(), &newArea);
            candidates.clear();
            index.query(newStore.envelope(row), candidates);
            std::size_t best = kNone;
            double bestShare = 0.5;
            for (std::uint32_t candidate : candidates) {
                if (m_oldMatch[candidate] != kNone)
                    continue;
                const GeosGeomPtr oldGeometry = geos.fromStore(oldStore, candidate);
                if (!oldGeometry)
                    continue;
                double oldArea = 0, overlapArea = 0;
                GEOSArea_r(geos.handle(), oldGeometry.get(), &oldArea);
                const GeosGeomPtr overlap = geos.own(
                    GEOSIntersection_r(geos.handle(), oldGeometry.get(), newGeometry.get()));
                if (!overlap)
                    continue;
                GEOSArea_r(geos.handle(), overlap.get(), &overlapArea);
                const double share = overlapArea / std::max(oldArea, newArea);
                if (share > bestShare) {
                    bestShare = share;
                    best = candidate;
                }
            }
            if (best != kNone) {
                m_oldMatch[best] = row;
                m_newMatch[row] = best;
            }
        }
    }

    double measure(const ParkLayer& layer, std::unique_ptr<AreaCalculator>& calculator,
                   std::size_t row, bool length)
    {
        if (!calculator) {
            calculator = std::make_unique<AreaCalculator>(layer.layer->crs, m_options.areaMethod);
            calculator->setIssueSink(&m_issues, layer.layer->sourcePath, layer.layer->name);
        }
        const GeometryStore& store = layer.layer->geometry;
        if (length)
            return calculator->lengthM(store, row,
                                       m_options.areaMethod == AreaMethod::Planar
                                           ? LengthMethod::Planar
                                           : LengthMethod::Geodesic,
                                       layer.layer->fids[row]) /
                   1000.0;
        return calculator->areaM2(store, row, layer.layer->fids[row]) / kSquareMetresPerMu;
    }

    void measureItem(DiffItem& item)
    {
        const GeometryKind kind = (m_new ? m_new->layer->geometry : m_old->layer->geometry).kind();
        if (kind != GeometryKind::Polygon && kind != GeometryKind::Line)
            return;
        const bool line = kind == GeometryKind::Line;
        auto sum = [&](const ParkLayer* layer, std::unique_ptr<AreaCalculator>& calculator,
                       const std::vector<std::size_t>& rows) {
            double total = 0;
            for (std::size_t row : rows)
                total += measure(*layer, calculator, row, line);
            return total;
        };
        if (!item.oldRows.empty())
            (line ? item.oldLengthKm : item.oldAreaMu) = sum(m_old, m_oldCalculator, item.oldRows);
        if (!item.newRows.empty())
            (line ? item.newLengthKm : item.newAreaMu) = sum(m_new, m_newCalculator, item.newRows);
    }

    std::string idOf(const ParkLayer& layer, std::size_t row) const
    {
        const std::vector<int> keys = keyIndices(layer);
        if (keys.empty())
            return {};
        return keyOf(layer, keys, row).value_or("");
    }

    DiffItem makeItem(ChangeKind kind, std::vector<std::size_t> oldRows,
                      std::vector<std::size_t> newRows)
    {
        DiffItem item;
        item.kind = kind;
        item.oldRows = std::move(oldRows);
        item.newRows = std::move(newRows);
        for (std::size_t row : item.oldRows) {
            item.oldFids.push_back(m_old->layer->fids[row]);
            item.oldIds.push_back(idOf(*m_old, row));
        }
        for (std::size_t row : item.newRows) {
            item.newFids.push_back(m_new->layer->fids[row]);
            item.newIds.push_back(idOf(*m_new, row));
        }
        return item;
    }

    void compare(LayerDiff& out)
    {
        // One-to-one first.
        std::vector<DiffItem> items;
        std::vector<bool> geometryChanged(out.newCount, false);
        for (std::size_t row = 0; row < out.newCount; ++row) {
            m_progress.row(kCompareBegin, kCompareSpan, row, out.newCount + out.oldCount);
            const std::size_t oldRow = m_newMatch[row];
            if (oldRow == kNone) {
                DiffItem item = makeItem(ChangeKind::Added, {}, {row});
                item.geometryChanged = true;
                for (const FieldPair& f : m_fields)
                    if (f.newIndex >= 0)
                        item.fields.push_back(
                            {f.name, {}, diffValueOf(m_new->layer->attributes, row, f.newIndex)});
                items.push_back(std::move(item));
                continue;
            }
            std::vector<FieldChange> changes;
            for (const FieldPair& f : m_fields)
                if (!sameValue(m_old->layer->attributes, oldRow, f.oldIndex,
                               m_new->layer->attributes, row, f.newIndex))
                    changes.push_back({f.name,
                                       diffValueOf(m_old->layer->attributes, oldRow, f.oldIndex),
                                       diffValueOf(m_new->layer->attributes, row, f.newIndex)});
            const bool moved = !sameGeometry(m_old->layer->geometry, oldRow, m_new->layer->geometry,
                                             row, m_tolerance);
            if (changes.empty() && !moved) {
                ++out.unchangedCount;
                continue;
            }
            DiffItem item = makeItem(ChangeKind::Changed, {oldRow}, {row});
            item.geometryChanged = moved;
            item.fields = std::move(changes);
            items.push_back(std::move(item));
        }
        for (std::size_t row = 0; row < out.oldCount; ++row) {
            m_progress.row(kCompareBegin, kCompareSpan, out.newCount + row,
                           out.newCount + out.oldCount);
            if (m_oldMatch[row] != kNone)
                continue;
            DiffItem item = makeItem(ChangeKind::Removed, {row}, {});
            item.geometryChanged = true;
            for (const FieldPair& f : m_fields)
                if (f.oldIndex >= 0)
                    item.fields.push_back(
                        {f.name, diffValueOf(m_old->layer->attributes, row, f.oldIndex), {}});
            items.push_back(std::move(item));
        }
        if (m_old && m_new && m_old->layer->geometry.kind() == GeometryKind::Polygon &&
            m_new->layer->geometry.kind() == GeometryKind::Polygon)
            groupSplitsAndMerges(items);
        for (std::size_t i = 0; i < items.size(); ++i) {
            m_progress.row(kMeasureBegin, kMeasureSpan, i, items.size(), 256);
            measureItem(items[i]);
        }
        m_progress.report(1.0);
        out.items = std::move(items);
    }

    /// Splits and merges: among the items whose geometry changed (added, removed, or changed in
    /// shape), an old feature and a new one are linked when most of either lies in the other;
    /// a linked group with more than one feature on a side, and at least one added or removed
    /// feature, becomes one item.
    void groupSplitsAndMerges(std::vector<DiffItem>& items)
    {
        std::vector<std::size_t> oldRows, newRows;
        bool anyAddedOrRemoved = false;
        for (const DiffItem& item : items) {
            if (!item.geometryChanged)
                continue;
            anyAddedOrRemoved |= item.kind != ChangeKind::Changed;
            oldRows.insert(oldRows.end(), item.oldRows.begin(), item.oldRows.end());
            newRows.insert(newRows.end(), item.newRows.begin(), item.newRows.end());
        }
        if (!anyAddedOrRemoved || oldRows.empty() || newRows.empty())
            return;
        const GeometryStore& oldStore = m_old->layer->geometry;
        const GeometryStore& newStore = m_new->layer->geometry;
        const std::size_t oldCount = oldStore.featureCount();
        UnionFind sets(oldCount + newStore.featureCount());
        for (const DiffItem& item : items)
            if (item.kind == ChangeKind::Changed && item.geometryChanged)
                sets.join(item.oldRows.front(), oldCount + item.newRows.front());
        std::vector<Envelope> envelopes(newStore.featureCount());
        for (std::size_t row : newRows)
            envelopes[row] = newStore.envelope(row);
        const EnvelopeIndex index(envelopes);
        GeosContext geos;
        std::unordered_map<std::size_t, std::pair<GeosGeomPtr, double>> newGeometries;
        auto newGeometry = [&](std::size_t row) -> std::pair<GeosGeomPtr, double>& {
            auto it = newGeometries.find(row);
            if (it == newGeometries.end()) {
                GeosGeomPtr g = geos.fromStore(newStore, row);
                double area = 0;
                if (g)
                    GEOSArea_r(geos.handle(), g.get(), &area);
                it = newGeometries.emplace(row, std::make_pair(std::move(g), area)).first;
            }
            return it->second;
        };
        std::vector<std::uint32_t> candidates;
        for (std::size_t i = 0; i < oldRows.size(); ++i) {
            const std::size_t oldRow = oldRows[i];
            m_progress.row(kGroupBegin, kGroupSpan, i, oldRows.size(), kGeosEvery);
            const GeosGeomPtr oldGeometry = geos.fromStore(oldStore, oldRow);
            if (!oldGeometry)
                continue;
            double oldArea = 0;
            GEOSArea_r(geos.handle(), oldGeometry.get(), &oldArea);
            const GeosPreparedPtr prepared = geos.prepare(oldGeometry.get());
            candidates.clear();
            index.query(oldStore.envelope(oldRow), candidates);
            for (std::uint32_t newRow : candidates) {
                auto& [geometry, newArea] = newGeometry(newRow);
                if (!geometry || !GEOSPreparedIntersects_r(geos.handle(), prepared.get(),
                                                           geometry.get()))
                    continue;
                const GeosGeomPtr overlap = geos.own(
                    GEOSIntersection_r(geos.handle(), oldGeometry.get(), geometry.get()));
                double overlapArea = 0;
                if (overlap)
                    GEOSArea_r(geos.handle(), overlap.get(), &overlapArea);
                if (overlapArea >= 0.5 * newArea || overlapArea >= 0.5 * oldArea)
                    sets.join(oldRow, oldCount + newRow);
            }
        }
        // Components with more than one feature on a side.
        std::unordered_map<std::size_t, std::pair<std::vector<std::size_t>, std::vector<std::size_t>>>
            groups;
        for (std::size_t row : oldRows)
            groups[sets.find(row)].first.push_back(row);
        for (std::size_t row : newRows)
            groups[sets.find(oldCount + row)].second.push_back(row);
        std::vector<bool> oldGrouped(oldCount, false), newGrouped(newStore.featureCount(), false);
        std::vector<DiffItem> grouped;
        for (auto& [root, sides] : groups) {
            auto& [olds, news] = sides;
            if (olds.empty() || news.empty() || (olds.size() < 2 && news.size() < 2))
                continue;
            std::sort(olds.begin(), olds.end());
            std::sort(news.begin(), news.end());
            DiffItem item = makeItem(ChangeKind::Changed, olds, news);
            item.geometryChanged = true;
            item.relation = olds.size() == 1 ? "split" : news.size() == 1 ? "merge" : "split+merge";
            for (std::size_t row : olds)
                oldGrouped[row] = true;
            for (std::size_t row : news)
                newGrouped[row] = true;
            grouped.push_back(std::move(item));
        }
        if (grouped.empty())
            return;
        std::vector<DiffItem> kept;
        for (DiffItem& item : items) {
            bool inGroup = false;
            for (std::size_t row : item.oldRows)
                inGroup |= oldGrouped[row];
            for (std::size_t row : item.newRows)
                inGroup |= newGrouped[row];
            if (!inGroup)
                kept.push_back(std::move(item));
        }
        std::sort(grouped.begin(), grouped.end(), [](const DiffItem& a, const DiffItem& b) {
            return a.newRows.front() < b.newRows.front();
        });
        for (DiffItem& item : grouped)
            kept.push_back(std::move(item));
        items = std::move(kept);
    }

    Role m_role;
    const ParkLayer* m_old;
    const ParkLayer* m_new;
    const DiffOptions& m_options;
    double m_tolerance;
    IssueSink& m_issues;
    const DiffProgressReporter& m_progress;
    std::vector<FieldPair> m_fields;
    std::vector<std::size_t> m_oldMatch, m_newMatch;
    std::unique_ptr<AreaCalculator> m_oldCalculator, m_newCalculator;
};

} // namespace

std::string transformPark(Park& park, const Crs& crs, IssueSink& issues)
{
    if (park.crs.isEmpty() || crs.isEmpty() || park.crs.isSameAs(crs))
        return {};
    const std::string from = park.crs.label();
    std::string operation;
    for (ParkLayer& parkLayer : park.layers) {
        if (parkLayer.layer->crs.isEmpty() || parkLayer.layer->crs.isSameAs(crs))
            continue;
        const Transform transform(parkLayer.layer->crs, crs);
        Layer layer = *parkLayer.layer; // the park's layers are shared: transform a copy
        std::size_t failed = 0;
        layer.geometry.transformAll(
            [&](double* xy, std::size_t count) { failed += transform.forward(xy, count); });
        if (failed)
            issues.report(
                {Issue::Severity::Error, layer.sourcePath, layer.name, -1,
                 std::to_string(failed) + " vertices could not be transformed to " + crs.label()});
        layer.crs = crs;
        parkLayer.layer = std::make_shared<const Layer>(std::move(layer));
        operation = transform.description() +
                    (transform.isBallpark() ? " (ballpark: datum shift ignored)" : "");
    }
    park.crs = crs;
    return from + " to " + crs.label() + (operation.empty() ? "" : " (" + operation + ")");
}

ParkDiff diffParks(const Park& oldPark, Park& newPark, const DiffOptions& options,
                   IssueSink& issues)
{
    const std::string transformed = transformPark(newPark, oldPark.crs, issues);
    ParkDiff diff = diffParks(oldPark, std::as_const(newPark), options, issues);
    if (!transformed.empty())
        diff.notes.insert(diff.notes.begin(),
                          "the parks are in different CRSs: the new park was transformed from " +
                              transformed +
                              " to be compared; areas are measured in each park's own layers");
    return diff;
}

ParkDiff diffParks(const Park& oldPark, const Park& newPark, const DiffOptions& options,
                   IssueSink& issues)
{
    if (!oldPark.crs.isEmpty() && !newPark.crs.isEmpty() && !oldPark.crs.isSameAs(newPark.crs))
        throw CrsError("the parks to compare are in different CRSs (" + oldPark.crs.label() +
                       ", " + newPark.crs.label() + "): transform one first");
    ParkDiff diff;
    diff.oldName = oldPark.name;
    diff.newName = newPark.name;
    diff.crs = oldPark.crs.label();
    double tolerance = options.tolerance;
    if (tolerance <= 0)
        tolerance = oldPark.crs.isGeographic() ? 1e-8 : 0.001;
    // Each role's span of the progress, by its features.
    std::vector<Role> roles;
    double totalFeatures = 0;
    for (Role role : allRoles()) {
        if (!options.roles.empty() &&
            std::find(options.roles.begin(), options.roles.end(), role) == options.roles.end())
            continue;
        const ParkLayer* oldLayer = oldPark.layer(role);
        const ParkLayer* newLayer = newPark.layer(role);
        if (!oldLayer && !newLayer)
            continue;
        roles.push_back(role);
        totalFeatures += 1.0 + (oldLayer ? oldLayer->layer->featureCount() : 0) +
                         (newLayer ? newLayer->layer->featureCount() : 0);
    }
    DiffProgressReporter progress(options.progress);
    double done = 0;
    for (Role role : roles) {
        const ParkLayer* oldLayer = oldPark.layer(role);
        const ParkLayer* newLayer = newPark.layer(role);
        const double features = 1.0 + (oldLayer ? oldLayer->layer->featureCount() : 0) +
                                (newLayer ? newLayer->layer->featureCount() : 0);
        progress.setLayerSpan(done / totalFeatures, features / totalFeatures);
        progress.report(0.0);
        LayerComparer comparer(role, oldLayer, newLayer, options, tolerance, issues, progress);
        diff.layers.push_back(comparer.run());
        done += features;
        if (!oldLayer || !newLayer)
            diff.notes.push_back(std::string(toString(role)) + ": only the " +
                                 (oldLayer ? "old" : "new") + " park has this layer");
    }
    return diff;
}

} // namespace parkatlas::geo
