#pragma once

#include "geo/crs/crs.h"
#include "geo/model/geometry_store.h"
#include "geo/progress.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// A raster (a GeoTIFF orthophoto, or anything GDAL opens as a raster) as its header describes
/// it. Cheap to copy; holds no open dataset, so any thread may read with it (each read opens its
/// own handle: GDAL is re-entrant, not thread-safe).
struct RasterInfo {
    struct Size {
        int width = 0;
        int height = 0;
    };

    std::string path;
    std::string driver;
    Size size; // full resolution, pixels
    int bandCount = 0;
    std::array<double, 6> geoTransform{0, 1, 0, 0, 0, -1}; // GDAL's affine, full resolution
    Envelope extent;                                       // in crs
    Crs crs;                                               // empty when the file has none
    /// Overviews of band 1, finest first (GDAL's order).
    std::vector<Size> overviews;

    /// Ground size of a full-resolution pixel in the raster's CRS units (the larger side).
    double pixelSizeUnits() const;
};

/// True when GDAL opens `path` as a raster and not as vector data (a GeoTIFF, a JPEG2000 …; a
/// GeoPackage with tiles and features counts as vector). Never throws.
bool isRasterSource(const std::string& path);

/// Opens `path` and reads its header. Throws IoError naming the file when GDAL cannot open it as
/// a raster or it has no georeferencing (no geotransform).
RasterInfo describeRaster(const std::string& path);

/// The resolution a read should use to show `unitsPerPixel` (raster CRS units per output pixel):
/// the coarsest overview whose pixels are no larger than that, so nothing finer than the output
/// is read and nothing coarser is stretched. -1 is the full resolution.
int overviewLevelFor(const RasterInfo& info, double unitsPerPixel);

/// The raster's extent in `target` (its outline, densified, transformed); the raster's own
/// extent when `target` is empty or the same CRS. Throws CrsError when no transform exists.
Envelope rasterExtentIn(const RasterInfo& info, const Crs& target);

/// Pixels read from a raster, 8-bit RGBA with straight (not premultiplied) alpha, row by row.
struct RasterImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;
    int overviewLevel = -1; // what was read: -1 full resolution, else the overview's index
    bool isEmpty() const { return width <= 0 || height <= 0; }
};

/// Reads the raster resampled onto a grid of `width` × `height` pixels that covers `window`
/// exactly (in `target`; an empty `target` is the raster's own CRS), north up. GDAL reads only
/// the part of the file under the window, at overviewLevelFor's level, and warps it into
/// `target` when that differs from the raster's CRS. Pixels outside the raster, or masked in it
/// (nodata, alpha, mask band), are transparent. One band is grey (or a palette), three or more
/// are red, green, blue; other data types than bytes are clipped to 0..255.
///
/// Blocking; `cancel` (may be null) is read while GDAL works: a cancelled read returns an
/// empty image. Throws IoError naming the file when it cannot be read, CrsError when the CRS
/// cannot be transformed.
RasterImage readRaster(const RasterInfo& info, const Envelope& window, int width, int height,
                       const Crs& target, const CancelFlag* cancel = nullptr);

} // namespace parkatlas::geo
