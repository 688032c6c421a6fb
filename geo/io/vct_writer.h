#pragma once

#include "geo/io/source.h"

#include <cstdint>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;

struct VctWriteOptions {
    OpenOptions open;               // how to read the sources (--encoding, --s-srs)
    std::string targetSrs;          // --t-srs; empty: the first layer's CRS (all must share one)
    std::string encoding = "CP936"; // of the VCT text: GBK, as the land-survey tools expect
    bool overwrite = false;         // replace an existing DEST
};

struct VctWrittenTable {
    std::string sourceDataset;
    std::string sourceLayer;
    std::string table;
    std::string featureCode; // empty for an attribute-only table
    std::int64_t featureCount = 0;
    EncodingChoice sourceEncoding;
    std::string crsLabel;
};

/// Writes `layers` as one VCT 3.0 file in the LANDUSE-VCT layout (GB/T 17798-2007 as the land
/// surveys use it): the head with the CRS's spheroid, projection and Gauss-Krüger parameters
/// (central meridian, scale, false easting with or without the zone number, false northing,
/// zone width and number), one feature code and attribute table per layer (table named after
/// the layer; the feature code and name kept from a VCT source, else made up as 9NNN000000),
/// points, lines, polygons written direct (rings of points, a label point inside), layers
/// without geometry as attribute-only tables, and the attribute rows. The OID of a feature is
/// its source feature id (made positive), unique within its table, so a park's ids survive a
/// round trip. Text is in `options.encoding` (GBK by default), commas in text become
/// full-width '，', line breaks spaces, dates yyyymmdd. Layers in another CRS than the target
/// are reprojected. Written atomically (temporary beside DEST, renamed when complete).
/// Features that cannot be written (a geometry of the wrong kind, text GBK cannot hold) are
/// reported to `issues`. Throws IoError (DEST exists without overwrite, cannot be written, a
/// layer cannot be read), CrsError (no CRS and none given).
std::vector<VctWrittenTable> writeVct(const std::vector<LayerRef>& layers,
                                      const std::string& destination,
                                      const VctWriteOptions& options, IssueSink& issues);

} // namespace parkatlas::geo
