// WKB and WKT into the geometry store (WKT through OGR's parser, as GDAL hands it to the
// readers as WKB), then everything that walks a store: rings, envelopes, append/pop, and the
// areas and lengths by every method in a Gauss-Krüger CRS and in longitude/latitude.
//
// Input: byte 0 chooses the store's kind (Point, Line, Polygon) and whether the rest is WKB
// (even) or WKT (odd).

#include "fuzz_support.h"

#include "geo/crs/crs.h"
#include "geo/error.h"
#include "geo/issue.h"
#include "geo/measure/area.h"
#include "geo/model/geometry_store.h"

#include <cpl_conv.h>
#include <ogr_geometry.h>

#include <memory>
#include <string>

using namespace parkatlas;

namespace {

struct Calculators {
    geo::Crs projected = geo::Crs::fromEpsg(4547);
    geo::Crs geographic = geo::Crs::fromEpsg(4490);
    std::vector<std::unique_ptr<geo::AreaCalculator>> all;
    Calculators()
    {
        for (const geo::Crs* crs : {&projected, &geographic})
            for (geo::AreaMethod method : {geo::AreaMethod::Ellipsoidal, geo::AreaMethod::Survey})
                all.push_back(std::make_unique<geo::AreaCalculator>(*crs, method));
        all.push_back(std::make_unique<geo::AreaCalculator>(projected, geo::AreaMethod::Planar));
    }
};

void measure(const geo::GeometryStore& store)
{
    static Calculators calculators;
    geo::NullIssueSink issues;
    for (auto& calculator : calculators.all) {
        calculator->setIssueSink(&issues);
        for (std::size_t f = 0; f < store.featureCount(); ++f) {
            try {
                if (store.kind() == geo::GeometryKind::Polygon)
                    (void)calculator->areaM2(store, f);
                (void)calculator->lengthM(store, f);
                if (calculator->crs().isGeographic() == false)
                    (void)calculator->lengthM(store, f, geo::LengthMethod::Planar);
            } catch (const geo::Error&) {
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    static const geo::GeometryKind kKinds[] = {geo::GeometryKind::Point, geo::GeometryKind::Line,
                                               geo::GeometryKind::Polygon};
    const geo::GeometryKind kind = kKinds[(data[0] >> 1) % 3];
    const bool wkt = (data[0] & 1) != 0;
    std::vector<unsigned char> wkb(data + 1, data + size);
    if (wkt) {
        const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
        OGRGeometry* parsed = nullptr;
        const char* cursor = text.c_str();
        if (OGRGeometryFactory::createFromWkt(&cursor, nullptr, &parsed) != OGRERR_NONE ||
            !parsed)
            return 0;
        std::unique_ptr<OGRGeometry> owned(parsed);
        wkb.resize(static_cast<std::size_t>(owned->WkbSize()));
        owned->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    }
    geo::GeometryStore store(kind);
    const char* problem = nullptr;
    store.appendWkb(wkb.data(), wkb.size(), &problem);
    store.appendWkb(wkb.data(), wkb.size() / 2); // a truncated copy
    for (std::size_t f = 0; f < store.featureCount(); ++f)
        for (std::size_t p = 0; p < store.partCount(f); ++p)
            for (std::size_t r = 0; r < store.ringCount(f, p); ++r)
                (void)store.ring(f, p, r).vertexCount();
    (void)store.extent();
    measure(store);
    geo::GeometryStore copy(kind);
    copy.append(store);
    copy.recomputeEnvelopes();
    copy.popFeature();
    copy.shrinkToFit();
    return 0;
}
