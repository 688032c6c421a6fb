#pragma once

#include "geo/envelope.h"
#include "geo/model/geometry_store.h"
#include "geo/model/layer.h"
#include "geo/progress.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
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

/// A polygon record of a shapefile as visitShapefilePolygons hands it: one ring (the common
/// plot), or several rings organised as readShapefileGeometry organises them, or nothing (a
/// null shape, no points, or a geometry skipped with a warning: an empty feature).
struct ShapefilePolygon {
    /// The feature's only ring (x,y interleaved, as stored: closed or not), copied out of the
    /// file (aligned), and the bounds of its vertices. Empty when `organised` is set.
    std::span<const double> ring;
    Envelope envelope;
    /// Several rings: feature 0 of this store, as readShapefileGeometry would store it.
    const GeometryStore* organised = nullptr;
    bool isEmpty() const { return !organised && ring.empty(); }
};

/// Called with record `record` of a polygon shapefile, on worker `worker`; the polygon's views
/// are valid during the call only.
using PolygonVisitor =
    std::function<void(unsigned worker, std::size_t record, const ShapefilePolygon& polygon)>;

/// The records of a polygon shapefile visited one by one where they lie in the mapped file, on
/// both cores, without building a store: the same rings as readShapefileGeometry reads and the
/// same issues, for work that reads each vertex once (a total area). Throws IoError as
/// readShapefileGeometry does, and when the file does not hold polygons.
void visitShapefilePolygons(const std::string& shpPath, IssueSink& issues,
                            const RecordsVisitor& onRecords, const PolygonVisitor& visit);

/// The kind of geometry readShapefileGeometry would read from `shpPath` (its header's shape
/// type), GeometryKind::None when it cannot. Reads the 100-byte header only.
GeometryKind shapefileGeometryKind(const std::string& shpPath);

/// A field of a shapefile's .dbf as readLayer keeps it (readShapefileAttributes).
struct ShapefileField {
    int dbfIndex = 0; // its index in GDAL's layer definition, which is its place in the .dbf
    FieldType type = FieldType::String;
    bool int32 = false; // GDAL holds it as a 32-bit integer (OFTInteger)
    int width = 0;      // GDAL's width of it
};

/// The attributes of the records `fids` of a shapefile (readShapefileGeometry's fids), `fields`
/// of the table being read and `read` where each comes from, decoded from the mapped .dbf on
/// both cores: the values readLayer gets for them through GDAL (shapelib's trimming and nulls,
/// GDAL's parsing of numbers and dates). Only what is sure to come out as GDAL gives it is
/// decoded here: valid UTF-8 text in `encoding` "UTF-8", text of a stateless encoding (GBK,
/// GB18030, Big5, the code pages …) that iconv recodes whole to valid UTF-8 (as GDAL recodes
/// it); numbers and dates written plainly; a .dbf whose header agrees with
/// GDAL's fields (`gdalFieldCount` of them) and holds as many whole records as the .shx.
/// Anything else (another field type, a value GDAL would recode, clamp or warn about, a file
/// through a virtual path) gives nullopt, and the caller reads the attributes through GDAL.
/// Throws Cancelled when `progress` returns false.
std::optional<AttributeTable>
readShapefileAttributes(const std::string& shpPath, const std::vector<FieldDef>& fields,
                        const std::vector<ShapefileField>& read, int gdalFieldCount,
                        std::span<const std::int64_t> fids, const std::string& encoding,
                        const ProgressCallback& progress = {});

/// True when readShapefileGeometry can read `shpPath`'s shape type (point, multipoint, line,
/// polygon, with or without Z/M). Reads the 100-byte header only.
bool canReadShapefileGeometry(const std::string& shpPath);

} // namespace parkatlas::geo
