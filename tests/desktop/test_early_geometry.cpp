// A big shapefile's geometry reaches the map before its attributes (issue 21: the first picture
// of a million plots within 1.5 s): loadMap hands it over once, styled, with the same features
// and coordinates as the full read that follows.
#include "app/desktop/source_loader.h"
#include "tests/support/scratch_dir.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <QTest>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

/// A shapefile of `columns` × `rows` squares of 50 m (EPSG:4547) with a land_use field: at 136
/// bytes a record, 64 000 of them make a .shp over kEarlyGeometryBytes.
std::string writeSquares(const std::filesystem::path& dir, int columns, int rows)
{
    GDALAllRegister();
    const std::string path = (dir / "parcels.shp").string();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDatasetUniquePtr dataset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference crs;
    crs.importFromEPSG(4547);
    OGRLayer* layer = dataset->CreateLayer("parcels", &crs, wkbPolygon, nullptr);
    OGRFieldDefn field("land_use", OFTString);
    field.SetWidth(4);
    layer->CreateField(&field);
    const char* codes[] = {"0601", "0701", "1001"};
    for (int row = 0; row < rows; ++row)
        for (int column = 0; column < columns; ++column) {
            const double x = 500000 + column * 50.0;
            const double y = 3375000 + row * 50.0;
            OGRLinearRing ring;
            ring.addPoint(x, y);
            ring.addPoint(x, y + 50);
            ring.addPoint(x + 50, y + 50);
            ring.addPoint(x + 50, y);
            ring.addPoint(x, y);
            OGRPolygon polygon;
            polygon.addRing(&ring);
            OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
            feature->SetField(0, codes[(row + column) % 3]);
            feature->SetGeometry(&polygon);
            if (layer->CreateFeature(feature.get()) != OGRERR_NONE)
                return {};
        }
    return path;
}

} // namespace

class MapEarlyGeometryTest : public QObject {
    Q_OBJECT
private slots:
    void aBigShapefilesGeometryComesFirstAndMatchesTheFullRead();
    void aSmallShapefileComesOnlyWhole();
};

void MapEarlyGeometryTest::aBigShapefilesGeometryComesFirstAndMatchesTheFullRead()
{
    const std::string path = writeSquares(test::scratch("big"), 320, 200);
    QVERIFY(!path.empty());
    QVERIFY(std::filesystem::file_size(path) >= kEarlyGeometryBytes);
    std::vector<std::vector<render::LayerSnapshot>> early;
    geo::Crs earlyCrs;
    const LoadedMap map = loadMap(
        {path}, {}, QStringLiteral(PARKATLAS_STYLES_DIR), {},
        [&](std::vector<render::LayerSnapshot> layers, geo::Crs crs) {
            early.push_back(std::move(layers));
            earlyCrs = std::move(crs);
        });
    QVERIFY(map.report.problems.empty());
    QCOMPARE(map.report.layers.size(), std::size_t(1));
    QCOMPARE(early.size(), std::size_t(1));
    QCOMPARE(early[0].size(), std::size_t(1));
    const geo::Layer& first = *early[0][0].layer;
    const geo::Layer& whole = *map.report.layers[0];
    QVERIFY(earlyCrs.isSameAs(map.report.mapCrs));
    QCOMPARE(first.featureCount(), std::size_t(64000));
    QVERIFY(first.fids == whole.fids);
    QVERIFY(std::ranges::equal(first.geometry.coordinates(), whole.geometry.coordinates()));
    // No attributes yet: the full read brings them.
    QVERIFY(first.attributes.fields().empty());
    QCOMPARE(whole.attributes.fields().size(), std::size_t(1));
    // Styled as the parcels it is (its file's name).
    QCOMPARE(early[0][0].role, map.layers.back().role);
}

void MapEarlyGeometryTest::aSmallShapefileComesOnlyWhole()
{
    const std::string path = writeSquares(test::scratch("small"), 20, 10);
    QVERIFY(!path.empty());
    int calls = 0;
    const LoadedMap map =
        loadMap({path}, {}, QStringLiteral(PARKATLAS_STYLES_DIR), {},
                [&](std::vector<render::LayerSnapshot>, geo::Crs) { ++calls; });
    QCOMPARE(map.report.layers.size(), std::size_t(1));
    QCOMPARE(map.report.layers[0]->featureCount(), std::size_t(200));
    QCOMPARE(calls, 0);
}

QTEST_MAIN(MapEarlyGeometryTest)
#include "test_early_geometry.moc"
