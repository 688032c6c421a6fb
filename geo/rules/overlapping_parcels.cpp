// overlapping_parcels: two plots whose interiors overlap by more than a sliver.

#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"
#include "geo/rules/interior_disjoint.h"
#include "geo/rules/server_park.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace parkatlas::geo {

using namespace compliance;

namespace {

/// The plots' envelopes in a uniform grid of cells about a plot's size: for a cadastre of a
/// million plots it is built in one counting pass (on every worker) and asked a few cells per
/// plot, where the R-tree took half a second to pack on one thread and as long again to ask.
/// later() gives
/// exactly the R-tree's answer (envelopes closed: touching counts), less the plots up to `i`.
class PlotGrid {
public:
    /// Built on `threads` workers, each over its own range of the plots (the cells list their
    /// plots in increasing order all the same: each worker's range goes after the earlier
    /// workers' in every cell).
    template <typename Include>
    PlotGrid(const GeometryStore& store, Include&& include, unsigned threads) : m_store(store)
    {
        struct Share {
            std::vector<std::uint32_t> members;
            Envelope box; // of its members' envelopes
            double width = 0, height = 0;
            std::vector<std::uint32_t> counts; // per cell, then where the share's next goes
        };
        std::vector<Share> shares(std::max(1u, threads));
        ParallelOptions split;
        split.threads = static_cast<unsigned>(shares.size());
        parallelFor(store.featureCount(), split,
                    [&](unsigned w, std::size_t begin, std::size_t end) {
                        Share& share = shares[w];
                        for (std::size_t i = begin; i < end; ++i) {
                            const Envelope& e = store.envelope(i);
                            if (!include(i) || e.isEmpty())
                                continue;
                            share.box.expand(e);
                            share.width += e.maxX - e.minX;
                            share.height += e.maxY - e.minY;
                            share.members.push_back(static_cast<std::uint32_t>(i));
                        }
                    });
        std::size_t count = 0;
        double width = 0, height = 0;
        Envelope bounds;
        for (const Share& share : shares) {
            bounds.expand(share.box);
            width += share.width;
            height += share.height;
            count += share.members.size();
        }
        if (count == 0)
            return;
        m_minX = bounds.minX;
        m_minY = bounds.minY;
        m_maxX = bounds.maxX;
        m_maxY = bounds.maxY;
        // Cells of the mean envelope's size, and no more cells than about twice the plots.
        const double n = static_cast<double>(count);
        double cellX = std::max(width / n, (m_maxX - m_minX) / 4096);
        double cellY = std::max(height / n, (m_maxY - m_minY) / 4096);
        if (!(cellX > 0))
            cellX = 1;
        if (!(cellY > 0))
            cellY = 1;
        while (((m_maxX - m_minX) / cellX + 1) * ((m_maxY - m_minY) / cellY + 1) > 2 * n + 16) {
            cellX *= 1.5;
            cellY *= 1.5;
        }
        m_cellX = cellX;
        m_cellY = cellY;
        m_columns = static_cast<std::size_t>((m_maxX - m_minX) / cellX) + 1;
        m_rows = static_cast<std::size_t>((m_maxY - m_minY) / cellY) + 1;
        const std::size_t cells = m_columns * m_rows;
        ParallelOptions each;
        each.threads = static_cast<unsigned>(shares.size());
        each.chunk = 1;
        parallelFor(shares.size(), each, [&](unsigned, std::size_t begin, std::size_t end) {
            for (std::size_t w = begin; w < end; ++w) {
                Share& share = shares[w];
                share.counts.assign(cells, 0);
                for (std::uint32_t i : share.members)
                    forCells(store.envelope(i), [&](std::size_t cell) { ++share.counts[cell]; });
            }
        });
        // Each cell's start, and where each share's plots of it begin.
        m_start.assign(cells + 1, 0);
        std::uint32_t at = 0;
        for (std::size_t c = 0; c < cells; ++c) {
            m_start[c] = at;
            for (Share& share : shares) {
                const std::uint32_t own = share.counts.empty() ? 0 : share.counts[c];
                if (!share.counts.empty())
                    share.counts[c] = at;
                at += own;
            }
        }
        m_start[cells] = at;
        m_items.resize(at);
        parallelFor(shares.size(), each, [&](unsigned, std::size_t begin, std::size_t end) {
            for (std::size_t w = begin; w < end; ++w) {
                Share& share = shares[w];
                for (std::uint32_t i : share.members)
                    forCells(store.envelope(i),
                             [&](std::size_t cell) { m_items[share.counts[cell]++] = i; });
                std::vector<std::uint32_t>().swap(share.counts);
            }
        });
    }

    /// The plots after `i` whose envelopes meet `i`'s, in increasing order.
    void later(std::size_t i, std::vector<std::uint32_t>& out) const
    {
        out.clear();
        if (m_items.empty())
            return;
        const Envelope& a = m_store.envelope(i);
        forCells(a, [&](std::size_t cell) {
            for (std::uint32_t k = m_start[cell]; k < m_start[cell + 1]; ++k) {
                const std::uint32_t j = m_items[k];
                if (j <= i)
                    continue;
                const Envelope& b = m_store.envelope(j);
                if (b.maxX < a.minX || b.minX > a.maxX || b.maxY < a.minY || b.minY > a.maxY)
                    continue;
                // A pair shares several cells: it is taken in the one holding the lower left
                // corner of the envelopes' common part (in both plots' cells).
                if (cellOf(std::max(a.minX, b.minX), std::max(a.minY, b.minY)) == cell)
                    out.push_back(j);
            }
        });
        std::sort(out.begin(), out.end());
    }

private:
    std::size_t column(double x) const
    {
        const double c = std::floor((x - m_minX) / m_cellX);
        return c <= 0 ? 0 : std::min(static_cast<std::size_t>(c), m_columns - 1);
    }
    std::size_t row(double y) const
    {
        const double r = std::floor((y - m_minY) / m_cellY);
        return r <= 0 ? 0 : std::min(static_cast<std::size_t>(r), m_rows - 1);
    }
    std::size_t cellOf(double x, double y) const { return row(y) * m_columns + column(x); }
    template <typename Visit> void forCells(const Envelope& e, Visit&& visit) const
    {
        const std::size_t c0 = column(e.minX), c1 = column(e.maxX);
        const std::size_t r0 = row(e.minY), r1 = row(e.maxY);
        for (std::size_t r = r0; r <= r1; ++r)
            for (std::size_t c = c0; c <= c1; ++c)
                visit(r * m_columns + c);
    }

    const GeometryStore& m_store;
    double m_minX = 0, m_minY = 0, m_maxX = 0, m_maxY = 0, m_cellX = 1, m_cellY = 1;
    std::size_t m_columns = 0, m_rows = 0;
    std::vector<std::uint32_t> m_start; // cell c holds m_items[m_start[c], m_start[c + 1])
    std::vector<std::uint32_t> m_items;
};

class OverlappingParcelsCheck : public RuleStep {
public:
    using RuleStep::RuleStep;

    void checkOverlappingParcels()
    {
        const LayerView* parcels = view(Role::Parcels);
        if (!parcels) {
            warn(ComplianceRule::OverlappingParcels, message("rule_no_layer", "the park has no {role} layer; not checked", {{"role", "parcels"}}));
            return;
        }
        const double sliverM2 = m_settings.overlappingParcels.sliverM2;
        const PlotGrid grid(parcels->store(),
                            [&](std::size_t j) { return parcels->usable[j] != 0; },
                            static_cast<unsigned>(m_workers.size()));
        parallel(parcels->count(), [&](Worker& worker, std::size_t i) {
            if (!parcels->usable[i])
                return;
            std::vector<std::uint32_t>& later = worker.candidates;
            grid.later(i, later);
            if (later.empty())
                return;
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
};

const SettingKey<ComplianceSettings::OverlappingParcels> kSettingKeys[] = {
    {"enabled", &ComplianceSettings::OverlappingParcels::enabled},
    {"sliver_m2", &ComplianceSettings::OverlappingParcels::sliverM2},
};

} // namespace

extern const ComplianceRuleDefinition kOverlappingParcelsRule = {
    ComplianceRule::OverlappingParcels,
    "overlapping_parcels",
    [](const ComplianceSettings& settings) { return settings.overlappingParcels.enabled; },
    [](ComplianceSettings& settings, RuleReader& reader) {
        reader.read(settings.overlappingParcels, kSettingKeys);
    },
    nullptr,
    [](const ComplianceSettings&, std::set<Role>& roles) { roles.insert(Role::Parcels); },
    nullptr,
    [](Engine& engine) { OverlappingParcelsCheck(engine).checkOverlappingParcels(); },
    nullptr,
    nullptr,
};

} // namespace parkatlas::geo
