#include "geo/io/raster.h"

#include "geo/crs/transform.h"
#include "geo/error.h"
#include "geo/gdal_session.h"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

namespace parkatlas::geo {

namespace {

GDALDatasetUniquePtr openRaster(const std::string& path, int overviewLevel,
                                GdalErrorCapture& errors)
{
    CPLStringList openOptions;
    if (overviewLevel >= 0)
        openOptions.AddNameValue("OVERVIEW_LEVEL", std::to_string(overviewLevel).c_str());
    GDALDatasetUniquePtr dataset(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY,
                                                   nullptr, openOptions.List(), nullptr));
    if (!dataset) {
        std::string why = errors.lastFailure();
        throw IoError("cannot open as a raster" + (why.empty() ? std::string() : ": " + why),
                      {path, {}, -1, {}});
    }
    return dataset;
}

struct WarpOptionsDeleter {
    void operator()(GDALWarpAppOptions* options) const noexcept { GDALWarpAppOptionsFree(options); }
};

int CPL_STDCALL keepGoing(double, const char*, void* data)
{
    const auto* cancel = static_cast<const CancelFlag*>(data);
    return cancel && cancel->isCancelled() ? FALSE : TRUE;
}

std::string formatNumber(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

} // namespace

double RasterInfo::pixelSizeUnits() const
{
    return std::max(std::hypot(geoTransform[1], geoTransform[4]),
                    std::hypot(geoTransform[2], geoTransform[5]));
}

bool isRasterSource(const std::string& path)
{
    ensureGdal();
    GdalErrorCapture errors;
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY));
    return dataset && dataset->GetRasterCount() > 0 && dataset->GetLayerCount() == 0;
}

RasterInfo describeRaster(const std::string& path)
{
    ensureGdal();
    GdalErrorCapture errors;
    GDALDatasetUniquePtr dataset = openRaster(path, -1, errors);
    RasterInfo info;
    info.path = path;
    info.driver = dataset->GetDriver() ? dataset->GetDriver()->GetDescription() : "";
    info.size = {dataset->GetRasterXSize(), dataset->GetRasterYSize()};
    info.bandCount = dataset->GetRasterCount();
    if (info.bandCount == 0)
        throw IoError("the raster has no bands", {path, {}, -1, {}});
    if (dataset->GetGeoTransform(info.geoTransform.data()) != CE_None)
        throw IoError("the raster has no georeferencing (no geotransform or world file): it "
                      "cannot be placed on the map",
                      {path, {}, -1, {}});
    info.crs = Crs::fromOgr(dataset->GetSpatialRef());
    const auto& t = info.geoTransform;
    for (const auto& [column, row] :
         {std::pair{0, 0}, std::pair{info.size.width, 0}, std::pair{0, info.size.height},
          std::pair{info.size.width, info.size.height}})
        info.extent.expand(t[0] + column * t[1] + row * t[2], t[3] + column * t[4] + row * t[5]);
    GDALRasterBand* band = dataset->GetRasterBand(1);
    for (int i = 0; i < band->GetOverviewCount(); ++i)
        if (GDALRasterBand* overview = band->GetOverview(i))
            info.overviews.push_back({overview->GetXSize(), overview->GetYSize()});
    return info;
}

int overviewLevelFor(const RasterInfo& info, double unitsPerPixel)
{
    const double fullPixel = info.pixelSizeUnits();
    if (!(unitsPerPixel > 0) || !(fullPixel > 0) || info.size.width <= 0)
        return -1;
    int level = -1;
    double levelPixel = fullPixel;
    for (std::size_t i = 0; i < info.overviews.size(); ++i) {
        if (info.overviews[i].width <= 0)
            continue;
        const double pixel =
            fullPixel * static_cast<double>(info.size.width) / info.overviews[i].width;
        // A hair of tolerance: an overview of exactly the asked size is the one to read.
        if (pixel <= unitsPerPixel * (1 + 1e-9) && pixel > levelPixel) {
            level = static_cast<int>(i);
            levelPixel = pixel;
        }
    }
    return level;
}

Envelope rasterExtentIn(const RasterInfo& info, const Crs& target)
{
    if (target.isEmpty() || info.crs.isEmpty() || info.crs.isSameAs(target))
        return info.extent;
    // The outline of the pixel grid, 32 points a side: a projected edge is curved in another CRS.
    constexpr int kSteps = 32;
    std::vector<double> xy;
    const auto& t = info.geoTransform;
    auto add = [&](double column, double row) {
        xy.push_back(t[0] + column * t[1] + row * t[2]);
        xy.push_back(t[3] + column * t[4] + row * t[5]);
    };
    const double width = info.size.width;
    const double height = info.size.height;
    for (int i = 0; i <= kSteps; ++i) {
        const double share = static_cast<double>(i) / kSteps;
        add(share * width, 0);
        add(share * width, height);
        add(0, share * height);
        add(width, share * height);
    }
    Transform transform(info.crs, target);
    transform.forward(xy.data(), xy.size() / 2);
    Envelope extent;
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2)
        if (std::isfinite(xy[i]) && std::isfinite(xy[i + 1]))
            extent.expand(xy[i], xy[i + 1]);
    return extent;
}

RasterImage readRaster(const RasterInfo& info, const Envelope& window, int width, int height,
                       const Crs& target, const CancelFlag* cancel)
{
    RasterImage image;
    if (width <= 0 || height <= 0 || window.isEmpty())
        return image;
    const bool reproject = !target.isEmpty() && !info.crs.isEmpty() && !info.crs.isSameAs(target);
    const Envelope extentInTarget = reproject ? rasterExtentIn(info, target) : info.extent;
    if (!extentInTarget.intersects(window))
        return image;

    // The output's pixel size in the raster's units: scaled by how much the raster's extent
    // grows or shrinks from its CRS into the target (degrees ↔ metres).
    double unitsPerPixel = window.width() / width;
    if (reproject && extentInTarget.width() > 0)
        unitsPerPixel *= info.extent.width() / extentInTarget.width();
    image.overviewLevel = overviewLevelFor(info, unitsPerPixel);

    ensureGdal();
    GdalErrorCapture errors;
    GDALDatasetUniquePtr source = openRaster(info.path, image.overviewLevel, errors);
    GDALRasterBand* first = source->GetRasterBand(1);
    const bool palette =
        first->GetColorTable() != nullptr && first->GetColorInterpretation() == GCI_PaletteIndex;
    int colourBands = 0;
    for (int band = 1; band <= source->GetRasterCount(); ++band)
        if (source->GetRasterBand(band)->GetColorInterpretation() != GCI_AlphaBand)
            ++colourBands;
    colourBands = std::min(colourBands, palette ? 1 : 3);
    if (colourBands == 0)
        throw IoError("the raster has only an alpha band", {info.path, {}, -1, {}});

    // gdalwarp onto the output grid: only the blocks under the window are read, and the same
    // call reprojects when the CRSs differ. -dstalpha makes outside and nodata transparent.
    CPLStringList arguments;
    for (const char* argument : {"-of", "MEM", "-ovr", "NONE", "-dstalpha", "-ot", "Byte"})
        arguments.AddString(argument);
    arguments.AddString("-r");
    arguments.AddString(palette ? "near" : "bilinear");
    arguments.AddString("-te");
    for (const double value : {window.minX, window.minY, window.maxX, window.maxY})
        arguments.AddString(formatNumber(value).c_str());
    arguments.AddString("-ts");
    arguments.AddString(std::to_string(width).c_str());
    arguments.AddString(std::to_string(height).c_str());
    if (reproject) {
        arguments.AddString("-t_srs");
        arguments.AddString(target.wkt().c_str());
    }
    std::unique_ptr<GDALWarpAppOptions, WarpOptionsDeleter> options(
        GDALWarpAppOptionsNew(arguments.List(), nullptr));
    if (!options)
        throw IoError("cannot set up the raster read: " + errors.lastFailure(),
                      {info.path, {}, -1, {}});
    GDALWarpAppOptionsSetProgress(options.get(), keepGoing, const_cast<CancelFlag*>(cancel));
    GDALDatasetH sourceHandle = GDALDataset::ToHandle(source.get());
    int usageError = FALSE;
    GDALDatasetUniquePtr warped(GDALDataset::FromHandle(
        GDALWarp("", nullptr, 1, &sourceHandle, options.get(), &usageError)));
    if (cancel && cancel->isCancelled())
        return RasterImage{};
    if (!warped)
        throw IoError("cannot read the raster: " + errors.lastFailure(), {info.path, {}, -1, {}});

    // Every band of the source is warped (GDAL 3.6's gdalwarp cannot pick bands), then the
    // alpha band -dstalpha added last; the colours are the first one or three.
    const int bandCount = warped->GetRasterCount();
    if (bandCount < 2)
        throw IoError("cannot read the raster: no alpha band after warping",
                      {info.path, {}, -1, {}});
    const int dataBands = bandCount - 1;
    if (colourBands > dataBands)
        colourBands = dataBands >= 3 ? 3 : 1;
    const auto pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    std::vector<int> wanted;
    for (int band = 1; band <= colourBands; ++band)
        wanted.push_back(band);
    wanted.push_back(bandCount);
    std::vector<std::uint8_t> bands(pixels * wanted.size());
    if (warped->RasterIO(GF_Read, 0, 0, width, height, bands.data(), width, height, GDT_Byte,
                         static_cast<int>(wanted.size()), wanted.data(), 1, width,
                         static_cast<GSpacing>(pixels), nullptr) != CE_None)
        throw IoError("cannot read the raster: " + errors.lastFailure(), {info.path, {}, -1, {}});

    image.width = width;
    image.height = height;
    image.rgba.resize(pixels * 4);
    const std::uint8_t* alpha = bands.data() + pixels * static_cast<std::size_t>(colourBands);
    const GDALColorTable* table = palette ? first->GetColorTable() : nullptr;
    for (std::size_t i = 0; i < pixels; ++i) {
        std::uint8_t* out = image.rgba.data() + 4 * i;
        if (table) {
            const GDALColorEntry* entry = table->GetColorEntry(bands[i]);
            out[0] = entry ? static_cast<std::uint8_t>(entry->c1) : 0;
            out[1] = entry ? static_cast<std::uint8_t>(entry->c2) : 0;
            out[2] = entry ? static_cast<std::uint8_t>(entry->c3) : 0;
            out[3] =
                entry ? static_cast<std::uint8_t>(std::min<int>(entry->c4, alpha[i])) : alpha[i];
            continue;
        }
        for (int channel = 0; channel < 3; ++channel)
            out[channel] =
                bands[pixels * static_cast<std::size_t>(colourBands == 3 ? channel : 0) + i];
        out[3] = alpha[i];
    }
    return image;
}

} // namespace parkatlas::geo
