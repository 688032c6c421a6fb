#pragma once

#include "geo/gdal_session.h"
#include "geo/io/encoding.h"
#include "geo/issue.h"

#include <gdal_priv.h>

#include <string>
#include <vector>

namespace parkatlas::geo {

/// Opens `path` read-only as vector data, shapefiles with the given text encoding. Throws
/// IoError naming the file and saying in plain words why it cannot be opened (missing .shx,
/// empty file, Git LFS pointer, not a shapefile, GDAL's own message). A GB/T 17798 VCT file
/// (.vct starting with HeadBegin; GDAL has no driver for it) is read by readVct into an
/// in-memory dataset, its text decoded from `encoding` (chooseVctEncoding when empty); the
/// problems found in its data are kept with the dataset: see readerIssues().
GDALDatasetUniquePtr openVectorDataset(const std::string& path, const EncodingChoice& encoding,
                                       GdalErrorCapture& errors);

/// The metadata domain in which openVectorDataset keeps the problems our own readers (VCT)
/// found in a dataset's data.
inline constexpr const char* kReaderIssuesDomain = "PARKATLAS_ISSUES";

/// The problems our own reader found while opening `dataset` that concern layer `layerName`
/// (those of the file as a whole included), as issues naming that layer. Empty for datasets
/// GDAL opened itself.
std::vector<Issue> readerIssues(GDALDataset& dataset, const std::string& layerName);

} // namespace parkatlas::geo
