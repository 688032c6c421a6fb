// The style and rule data the rules read: a land-use classification (landuse.json: classes,
// cross-walk, compatibility) queried with codes from the same input, and a thresholds.json
// ("rules" overrides) loaded as the compliance settings load it.

#include "fuzz_support.h"

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/rules/compliance_settings.h"
#include "geo/rules/land_use_classification.h"

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
    const std::string path = fuzz::writeScratch("landuse.json", bytes);
    try {
        const geo::LandUseClassification classes = geo::LandUseClassification::load(path);
        static const char* const kCodes[] = {"M1", "M", "100101", "1001", "B1/R2", "M1+W1",
                                             "r2 二类居住", "", "xx", "10"};
        for (const geo::LandUseClass& c : classes.classes()) {
            (void)classes.nameOf(c.code);
            for (const char* code : kCodes) {
                (void)classes.fits(c.code, code);
                (void)classes.fits(code, c.code);
            }
            if (!c.parent.empty())
                (void)classes.fits(c.code, c.parent);
        }
        (void)classes.fits(bytes.substr(0, 16), bytes.substr(size > 16 ? 16 : size, 16));
    } catch (const geo::Error&) {
    }
    (void)geo::LandUseClassification::normalise(bytes.substr(0, 64));
    geo::NullIssueSink issues;
    try {
        (void)geo::ComplianceSettings::load(path, issues);
    } catch (const geo::Error&) {
    }
    return 0;
}
