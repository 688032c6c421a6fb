#pragma once

#include "geo/io/source.h"
#include "geo/progress.h"

#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;

struct ConvertOptions {
    OpenOptions open;
    std::string targetSrs;  // --t-srs; empty keeps each layer's CRS
    bool overwrite = false; // replace an existing DEST (never an input)
    std::string vctEncoding; // the text encoding of a .vct DEST (empty: GBK)
    ProgressCallback progress;
};

struct ConvertedLayer {
    std::string sourceDataset;
    std::string sourceLayer;
    std::string targetLayer;
    std::int64_t featureCount = 0;
    EncodingChoice encoding;
    std::string crsLabel;
};

/// Converts every layer of `source` (see listLayers) into `destination`, whose format follows
/// its extension (.gpkg, .geojson, .shp, .fgb, .kml, .csv, .dxf, .vct (GB/T 17798, through
/// writeVct); a name without extension is a folder of shapefiles). Text is decoded per source file as decided by encodingForDataset and
/// written as UTF-8 (shapefiles get a .cpg saying so). Atomic: everything is written under a
/// temporary name beside DEST and renamed into place only when complete, so an interrupted or
/// failed run leaves DEST as it was. DEST may never be one of the inputs. Throws IoError,
/// CrsError, Cancelled.
std::vector<ConvertedLayer> convertSource(const std::string& source, const std::string& destination,
                                          const ConvertOptions& options, IssueSink& issues);

} // namespace parkatlas::geo
