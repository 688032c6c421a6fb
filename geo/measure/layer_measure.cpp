#include "geo/measure/layer_measure.h"

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/parallel.h"

#include <atomic>
#include <cmath>

namespace parkatlas::geo {

LayerMeasure measureLayer(const Layer& layer, AreaMethod method, IssueSink& issues,
                          const ProgressCallback& progress, unsigned threads)
{
    if (layer.crs.isEmpty())
        throw CrsError("the layer has no coordinate system; give one with --s-srs",
                       {layer.sourcePath, layer.name, -1, {}});
    LayerMeasure result;
    result.method = method;
    const GeometryStore& store = layer.geometry;
    const std::size_t count = store.featureCount();
    const bool polygons = store.kind() == GeometryKind::Polygon;
    const bool lines = store.kind() == GeometryKind::Line;
    if (!polygons && !lines)
        return result;
    std::vector<double>& values = polygons ? result.areaM2 : result.lengthM;
    values.assign(count, 0.0);
    // Fail early (planar on degrees) on this thread, not inside a worker.
    AreaCalculator probe(layer.crs, method);

    threads = workerCount(count, threads, 20000);
    std::atomic<std::size_t> done{0};
    std::atomic<bool> cancelled{false};
    const LengthMethod lengthMethod =
        method == AreaMethod::Planar ? LengthMethod::Planar : LengthMethod::Geodesic;

    forEachChunk(count, threads, [&](unsigned worker, std::size_t begin, std::size_t end) {
        AreaCalculator calculator(layer.crs, method);
        calculator.setIssueSink(&issues, layer.sourcePath, layer.name);
        for (std::size_t f = begin; f < end; ++f) {
            if (cancelled)
                return;
            values[f] = polygons ? calculator.areaM2(store, f, layer.fids[f])
                                 : calculator.lengthM(store, f, lengthMethod, layer.fids[f]);
            if (((f - begin) & 4095) == 4095) {
                const std::size_t total = done += 4096;
                if (worker == 0 && progress &&
                    !progress(static_cast<double>(total) / static_cast<double>(count)))
                    cancelled = true;
            }
        }
    });
    if (cancelled)
        throw Cancelled();

    double& total = polygons ? result.totalAreaM2 : result.totalLengthM;
    for (std::size_t f = 0; f < count; ++f) {
        if (store.isEmpty(f))
            ++result.emptyCount;
        if (std::isnan(values[f]))
            ++result.unknownCount;
        else
            total += values[f];
    }
    return result;
}

} // namespace parkatlas::geo
