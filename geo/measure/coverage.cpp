#include "geo/measure/coverage.h"

#include "geo/issue.h"
#include "geo/model/envelope_index.h"
#include "geo/model/geos_context.h"
#include "geo/model/layer.h"
#include "geo/parallel.h"

#include <geos_c.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

namespace {

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

    const bool footprints = buildings.geometry.kind() == GeometryKind::Polygon;
    const EnvelopeIndex index(buildings.geometry, [&](std::size_t) { return footprints; });
    // A footprint may touch several plots; each worker repairs it on its own, but it is
    // reported once.
    std::vector<std::atomic<bool>> footprintReported(buildings.featureCount());

    ParallelOptions parallel;
    parallel.threads = workerCount(count, threads, 2000);
    parallel.chunk = 256;
    parallel.progress = progress;
    // One GEOS context per worker.
    std::vector<std::optional<GeosContext>> contexts(parallel.threads);

    parallelFor(count, parallel, [&](unsigned worker, std::size_t begin, std::size_t end) {
        {
            GeosContext& context = contexts[worker] ? *contexts[worker] : contexts[worker].emplace();
            GEOSContextHandle_t ctx = context.handle();
            std::vector<std::uint32_t> hits;
            for (std::size_t p = begin; p < end; ++p) {
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
                index.query(plots.geometry.envelope(p), hits);
                std::vector<GEOSGeometry*> pieces;
                for (const std::uint32_t b : hits) {
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
            }
        }
    });
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

} // namespace parkatlas::geo
