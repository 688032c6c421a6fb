// The style and rule data the rules read: a land-use classification (landuse.json: classes,
// cross-walk, compatibility) queried with codes from the same input, and a thresholds.json
// ("rules" overrides) loaded as the compliance settings load it.

#include "fuzz_support.h"

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/model/land_use_classification.h"
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
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::string path = fuzz::writeScratch("landuse.json", bytes);
    try {
        const geo::LandUseClassification classes = geo::LandUseClassification::load(path);
        static const char* const kCodes[] = {"M1", "M", "100101", "1001", "B1/R2", "M1+W1",
                                             "r2 二类居住", "", "xx", "10"};
        const geo::LandUseSystems all = geo::landUseSystemIds();
        for (const geo::LandUseClass& c : classes.classes()) {
            (void)classes.nameOf(c.code);
            const geo::LandUseSystems own = {c.system};
            (void)classes.nameOf(c.code, all);
            for (const char* code : kCodes) {
                (void)classes.judge(c.code, own, code, all);
                (void)classes.judge(code, all, c.code, own);
            }
            if (!c.parent.empty())
                (void)classes.judge(c.code, own, c.parent, own);
        }
        (void)classes.judge(bytes.substr(0, 16), all, bytes.substr(size > 16 ? 16 : size, 16),
                            all);
        std::vector<std::string> codes;
        for (std::size_t i = 0; i + 4 <= size && codes.size() < 32; i += 4)
            codes.emplace_back(bytes.substr(i, 4));
        (void)classes.detect(codes, bytes.substr(0, 8), geo::Role::Parcels);
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
