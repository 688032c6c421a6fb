#pragma once

#include "geo/crs/crs.h"
#include "geo/message.h"
#include "geo/crs/gauss_kruger.h"
#include "geo/io/encoding.h"
#include "geo/model/geometry_store.h"
#include "geo/model/layer.h"
#include "geo/progress.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Issue;

/// How to open a source: what the user said about it.
struct OpenOptions {
    std::string encoding;  // overrides every encoding guess (iconv name), "" to decide per file
    std::string sourceSrs; // the CRS to assume (--s-srs); overrides the file's own
    /// YYYY-MM-DD (--as-of, PARK@DATE): read the layer as it was at the end of that day, from
    /// its kept history (geo/store/history.h); "" = as it is now. A layer without history is
    /// read as it is, with a warning. discoverPark checks the date and clears it on the layers
    /// that keep no history.
    std::string asOf;

    /// Same options (a ParkSession keeps a layer only when it was read with the same ones).
    bool operator==(const OpenOptions&) const = default;
};

/// One layer of a source: the dataset to open and the layer's name in it.
struct LayerRef {
    std::string datasetPath;
    std::string layerName;
};

/// A SOURCE is a file OGR opens (one or many layers), a folder (every vector file in it, each
/// opened on its own so each shapefile gets its own encoding), or a connection string GDAL
/// understands. Throws IoError naming the source when nothing can be opened.
std::vector<LayerRef> listLayers(const std::string& source);

/// The same, but a folder's files that cannot be opened are listed (as IoError texts naming
/// each file) instead of stopping the listing. Throws IoError only when `source` itself cannot
/// be opened.
struct LayerListing {
    std::vector<LayerRef> layers;
    std::vector<std::string> failures;
};
LayerListing listSourceLayers(const std::string& source);

/// What the CRS of a layer is and how we know.
struct CrsResolution {
    Crs crs;                              // empty when unknown
    std::string origin;                   // ".prj", "GeoPackage", "--s-srs", "" …
    std::optional<ZoneProposal> proposal; // when there is no CRS but the eastings name a zone
    std::string hint;                     // other advice when there is no CRS
    std::vector<Message> warnings;        // "coordinates do not fit the declared CRS" …
};

struct FieldInfo {
    std::string name;
    std::string type; // "String(50)", "Real(19.8)", "Integer", "Date" …
};

/// Everything `parkatlas info` shows about one layer.
struct LayerInfo {
    LayerRef ref;
    std::string driver;
    std::string geometryType; // OGR's name, for instance "Polygon", "3D Line String"
    GeometryKind kind = GeometryKind::None;
    std::int64_t featureCount = -1;
    Envelope extent;
    CrsResolution crs;
    EncodingChoice encoding;
    std::vector<FieldInfo> fields;
    std::vector<std::string> warnings; // GDAL's own, and ours
};

/// Opens a layer and describes it (reads the header, the extent and the text encoding; reads no
/// features unless the format must scan for the extent). Throws IoError naming the file.
LayerInfo describeLayer(const LayerRef& ref, const OpenOptions& options = {});

/// What describeLayer says of a layer's name, driver, geometry, extent and CRS (the same
/// values), without what takes reading the attribute table: no text encoding (the .dbf is not
/// sampled), no fields, no feature count, no warnings but the CRS's. For work on the geometry
/// alone, such as `area`'s totals. Throws as describeLayer does.
LayerInfo describeLayerCrs(const LayerRef& ref, const OpenOptions& options = {});

struct ReadOptions {
    OpenOptions open;
    /// Reproject into this CRS while reading (empty: keep the layer's).
    Crs targetCrs;
    /// Throw CrsError when the layer's CRS is unknown and no --s-srs was given (the default);
    /// false keeps the raw coordinates with an empty CRS (for info and conversion of data that
    /// has none).
    bool requireCrs = true;
    ProgressCallback progress;
    /// Shapefiles: the geometry straight from the .shp and the attributes from the .dbf where
    /// sure to match GDAL's (readShapefileAttributes), else through GDAL, the reference: when
    /// the two disagree on the records, the layer is read through GDAL alone.
    bool directShapefileGeometry = true;
    /// The attribute fields to read (case-insensitive names); nullopt reads all of them, an
    /// empty list none (for work on geometry alone, such as a total area).
    std::optional<std::vector<std::string>> fields;
    /// Only the features this filter selects (OGR's SetAttributeFilter). On a PostGIS source
    /// GDAL hands it to the server as the WHERE clause, so it is PostgreSQL SQL there: how the
    /// server-side checks (geo/store/server_check.h) read only the features a rule can flag.
    std::string attributeFilter;
};

/// Reads a whole layer into flat storage. Broken features (a geometry that cannot be read, NaN
/// coordinates, a kind that does not fit the layer) are reported to `issues` with the file,
/// layer and fid, and kept with an empty geometry so attribute rows still line up. A corrupt
/// record that stops GDAL ends the read with an error issue; what was read is kept. Throws
/// IoError when the layer cannot be opened, CrsError per ReadOptions::requireCrs, Cancelled.
Layer readLayer(const LayerRef& ref, const ReadOptions& options, IssueSink& issues);

/// True when `issue`, reported by readLayer or the direct shapefile reader, means that the
/// feature it names was kept without its geometry (a corrupt or unreadable record, NaN or
/// infinite coordinates): its area or length is unknown, not 0.
bool issueDropsGeometry(const Issue& issue);

/// The encoding chosen for a dataset path (shapefile: per its DBF; other formats per format).
EncodingChoice encodingForDataset(const std::string& datasetPath, const OpenOptions& options);

} // namespace parkatlas::geo
