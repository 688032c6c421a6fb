#include "geo/measure/layer_measure.h"

#include "geo/error.h"
#include "geo/io/shapefile_reader.h"
#include "geo/issue.h"
#include "geo/parallel.h"

#include <atomic>
#include <cmath>
#include <optional>
#include <vector>

namespace parkatlas::geo {

namespace {

void sumUp(const GeometryStore* store, LayerMeasure& result, const std::vector<double>& values,
           double& total)
{
    for (std::size_t f = 0; f < values.size(); ++f) {
        if (store && store->isEmpty(f))
            ++result.emptyCount;
        if (std::isnan(values[f]))
            ++result.unknownCount;
        else
            total += values[f];
    }
}

} // namespace

std::optional<StreamedMeasure> measureShapefile(const std::string& shpPath, const Crs& crs,
                                                AreaMethod method, IssueSink& issues)
{
    if (crs.isEmpty())
        throw CrsError("the layer has no coordinate system; give one with --s-srs",
                       {shpPath, {}, -1, {}});
    AreaCalculator probe(crs, method); // planar on degrees fails here, not in a worker
    StreamedMeasure result;
    result.measure.method = method;
    IssueList problems;
    std::vector<double>* values = nullptr;
    // One calculator per reader worker: two, or as many as PARKATLAS_THREADS asks for.
    std::vector<std::optional<AreaCalculator>> calculators(std::max(2u, requestedWorkerCount()));
    std::atomic<std::size_t> empty{0};
    const LengthMethod lengthMethod =
        method == AreaMethod::Planar ? LengthMethod::Planar : LengthMethod::Geodesic;
    auto onRecords = [&](GeometryKind kind, std::vector<std::int64_t>& fids) {
        result.kind = kind;
        result.fids = std::move(fids);
        if (kind == GeometryKind::Polygon)
            values = &result.measure.areaM2;
        else if (kind == GeometryKind::Line)
            values = &result.measure.lengthM;
        if (values)
            values->assign(result.fids.size(), 0.0);
    };
    auto calculatorOf = [&](unsigned worker) -> AreaCalculator& {
        std::optional<AreaCalculator>& calculator = calculators.at(worker);
        if (!calculator) {
            calculator.emplace(probe.clone());
            calculator->setIssueSink(&issues, shpPath, {});
        }
        return *calculator;
    };
    if (shapefileGeometryKind(shpPath) == GeometryKind::Polygon) {
        // Polygons are measured where they lie in the mapped file, record by record (the same
        // rings and arithmetic as through a store: the same bits).
        std::vector<std::size_t> emptyOf(calculators.size(), 0);
        visitShapefilePolygons(
            shpPath, problems, onRecords,
            [&](unsigned worker, std::size_t record, const ShapefilePolygon& polygon) {
                AreaCalculator& calculator = calculatorOf(worker);
                const std::int64_t fid = result.fids[record];
                double& value = (*values)[record];
                if (polygon.organised) {
                    value = calculator.areaM2(*polygon.organised, 0, fid);
                } else if (polygon.isEmpty()) {
                    ++emptyOf[worker];
                    value = 0;
                } else {
                    value = calculator.areaM2(polygon.ring, polygon.envelope, record, fid);
                }
            });
        for (const std::size_t count : emptyOf)
            empty += count;
    } else {
        visitShapefileGeometry(shpPath, problems, onRecords,
                               [&](unsigned worker, const GeometryStore& chunk, std::size_t first) {
                                   if (!values)
                                       return;
                                   AreaCalculator& calculator = calculatorOf(worker);
                                   std::size_t emptyHere = 0;
                                   for (std::size_t f = 0; f < chunk.featureCount(); ++f) {
                                       const std::int64_t fid = result.fids[first + f];
                                       emptyHere += chunk.isEmpty(f) ? 1 : 0;
                                       (*values)[first + f] =
                                           chunk.kind() == GeometryKind::Polygon
                                               ? calculator.areaM2(chunk, f, fid)
                                               : calculator.lengthM(chunk, f, lengthMethod, fid);
                                   }
                                   empty += emptyHere;
                               });
    }
    if (problems.count(Issue::Severity::Error) > 0)
        return std::nullopt;
    for (const Issue& issue : problems.issues())
        issues.report(issue);
    if (values)
        sumUp(nullptr, result.measure, *values,
              result.kind == GeometryKind::Polygon ? result.measure.totalAreaM2
                                                   : result.measure.totalLengthM);
    result.measure.emptyCount = empty;
    return result;
}

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

    ParallelOptions parallel;
    parallel.threads = workerCount(count, threads, 20000);
    parallel.chunk = 4096;
    parallel.progress = progress;
    const LengthMethod lengthMethod =
        method == AreaMethod::Planar ? LengthMethod::Planar : LengthMethod::Geodesic;

    // One calculator per worker (its PROJ objects are the worker's own).
    std::vector<std::optional<AreaCalculator>> calculators(parallel.threads);
    parallelFor(count, parallel, [&](unsigned worker, std::size_t begin, std::size_t end) {
        std::optional<AreaCalculator>& calculator = calculators[worker];
        if (!calculator) {
            calculator.emplace(probe.clone());
            calculator->setIssueSink(&issues, layer.sourcePath, layer.name);
        }
        for (std::size_t f = begin; f < end; ++f)
            values[f] = polygons ? calculator->areaM2(store, f, layer.fids[f])
                                 : calculator->lengthM(store, f, lengthMethod, layer.fids[f]);
    });

    sumUp(&store, result, values, polygons ? result.totalAreaM2 : result.totalLengthM);
    return result;
}

} // namespace parkatlas::geo
