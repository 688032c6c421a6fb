// The shapefile path: the direct .shp reader (both the whole-layer and the chunked visitor),
// the DBF header and text sample, the encoding decision (.cpg, LDID, detection), and the layer
// read through source.h as the commands do it (direct geometry checked against GDAL).
//
// Input: the .shp, .shx, .dbf and .cpg bytes separated by kPartSeparator (missing parts are
// missing files). Every failure must be a geo::Error naming the file; anything else (a crash, a
// sanitizer report, another exception) is a bug.

#include "fuzz_support.h"

#include "geo/error.h"
#include "geo/io/dbf.h"
#include "geo/io/encoding.h"
#include "geo/io/shapefile_reader.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <cpl_conv.h>

using namespace parkatlas;

namespace {

void readEverything(const std::string& shp, const std::string& dbf, bool haveDbf)
{
    geo::NullIssueSink issues;
    try {
        const geo::ShapefileGeometry read = geo::readShapefileGeometry(shp, issues);
        // Touch every coordinate (ASan sees a read past the arrays).
        double sum = 0;
        for (double v : read.geometry.coordinates())
            sum += v;
        (void)read.geometry.extent();
        if (read.fids.size() != read.geometry.featureCount())
            __builtin_trap();
        [[maybe_unused]] volatile double keep = sum;
    } catch (const geo::Error&) {
    }
    try {
        std::size_t seen = 0;
        geo::visitShapefileGeometry(
            shp, issues, [](geo::GeometryKind, const std::vector<std::int64_t>&) {},
            [&](unsigned, const geo::GeometryStore& chunk, std::size_t) {
                seen += chunk.totalVertexCount();
            });
    } catch (const geo::Error&) {
    }
    (void)geo::canReadShapefileGeometry(shp);
    if (haveDbf) {
        try {
            const geo::DbfHeader header = geo::readDbfHeader(dbf);
            (void)geo::readDbfTextSample(dbf, header, 1 << 16);
        } catch (const geo::Error&) {
        }
        try {
            (void)geo::chooseDbfEncoding(dbf);
        } catch (const geo::Error&) {
        }
    }
    const geo::LayerRef ref{shp, "f"};
    try {
        (void)geo::describeLayer(ref);
    } catch (const geo::Error&) {
    }
    for (const bool direct : {true, false}) {
        geo::ReadOptions options;
        options.requireCrs = false;
        options.directShapefileGeometry = direct;
        try {
            (void)geo::readLayer(ref, options, issues);
        } catch (const geo::Error&) {
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetConfigOption("CPL_DEBUG", "OFF");
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto parts = fuzz::splitParts(data, size);
    static const char* const kExtensions[] = {".shp", ".shx", ".dbf", ".cpg"};
    for (const char* ext : kExtensions)
        fuzz::removeScratch(std::string("f") + ext);
    for (std::size_t i = 0; i < parts.size() && i < 4; ++i)
        fuzz::writeScratch(std::string("f") + kExtensions[i], parts[i]);
    readEverything(fuzz::scratchFolder() + "/f.shp", fuzz::scratchFolder() + "/f.dbf",
                   parts.size() >= 3);
    return 0;
}
