#pragma once

// A small orthophoto written at test time through the GDAL API (no binary in the repository),
// shared by tests/geo and tests/render.

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace parkatlas::testing {

/// The colours of the test orthophoto: the full resolution's two halves, and the colour each
/// overview is painted over with, so a test can tell which level a read used.
constexpr std::array<std::uint8_t, 3> kOrthoWest{200, 40, 40}; // red
constexpr std::array<std::uint8_t, 3> kOrthoEast{40, 40, 200}; // blue
constexpr std::array<std::array<std::uint8_t, 3>, 3> kOrthoOverviews{{
    {40, 180, 40},  // overview 0 (1:2): green
    {220, 200, 40}, // overview 1 (1:4): yellow
    {180, 40, 180}, // overview 2 (1:8): magenta
}};

/// Writes `path`: a 512 × 512 RGB GeoTIFF in EPSG:4547 (CGCS2000 GK CM 114E) with 1 m pixels, its
/// top-left corner at (`west`, `north`); the west half red, the east half blue. Overviews 1:2,
/// 1:4 and 1:8 (GDAL's own, in the file), then each painted its own flat colour
/// (kOrthoOverviews). Throws std::runtime_error when GDAL fails.
inline void writeTestOrthophoto(const std::string& path, double west = 497000,
                                double north = 3377000)
{
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    constexpr int kSize = 512;
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), kSize, kSize, 3, GDT_Byte, nullptr));
    if (!dataset)
        throw std::runtime_error("cannot create " + path);
    double transform[6] = {west, 1.0, 0.0, north, 0.0, -1.0};
    dataset->SetGeoTransform(transform);
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    dataset->SetSpatialRef(&srs);
    std::vector<std::uint8_t> row(kSize);
    for (int band = 0; band < 3; ++band) {
        for (int x = 0; x < kSize; ++x)
            row[static_cast<std::size_t>(x)] = x < kSize / 2 ? kOrthoWest[band] : kOrthoEast[band];
        GDALRasterBand* raster = dataset->GetRasterBand(band + 1);
        raster->SetColorInterpretation(static_cast<GDALColorInterp>(GCI_RedBand + band));
        for (int y = 0; y < kSize; ++y)
            if (raster->RasterIO(GF_Write, 0, y, kSize, 1, row.data(), kSize, 1, GDT_Byte, 0, 0) !=
                CE_None)
                throw std::runtime_error("cannot write " + path);
    }
    int levels[] = {2, 4, 8};
    if (dataset->BuildOverviews("AVERAGE", 3, levels, 0, nullptr, nullptr, nullptr) != CE_None)
        throw std::runtime_error("cannot build the overviews of " + path);
    for (int band = 0; band < 3; ++band) {
        GDALRasterBand* raster = dataset->GetRasterBand(band + 1);
        for (int level = 0; level < raster->GetOverviewCount(); ++level) {
            GDALRasterBand* overview = raster->GetOverview(level);
            const int width = overview->GetXSize();
            const int height = overview->GetYSize();
            std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height,
                                             kOrthoOverviews[level][band]);
            if (overview->RasterIO(GF_Write, 0, 0, width, height, pixels.data(), width, height,
                                   GDT_Byte, 0, 0) != CE_None)
                throw std::runtime_error("cannot paint the overviews of " + path);
        }
    }
}

} // namespace parkatlas::testing
