// area_phases: where `parkatlas area` spends its time, phase by phase, on one polygon file.
//
//   area_phases FILE.shp [--repeat N]
//
// Each phase on its own, page cache warm, best of N (3), in this order (the first read runs in a
// fresh process, so the peak RSS after it is that read's own):
//   read_layer             geo::readLayer as `parkatlas area` calls it without --by: no
//                          attribute fields, shapefile geometry straight from the .shp
//   measure_layer          geo::measureLayer, ellipsoidal, one thread per core
//   measure_layer_1t       the same on one thread
//   measure_planar_1t      planar, one thread
//   read_layer_all_fields  geo::readLayer reading every attribute field (through GDAL)
//   read_layer_gdal        geo::readLayer through GDAL alone (OGR features, WKB into the store)
//   ogr_features           bare GDAL/OGR: GetNextFeature over every feature, fields and geometry
//   ogr_features_geom      the same with every attribute field ignored
//   ogr_wkb                the same plus exportToWkb per feature
//   ogr_arrow              OGR_L_GetArrowStream (GDAL >= 3.6): WKB per batch, geometry only
// Prints one JSON object: seconds per phase, memory, and the totals (which must agree).

#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/measure/layer_measure.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_recordbatch.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace {

using Clock = std::chrono::steady_clock;

double bestOf(int repeat, const std::function<void()>& run)
{
    double best = 1e300;
    for (int i = 0; i < repeat; ++i) {
        const auto start = Clock::now();
        run();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    }
    return best;
}

struct OgrCount {
    std::int64_t features = 0;
    std::int64_t vertices = 0;
    std::int64_t wkbBytes = 0;
};

OgrCount ogrFeatures(const std::string& path, bool ignoreFields, bool exportWkb)
{
    OgrCount count;
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!dataset) {
        std::fprintf(stderr, "area_phases: cannot open %s\n", path.c_str());
        std::exit(2);
    }
    OGRLayer* layer = dataset->GetLayer(0);
    if (ignoreFields) {
        OGRFeatureDefn* definition = layer->GetLayerDefn();
        std::vector<std::string> names;
        for (int i = 0; i < definition->GetFieldCount(); ++i)
            names.push_back(definition->GetFieldDefn(i)->GetNameRef());
        std::vector<const char*> list;
        for (const auto& name : names)
            list.push_back(name.c_str());
        list.push_back(nullptr);
        layer->SetIgnoredFields(list.data());
    }
    std::vector<unsigned char> wkb;
    layer->ResetReading();
    for (;;) {
        OGRFeatureUniquePtr feature(layer->GetNextFeature());
        if (!feature)
            break;
        ++count.features;
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (!geometry)
            continue;
        if (exportWkb) {
            const std::size_t size = static_cast<std::size_t>(geometry->WkbSize());
            wkb.resize(size);
            geometry->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            count.wkbBytes += static_cast<std::int64_t>(size);
        } else if (wkbFlatten(geometry->getGeometryType()) == wkbPolygon) {
            const auto* polygon = geometry->toPolygon();
            for (const OGRLinearRing* ring : *polygon)
                count.vertices += ring->getNumPoints();
        }
    }
    return count;
}

std::uint32_t le32(const unsigned char* p)
{
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
double le64f(const unsigned char* p)
{
    double v;
    std::memcpy(&v, p, 8);
    return v;
}

/// Planar area of a 2D polygon / multipolygon WKB (little-endian), |shell| − |holes|.
double wkbPlanarArea(const unsigned char* p, std::size_t size)
{
    if (size < 9 || p[0] != 1)
        return 0;
    const std::uint32_t type = le32(p + 1);
    auto polygon = [](const unsigned char*& q) {
        const std::uint32_t rings = le32(q);
        q += 4;
        double area = 0;
        for (std::uint32_t r = 0; r < rings; ++r) {
            const std::uint32_t n = le32(q);
            q += 4;
            const double ox = le64f(q), oy = le64f(q + 8);
            double s = 0, px = 0, py = 0;
            for (std::uint32_t v = 1; v < n; ++v) {
                const double x = le64f(q + 16 * v) - ox, y = le64f(q + 16 * v + 8) - oy;
                s += px * y - x * py;
                px = x;
                py = y;
            }
            q += 16 * static_cast<std::size_t>(n);
            area += (r == 0 ? 1 : -1) * std::abs(s / 2);
        }
        return area;
    };
    const unsigned char* q = p + 5;
    if (type == 3)
        return polygon(q);
    if (type == 6) {
        const std::uint32_t parts = le32(q);
        q += 4;
        double area = 0;
        for (std::uint32_t i = 0; i < parts; ++i) {
            q += 5;
            area += polygon(q);
        }
        return area;
    }
    return 0;
}

struct ArrowResult {
    bool available = false;
    std::int64_t features = 0;
    double planarAreaM2 = 0;
};

ArrowResult ogrArrow(const std::string& path)
{
    ArrowResult result;
    GDALDatasetH dataset =
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!dataset)
        return result;
    OGRLayerH layer = GDALDatasetGetLayer(dataset, 0);
    OGRFeatureDefnH definition = OGR_L_GetLayerDefn(layer);
    std::vector<std::string> names;
    for (int i = 0; i < OGR_FD_GetFieldCount(definition); ++i)
        names.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, i)));
    std::vector<const char*> ignored;
    for (const auto& name : names)
        ignored.push_back(name.c_str());
    ignored.push_back(nullptr);
    OGR_L_SetIgnoredFields(layer, ignored.data());
    ArrowArrayStream stream;
    const char* options[] = {"INCLUDE_FID=NO", "MAX_FEATURES_IN_BATCH=65536", nullptr};
    if (!OGR_L_GetArrowStream(layer, &stream, const_cast<char**>(options))) {
        GDALClose(dataset);
        return result;
    }
    result.available = true;
    ArrowSchema schema;
    int geometryChild = -1;
    if (stream.get_schema(&stream, &schema) == 0) {
        for (int64_t i = 0; i < schema.n_children; ++i) {
            const char* name = schema.children[i]->name;
            const char* format = schema.children[i]->format;
            if (name && format && std::strcmp(format, "z") == 0)
                geometryChild = static_cast<int>(i);
        }
        schema.release(&schema);
    }
    for (;;) {
        ArrowArray batch;
        if (stream.get_next(&stream, &batch) != 0 || batch.release == nullptr)
            break;
        if (geometryChild >= 0) {
            const ArrowArray* column = batch.children[geometryChild];
            const auto* offsets = static_cast<const std::int32_t*>(column->buffers[1]);
            const auto* bytes = static_cast<const unsigned char*>(column->buffers[2]);
            for (int64_t i = 0; i < column->length; ++i) {
                const std::int32_t begin = offsets[column->offset + i];
                const std::int32_t end = offsets[column->offset + i + 1];
                result.planarAreaM2 +=
                    wkbPlanarArea(bytes + begin, static_cast<std::size_t>(end - begin));
            }
        }
        result.features += batch.length;
        batch.release(&batch);
    }
    stream.release(&stream);
    GDALClose(dataset);
    return result;
}

double maxRssMb()
{
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: area_phases FILE.shp [--repeat N]\n");
        return 2;
    }
    const std::string path = argv[1];
    int repeat = 3;
    if (argc == 4 && std::strcmp(argv[2], "--repeat") == 0)
        repeat = std::max(1, std::atoi(argv[3]));
    GDALAllRegister();
    using namespace parkatlas;
    geo::NullIssueSink issues;
    const std::vector<geo::LayerRef> refs = geo::listLayers(path);

    // First, in a fresh process, the product's read as `parkatlas area` does it (no --by: no
    // attribute fields; shapefile geometry straight from the .shp), so the peak RSS after it
    // is that read's own.
    geo::Layer layer;
    geo::ReadOptions areaRead;
    areaRead.fields = std::vector<std::string>{};
    const double tRead = bestOf(repeat, [&] {
        layer = geo::Layer();
        layer = geo::readLayer(refs.at(0), areaRead, issues);
    });
    const double rssAfterRead = maxRssMb();
    const double layerMb = static_cast<double>(layer.memoryBytes()) / 1048576.0;

    geo::LayerMeasure measured;
    const double tMeasure = bestOf(
        repeat, [&] { measured = geo::measureLayer(layer, geo::AreaMethod::Ellipsoidal, issues); });
    geo::LayerMeasure measured1;
    const double tMeasure1 = bestOf(repeat, [&] {
        measured1 = geo::measureLayer(layer, geo::AreaMethod::Ellipsoidal, issues, {}, 1);
    });
    geo::LayerMeasure planar;
    const double tPlanar = bestOf(
        repeat, [&] { planar = geo::measureLayer(layer, geo::AreaMethod::Planar, issues, {}, 1); });
    const double rssAfterMeasure = maxRssMb();

    // The other read paths, for comparison.
    geo::ReadOptions allFields; // direct geometry, every attribute through GDAL
    const double tReadAll = bestOf(repeat, [&] {
        layer = geo::Layer();
        layer = geo::readLayer(refs.at(0), allFields, issues);
    });
    geo::ReadOptions gdalOnly; // the GDAL path: OGR features, WKB into the store
    gdalOnly.directShapefileGeometry = false;
    gdalOnly.fields = std::vector<std::string>{};
    const double tReadGdal = bestOf(repeat, [&] {
        layer = geo::Layer();
        layer = geo::readLayer(refs.at(0), gdalOnly, issues);
    });
    geo::LayerMeasure measuredGdal = geo::measureLayer(layer, geo::AreaMethod::Ellipsoidal, issues);
    layer = geo::Layer();

    OgrCount features;
    const double tFeatures = bestOf(repeat, [&] { features = ogrFeatures(path, false, false); });
    OgrCount geomOnly;
    const double tGeom = bestOf(repeat, [&] { geomOnly = ogrFeatures(path, true, false); });
    OgrCount wkb;
    const double tWkb = bestOf(repeat, [&] { wkb = ogrFeatures(path, true, true); });
    ArrowResult arrow;
    const double tArrow = bestOf(repeat, [&] { arrow = ogrArrow(path); });

    std::printf("{\n");
    std::printf("  \"file\": \"%s\",\n  \"repeat\": %d,\n", path.c_str(), repeat);
    std::printf("  \"features\": %lld,\n  \"vertices\": %lld,\n",
                static_cast<long long>(features.features),
                static_cast<long long>(geomOnly.vertices));
    std::printf("  \"seconds\": {\n");
    std::printf("    \"read_layer\": %.3f,\n", tRead);
    std::printf("    \"measure_layer\": %.3f,\n", tMeasure);
    std::printf("    \"measure_layer_1t\": %.3f,\n", tMeasure1);
    std::printf("    \"measure_planar_1t\": %.3f,\n", tPlanar);
    std::printf("    \"read_layer_all_fields\": %.3f,\n", tReadAll);
    std::printf("    \"read_layer_gdal\": %.3f,\n", tReadGdal);
    std::printf("    \"ogr_features\": %.3f,\n", tFeatures);
    std::printf("    \"ogr_features_geom\": %.3f,\n", tGeom);
    std::printf("    \"ogr_wkb\": %.3f", tWkb);
    if (arrow.available)
        std::printf(",\n    \"ogr_arrow\": %.3f", tArrow);
    std::printf("\n  },\n");
    std::printf("  \"layer_memory_mb\": %.1f,\n", layerMb);
    std::printf("  \"peak_rss_mb_after_read\": %.1f,\n", rssAfterRead);
    std::printf("  \"peak_rss_mb_after_measure\": %.1f,\n", rssAfterMeasure);
    std::printf("  \"ellipsoidal_area_m2\": %.6f,\n", measured.totalAreaM2);
    std::printf("  \"ellipsoidal_area_m2_1t\": %.6f,\n", measured1.totalAreaM2);
    std::printf("  \"ellipsoidal_area_m2_gdal_read\": %.6f,\n", measuredGdal.totalAreaM2);
    std::printf("  \"planar_area_m2\": %.6f,\n", planar.totalAreaM2);
    if (arrow.available)
        std::printf("  \"arrow_planar_area_m2\": %.6f,\n", arrow.planarAreaM2);
    std::printf("  \"unknown\": %zu\n}\n", measured.unknownCount);
    return 0;
}
