// A DBF on its own (GDAL opens a lone .dbf as a layer without geometry) and the text functions
// behind encoding detection, on the same bytes: detectEncoding, toUtf8 with the detected and
// the usual Chinese encodings, sanitizeUtf8, and the .cpg parser.

#include "fuzz_support.h"

#include "geo/error.h"
#include "geo/io/dbf.h"
#include "geo/io/encoding.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <cpl_conv.h>

using namespace parkatlas;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    const geo::EncodingChoice detected = geo::detectEncoding(bytes);
    (void)geo::toUtf8(bytes, detected.name.empty() ? "CP936" : detected.name);
    (void)geo::toUtf8(bytes, "GB18030");
    const std::string clean = geo::sanitizeUtf8(bytes);
    if (!geo::isValidUtf8(clean))
        __builtin_trap(); // sanitizeUtf8 promises valid UTF-8
    (void)geo::encodingFromCpg(bytes.substr(0, 64));
    (void)geo::encodingFromLdid(size > 29 ? data[29] : 0);

    const std::string path = fuzz::writeScratch("d.dbf", bytes);
    try {
        const geo::DbfHeader header = geo::readDbfHeader(path);
        (void)geo::readDbfTextSample(path, header, 1 << 16);
    } catch (const geo::Error&) {
    }
    try {
        (void)geo::chooseDbfEncoding(path);
    } catch (const geo::Error&) {
    }
    geo::NullIssueSink issues;
    try {
        for (const geo::LayerRef& ref : geo::listLayers(path)) {
            (void)geo::describeLayer(ref);
            geo::ReadOptions options;
            options.requireCrs = false;
            (void)geo::readLayer(ref, options, issues);
        }
    } catch (const geo::Error&) {
    }
    return 0;
}
