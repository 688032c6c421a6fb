#include "geo/rules/audit_coverage.h"

#include "geo/issue.h"
#include "geo/model/layer.h"
#include "geo/parallel.h"
#include "geo/rules/geos_context.h"

#include <geos_c.h>

// Boost 1.74 marks a header that Boost.Geometry itself includes as deprecated.
#define BOOST_ALLOW_DEPRECATED_HEADERS
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <thread>

namespace parkatlas::geo {

namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BoxPoint = bg::model::d2::point_xy<double>;
using Box = bg::model::box<BoxPoint>;
using IndexEntry = std::pair<Box, std::size_t>;

Box boxOf(const Envelope& e)
{
    return Box(BoxPoint(e.minX, e.minY), BoxPoint(e.maxX, e.maxY));
}

std::string invalidReason(GEOSContextHandle_t ctx, const GEOSGeometry* geometry)
{
    char* reason = GEOSisValidReason_r(ctx, geometry);
    std::string text = reason ? reason : "invalid";
    if (reason)
        GEOSFree_r(ctx, reason);
    return text;
}

void reportInvalid(IssueSink& issues, const Layer& layer, std::size_t row, Message what)
{
    issues.report(withMessage({Issue::Severity::Warning, layer.sourcePath, layer.name,
                               layer.fids[row]},
                              std::move(what)));
}

} // namespace

std::vector<PlotCoverage> plotCoverage(const Layer& plots, const Layer& buildings,
                                       IssueSink& issues, unsigned threads,
                                       const ProgressCallback& progress)
{
    const std::size_t count = plots.featureCount();
    std::vector<PlotCoverage> result(count);
    if (plots.geometry.kind() != GeometryKind::Polygon)
        return result;

    std::vector<IndexEntry> entries;
    if (buildings.geometry.kind() == GeometryKind::Polygon)
        for (std::size_t b = 0; b < buildings.featureCount(); ++b)
            if (!buildings.geometry.isEmpty(b))
                entries.emplace_back(boxOf(buildings.geometry.envelope(b)), b);
    const bgi::rtree<IndexEntry, bgi::quadratic<16>> index(entries.begin(), entries.end());
    // A footprint may touch several plots; each worker repairs it on its own, but it is
    // reported once.
    std::vector<std::atomic<bool>> footprintReported(buildings.featureCount());

    threads = workerCount(count, threads, 2000);
    std::atomic<bool> cancelled{false};
    std::atomic<std::size_t> done{0};

    forEachChunk(count, threads, [&](unsigned worker, std::size_t begin, std::size_t end) {
        {
            GeosContext context;
            GEOSContextHandle_t ctx = context.handle();
            std::vector<IndexEntry> hits;
            for (std::size_t p = begin; p < end && !cancelled; ++p) {
                PlotCoverage& out = result[p];
                GeosGeomPtr plot = context.fromStore(plots.geometry, p);
                if (!plot) {
                    out.share = out.plotPlanarArea = out.coveredPlanarArea =
                        std::numeric_limits<double>::quiet_NaN();
                    out.validPlot = false;
                    if (!plots.geometry.isEmpty(p))
                        reportInvalid(issues, plots, p,
                                      message("short_ring_plot",
                                              "plot has a ring of fewer than 3 distinct "
                                              "vertices; left out of the coverage rules"));
                    continue;
                }
                if (GEOSisValid_r(ctx, plot.get()) != 1) {
                    out.share = out.plotPlanarArea = out.coveredPlanarArea =
                        std::numeric_limits<double>::quiet_NaN();
                    out.validPlot = false;
                    reportInvalid(issues, plots, p,
                                  message("invalid_plot_coverage",
                                          "invalid plot ({reason}): no covered share, left out "
                                          "of the coverage rules",
                                          {{"reason", invalidReason(ctx, plot.get())}}));
                    continue;
                }
                double plotArea = 0;
                GEOSArea_r(ctx, plot.get(), &plotArea);
                out.plotPlanarArea = plotArea;
                hits.clear();
                index.query(bgi::intersects(boxOf(plots.geometry.envelope(p))),
                            std::back_inserter(hits));
                std::vector<GEOSGeometry*> pieces;
                for (const auto& [box, b] : hits) {
                    GeosGeomPtr footprint = context.fromStore(buildings.geometry, b);
                    if (!footprint)
                        continue;
                    if (GEOSisValid_r(ctx, footprint.get()) != 1) {
                        if (!footprintReported[b].exchange(true))
                            reportInvalid(issues, buildings, b,
                                          message("invalid_footprint",
                                                  "invalid footprint ({reason}): repaired with "
                                                  "MakeValid for the coverage",
                                                  {{"reason", invalidReason(ctx, footprint.get())}}));
                        footprint.reset(GEOSMakeValid_r(ctx, footprint.get()));
                        if (!footprint)
                            continue;
                    }
                    if (GEOSIntersects_r(ctx, plot.get(), footprint.get()) != 1)
                        continue;
                    if (GEOSGeometry* piece = GEOSIntersection_r(ctx, plot.get(), footprint.get()))
                        pieces.push_back(piece);
                }
                double covered = 0;
                if (!pieces.empty()) {
                    GeosGeomPtr collection(
                        GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, pieces.data(),
                                                    static_cast<unsigned>(pieces.size())),
                        {ctx});
                    GeosGeomPtr merged(GEOSUnaryUnion_r(ctx, collection.get()), {ctx});
                    if (merged)
                        GEOSArea_r(ctx, merged.get(), &covered);
                    else
                        covered = std::numeric_limits<double>::quiet_NaN();
                }
                out.coveredPlanarArea = covered;
                out.share =
                    plotArea > 0 ? covered / plotArea : std::numeric_limits<double>::quiet_NaN();
                const std::size_t total = ++done;
                if (worker == 0 && progress && (total & 255) == 0 &&
                    !progress(static_cast<double>(total) / static_cast<double>(count)))
                    cancelled = true;
            }
        }
    });
    if (cancelled)
        throw Cancelled();
    return result;
}

std::vector<bool> plotValidity(const Layer& plots, IssueSink& issues)
{
    std::vector<bool> valid(plots.featureCount(), true);
    if (plots.geometry.kind() != GeometryKind::Polygon)
        return valid;
    GeosContext context;
    GEOSContextHandle_t ctx = context.handle();
    for (std::size_t p = 0; p < plots.featureCount(); ++p) {
        if (plots.geometry.isEmpty(p))
            continue;
        GeosGeomPtr plot = context.fromStore(plots.geometry, p);
        if (!plot || GEOSisValid_r(ctx, plot.get()) != 1) {
            valid[p] = false;
            reportInvalid(issues, plots, p,
                          message("invalid_plot", "invalid plot ({reason})",
                                  {{"reason", plot ? invalidReason(ctx, plot.get())
                                                   : std::string("short ring")}}));
        }
    }
    return valid;
}

namespace {

void putU8(std::vector<unsigned char>& out, unsigned char v)
{
    out.push_back(v);
}
void putU32(std::vector<unsigned char>& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
void putDouble(std::vector<unsigned char>& out, double v)
{
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<unsigned char>(bits >> (8 * i)));
}
void putPoints(std::vector<unsigned char>& out, RingView ring, bool close)
{
    const std::size_t n = ring.vertexCount();
    const bool needsClosing =
        close && n > 0 && (ring.x(0) != ring.x(n - 1) || ring.y(0) != ring.y(n - 1));
    putU32(out, static_cast<std::uint32_t>(n + (needsClosing ? 1 : 0)));
    for (std::size_t i = 0; i < n; ++i) {
        putDouble(out, ring.x(i));
        putDouble(out, ring.y(i));
    }
    if (needsClosing) {
        putDouble(out, ring.x(0));
        putDouble(out, ring.y(0));
    }
}

} // namespace

std::vector<unsigned char> featureWkb(const GeometryStore& store, std::size_t feature)
{
    std::vector<unsigned char> out;
    if (store.isEmpty(feature))
        return out;
    const std::size_t parts = store.partCount(feature);
    putU8(out, 1);
    switch (store.kind()) {
    case GeometryKind::Polygon:
        putU32(out, 6);
        putU32(out, static_cast<std::uint32_t>(parts));
        for (std::size_t part = 0; part < parts; ++part) {
            putU8(out, 1);
            putU32(out, 3);
            const std::size_t rings = store.ringCount(feature, part);
            putU32(out, static_cast<std::uint32_t>(rings));
            for (std::size_t r = 0; r < rings; ++r)
                putPoints(out, store.ring(feature, part, r), true);
        }
        break;
    case GeometryKind::Line:
        putU32(out, 5);
        putU32(out, static_cast<std::uint32_t>(parts));
        for (std::size_t part = 0; part < parts; ++part) {
            putU8(out, 1);
            putU32(out, 2);
            putPoints(out, store.ring(feature, part, 0), false);
        }
        break;
    case GeometryKind::Point:
        putU32(out, 4);
        putU32(out, static_cast<std::uint32_t>(parts));
        for (std::size_t part = 0; part < parts; ++part) {
            const RingView point = store.ring(feature, part, 0);
            putU8(out, 1);
            putU32(out, 1);
            putDouble(out, point.x(0));
            putDouble(out, point.y(0));
        }
        break;
    case GeometryKind::None:
        out.clear();
        break;
    }
    return out;
}

} // namespace parkatlas::geo
