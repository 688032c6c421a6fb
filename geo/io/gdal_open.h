#pragma once

#include "geo/io/encoding.h"
#include "geo/io/gdal_session.h"

#include <gdal_priv.h>

#include <string>

namespace parkatlas::geo {

/// Opens `path` read-only as vector data, shapefiles with the given text encoding. Throws
/// IoError naming the file and saying in plain words why it cannot be opened (missing .shx,
/// empty file, Git LFS pointer, not a shapefile, GDAL's own message).
GDALDatasetUniquePtr openVectorDataset(const std::string& path, const EncodingChoice& encoding,
                                       GdalErrorCapture& errors);

} // namespace parkatlas::geo
