// The project file (*.parkatlas.json): the park definition (roles, sources, encodings, CRSs,
// field maps) and the "rules" overrides of the compliance settings, as `check` reads them.
// Layers are not opened: only what the project file itself says is parsed.

#include "fuzz_support.h"

#include "geo/error.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/rules/compliance_settings.h"

#include <cpl_conv.h>

using namespace parkatlas;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = fuzz::writeScratch(
        "p.parkatlas.json", std::string_view(reinterpret_cast<const char*>(data), size));
    try {
        const geo::ParkDefinition park = geo::discoverPark(path);
        for (const geo::ParkLayerSource& layer : park.layers)
            (void)park.find(layer.role);
    } catch (const geo::Error&) {
    }
    geo::NullIssueSink issues;
    try {
        (void)geo::ComplianceSettings::load(path, issues);
    } catch (const geo::Error&) {
    }
    return 0;
}
