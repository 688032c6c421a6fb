// A VCT file (GB/T 17798): the encoding decision, readVct with the chosen encoding and as UTF-8
// (every feature walked), the project's reader on every layer, and the writer on what was read
// (then read back).

#include "fuzz_support.h"

#include "geo/error.h"
#include "geo/io/source.h"
#include "geo/io/vct_reader.h"
#include "geo/io/vct_writer.h"
#include "geo/issue.h"

#include <cpl_conv.h>
#include <ogrsf_frmts.h>

using namespace parkatlas;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::string path = fuzz::writeScratch("f.vct", bytes);
    (void)geo::isVctFile(path);
    geo::NullIssueSink issues;
    try {
        const geo::EncodingChoice encoding = geo::chooseVctEncoding(path);
        for (const geo::EncodingChoice& choice :
             {encoding, geo::EncodingChoice{"UTF-8", geo::EncodingChoice::Origin::User, ""}}) {
            geo::VctHead head;
            GDALDatasetUniquePtr dataset = geo::readVct(path, choice, issues, &head);
            for (OGRLayer* layer : dataset->GetLayers())
                for (auto& feature : *layer)
                    if (const OGRGeometry* geometry = feature->GetGeometryRef())
                        (void)geometry->IsEmpty();
        }
    } catch (const geo::Error&) {
    }
    try {
        const std::vector<geo::LayerRef> refs = geo::listLayers(path);
        for (const geo::LayerRef& ref : refs) {
            (void)geo::describeLayer(ref);
            geo::ReadOptions options;
            options.requireCrs = false;
            (void)geo::readLayer(ref, options, issues);
        }
        const std::string copy = fuzz::scratchFolder() + "/copy.vct";
        geo::VctWriteOptions write;
        write.overwrite = true;
        (void)geo::writeVct(refs, copy, write, issues);
        for (const geo::LayerRef& ref : geo::listLayers(copy)) {
            geo::ReadOptions options;
            options.requireCrs = false;
            (void)geo::readLayer(ref, options, issues);
        }
    } catch (const geo::Error&) {
    }
    return 0;
}
