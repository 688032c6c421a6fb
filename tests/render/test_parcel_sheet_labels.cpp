// The neighbours' labels on a parcel sheet's map (issue 19): placed apart, the plot's own
// neighbours (四至) before the others, the rest dropped when there is no room.
#include "render_test_support.h"

#include "app/render/parcel_sheet.h"

#include <gtest/gtest.h>

#include <set>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

constexpr double kX0 = 500000, kY0 = 3300000;

/// A park in EPSG:4547 whose first parcel "P-0" is a 40 m square, surrounded by a grid of
/// `cellM` square parcels out to `reachM` from it, each with a long owner's name.
std::shared_ptr<const geo::Park> gridPark(double cellM, double reachM)
{
    std::vector<Feature> features = {{{square(kX0, kY0, kX0 + 40, kY0 + 40)}}};
    std::vector<std::pair<std::string, std::string>> attributes = {{"P-0", "本宗地有限公司"}};
    int n = 0;
    for (double x = kX0 - reachM; x < kX0 + 40 + reachM - 1e-9; x += cellM)
        for (double y = kY0 - reachM; y < kY0 + 40 + reachM - 1e-9; y += cellM) {
            if (x >= kX0 - 1e-9 && x < kX0 + 40 - 1e-9 && y >= kY0 - 1e-9 && y < kY0 + 40 - 1e-9)
                continue; // the plot itself
            features.push_back({{square(x, y, x + cellM, y + cellM)}});
            ++n;
            attributes.emplace_back("N-" + std::to_string(n),
                                    "相邻科技有限公司" + std::to_string(n));
        }
    geo::ParkLayer parcels;
    parcels.role = geo::Role::Parcels;
    auto layer = std::make_shared<geo::Layer>(
        *makeLayer("parcels", geo::GeometryKind::Polygon, features));
    layer->crs = geo::Crs::fromEpsg(4547);
    layer->attributes.setFields(
        {{"parcel_id", geo::FieldType::String, 20, 0}, {"owner", geo::FieldType::String, 60, 0}});
    for (const auto& [id, owner] : attributes) {
        layer->attributes.setText(0, id);
        layer->attributes.setText(1, owner);
        layer->attributes.commitRow();
    }
    parcels.layer = layer;
    parcels.fieldIndex = geo::resolveContractFields(geo::Role::Parcels, parcels.layer->attributes);
    auto park = std::make_shared<geo::Park>();
    park->name = "标注测试园";
    park->crs = geo::Crs::fromEpsg(4547);
    park->layers.push_back(std::move(parcels));
    return park;
}

ParcelSheetOptions sheetOptions()
{
    ParcelSheetOptions options;
    options.layout = defaultParcelSheetLayout();
    options.layout.date = QStringLiteral("2026年12月4日");
    return options;
}

} // namespace

TEST(ParcelSheetLabelsTest, DenseNeighboursAreLabelledWithoutOverlapAndTheRestDropped)
{
    // 6 m plots round a 40 m plot at 1:500: 12 mm squares under labels 20 mm wide.
    const auto park = gridPark(6, 60);
    const ParcelSheetBook book(park, geo::Role::Parcels, sheetOptions());
    const ParcelSheet sheet = book.sheet(0);
    ASSERT_EQ(book.scaleDenominator(sheet), 500);
    const auto labels = book.neighbourLabels(sheet);

    // Each label is a neighbour's, once, and no two overlap.
    std::set<std::size_t> labelled;
    for (const auto& label : labels) {
        EXPECT_NE(label.feature, 0u);
        EXPECT_TRUE(labelled.insert(label.feature).second) << label.feature;
        EXPECT_TRUE(label.text.startsWith(QStringLiteral("N-"))) << label.text.toStdString();
        EXPECT_TRUE(label.text.contains(QStringLiteral("相邻科技有限公司")));
    }
    for (std::size_t i = 0; i < labels.size(); ++i)
        for (std::size_t j = i + 1; j < labels.size(); ++j)
            EXPECT_FALSE(labels[i].boxMm.intersects(labels[j].boxMm))
                << labels[i].text.toStdString() << " and " << labels[j].text.toStdString();

    // Many are shown, far from all: the rest found no room and were left out.
    const std::size_t neighbours = park->layers[0].layer->featureCount() - 1;
    EXPECT_GE(labels.size(), 10u);
    EXPECT_LT(labels.size(), neighbours / 4);

    // The 四至's plots come first: the north and south rows along the plot (room for a label
    // between the plot's point labels and the next row) are labelled before any plot further
    // out pushes them away.
    std::size_t northSouth = 0, labelledNorthSouth = 0;
    for (const geo::Side side : {geo::Side::North, geo::Side::South})
        for (const geo::SideNeighbour& n : sheet.sides.sides[static_cast<std::size_t>(side)]) {
            ++northSouth;
            labelledNorthSouth += labelled.count(n.feature);
        }
    // 6 m is 12 mm at 1:500 and a label about 20 mm wide: every other one of a row fits.
    ASSERT_GE(northSouth, 12u);
    EXPECT_GE(labelledNorthSouth, 6u) << labelledNorthSouth << " of " << northSouth;
    // Placed in that order: every plot of the 四至 that got a label got it before any other.
    bool others = false;
    for (const auto& label : labels) {
        bool facing = false;
        for (const auto& side : sheet.sides.sides)
            for (const geo::SideNeighbour& n : side)
                facing = facing || n.feature == label.feature;
        EXPECT_FALSE(facing && others) << label.text.toStdString();
        others = others || !facing;
    }

    // And the sheet draws them.
    const QImage page = book.renderImage(sheet, 0, 100);
    ASSERT_FALSE(page.isNull());
    if (qEnvironmentVariableIsSet("PARKATLAS_TEST_SHOTS")) // to look at it
        page.save(qEnvironmentVariable("PARKATLAS_TEST_SHOTS") + "/dense_sheet.png");
    EXPECT_GT(nonBackgroundShare(page, qRgb(255, 255, 255)), 0.02);
}

TEST(ParcelSheetLabelsTest, WithRoomEveryPlotOfTheFourSidesIsLabelledInFull)
{
    // 40 m plots round a 40 m plot: the four beside it have room, in the full font.
    const auto park = gridPark(40, 40);
    const ParcelSheetBook book(park, geo::Role::Parcels, sheetOptions());
    const ParcelSheet sheet = book.sheet(0);
    const auto labels = book.neighbourLabels(sheet);
    std::size_t sides = 0;
    for (const auto& label : labels) {
        const geo::Envelope& e = park->layers[0].layer->geometry.envelope(label.feature);
        const bool besideThePlot = (e.minX == kX0 && e.maxX == kX0 + 40) ||
                                   (e.minY == kY0 && e.maxY == kY0 + 40);
        if (besideThePlot) {
            ++sides;
            EXPECT_EQ(label.points, 6.0) << label.text.toStdString();
        }
    }
    EXPECT_EQ(sides, 4u);
    for (std::size_t i = 0; i < labels.size(); ++i)
        for (std::size_t j = i + 1; j < labels.size(); ++j)
            EXPECT_FALSE(labels[i].boxMm.intersects(labels[j].boxMm));
}
