#pragma once

#include "geo/crs/crs.h"
#include "geo/io/encoding.h"
#include "geo/message.h"

#include <gdal_priv.h>

#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;

/// True when `path` is a GB/T 17798 VCT exchange file (地理空间数据交换格式, the 国土调查
/// exchange format): its first non-blank line, after a byte-order mark, is `HeadBegin`. GDAL's
/// Idrisi driver also claims `.vct`; this sniff tells the two apart. Reads a few KB; never throws.
bool isVctFile(const std::string& path);

/// The text encoding of a VCT file: `userEncoding` when given; else UTF-8 when the file starts
/// with a UTF-8 byte-order mark or its text is valid multi-byte UTF-8; else GBK (CP936, how VCT
/// files are written), GB18030 where its four-byte sequences occur. Reads up to a few MB from
/// the start and the end of the file (where the attribute text is). Throws IoError when the file
/// cannot be read.
EncodingChoice chooseVctEncoding(const std::string& path, const std::string& userEncoding = {});

/// What the head of a VCT file says, as read.
struct VctHead {
    std::string dataMark; // LANDUSE-VCT, CNSDTF-VCT, LANDUSE.VCT, CADASTRE.VCT …
    std::string version;  // "3.0", "GB/T17798-2007" …
    char coordinateSystemType = 'C'; // C Cartesian, D geodetic (degrees), P projected
    std::string spheroid;
    std::string projection;
    std::string parameters;
    std::string date;
    char separator = ',';
    Crs crs;               // empty when the head does not name one we can build
    std::string crsReason; // how the CRS was found, or why there is none
};

/// Reads a VCT file (GB/T 17798-2007 and the land-survey variants LANDUSE-VCT 2.0/3.0,
/// CNSDTF-VCT) into an in-memory GDAL dataset (MEM driver), text decoded from `encoding` to
/// UTF-8. One OGR layer per attribute table (named after the table; the feature code and its name
/// in the layer's metadata items VCT_FEATURE_CODE and DESCRIPTION), fields typed from the table
/// structure, the feature id of each feature its OID, the CRS from the head. Points, lines,
/// direct and indirect polygons (rings stitched from line OIDs, negative OIDs reversed, or built
/// from polygon OIDs; outer and inner rings told apart by containment), annotations (a point
/// layer with the annotation's text in the field `text`) and attribute-only tables.
///
/// Bad data (a reference to a line that is not there, an unclosed ring, a bad number, a
/// truncated section …) goes to `issues` naming the file, the section, the line number and the
/// OID, and the rest is still read; an issue of kind Issue::Kind::GeometrySkipped (its message
/// starts "geometry skipped") means its feature was kept without geometry. Throws IoError naming
/// the file when it cannot be read, is not a VCT file or has no head. Loops are bounded by the
/// file's length whatever its counts say. `head`, when given, receives what the head says.
/// Thread-safety: any number of files at once.
GDALDatasetUniquePtr readVct(const std::string& path, const EncodingChoice& encoding,
                             IssueSink& issues, VctHead* head = nullptr);

/// The CRS a VCT head names: CGCS2000, Xi'an 1980 and Beijing 1954 (by the spheroid's axes or
/// name), geodetic or Gauss-Krüger 3°/6° zones with or without the zone number in the false
/// easting (then the EPSG CRS, see gaussKrugerEpsg), other central meridians as a custom
/// transverse Mercator. `dataExtent` (may be empty) settles a false easting that contradicts the
/// coordinates; `warnings` receives what the head got wrong. Empty when there is none.
Crs crsFromVctHead(VctHead& head, double minX, double maxX, std::vector<Message>& warnings);

} // namespace parkatlas::geo
