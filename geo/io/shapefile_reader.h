#pragma once

#include "geo/model/geometry_store.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;

/// The geometry of a shapefile read straight from the .shp bytes into a GeometryStore, without
/// GDAL's per-feature objects: the fast path for work that needs every vertex of a big layer
/// (areas, rendering). GDAL still reads the attributes and stays the reference: the test suite
/// checks this reader against it on every real shapefile we have.
struct ShapefileGeometry {
    GeometryStore geometry;
    std::vector<std::int64_t> fids; // record index (0-based), as GDAL numbers shapefile FIDs
};

/// Reads `shpPath`. Records whose DBF row is marked deleted are skipped (as GDAL does). Null
/// shapes are empty features. Polygon rings are grouped the way GDAL's ONLY_CCW organisation
/// does: a clockwise ring starts a polygon, a counter-clockwise ring is a hole of the polygon
/// before it; a record whose rings all turn counter-clockwise (wrongly wound) gets one polygon
/// per ring. Z and M are dropped. A corrupt record (a length or count that runs past the file
/// or its record) is reported to `issues` with its fid and kept as an empty feature. Uses both
/// cores for large files. Throws IoError when the file is not a shapefile or holds multipatches
/// (those go through GDAL).
ShapefileGeometry readShapefileGeometry(const std::string& shpPath, IssueSink& issues);

/// Called with consecutive records [firstRecord, firstRecord + chunk.featureCount()) of a
/// shapefile, on worker `worker` (each worker sees its own chunks in order).
using ChunkVisitor =
    std::function<void(unsigned worker, const GeometryStore& chunk, std::size_t firstRecord)>;

/// Called once before the chunks with the layer's kind and the fids of all its records (the
/// visitor may move them away: the reader does not use them afterwards).
using RecordsVisitor = std::function<void(GeometryKind kind, std::vector<std::int64_t>& fids)>;

/// The same records as readShapefileGeometry, visited a few thousand at a time on both cores
/// without keeping the whole layer: for work that needs each feature once (a total area).
/// Problems go to `issues` as readShapefileGeometry reports them.
void visitShapefileGeometry(const std::string& shpPath, IssueSink& issues,
                            const RecordsVisitor& onRecords, const ChunkVisitor& visit);

/// True when readShapefileGeometry can read `shpPath`'s shape type (point, multipoint, line,
/// polygon, with or without Z/M). Reads the 100-byte header only.
bool canReadShapefileGeometry(const std::string& shpPath);

} // namespace parkatlas::geo
