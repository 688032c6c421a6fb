#include "geo/measure/layer_measure.h"

#include "geo/error.h"
#include "geo/io/shapefile_reader.h"
#include "geo/issue.h"
#include "geo/measure/transverse_mercator.h"
#include "geo/parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <thread>
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

/// The Transverse Mercator parameters the .prj beside `shpPath` names, when
/// TransverseMercatorParameters::ofEsriPrj recognises it (GDAL's driver reads `stem.prj`, or
/// `stem.PRJ`).
std::optional<TransverseMercatorParameters> recognisedPrj(const std::string& shpPath)
{
    for (const char* extension : {".prj", ".PRJ"}) {
        std::ifstream in(std::filesystem::path(shpPath).replace_extension(extension),
                         std::ios::binary);
        if (!in)
            continue;
        std::string text(64 * 1024, '\0');
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        if (in.gcount() <= 0 || static_cast<std::size_t>(in.gcount()) == text.size())
            return std::nullopt; // empty, or too long to be a plain .prj
        text.resize(static_cast<std::size_t>(in.gcount()));
        return TransverseMercatorParameters::ofEsriPrj(text);
    }
    return std::nullopt;
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
                    calculator.areaM2Into(polygon.ring, polygon.envelope, record, fid, value);
                }
            });
        for (std::optional<AreaCalculator>& calculator : calculators)
            if (calculator)
                calculator->flush();
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

std::optional<StreamedMeasure> measureShapefile(const std::string& shpPath,
                                                const std::function<Crs()>& findCrs,
                                                AreaMethod method, IssueSink& issues)
{
    std::optional<TransverseMercatorParameters> recognised;
    if (method == AreaMethod::Ellipsoidal &&
        shapefileGeometryKind(shpPath) == GeometryKind::Polygon)
        recognised = recognisedPrj(shpPath);
    if (!recognised) {
        const Crs crs = findCrs();
        if (crs.isEmpty())
            return std::nullopt;
        return measureShapefile(shpPath, crs, method, issues);
    }

    // The workers measure with the recognised parameters while this thread makes the Crs.
    const AreaCalculator early = AreaCalculator::forTransverseMercator(*recognised);
    StreamedMeasure result;
    result.measure.method = method;
    IssueList problems; // the reader's
    IssueList measured; // the calculators', held until the Crs confirms them
    const std::size_t slots = std::max(2u, requestedWorkerCount());
    std::vector<std::optional<AreaCalculator>> earlyOf(slots), exactOf(slots);
    std::vector<std::size_t> emptyOf(slots, 0);
    std::promise<const AreaCalculator*> crsMade; // the Crs's calculator; null: give up
    const std::shared_future<const AreaCalculator*> exact = crsMade.get_future().share();
    std::atomic<bool> abandoned{false};
    auto onRecords = [&](GeometryKind kind, std::vector<std::int64_t>& fids) {
        result.kind = kind;
        result.fids = std::move(fids);
        result.measure.areaM2.assign(result.fids.size(), 0.0);
    };
    auto visit = [&](unsigned worker, std::size_t record, const ShapefilePolygon& polygon) {
        if (abandoned.load(std::memory_order_relaxed))
            return;
        double& value = result.measure.areaM2[record];
        if (polygon.isEmpty()) {
            ++emptyOf.at(worker);
            value = 0;
            return;
        }
        std::optional<AreaCalculator>& calculator = earlyOf.at(worker);
        if (!calculator) {
            calculator.emplace(early.clone());
            calculator->setIssueSink(&measured, shpPath, {});
        }
        const std::int64_t fid = result.fids[record];
        if (polygon.organised && calculator->usesFastPath(*polygon.organised, 0)) {
            value = calculator->areaM2(*polygon.organised, 0, fid);
            return;
        }
        if (!polygon.organised &&
            calculator->fastPathAreaM2Into(polygon.ring, polygon.envelope, record, fid, value))
            return;
        // Not the fast path: the calculator of the Crs.
        std::optional<AreaCalculator>& made = exactOf.at(worker);
        if (!made) {
            // Waits for the Crs, through the worker's own copy of the shared state.
            const AreaCalculator* fromCrs = std::shared_future<const AreaCalculator*>(exact).get();
            if (!fromCrs) {
                abandoned = true;
                return;
            }
            made.emplace(fromCrs->clone());
            made->setIssueSink(&measured, shpPath, {});
        }
        value = polygon.organised ? made->areaM2(*polygon.organised, 0, fid)
                                  : made->areaM2(polygon.ring, polygon.envelope, record, fid);
    };
    std::exception_ptr measureFailure;
    std::thread measuring([&] {
        try {
            visitShapefilePolygons(shpPath, problems, onRecords, visit);
        } catch (...) {
            measureFailure = std::current_exception();
        }
    });

    Crs crs;
    std::optional<AreaCalculator> fromCrs;
    std::exception_ptr crsFailure;
    try {
        crs = findCrs();
        if (!crs.isEmpty())
            fromCrs.emplace(crs, method); // throws as measureShapefile's probe does
    } catch (...) {
        crsFailure = std::current_exception();
    }
    const bool confirmed = fromCrs && fromCrs->measuresAs(early);
    if (!confirmed)
        abandoned = true;
    crsMade.set_value(confirmed ? &*fromCrs : nullptr);
    measuring.join();
    if (crsFailure)
        std::rethrow_exception(crsFailure);
    if (crs.isEmpty())
        return std::nullopt;
    if (!confirmed)
        return measureShapefile(shpPath, crs, method, issues);
    if (measureFailure)
        std::rethrow_exception(measureFailure);
    for (std::optional<AreaCalculator>& calculator : earlyOf)
        if (calculator)
            calculator->flush(); // (the Crs's calculators keep nothing: they measure at once)

    for (const Issue& issue : measured.issues())
        issues.report(issue);
    if (problems.count(Issue::Severity::Error) > 0)
        return std::nullopt;
    for (const Issue& issue : problems.issues())
        issues.report(issue);
    sumUp(nullptr, result.measure, result.measure.areaM2, result.measure.totalAreaM2);
    std::size_t empty = 0;
    for (const std::size_t count : emptyOf)
        empty += count;
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
