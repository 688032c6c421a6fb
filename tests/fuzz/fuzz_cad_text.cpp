// Drawing text: the DXF header scan and the encoding decision, MIF escapes, MTEXT formatting
// and the plot-label reader (codes, plot numbers, FAR, density, green ratio), on the same bytes
// read as UTF-8 and as GBK.

#include "geo/io/cad_label.h"
#include "geo/io/cad_text.h"
#include "geo/io/encoding.h"

#include <cpl_conv.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace parkatlas;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

namespace {

void checkLabel(const geo::PlotLabel& label)
{
    for (const std::optional<double>* value : {&label.farMin, &label.farMax, &label.coverMin,
                                               &label.coverMax, &label.greenMin, &label.greenMax})
        if (*value && !std::isfinite(**value))
            __builtin_trap(); // a number read from text is always finite
    for (const std::string& code : label.landUseCodes)
        if (code.empty())
            __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const geo::DxfHeader header = geo::parseDxfHeader(bytes);
    std::vector<std::string> warnings;
    (void)geo::chooseDxfEncoding(header, "", warnings);
    (void)geo::encodingFromDxfCodePage(header.codePage);
    (void)geo::autocadRelease(header.acadVersion);
    (void)geo::isUtf8DxfVersion(header.acadVersion);

    // The label reader with a code test that needs no tables (the shape alone), so the fuzzer
    // exercises the parser, not the file system.
    const geo::LandUseCodeTest shapeOnly = [](const std::string& code) {
        return !code.empty() && code.size() <= 4 && (code[0] == 'M' || code[0] == 'R') &&
               code.find_first_not_of("MR0123456789") == std::string::npos;
    };
    for (const std::string& text :
         {geo::sanitizeUtf8(bytes), geo::toUtf8(bytes, "CP936")}) {
        const std::string clean = geo::cleanCadText(text);
        if (!geo::isValidUtf8(geo::decodeMifEscapes(text)) && geo::isValidUtf8(text) &&
            text.find("\\M+") == std::string::npos)
            __builtin_trap(); // decoding only touches escapes
        checkLabel(geo::readPlotLabel(clean, shapeOnly));
        (void)geo::looksLikePlotId(clean);
    }
    return 0;
}
